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
