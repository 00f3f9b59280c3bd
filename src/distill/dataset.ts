/**
 * Distillation data: raw observations labelled by the teacher (its policy outputs and value). With
 * a privileged teacher each sample holds both views: the student's observation, which the student
 * learns from, and the teacher's (`teacherObs`), which the teacher labelled.
 *
 * Collection runs a vector env. At each step and in each env, the teacher acts with probability
 * beta and the student otherwise (DAgger's mixture, Ross et al. 2011); beta = 1 is plain
 * teacher-driven collection. Whoever acts, the teacher labels the state, so the student learns what
 * the teacher would do in the states the student itself reaches. Observation noise perturbs what
 * the acting policy sees, pushing the trajectory into states just off the teacher's path, while
 * the stored sample and its label use the clean observation. When the env gives action masks,
 * each sample keeps its state's mask: the acting policy chooses within it, and the losses compare
 * teacher and student over the allowed choices only.
 */
import { Rng, RunningMeanStd, flatSize, viewFor, type EpisodeStats, type VectorEnv } from '../env/index.js';
import { chooseAction } from './actions.js';
import type { Teacher } from './teacher.js';

/** Growable columns of samples. */
export class DistillDataset {
  size = 0;
  obs: Float32Array;
  targets: Float32Array;
  values: Float32Array;
  /** The allowed choices of each sample, laid out as its targets (1 allowed); all 1 where no mask was given. */
  masks: Uint8Array;
  /** Some sample came with a mask. */
  masked = false;
  /** The teacher's view of each sample, `teacherObsSize` numbers a sample; empty when the teacher sees the student's. */
  teacherObs: Float32Array;

  /**
   * @param obsSize raw observation size  @param outputSize teacher policy outputs per sample
   * @param teacherObsSize the teacher's view per sample, for a privileged teacher (0: it sees the student's)
   */
  constructor(readonly obsSize: number, readonly outputSize: number, capacity = 1024, readonly teacherObsSize = 0) {
    this.obs = new Float32Array(capacity * obsSize);
    this.teacherObs = new Float32Array(capacity * teacherObsSize);
    this.targets = new Float32Array(capacity * outputSize);
    this.values = new Float32Array(capacity);
    this.masks = new Uint8Array(capacity * outputSize);
  }

  /** Adds one sample; `mask` (read from `maskAt`, laid out as the target) is its state's allowed choices. */
  push(obs: ArrayLike<number>, obsAt: number, target: ArrayLike<number>, targetAt: number, value: number, mask: ArrayLike<number> | null = null, maskAt = targetAt): void {
    if (this.size === this.values.length) this.grow();
    const D = this.obsSize;
    const P = this.outputSize;
    for (let k = 0; k < D; k++) this.obs[this.size * D + k] = obs[obsAt + k]!;
    for (let k = 0; k < P; k++) this.targets[this.size * P + k] = target[targetAt + k]!;
    for (let k = 0; k < P; k++) this.masks[this.size * P + k] = mask ? (mask[maskAt + k] ? 1 : 0) : 1;
    if (mask) this.masked = true;
    this.values[this.size] = value;
    this.size += 1;
  }

  /** The teacher's view of the sample just pushed (a privileged teacher's), from `at` in `view`. */
  setTeacherObs(view: ArrayLike<number>, at: number): void {
    const T = this.teacherObsSize;
    if (T === 0) throw new Error('DistillDataset: this dataset holds no teacher view (made with teacherObsSize 0)');
    for (let k = 0; k < T; k++) this.teacherObs[(this.size - 1) * T + k] = view[at + k]!;
  }

  private grow(): void {
    const capacity = this.values.length * 2;
    const resize = <T extends Float32Array | Uint8Array>(a: T, width: number, make: (n: number) => T) => {
      const b = make(capacity * width);
      b.set(a);
      return b;
    };
    this.obs = resize(this.obs, this.obsSize, (n) => new Float32Array(n));
    this.targets = resize(this.targets, this.outputSize, (n) => new Float32Array(n));
    this.values = resize(this.values, 1, (n) => new Float32Array(n));
    this.masks = resize(this.masks, this.outputSize, (n) => new Uint8Array(n));
    this.teacherObs = resize(this.teacherObs, this.teacherObsSize, (n) => new Float32Array(n));
  }
}

