/**
 * Tiny synthetic environments with a known best return, for "does it learn" tests in the manner of
 * ML-Agents' check_environment_trains.
 */
import { Rng, box, discrete, type Action, type Env, type ResetResult, type StepResult } from '../../src/env/index.js';

/** Say the sign of the observation: +1 per correct guess, 10 steps. Random: 5, best: 10. */
export class SignEnv implements Env {
  readonly observationSpace = box([2], -1, 1);
  readonly actionSpace = discrete(2);
  private readonly rng = new Rng(0);
  private x = 0;
  private t = 0;

  reset(seed?: number): ResetResult {
    if (seed !== undefined) this.rng.seed(seed);
    this.t = 0;
    return { observation: this.draw(), info: {} };
  }

  step(action: Action): StepResult {
    const reward = (action === 1) === this.x > 0 ? 1 : 0;
    this.t += 1;
    return { observation: this.draw(), reward, terminated: false, truncated: this.t >= 10, info: {} };
  }

  private draw(): Float32Array {
    this.x = this.rng.float() < 0.5 ? -1 : 1;
    return Float32Array.of(this.x, this.rng.uniform(-1, 1));
  }
}

/** Match the observation with a continuous action: reward -(a - x)^2, 8 steps. Best: 0. */
export class MatchEnv implements Env {
  readonly observationSpace = box([1], -1, 1);
  readonly actionSpace = box([1], -2, 2);
  private readonly rng = new Rng(0);
  private x = 0;
  private t = 0;

  reset(seed?: number): ResetResult {
    if (seed !== undefined) this.rng.seed(seed);
    this.t = 0;
    return { observation: this.draw(), info: {} };
  }

  step(action: Action): StepResult {
    const a = (action as ArrayLike<number>)[0]!;
    const reward = -((a - this.x) ** 2);
    this.t += 1;
    return { observation: this.draw(), reward, terminated: false, truncated: this.t >= 8, info: {} };
  }

  private draw(): Float32Array {
    this.x = this.rng.uniform(-1, 1);
    return Float32Array.of(this.x);
  }
}

/**
 * Avoid the trap, and pick the target when there is one. Each step one of 4 choices is a trap that
 * ends the episode at once with -1; on half the steps another is a target worth +1; the rest are
 * worth 0. Both are one-hot in the observation (4 + 4 numbers; no target: zeros); 20 steps. With
 * `masked`, the env forbids the trap through its action mask (`info.actionMask`, as SceneEnv gives
 * it), so only the target is left to learn. Best: about 10; random: about 0 unmasked, 3.3 masked.
 * `trapsTaken` counts the traps walked into, over every episode.
 */
export class TrapEnv implements Env {
  readonly observationSpace = box([8], 0, 1);
  readonly actionSpace = discrete(4);
  trapsTaken = 0;
  private readonly rng = new Rng(0);
  /** -1 when this step has no target. */
  private target = 0;
  private trap = 1;
  private t = 0;

  constructor(readonly masked: boolean) {}

  reset(seed?: number): ResetResult {
    if (seed !== undefined) this.rng.seed(seed);
    this.t = 0;
    const observation = this.draw();
    return { observation, info: this.info() };
  }

  step(action: Action): StepResult {
    this.t += 1;
    if (action === this.trap) {
      this.trapsTaken += 1;
      return { observation: this.draw(), reward: -1, terminated: true, truncated: false, info: this.info() };
    }
    const reward = action === this.target ? 1 : 0;
    return { observation: this.draw(), reward, terminated: false, truncated: this.t >= 20, info: this.info() };
  }

  private info(): Record<string, unknown> {
    return this.masked ? { actionMask: [0, 1, 2, 3].map((a) => a !== this.trap) } : {};
  }

  private draw(): Float32Array {
    const target = this.rng.int(4);
    this.trap = (target + 1 + this.rng.int(3)) % 4;
    this.target = this.rng.float() < 0.5 ? target : -1;
    const obs = new Float32Array(8);
    if (this.target >= 0) obs[this.target] = 1;
    obs[4 + this.trap] = 1;
    return obs;
  }
}

/**
 * Step toward the beacon: a `size` x `size` grid (GridSensor2D's layout, 2 channels: empty, beacon)
 * holds one beacon; the agent stands at the centre. Actions: 0 up, 1 down, 2 left, 3 right. +1 for
 * a step along the axis the beacon is furthest on (either, on a tie), then a new beacon; 10 steps.
 * Around the grid are two numbers of noise before it and one after, which a torso must pass by.
 * Best: 10; random: about 2.5 (2 and some ties).
 */
export class BeaconEnv implements Env {
  readonly observationSpace: ReturnType<typeof box>;
  readonly actionSpace = discrete(4);
  private readonly rng = new Rng(0);
  private bx = 0;
  private by = 0;
  private t = 0;

  constructor(readonly size = 7) {
    this.observationSpace = box([2 + size * size * 2 + 1], -1, 1);
  }

  reset(seed?: number): ResetResult {
    if (seed !== undefined) this.rng.seed(seed);
    this.t = 0;
    return { observation: this.draw(), info: {} };
  }

  step(action: Action): StepResult {
    const c = (this.size - 1) / 2;
    const dx = this.bx - c;
    const dy = this.by - c;
    const good: number[] = [];
    if (Math.abs(dy) >= Math.abs(dx)) good.push(dy < 0 ? 0 : 1);
    if (Math.abs(dx) >= Math.abs(dy)) good.push(dx < 0 ? 2 : 3);
    const reward = good.includes(action as number) ? 1 : 0;
    this.t += 1;
    return { observation: this.draw(), reward, terminated: false, truncated: this.t >= 10, info: {} };
  }

  private draw(): Float32Array {
    const s = this.size;
    const c = (s - 1) / 2;
    do {
      this.bx = this.rng.int(s);
      this.by = this.rng.int(s);
    } while (this.bx === c && this.by === c);
    const obs = new Float32Array(2 + s * s * 2 + 1);
    obs[0] = this.rng.uniform(-1, 1);
    obs[1] = this.rng.uniform(-1, 1);
    for (let cell = 0; cell < s * s; cell++) obs[2 + cell * 2] = 1;
    const at = 2 + (this.by * s + this.bx) * 2;
    obs[at] = 0;
    obs[at + 1] = 1;
    obs[obs.length - 1] = this.rng.uniform(-1, 1);
    return obs;
  }
}
