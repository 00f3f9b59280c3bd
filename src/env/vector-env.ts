import type { Env, EpisodeStats, VectorEnv, VectorStepResult } from './env.js';
import { Rng } from './rng.js';
import { flatSize, type Action } from './spaces.js';

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
  private readonly seeds = new Rng(0);
  private readonly returns: Float64Array;
  private readonly lengths: Int32Array;
  private readonly obs: Float32Array;
  private started = false;

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
    this.returns = new Float64Array(this.numEnvs);
    this.lengths = new Int32Array(this.numEnvs);
    this.obs = new Float32Array(this.numEnvs * this.obsSize);
  }

  reset(seed: number): Float32Array {
    this.seeds.seed(seed);
    for (let i = 0; i < this.numEnvs; i++) this.resetOne(i);
    this.started = true;
    return this.obs.slice();
  }

  step(actions: ArrayLike<number>): VectorStepResult {
    if (!this.started) throw new Error('SyncVectorEnv: call reset(seed) before step()');
    if (actions.length !== this.numEnvs * this.actSize) {
      throw new Error(`SyncVectorEnv.step: expected ${this.numEnvs * this.actSize} action numbers (${this.numEnvs} envs x ${this.actSize}), got ${actions.length}`);
    }
    const n = this.numEnvs;
    const rewards = new Float32Array(n);
    const terminated = new Uint8Array(n);
    const truncated = new Uint8Array(n);
    const finalObservations: (Float32Array | null)[] = new Array<Float32Array | null>(n).fill(null);
    const episodes: EpisodeStats[] = [];
    for (let i = 0; i < n; i++) {
      const r = this.envs[i]!.step(this.actionFor(actions, i));
      rewards[i] = r.reward;
      // Episode returns are in the game's own units even under a reward-scaling wrapper.
      this.returns[i]! += typeof r.info.rawReward === 'number' ? r.info.rawReward : r.reward;
      this.lengths[i]! += 1;
      if (r.terminated || r.truncated) {
        terminated[i] = r.terminated ? 1 : 0;
        truncated[i] = r.terminated ? 0 : 1;
        finalObservations[i] = r.observation.slice();
        episodes.push({ env: i, return: this.returns[i]!, length: this.lengths[i]! });
        this.resetOne(i);
      } else {
        this.obs.set(r.observation, i * this.obsSize);
      }
    }
    return { observations: this.obs.slice(), rewards, terminated, truncated, finalObservations, episodes };
  }

  close(): void {
    for (const env of this.envs) env.close?.();
  }

  private resetOne(i: number): void {
    const { observation } = this.envs[i]!.reset(this.seeds.uint32());
    this.obs.set(observation, i * this.obsSize);
    this.returns[i] = 0;
    this.lengths[i] = 0;
  }

  private actionFor(actions: ArrayLike<number>, i: number): Action {
    if (this.actionSpace.type === 'discrete') return actions[i]!;
    // A fresh array per env: an env may keep the action it was given.
    const a = this.actionSpace.type === 'box' ? new Float32Array(this.actSize) : new Array<number>(this.actSize);
    for (let k = 0; k < this.actSize; k++) a[k] = actions[i * this.actSize + k]!;
    return a;
  }
}
