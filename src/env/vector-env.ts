import type { EnvBatch, EpisodeStart, Env, StepRecorder, VectorEnv, VectorStepResult } from './env.js';
import { PrivilegedViews } from './privileged.js';
import { Rng } from './rng.js';
import { choiceCount, flatSize, type Action, type ActionMask, type Space } from './spaces.js';

export type { EpisodeStart } from './env.js';

/** An env to restart and the seed of its next episode, drawn but not yet started (see AutoReset). */
export interface Restart {
  env: number;
  seed: number;
}

/**
 * The episode bookkeeping every vector env with same-step auto-reset shares (SyncVectorEnv here,
 * SceneVectorEnv in plugin/, the parallel vector env of the command line): episode seeds drawn
 * from one generator seeded by `reset(seed)`, so a run seed fixes every episode of every env; each
 * env's running return and length; the batched observation and action masks; and one step's
 * results, filled env by env with `record`.
 *
 * An ended episode's env restarts at once through `resetEnv`; or, with `resetEnv` null, its seed
 * waits in `restarts` (drawn in env order all the same), and the owner restarts those envs itself
 * (all in one go, in other threads) and hands each first observation to `start`.
 */
export class AutoReset {
  private readonly obs: Float32Array;
  /** True once `reset` has run: a vector env may not step before. */
  started = false;
  private readonly seeds = new Rng(0);
  private readonly returns: Float64Array;
  private readonly lengths: Int32Array;
  private step: Omit<VectorStepResult, 'observations'> | null = null;
  /** Choices per env (0 for a box), and every env's mask; all allowed until an env gives one. */
  private readonly choices: number;
  private readonly allMasks: Uint8Array;
  /** Some env has given a mask: `masks` is then the masks, else null. */
  private masked = false;
  /** With no `resetEnv`: the envs to restart, in the order their seeds were drawn. */
  readonly restarts: Restart[] = [];

  /** `resetEnv(i, seed)` starts env i's next episode with `seed` and returns its first observation (and mask); null leaves it to the owner (`restarts`). */
  constructor(readonly numEnvs: number, private readonly obsSize: number, actionSpace: Space, private readonly resetEnv: ((i: number, seed: number) => EpisodeStart) | null) {
    this.obs = new Float32Array(numEnvs * obsSize);
    this.returns = new Float64Array(numEnvs);
    this.lengths = new Int32Array(numEnvs);
    this.choices = choiceCount(actionSpace);
    this.allMasks = new Uint8Array(numEnvs * this.choices).fill(1);
  }

  /** The masks of the current observations, [numEnvs * choices]; null while no env has given one. */
  get masks(): Uint8Array | null {
    return this.masked ? this.allMasks : null;
  }

  /** Reseeds the episode seeds and starts every env's episode; returns the first observations (of the envs started so far). */
  reset(seed: number): Float32Array {
    this.seeds.seed(seed);
    for (let i = 0; i < this.numEnvs; i++) this.resetOne(i);
    this.started = true;
    return this.observations();
  }

  /** A copy of the current observations, [numEnvs * obsSize]. */
  observations(): Float32Array {
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
   * the env starts its next episode at once, with the next seed. `mask` goes with `observation`.
   */
  record(i: number, reward: number, gameReward: number, observation: Float32Array, terminated: boolean, truncated: boolean, mask?: ActionMask | null): void {
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
      this.setMask(i, mask);
    }
  }

  end(): VectorStepResult {
    const { rewards, terminated, truncated, finalObservations, episodes } = this.step!;
    this.step = null;
    return { observations: this.obs.slice(), rewards, terminated, truncated, finalObservations, episodes };
  }

  /** Env i's first observation of the episode its restart began (and its mask). */
  start(i: number, start: EpisodeStart): void {
    this.obs.set(start.observation, i * this.obsSize);
    this.setMask(i, start.mask);
  }

  private resetOne(i: number): void {
    const seed = this.seeds.uint32();
    this.returns[i] = 0;
    this.lengths[i] = 0;
    if (this.resetEnv) this.start(i, this.resetEnv(i, seed));
    else this.restarts.push({ env: i, seed });
  }

