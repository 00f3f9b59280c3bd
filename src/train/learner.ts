/**
 * The seam between PPO's loop and what computes a minibatch's gradients and applies Adam. The loop
 * (ppo.ts) gathers a minibatch and hands it to a Learner; two engines implement it:
 * - `tfjs` (tfjs-learner.ts): the loss as TensorFlow.js ops and tf.train.adam, on any backend;
 * - `fused` (fused/): the same loss, its gradients, global-norm clipping and Adam written out over
 *   typed arrays in a few loops per minibatch, with no per-op dispatch. For small MLPs on a CPU.
 * Both keep their weights in the order and layout of ActorCritic.params (W as [in, out]) and their
 * Adam state in tf.train.adam's layout, so a checkpoint written by one resumes on the other.
 *
 * No TensorFlow.js here.
 */
import { branchSizes, type VectorEnv } from '../env/index.js';
import { policyOutputCount } from '../policy/index.js';

/** Which engine learns: `auto` picks fused for small networks on a CPU backend (see chooseEngine in ppo.ts). */
export type Engine = 'auto' | 'fused' | 'tfjs';

/** The loss's coefficients, as PpoConfig names them. */
export interface LossSettings {
  clipCoef: number;
  clipVloss: boolean;
  entCoef: number;
  vfCoef: number;
  maxGradNorm: number;
}

/** A batch of demo pairs for the BC loss: observations normalised [n, D]; choices [n, branches] or box actions [n, D]. */
export interface BcBatch {
  n: number;
  obs: Float32Array;
  actions: Float32Array | Int32Array;
}

/** A named array in a checkpoint's optimizer state (tf.io weight layout: name, shape, dtype). */
export interface NamedArray {
  name: string;
  shape: number[];
  dtype: 'float32' | 'int32';
  data: Float32Array | Int32Array;
}

/** The 7 numbers an update reports: policy loss, value loss, entropy, old KL, KL, clip fraction, BC loss. */
export type UpdateStats = Float32Array;

export interface Learner {
  readonly engine: 'fused' | 'tfjs';
  /** One gradient step on a minibatch (and, with bc given and bcStrength > 0, a demo minibatch). */
  update(mb: Minibatch, bc: BcBatch | null, bcStrength: number, learningRate: number): UpdateStats;
  /** The same step in pieces, one a step of the generator, where the engine can cut it (the fused one). */
  updateSteps?(mb: Minibatch, bc: BcBatch | null, bcStrength: number, learningRate: number): Generator<void, UpdateStats, void>;
  /** One Adam step of the actor on the BC loss alone, with pre-training's own Adam (made at the first call). */
  pretrainStep(batch: BcBatch, learningRate: number): void;
  /** Frees pre-training's Adam. */
  endPretrain(): void;
  /** The weights in ActorCritic.params' order and shapes. Read them, never write them. */
  getWeights(): Float32Array[];
  /** Replaces the weights (same order and shapes as getWeights). */
  setWeights(weights: readonly Float32Array[]): void;
  /** Adam's state as tf.train.adam's getWeights gives it: 'iter' (int32), then first and then second moments. */
  optimizerWeights(): Promise<NamedArray[]>;
  setOptimizerWeights(weights: readonly NamedArray[]): Promise<void>;
  dispose(): void;
}

/** Reusable minibatch arrays, gathered from the rollout in shuffled order. */
export class Minibatch {
  readonly obs: Float32Array;
  readonly act: Float32Array;
  /** Discrete branches: the choice of each branch, [size, branches]; empty for a box. */
  readonly choices: Int32Array;
  readonly logp: Float32Array;
  readonly adv: Float32Array;
  readonly ret: Float32Array;
  readonly val: Float32Array;
  /** The allowed choices, as `act`'s one-hot blocks; `masked` is false when the rollout had no masks. */
  readonly mask: Float32Array;
  masked = false;
  /** Columns of `act`: one-hot blocks for discrete branches, or box dimensions. */
  readonly actWidth: number;
  readonly branches: number[] | null;

  constructor(readonly size: number, readonly obsSize: number, private readonly actSize: number, space: VectorEnv['actionSpace']) {
    this.branches = branchSizes(space);
    this.actWidth = policyOutputCount(space);
    this.obs = new Float32Array(size * obsSize);
    this.act = new Float32Array(size * this.actWidth);
    this.choices = new Int32Array(this.branches ? size * actSize : 0);
    this.logp = new Float32Array(size);
    this.adv = new Float32Array(size);
    this.ret = new Float32Array(size);
    this.val = new Float32Array(size);
    this.mask = new Float32Array(this.branches ? size * this.actWidth : 0);
  }

  fill(idx: Int32Array, obs: Float32Array, act: Float32Array, logp: Float32Array, adv: Float32Array, ret: Float32Array, val: Float32Array, normAdv: boolean, masks: Uint8Array | null): void {
    const D = this.obsSize;
    const A = this.actSize;
    const C = this.actWidth;
    this.act.fill(0);
    this.masked = masks !== null && this.branches !== null;
    for (let j = 0; j < idx.length; j++) {
      const k = idx[j]!;
      this.obs.set(obs.subarray(k * D, (k + 1) * D), j * D);
      if (this.masked) for (let c = 0; c < C; c++) this.mask[j * C + c] = masks![k * C + c]!;
      if (this.branches) {
        let offset = j * this.actWidth;
        this.branches.forEach((n, b) => {
          this.choices[j * A + b] = act[k * A + b]!;
          this.act[offset + act[k * A + b]!] = 1;
          offset += n;
        });
      } else {
        this.act.set(act.subarray(k * A, (k + 1) * A), j * A);
      }
      this.logp[j] = logp[k]!;
      this.adv[j] = adv[k]!;
      this.ret[j] = ret[k]!;
      this.val[j] = val[k]!;
    }
    if (normAdv && idx.length > 1) {
      const m = mean(this.adv);
      let v = 0;
      for (let j = 0; j < idx.length; j++) v += (this.adv[j]! - m) ** 2;
      const std = Math.sqrt(v / (idx.length - 1));
      for (let j = 0; j < idx.length; j++) this.adv[j] = (this.adv[j]! - m) / (std + 1e-8);
    }
  }
}

export function mean(xs: ArrayLike<number>): number {
  if (xs.length === 0) return 0;
  let s = 0;
  for (let i = 0; i < xs.length; i++) s += xs[i]!;
  return s / xs.length;
}
