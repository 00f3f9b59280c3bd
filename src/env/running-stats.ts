/**
 * Running mean and variance per element, merged batch by batch (Chan et al.'s parallel update),
 * as used to normalise observations and to scale rewards. Its state is plain numbers so that a
 * checkpoint and a student policy file can carry it.
 */
export interface RunningStatsState {
  mean: number[];
  var: number[];
  count: number;
}

export class RunningMeanStd {
  readonly mean: Float64Array;
  readonly var: Float64Array;
  /** Starts at a tiny count, as in Gymnasium and SB3, so the first batch is not divided by zero. */
  count = 1e-4;

  constructor(readonly size: number) {
    this.mean = new Float64Array(size);
    this.var = new Float64Array(size).fill(1);
  }

  /** Merges `n` samples laid out one after another in `xs` ([n * size]). */
  update(xs: ArrayLike<number>, n = xs.length / this.size): void {
    if (n === 0) return;
    for (let k = 0; k < this.size; k++) {
      let m = 0;
      for (let i = 0; i < n; i++) m += xs[i * this.size + k]!;
      m /= n;
      let v = 0;
      for (let i = 0; i < n; i++) {
        const d = xs[i * this.size + k]! - m;
        v += d * d;
      }
      v /= n;
      const delta = m - this.mean[k]!;
      const total = this.count + n;
      this.mean[k] = this.mean[k]! + (delta * n) / total;
      this.var[k] = (this.var[k]! * this.count + v * n + (delta * delta * this.count * n) / total) / total;
    }
    this.count += n;
  }

  getState(): RunningStatsState {
    return { mean: Array.from(this.mean), var: Array.from(this.var), count: this.count };
  }

  setState(state: RunningStatsState): void {
    if (state.mean.length !== this.size || state.var.length !== this.size) {
      throw new Error(`RunningMeanStd.setState: expected ${this.size} means and variances, got ${state.mean.length} and ${state.var.length}`);
    }
    this.mean.set(state.mean);
    this.var.set(state.var);
    this.count = state.count;
  }
}

/** normalizeInto's defaults, which training uses and a student file records. */
export const NORMALIZE_CLIP = 10;
export const NORMALIZE_EPSILON = 1e-8;

/**
 * Writes (x - mean) / sqrt(var + epsilon), clipped to [-clip, clip], for each row of `raw`
 * ([n * stats.size]) into `out`.
 */
export function normalizeInto(stats: RunningMeanStd, raw: ArrayLike<number>, out: Float32Array, clip = NORMALIZE_CLIP, epsilon = NORMALIZE_EPSILON): void {
  const size = stats.size;
  for (let i = 0; i < raw.length; i++) {
    const k = i % size;
    const z = (raw[i]! - stats.mean[k]!) / Math.sqrt(stats.var[k]! + epsilon);
    out[i] = z > clip ? clip : z < -clip ? -clip : z;
  }
}

/**
 * Gymnasium's NormalizeReward for n envs: each env's discounted return, the running spread of all
 * of them, and the rewards divided by that spread and clipped, which keeps value targets near unit
 * scale whatever the game's reward units. The ScaleReward wrapper (one env) and PPO's
 * normalizeReward (every env of a rollout) both scale through it.
 */
export class ReturnScale {
  /** Each env's discounted return in its current episode. */
  readonly discounted: Float64Array;

  constructor(readonly numEnvs: number, readonly gamma: number, readonly stats = new RunningMeanStd(1), readonly clip = NORMALIZE_CLIP, readonly epsilon = NORMALIZE_EPSILON) {
    this.discounted = new Float64Array(numEnvs);
  }

  /**
   * Scales one step's rewards of every env, `rewards[at .. at + numEnvs)`, in place. With `update`,
   * the statistics first take in each env's discounted return; an env whose episode ended (its
   * `terminated` or `truncated` is set) starts its return again.
   */
  scale(rewards: Float32Array, at: number, terminated: ArrayLike<number>, truncated: ArrayLike<number>, update = true): void {
    const n = this.numEnvs;
    for (let i = 0; i < n; i++) this.discounted[i] = this.discounted[i]! * this.gamma + rewards[at + i]!;
    if (update) this.stats.update(this.discounted, n);
    const std = Math.sqrt(this.stats.var[0]! + this.epsilon);
    for (let i = 0; i < n; i++) {
      rewards[at + i] = Math.max(-this.clip, Math.min(this.clip, rewards[at + i]! / std));
      if (terminated[i] || truncated[i]) this.discounted[i] = 0;
    }
  }
}