  private setMask(i: number, mask: ActionMask | null | undefined): void {
    const c = this.choices;
    if (mask == null) {
      if (this.masked) this.allMasks.fill(1, i * c, (i + 1) * c);
      return;
    }
    if (mask.length !== c) throw new Error(`env ${i}: an action mask of ${mask.length} entries, expected ${c} (one per choice)`);
    this.masked = true;
    for (let j = 0; j < c; j++) this.allMasks[i * c + j] = mask[j] ? 1 : 0;
  }
}

/**
 * Steps N environments one after another in this thread, resetting each as its episode ends
 * (same-step auto-reset: the returned observation is the new episode's first one, and the
 * ended episode's last observation is kept in `finalObservations`).
 *
 * Every episode gets a seed drawn from one generator seeded by `reset(seed)`, so a run seed fixes
 * every episode of every env. As an `EnvBatch` (`stepEnvs`, `restartEnv`) it steps with no reset.
 */
export class SyncVectorEnv implements VectorEnv, EnvBatch {
  readonly numEnvs: number;
  readonly observationSpace: Env['observationSpace'];
  readonly actionSpace: Env['actionSpace'];
  private readonly obsSize: number;
  private readonly actSize: number;
  private readonly episodes: AutoReset;
  /** The envs' privileged views (`privilegedSpace`, `info.privilegedObservation`), where they have them. */
  readonly privileged: PrivilegedViews | null;

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
    this.episodes = new AutoReset(this.numEnvs, this.obsSize, this.actionSpace, (i, seed) => this.restartEnv(i, seed));
    const view = first.privilegedSpace;
    envs.forEach((env, i) => {
      if (JSON.stringify(env.privilegedSpace ?? null) !== JSON.stringify(view ?? null)) throw new Error(`SyncVectorEnv: env ${i} has a different privileged view (privilegedSpace) from env 0`);
    });
    this.privileged = view ? new PrivilegedViews(view, this.numEnvs, (i) => `SyncVectorEnv: env ${i}`) : null;
  }

  /** The masks envs give in `info.actionMask` (as SceneEnv does), for the current observations. */
  get actionMasks(): Uint8Array | null {
    return this.episodes.masks;
  }

  reset(seed: number): Float32Array {
    return this.episodes.reset(seed);
  }

  step(actions: ArrayLike<number>): VectorStepResult {
    if (!this.episodes.started) throw new Error('SyncVectorEnv: call reset(seed) before step()');
    this.episodes.begin();
    // Each env's episode restarts as it is recorded, before the next env steps.
    this.stepEnvs(actions, (i, reward, gameReward, observation, terminated, truncated, mask) => this.episodes.record(i, reward, gameReward, observation, terminated, truncated, mask));
    return this.episodes.end();
  }

  restartEnv(i: number, seed: number): EpisodeStart {
    const r = this.envs[i]!.reset(seed);
    this.privileged?.hold(i, r.info.privilegedObservation as ArrayLike<number> | undefined, 'reset');
    return { observation: r.observation, mask: maskOf(r.info) };
  }

  stepEnvs(actions: ArrayLike<number>, record: StepRecorder): void {
    if (actions.length !== this.numEnvs * this.actSize) {
      throw new Error(`SyncVectorEnv.step: expected ${this.numEnvs * this.actSize} action numbers (${this.numEnvs} envs x ${this.actSize}), got ${actions.length}`);
    }
    this.privileged?.begin();
    for (let i = 0; i < this.numEnvs; i++) {
      const r = this.envs[i]!.step(this.actionFor(actions, i));
      if (this.privileged) {
        const view = r.info.privilegedObservation as ArrayLike<number> | undefined;
        // An ended episode's view is its last; the restart (in `record`, or later) holds the next one's first.
        if (r.terminated || r.truncated) this.privileged.end(i, view ?? []);
        else this.privileged.hold(i, view, 'step');
      }
      // Episode returns are in the game's own units even under a reward-scaling wrapper.
      const gameReward = typeof r.info.rawReward === 'number' ? r.info.rawReward : r.reward;
      record(i, r.reward, gameReward, r.observation, r.terminated, r.truncated, maskOf(r.info));
    }
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

function maskOf(info: Record<string, unknown>): ActionMask | null {
  return (info.actionMask as ActionMask | undefined) ?? null;
}
