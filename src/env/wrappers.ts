/**
 * Wrappers change one aspect of an env and pass the rest through. Stats objects can be shared
 * between the wrappers of a vector env so that all its envs use, and feed, one normaliser.
 */
import type { Env, ResetResult, StepResult } from './env.js';
import { ReturnScale, RunningMeanStd, normalizeInto } from './running-stats.js';
import { flatSize, type Action } from './spaces.js';

export abstract class Wrapper implements Env {
  constructor(readonly env: Env) {}
  get observationSpace() {
    return this.env.observationSpace;
  }
  get actionSpace() {
    return this.env.actionSpace;
  }
  reset(seed?: number): ResetResult {
    return this.env.reset(seed);
  }
  step(action: Action): StepResult {
    return this.env.step(action);
  }
  close(): void {
    this.env.close?.();
  }
}

/** Truncates an episode after `maxEpisodeSteps` steps unless it terminated first. */
export class TimeLimit extends Wrapper {
  private elapsed = 0;

  constructor(env: Env, readonly maxEpisodeSteps: number) {
    super(env);
    if (!Number.isInteger(maxEpisodeSteps) || maxEpisodeSteps <= 0) throw new Error(`TimeLimit: maxEpisodeSteps must be a positive integer, got ${maxEpisodeSteps}`);
  }

  override reset(seed?: number): ResetResult {
    this.elapsed = 0;
    return this.env.reset(seed);
  }

  override step(action: Action): StepResult {
    const r = this.env.step(action);
    this.elapsed += 1;
    if (this.elapsed >= this.maxEpisodeSteps && !r.terminated) return { ...r, truncated: true };
    return r;
  }
}

export interface NormalizeObservationOptions {
  /** Shared statistics; a fresh one by default. */
  stats?: RunningMeanStd;
  /** Normalised values are clipped to [-clip, clip]. */
  clip?: number;
  epsilon?: number;
}

/** Observations become (x - mean) / sqrt(var + eps), clipped, with running statistics. */
export class NormalizeObservation extends Wrapper {
  readonly stats: RunningMeanStd;
  /** While true, every observation seen updates the statistics; turn off to evaluate. */
  training = true;
  private readonly clip: number;
  private readonly epsilon: number;

  constructor(env: Env, options: NormalizeObservationOptions = {}) {
    super(env);
    const size = flatSize(env.observationSpace);
    this.stats = options.stats ?? new RunningMeanStd(size);
    if (this.stats.size !== size) throw new Error(`NormalizeObservation: stats hold ${this.stats.size} elements, the observation has ${size}`);
    this.clip = options.clip ?? 10;
    this.epsilon = options.epsilon ?? 1e-8;
  }

  override reset(seed?: number): ResetResult {
    const r = this.env.reset(seed);
    return { ...r, observation: this.normalize(r.observation) };
  }

  override step(action: Action): StepResult {
    const r = this.env.step(action);
    return { ...r, observation: this.normalize(r.observation) };
  }

  private normalize(obs: Float32Array): Float32Array {
    if (this.training) this.stats.update(obs, 1);
    const out = new Float32Array(obs.length);
    normalizeInto(this.stats, obs, out, this.clip, this.epsilon);
    return out;
  }
}

export interface ScaleRewardOptions {
  /** Discount of the return whose spread scales the reward. */
  gamma?: number;
  stats?: RunningMeanStd;
  epsilon?: number;
  /** Scaled rewards are clipped to [-clip, clip]. */
  clip?: number;
}

/**
 * Divides rewards by the running standard deviation of the discounted return (Gymnasium's
 * NormalizeReward, through ReturnScale), which keeps value targets near unit scale whatever the
 * game's reward units. `info.rawReward` keeps the game's reward.
 */
export class ScaleReward extends Wrapper {
  readonly stats: RunningMeanStd;
  training = true;
  private readonly scaler: ReturnScale;
  /** One env's step as ReturnScale reads it. */
  private readonly reward = new Float32Array(1);
  private readonly ended = new Uint8Array(1);

  constructor(env: Env, options: ScaleRewardOptions = {}) {
    super(env);
    this.stats = options.stats ?? new RunningMeanStd(1);
    this.scaler = new ReturnScale(1, options.gamma ?? 0.99, this.stats, options.clip ?? 10, options.epsilon ?? 1e-8);
  }

  override reset(seed?: number): ResetResult {
    this.scaler.discounted[0] = 0;
    return this.env.reset(seed);
  }

  override step(action: Action): StepResult {
    const r = this.env.step(action);
    this.reward[0] = r.reward;
    this.ended[0] = r.terminated || r.truncated ? 1 : 0;
    this.scaler.scale(this.reward, 0, this.ended, this.ended, this.training);
    return { ...r, reward: this.reward[0]!, info: { ...r.info, rawReward: r.reward } };
  }
}
