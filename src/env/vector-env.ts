import type { Env, VectorEnv, VectorStepResult } from './env.js';
import { Rng } from './rng.js';
import { flatSize, type Action } from './spaces.js';

/**
 * The episode bookkeeping every vector env with same-step auto-reset shares (SyncVectorEnv here,
 * SceneVectorEnv in plugin/): episode seeds drawn from one generator seeded by `reset(seed)`, so a
 * run seed fixes every episode of every env; each env's running return and length; the batched
 * observation; and one step's results, filled env by env with `record`.
 */
export class AutoReset {
  private readonly obs: Float32Array;
  /** True once `reset` has run: a vector env may not step before. */
  started = false;
  private readonly seeds = new Rng(0);
  private readonly returns: Float64Array;
  private readonly lengths: Int32Array;
  private step: Omit<VectorStepResult, 'observations'> | null = null;

  /** `resetEnv(i, seed)` starts env i's next episode with `seed` and returns its first observation. */
  constructor(readonly numEnvs: number, private readonly obsSize: number, private readonly resetEnv: (i: number, seed: number) => ArrayLike<number>) {
    this.obs = new Float32Array(numEnvs * obsSize);
    this.returns = new Float64Array(numEnvs);
    this.lengths = new Int32Array(numEnvs);
  }

  /** Reseeds the episode seeds and starts every env's episode; returns the first observations. */
  reset(seed: number): Float32Array {
    this.seeds.seed(seed);
    for (let i = 0; i < this.numEnvs; i++) this.resetOne(i);
    this.started = true;
    return this.obs.slice();
  }

  /** Opens one step's results: `record` every env, then take them with `end`. */
  begin(): void {
    const n = this.numEnvs;
    this.step = { rewards: new Float32Array(n), terminated: new Uint8Array(n), truncated: new Uint8Array(n), finalObservations: new Array<Float32Array | null>(n).fill(null), episodes: [] };
  }

  /**
   * Env i's step: `reward` as the learner sees it, `gameReward` in the game's own units (the
   * episode return). An episode that ended keeps its last observation in `finalObservations`, and
   * the env starts its next episode at once, with the next seed.
   */
  record(i: number, reward: number, gameReward: number, observation: Float32Array, terminated: boolean, truncated: boolean): void {
    const step = this.step!;
    step.rewards[i] = reward;
    this.returns[i]! += gameReward;
    this.lengths[i]! += 1;
    if (terminated || truncated) {
      step.terminated[i] = terminated ? 1 : 0;
      step.truncated[i] = terminated ? 0 : 1;
      step.finalObservations[i] = observation.slice();
      step.episodes.push({ env: i, return: this.returns[i]!, length: this.lengths[i]! });
      this.resetOne(i);
    } else {
      this.obs.set(observation, i * this.obsSize);
    }
  }

  end(): VectorStepResult {
    const { rewards, terminated, truncated, finalObservations, episodes } = this.step!;
    this.step = null;
    return { observations: this.obs.slice(), rewards, terminated, truncated, finalObservations, episodes };
  }

  private resetOne(i: number): void {
    this.obs.set(this.resetEnv(i, this.seeds.uint32()), i * this.obsSize);
    this.returns[i] = 0;
    this.lengths[i] = 0;
  }
}

/**
 * Steps N environments one after another in this thread, resetting each as its episode ends
 * (same-step auto-reset: the returned observation is the new episode's first one, and the
 * ended episode's last observation is kept in `finalObservations`).
 *
 * Every episode gets a seed drawn from one generator seeded by `reset(seed)`, so a run seed fixes
 * every episode of every env.
 */
export class SyncVectorEnv implements VectorEnv {
  readonly numEnvs: number;
  readonly observationSpace: Env['observationSpace'];
  readonly actionSpace: Env['actionSpace'];
  private readonly obsSize: number;
  private readonly actSize: number;
  private readonly episodes: AutoReset;

  constructor(readonly envs: readonly Env[]) {
    if (envs.length === 0) throw new Error('SyncVectorEnv: needs at least one env');
    const first = envs[0]!;
    this.numEnvs = envs.length;
    this.observationSpace = first.observationSpace;
    this.actionSpace = first.actionSpace;
    this.obsSize = flatSize(first.observationSpace);
    this.actSize = flatSize(first.actionSpace);
    envs.forEach((env, i) => {
      if (flatSize(env.observationSpace) !== this.obsSize || JSON.stringify(env.actionSpace) !== JSON.stringify(this.actionSpace)) {
        throw new Error(`SyncVectorEnv: env ${i} has different spaces from env 0`);
      }
    });
    this.episodes = new AutoReset(this.numEnvs, this.obsSize, (i, seed) => this.envs[i]!.reset(seed).observation);
  }

  reset(seed: number): Float32Array {
    return this.episodes.reset(seed);
  }

  step(actions: ArrayLike<number>): VectorStepResult {
    if (!this.episodes.started) throw new Error('SyncVectorEnv: call reset(seed) before step()');
    if (actions.length !== this.numEnvs * this.actSize) {
      throw new Error(`SyncVectorEnv.step: expected ${this.numEnvs * this.actSize} action numbers (${this.numEnvs} envs x ${this.actSize}), got ${actions.length}`);
    }
    this.episodes.begin();
    for (let i = 0; i < this.numEnvs; i++) {
      const r = this.envs[i]!.step(this.actionFor(actions, i));
      // Episode returns are in the game's own units even under a reward-scaling wrapper.
      const gameReward = typeof r.info.rawReward === 'number' ? r.info.rawReward : r.reward;
      this.episodes.record(i, r.reward, gameReward, r.observation, r.terminated, r.truncated);
    }
    return this.episodes.end();
  }

  close(): void {
    for (const env of this.envs) env.close?.();
  }

  private actionFor(actions: ArrayLike<number>, i: number): Action {
    if (this.actionSpace.type === 'discrete') return actions[i]!;
    // A fresh array per env: an env may keep the action it was given.
    const a = this.actionSpace.type === 'box' ? new Float32Array(this.actSize) : new Array<number>(this.actSize);
    for (let k = 0; k < this.actSize; k++) a[k] = actions[i * this.actSize + k]!;
    return a;
  }
}
