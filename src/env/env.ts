/**
 * The environment contract, in Gymnasium's shape: `reset(seed)` starts an episode and gives the
 * first observation; `step(action)` advances one decision and says whether the episode ended
 * (terminated: a true end such as a fall; truncated: cut short, such as a time limit).
 */
import type { Action, ActionMask, BoxSpace, Space } from './spaces.js';

export type Info = Record<string, unknown>;

export interface ResetResult {
  /** Flat observation, length = the observation space's size. */
  observation: Float32Array;
  info: Info;
}

export interface StepResult {
  observation: Float32Array;
  reward: number;
  /** The episode reached a terminal state: its value after this step is zero. */
  terminated: boolean;
  /** The episode was cut short (time limit): its value after this step is not zero. */
  truncated: boolean;
  info: Info;
}

export interface Env {
  readonly observationSpace: BoxSpace;
  readonly actionSpace: Space;
  /**
   * The space of a privileged teacher's view, where the env has one: each reset's and step's
   * `info.privilegedObservation` is then that view of the same state. Absent (or null) otherwise.
   */
  readonly privilegedSpace?: BoxSpace | null;
  /** Starts an episode. The same seed must give the same episode. */
  reset(seed?: number): ResetResult;
  step(action: Action): StepResult;
  /** Frees what the environment holds. Optional. */
  close?(): void;
}

/** One finished episode, as reported by a vector env. */
export interface EpisodeStats {
  env: number;
  return: number;
  length: number;
}

export interface VectorStepResult {
  /** [numEnvs * obsSize]: after an episode ends, the first observation of the next one. */
  observations: Float32Array;
  rewards: Float32Array;
  /** 1 where the episode ended in a terminal state this step. */
  terminated: Uint8Array;
  /** 1 where the episode was truncated this step. */
  truncated: Uint8Array;
  /**
   * For env i whose episode ended this step, the last observation of that episode (so a truncated
   * episode can be bootstrapped from V(final observation)); null for the others.
   */
  finalObservations: (Float32Array | null)[];
  /** Episodes that ended this step. */
  episodes: EpisodeStats[];
}

/**
 * N copies of one environment stepped together, with automatic reset. Actions are flat:
 * `numEnvs * flatSize(actionSpace)` numbers.
 */
export interface VectorEnv {
  readonly numEnvs: number;
  readonly observationSpace: BoxSpace;
  readonly actionSpace: Space;
  /**
   * The choices each env allows for its current observation (after `reset`, after each `step`):
   * [numEnvs * choiceCount(actionSpace)], 1 allowed and 0 not, branches end to end. Null (or
   * absent) while no env has given a mask; an env that gives none allows everything.
   */
  readonly actionMasks?: Uint8Array | null;
  /**
   * The other player of a two-player game (self-play): what plays it in each env's episodes.
   * Absent where the game has no opponent to hand over.
   */
  readonly opponent?: OpponentSeat | null;
  /**
   * What a privileged teacher sees of the same envs, where the agent declares such a view (its
   * spec's `privileged`): the observations above are the student's, these the teacher's, step for
   * step. Absent (or null) where the agent declares none. `teacherView(env)` makes it a vector env.
   */
  readonly privileged?: PrivilegedView | null;
  /**
   * In a scene of several behaviours: the behaviour (or agent) whose agents its slots hold, and the
   * drivers its maker handed the other behaviours, by name. The command line checks them against a
   * run config's `train.behavior` and `train.drivers`, so an env module that drops either is caught
   * at the start, not after a run that trained the wrong side. Absent where the env does not know.
   */
  readonly behavior?: string;
  readonly drivers?: Readonly<Record<string, readonly unknown[]>>;
  /** Resets every env; episode seeds are drawn from `seed`. Returns [numEnvs * obsSize]. */
  reset(seed: number): Float32Array;
  step(actions: ArrayLike<number>): VectorStepResult;
  close(): void;
}

/**
 * A vector env's second view of its envs, for a teacher that sees more than the student ("learning
 * by cheating"): the whole level, every entity. It follows the observations `reset` and `step`
 * return: read it after each of them.
 */