/** The student's greedy policy outputs for `n` raw observations ([n * P]). */
export type StudentOutputs = (raw: Float32Array, n: number) => Float32Array;

export interface CollectOptions {
  /** Vector steps to take (samples = steps * numEnvs). */
  steps: number;
  /** Probability that the teacher acts at a step; the student acts otherwise. */
  beta: number;
  /** Needed when beta < 1. */
  student?: StudentOutputs;
  /** The teacher samples its actions (true) or acts greedily (false) when it drives. */
  teacherSamples: boolean;
  /** Std of Gaussian noise on what the acting policy sees, in units of each dimension's spread. */
  obsNoise: number;
  /** Each sample goes to `heldOut` with this probability. */
  heldOutFraction: number;
  rng: Rng;
  /** Spread of each observation dimension, updated with every clean observation seen. */
  obsSpread: RunningMeanStd;
  /** A privileged teacher's view (`env.privileged`): the spread of each of its dimensions, for the noise on what the teacher sees when it acts. */
  teacherSpread?: RunningMeanStd;
}

/**
 * Collects samples into `train` and `heldOut`. The env must have been reset by the caller (or
 * `firstObs` given); returns the observations to continue from and the episodes that ended.
 *
 * A teacher whose input is the env's privileged view (its size says so) reads that view, while the
 * student reads, and the samples keep, the student's observations; the datasets then hold both.
 */
export function collect(env: VectorEnv, teacher: Teacher, train: DistillDataset, heldOut: DistillDataset, firstObs: Float32Array, o: CollectOptions): { obs: Float32Array; episodes: EpisodeStats[] } {
  const N = env.numEnvs;
  const D = flatSize(env.observationSpace);
  const A = flatSize(env.actionSpace);
  if (o.beta < 1 && !o.student) throw new Error('collect: beta < 1 needs a student to act');
  const privileged = viewFor(env, teacher.obsSize, 'collect') === 'privileged' ? env.privileged! : null;
  const T = privileged ? teacher.obsSize : D;
  if (privileged && (train.teacherObsSize !== T || heldOut.teacherObsSize !== T)) throw new Error(`collect: the teacher sees the env's privileged view of ${T} numbers; make its datasets with teacherObsSize ${T}`);
  const teacherSpread = privileged ? (o.teacherSpread ??= new RunningMeanStd(T)) : o.obsSpread;
  const actions = new Float32Array(N * A);
  const seen = new Float32Array(N * D);
  const teacherSeen = new Float32Array(N * T);
  const episodes: EpisodeStats[] = [];
  let obs = firstObs;
  for (let t = 0; t < o.steps; t++) {
    o.obsSpread.update(obs, N);
    const view = privileged ? privileged.observations() : obs;
    if (privileged) teacherSpread.update(view, N);
    const labels = teacher.predict(view, N);
    // What the acting policy sees: the clean observation, or a noisy copy of it.
    let acting = labels.policy;
    if (o.obsNoise > 0) {
      for (let j = 0; j < N * D; j++) seen[j] = obs[j]! + o.obsNoise * Math.sqrt(o.obsSpread.var[j % D]!) * o.rng.normal();
      if (privileged) for (let j = 0; j < N * T; j++) teacherSeen[j] = view[j]! + o.obsNoise * Math.sqrt(teacherSpread.var[j % T]!) * o.rng.normal();
      acting = teacher.predict(privileged ? teacherSeen : seen, N).policy;
    } else {
      seen.set(obs);
    }
    const studentOut = o.beta < 1 ? o.student!(seen, N) : null;
    // Laid out as the policy outputs, so row i's mask starts where its outputs do.
    const masks = env.actionMasks ?? null;
    for (let i = 0; i < N; i++) {
      const byTeacher = o.rng.float() < o.beta;
      if (byTeacher) chooseAction(env.actionSpace, acting, i, actions, i * A, o.teacherSamples ? o.rng : null, teacher.logStd, masks);
      else chooseAction(env.actionSpace, studentOut!, i, actions, i * A, null, null, masks);
      const into = o.rng.float() < o.heldOutFraction ? heldOut : train;
      into.push(obs, i * D, labels.policy, i * teacher.outputSize, labels.value[i]!, masks);
      if (privileged) into.setTeacherObs(view, i * T);
    }
    const r = env.step(actions);
    episodes.push(...r.episodes);
    obs = r.observations;
  }
  return { obs, episodes };
}
