/**
 * The memory a parallel vector env (worker-vector-env.ts) shares with its rollout workers
 * (rollout-worker.ts): one set of arrays over all envs, where each share of the envs reads and
 * writes only its own rows, and one control word per worker. The main thread writes a command into
 * a worker's word and wakes it (Atomics.notify); the worker runs it and writes IDLE back, or FAILED
 * after posting its error. No message crosses per step.
 */
import type { ActionMask, EnvBatch, VectorEnv } from '../env/index.js';
import { ConfigError } from '../config/errors.js';
import type { RolloutNet } from '../train/rollout-net.js';

/** A worker's control word: what it is asked to do, IDLE when done. */
export const IDLE = 0;
/** Step every env of the worker once with `actions`; write the results. */
export const STEP = 1;
/** Start a new episode in each env of the worker flagged in `restart`, with its seed. */
export const RESTART = 2;
/** Close the envs and end the thread. */
export const CLOSE = 3;
/** Set by the worker: it failed, and its error is on its error port. */
export const FAILED = 4;
/** Attach to the rollout net (a RolloutNetSpec and its SharedArrayBuffer, posted on the error port first) and forward the share's envs on it from now on. */
export const ATTACH = 5;

export interface RolloutSizes {
  numEnvs: number;
  numWorkers: number;
  /** Numbers in one observation, one action, one mask (0 for a box). */
  obsSize: number;
  actSize: number;
  choices: number;
}

/** Arrays over SharedArrayBuffers: posted to a worker, they share their memory. */
export interface RolloutMemory {
  /** [numWorkers]: each worker's command (see IDLE, STEP, ...). */
  control: Int32Array;
  /** [numEnvs * actSize]: the actions of a step, as the trainer gave them. */
  actions: Float32Array;
  /** [numEnvs * obsSize]: after STEP, each env's observation (an ended episode's last one); after RESTART, the new episode's first. */
  observations: Float32Array;
  /** [numEnvs]: the reward as the learner sees it, and in the game's own units (float64: episode returns sum them exactly). */
  rewards: Float64Array;
  gameRewards: Float64Array;
  /** [numEnvs]: 1 where the episode ended in a terminal state, or was truncated, at this step. */
  terminated: Uint8Array;
  truncated: Uint8Array;
  /** [numEnvs]: 1 where the env gave a mask with its observation; the mask is in `masks`, [numEnvs * choices]. */
  masked: Uint8Array;
  masks: Uint8Array;
  /** [numEnvs]: for RESTART, 1 where the env starts a new episode, with its seed. */
  restart: Uint8Array;
  seeds: Uint32Array;
}

export function allocateRolloutMemory(s: RolloutSizes): RolloutMemory {
  const shared = <T>(Type: new (buffer: SharedArrayBuffer) => T, bytes: number, length: number): T => new Type(new SharedArrayBuffer(Math.max(1, length) * bytes));
  return {
    control: shared(Int32Array, 4, s.numWorkers),
    actions: shared(Float32Array, 4, s.numEnvs * s.actSize),
    observations: shared(Float32Array, 4, s.numEnvs * s.obsSize),
    rewards: shared(Float64Array, 8, s.numEnvs),
    gameRewards: shared(Float64Array, 8, s.numEnvs),
    terminated: shared(Uint8Array, 1, s.numEnvs),
    truncated: shared(Uint8Array, 1, s.numEnvs),
    masked: shared(Uint8Array, 1, s.numEnvs),
    masks: shared(Uint8Array, 1, s.numEnvs * s.choices),
    restart: shared(Uint8Array, 1, s.numEnvs),
    seeds: shared(Uint32Array, 4, s.numEnvs),
  };
}

/** The envs of worker k: numEnvs split as evenly as possible, the first workers taking one more. */
export function workerShare(numEnvs: number, numWorkers: number, k: number): { first: number; count: number } {
  const base = Math.floor(numEnvs / numWorkers);
  const extra = numEnvs % numWorkers;
  return { first: k * base + Math.min(k, extra), count: base + (k < extra ? 1 : 0) };
}

/**
 * One share of the envs, `batch` (envs `first` .. `first + count - 1` of the whole), stepped and
 * restarted through the memory: a worker thread runs one, and the main thread runs the first.
 * With the rollout net attached, it also runs its envs' forwards, where it steps them.
 */
export class EnvShare {
  private readonly actions: Float32Array;
  /**
   * Once attached: the trainer's rollout net, on whose weights the share forwards each observation
   * it writes (after a step, and again for an env it restarts), into the net's rows.
   */
  net: RolloutNet | null = null;

  constructor(private readonly batch: EnvBatch, private readonly m: RolloutMemory, private readonly sizes: RolloutSizes, readonly first: number, readonly count: number) {
    this.actions = m.actions.subarray(first * sizes.actSize, (first + count) * sizes.actSize);
  }

  /** Steps every env of the share once with its rows of `actions`; writes each env's results. */
  step(): void {
    const m = this.m;
    this.batch.stepEnvs(this.actions, (j, reward, gameReward, observation, terminated, truncated, mask) => {
      const i = this.first + j;
      m.rewards[i] = reward;
      m.gameRewards[i] = gameReward;
      m.terminated[i] = terminated ? 1 : 0;
      m.truncated[i] = truncated ? 1 : 0;
      this.write(i, observation, mask);
    });
    this.net?.forwardRows(m.observations, this.first, this.count);
  }

  /** Starts a new episode, with its seed, in each env of the share flagged in `restart`. */
  restart(): void {
    const m = this.m;
    for (let j = 0; j < this.count; j++) {
      const i = this.first + j;
      if (!m.restart[i]) continue;
      const start = this.batch.restartEnv(j, m.seeds[i]!);
      this.write(i, start.observation, start.mask);
      this.net?.forwardRows(m.observations, i, 1);
    }
  }

  close(): void {
    this.batch.close();
  }

  /** Env i's observation and mask (i of the whole) into its rows. */
  private write(i: number, observation: ArrayLike<number>, mask: ActionMask | null | undefined): void {
    const { obsSize: D, choices: C } = this.sizes;
    const m = this.m;
    m.observations.set(observation, i * D);
    m.masked[i] = mask == null ? 0 : 1;
    if (mask == null) return;
    if (mask.length !== C) throw new Error(`env ${i}: an action mask of ${mask.length} entries, expected ${C} (one per choice)`);
    for (let c = 0; c < C; c++) m.masks[i * C + c] = mask[c] ? 1 : 0;
  }
}

/** Whether a vector env can step without resetting, as a share needs. */
export function isEnvBatch(env: unknown): env is EnvBatch {
  const e = env as Partial<EnvBatch> | null;
  return typeof e?.stepEnvs === 'function' && typeof e.restartEnv === 'function';
}

/** Refuses a vector env that cannot be a share, naming what it must be. */
export function asEnvBatch(env: VectorEnv): EnvBatch {
  if (isEnvBatch(env)) return env;
  throw new ConfigError(`config.train.ppo.numWorkers: the env module's makeVectorEnv made a ${(env as object).constructor?.name ?? 'vector env'} that cannot step without resetting; with numWorkers > 1 it must make a SyncVectorEnv, a SceneVectorEnv (createSceneVectorEnv) or another EnvBatch (stepEnvs, restartEnv)`);
}

/**
 * Waits, asleep, while control[k] is `value`. No spinning first: on a busy machine a spinning
 * thread takes the core the thread it waits for needs.
 */
export function waitWhile(control: Int32Array, k: number, value: number): void {
  while (Atomics.load(control, k) === value) Atomics.wait(control, k, value);
}