export interface PrivilegedView {
  /** The teacher's observation of one env. */
  readonly observationSpace: BoxSpace;
  /** [numEnvs * size]: every env's current view (after an automatic reset, the new episode's first). */
  observations(): Float32Array;
  /** For env i whose episode ended at the last step, its last view of that episode; null for the others. */
  finalObservations(): (Float32Array | null)[];
}

/** An env's first observation of an episode, and the mask that goes with it (none: all allowed). */
export interface EpisodeStart {
  observation: ArrayLike<number>;
  mask?: ActionMask | null;
}

/**
 * Receives env i's results of one step: `reward` as the learner sees it, `gameReward` in the
 * game's own units (the episode return), the observation after the step (an episode's last one if
 * it ended) and the mask that goes with it.
 */
export type StepRecorder = (i: number, reward: number, gameReward: number, observation: Float32Array, terminated: boolean, truncated: boolean, mask: ActionMask | null) => void;

/**
 * A vector env's envs without its episode bookkeeping: they step together and start an episode
 * only when told, with the seed they are given. SyncVectorEnv and SceneVectorEnv are each one
 * with an AutoReset on top; a parallel vector env drives one in each worker thread and keeps the
 * bookkeeping (the episode seeds) in one place, so the episodes are the same whatever the number
 * of workers.
 */
export interface EnvBatch {
  readonly numEnvs: number;
  readonly observationSpace: BoxSpace;
  readonly actionSpace: Space;
  /** Starts env i's next episode with `seed`; returns its first observation (and mask). */
  restartEnv(i: number, seed: number): EpisodeStart;
  /**
   * Advances every env one decision with `actions` (flat, as `VectorEnv.step`'s) and hands each
   * env's results to `record`, in env order. An env whose episode ended there steps again only
   * after `restartEnv`: `record` may restart it at once, or later.
   */
  stepEnvs(actions: ArrayLike<number>, record: StepRecorder): void;
  close(): void;
}

/** A policy that plays the opponent's side: its observation (from its own side) in, its action out. */
export interface OpponentPolicy {
  act(observation: Float32Array, mask?: ActionMask): Action;
  /** Called as it starts an episode: a policy with memory (a reaction delay) forgets it here. */
  reset?(): void;
}

/**
 * A game's second player, as a vector env hands it over. Its spaces are the learner's, and it sees
 * the game from its own side, so a snapshot of the learner can play it. `choose`, when set, is
 * asked as each env's episode starts (at `reset`, and at every automatic reset) what plays the
 * opponent in that episode; null leaves the game's own opponent (a scripted one) in place.
 */
export interface OpponentSeat {
  /** The opponent agent's name in the game. */
  readonly agent: string;
  choose: ((env: number) => OpponentPolicy | null) | null;
}

/**
 * What a game module exports for the command line: a way to make its vector env. The CLI imports
 * the module named by a run config's `env` key.
 */
export interface EnvModule {
  makeVectorEnv(options: MakeVectorEnvOptions): VectorEnv | Promise<VectorEnv>;
}

/**
 * What the command line asks an env module for. `behavior` and `drivers` come from a run config's
 * `train.behavior` and `train.drivers` (or from `train.alternate`, side by side): a module for a
 * scene of one behaviour may ignore them, and one of several passes them on
 * (`createSceneVectorEnv(game, { envs, agent: behavior, drivers })`).
 */
export interface MakeVectorEnvOptions {
  /** Envs (slots) in all. */
  numEnvs: number;
  /** The behaviour to train, where the config names one; otherwise the module's own choice. */
  behavior?: string;
  /**
   * The policies that drive the scene's other behaviours, by behaviour name, in every scene for the
   * whole run; a list shares the scenes out among its policies (createSceneVectorEnv does). A
   * behaviour the config leaves out (or sets to `scripted`) plays the module's own choice.
   */
  drivers?: Record<string, DriverPolicy | readonly DriverPolicy[]>;
}

/** A frozen policy driving a behaviour the run does not train (a StudentPolicy is one). */
export interface DriverPolicy {
  readonly observationSpace: BoxSpace;
  readonly actionSpace: Space;
  act(observation: Float32Array, mask?: ActionMask): Action;
  actMany?(observations: Float32Array, count: number, actions: Float32Array, masks?: Uint8Array | null): void;
}
