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
