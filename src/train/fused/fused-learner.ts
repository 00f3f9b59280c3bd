/**
 * The fused learner: PPO's minibatch update for the MLP actor-critics NetworkConfig describes,
 * written out over typed arrays. Per minibatch: both stacks forward (a matrix kernel and a bias
 * with activation kernel per layer), the loss and its gradient with respect to the policy outputs,
 * the value and the log std in one pass over the samples, both stacks backward, global-norm
 * clipping and Adam. No TensorFlow.js and no per-op dispatch; the buffers of each batch size are
 * made at its first minibatch (later ones allocate only two short lists of views).
 *
 * It computes what tfjs-learner.ts computes with TensorFlow.js ops (the reference it is tested
 * against): the clipped surrogate (tf.maximum passes the gradient to its first argument on a tie,
 * clipByValue passes it inside its closed interval), the clipped value loss, the entropy bonus,
 * categorical log-probabilities over the allowed choices of each branch (masked choices have
 * probability 0 and no gradient), the Gaussian with a state-independent log std, and the BC loss
 * (cross-entropy to the recorded choice, or the squared error to the recorded box action) through
 * the actor. The matrix products and activations run in WebAssembly SIMD (simd.ts) over one
 * memory (heap.ts) in float32, as tfjs computes: V8's scalar loops reached 2-3 GFLOP/s on
 * them, the f32x4 kernels 8-13 (measured on 64x64 products of 64 samples). The per-sample loss
 * terms and Adam run in plain TypeScript.
 */
import type { BcBatch, Learner, LossSettings, Minibatch, NamedArray, UpdateStats } from '../learner.js';
import type { Activation } from '../networks.js';
import { FusedAdam } from './adam.js';
import { DenseStack, type StackBuffers } from './dense-stack.js';
import { Heap, type Slot } from './heap.js';
import { scalarKernels, simdKernels, type SimdKernels } from './simd.js';

const LOG_2PI = Math.log(2 * Math.PI);

/** What the fused learner needs to know of the network (ActorCritic's layout). */
export interface FusedShape {
  obsSize: number;
  /** Policy outputs: every branch's logits end to end, or box means. */
  outputs: number;
  actorHidden: readonly number[];
  criticHidden: readonly number[];
  activation: Activation;
  /** Branch sizes of a discrete or multi-discrete space; null for a box (then a log std param follows the critic). */
  branches: readonly number[] | null;
}

/** Workspaces of one batch size: both stacks' buffers and the per-sample terms of the loss. */
interface Work {
  actor: StackBuffers;
  critic: StackBuffers;
  n: number;
  /** Row length of the feature-major buffers (n padded to a multiple of 8). */
  ld: number;
  /** dL/dlogp per sample. */
  dLogp: Float64Array;
  /** Per branch and sample: log-sum-exp of the allowed logits and the branch's entropy. */
  lse: Float64Array;
  ent: Float64Array;
}

export class FusedLearner implements Learner {
  readonly engine = 'fused' as const;
  private readonly actor: DenseStack;
  private readonly critic: DenseStack;
  private readonly heap = new Heap();
  private readonly kernels: SimdKernels;
  /** The weights (float32), in ActorCritic.params' order and shapes, and their gradients. */
  private readonly params: Slot[];
  private readonly grads: Slot[];
  private readonly adam: FusedAdam;
  private pretrainAdam: FusedAdam | null = null;
  private readonly logStdAt: number;
  private readonly work = new Map<number, Work>();
  private readonly stats = new Float32Array(7);

  /**
   * @param initial weights in ActorCritic.params' order  @param names their names (for the optimizer state's names)
   * @param kernels 'simd' (WebAssembly SIMD where it runs, else plain loops) or 'scalar' (plain loops: for tests)
   */
  constructor(readonly shape: FusedShape, private readonly loss: LossSettings, initial: readonly Float32Array[], private readonly names: readonly string[], kernels: 'simd' | 'scalar' = 'simd') {
    const { obsSize, outputs, activation } = shape;
    this.actor = new DenseStack([obsSize, ...shape.actorHidden, outputs], activation, 0);
    this.critic = new DenseStack([obsSize, ...shape.criticHidden, 1], activation, 2 * this.actor.layers);
    this.logStdAt = shape.branches ? -1 : 2 * (this.actor.layers + this.critic.layers);
    const shapes = this.shapes();
    if (initial.length !== shapes.length) throw new Error(`FusedLearner: ${initial.length} weight arrays for a network of ${shapes.length}`);
    this.params = shapes.map((s) => this.heap.alloc(s.reduce((a, b) => a * b, 1)));
    this.grads = shapes.map((s) => this.heap.alloc(s.reduce((a, b) => a * b, 1)));
    this.kernels = (kernels === 'simd' ? simdKernels(this.heap.memory) : null) ?? scalarKernels(() => this.heap.all);
    this.setWeights(initial);
    this.adam = new FusedAdam(shapes, names, 0.9, 0.999, 1e-5);
  }

  /** Param shapes in ActorCritic.params' order: [in, out] and [out] per layer, actor then critic, then [outputs] for a log std. */
  private shapes(): number[][] {
    const layerShapes = (s: DenseStack) => s.sizes.slice(1).flatMap((out, l) => [[s.sizes[l]!, out], [out]]);
    return [...layerShapes(this.actor), ...layerShapes(this.critic), ...(this.shape.branches ? [] : [[this.shape.outputs]])];
  }

  getWeights(): Float32Array[] {
    return this.params.map((p) => p.f);
  }

  setWeights(weights: readonly Float32Array[]): void {
    weights.forEach((w, k) => {
      if (w.length !== this.params[k]!.length) throw new Error(`FusedLearner: weight ${k} has ${w.length} values, expected ${this.params[k]!.length}`);
      this.params[k]!.f.set(w);
    });
  }

  async optimizerWeights(): Promise<NamedArray[]> {
    return this.adam.weights();
  }

  async setOptimizerWeights(weights: readonly NamedArray[]): Promise<void> {
    this.adam.setWeights(weights);
  }

  update(mb: Minibatch, bc: BcBatch | null, bcStrength: number, learningRate: number): UpdateStats {
    const steps = this.updateSteps(mb, bc, bcStrength, learningRate);
    for (;;) {
      const r = steps.next();
      if (r.done) return r.value;
    }
  }

  /**
   * `update` in a few pieces (each stack's forward, the loss, each stack's backward, the BC loss
   * and Adam), one a step of the generator: the same numbers, with room between them for other
   * work (train.ppo.overlap waits on the worker threads' env steps in these gaps).
   */
  *updateSteps(mb: Minibatch, bc: BcBatch | null, bcStrength: number, learningRate: number): Generator<void, UpdateStats, void> {
    // Both batch sizes' buffers first: making them may grow the memory and remake every view.
    const work = this.workFor(mb.size);
    const bcWork = bc && bcStrength > 0 ? this.workFor(bc.n) : null;
    for (const g of this.grads) g.f.fill(0);
    yield* this.ppoGradients(mb, work);
    this.stats[6] = bcWork ? this.bcGradients(bc!, bcStrength, bcWork) : 0;
    this.clipAndStep(this.adam, learningRate, this.params.length);
    return this.stats;
  }

  pretrainStep(batch: BcBatch, learningRate: number): void {
    // tf.train.adam(lr) as pre-training makes it: the backend's epsilon (1e-7 on cpu and wasm), no clipping.
    const count = 2 * this.actor.layers;
    this.pretrainAdam ??= new FusedAdam(this.shapes().slice(0, count), this.names.slice(0, count), 0.9, 0.999, 1e-7);
    const work = this.workFor(batch.n);
    for (const g of this.grads) g.f.fill(0);
    this.bcGradients(batch, 1, work);
    this.pretrainAdam.step(this.params.map((p) => p.f), this.grads.map((g) => g.f), 1, learningRate, count);
  }

  endPretrain(): void {
    this.pretrainAdam = null;
  }

  dispose(): void {
    this.work.clear();
  }

  /** The gradients of the last update (before clipping), in the params' order: for tests. */
  lastGradients(): readonly Float32Array[] {
    return this.grads.map((g) => g.f);
  }

  private workFor(n: number): Work {
    let w = this.work.get(n);
    if (!w) {
      const branchCount = this.shape.branches?.length ?? 0;
      const actor = this.actor.buffers(this.heap, n);
      w = { n, ld: actor.ld, actor, critic: this.critic.buffers(this.heap, n), dLogp: new Float64Array(n), lse: new Float64Array(branchCount * actor.ld), ent: new Float64Array(branchCount * actor.ld) };
      this.work.set(n, w);
    }
    return w;
  }

  /** Writes observations [n, D] into a stack's input, feature-major [D, ld]. */
  private input(obs: Float32Array, n: number, ld: number, x: Float32Array): void {
    const D = this.shape.obsSize;
    for (let j = 0; j < n; j++) for (let i = 0; i < D; i++) x[i * ld + j] = obs[j * D + i]!;
  }

  /** Forward both stacks, the PPO loss and its gradients into this.grads; fills stats[0..5]. */
  private *ppoGradients(mb: Minibatch, w: Work): Generator<void, void, void> {
    const n = mb.size;
    const { clipCoef, clipVloss, entCoef, vfCoef } = this.loss;
    this.input(mb.obs, n, w.ld, w.actor.acts[0]!.f);
    w.critic.acts[0]!.f.set(w.actor.acts[0]!.f);
    this.actor.forward(this.kernels, this.params, w.actor);
    yield;
    this.critic.forward(this.kernels, this.params, w.critic);
    yield;
    const out = w.actor.acts[this.actor.layers]!.f;
    const dOut = w.actor.deltas[this.actor.layers]!.f;
    const logp = w.dLogp; // holds log pi(a) until it becomes dL/dlogp

    const entropy = this.shape.branches ? this.categorical(mb, out, logp, w) : this.gaussian(mb, out, logp, w.ld);
    // Clipped surrogate: its gradient with respect to each log pi(a), and the ratio's statistics.
    let pg = 0, oldKl = 0, kl = 0, clipped = 0;
    for (let j = 0; j < n; j++) {
      const logRatio = logp[j]! - mb.logp[j]!;
      const ratio = Math.exp(logRatio);
      const a = -mb.adv[j]!;
      const inside = ratio >= 1 - clipCoef && ratio <= 1 + clipCoef;
      const unclipped = a * ratio;
      const clippedTerm = a * Math.min(1 + clipCoef, Math.max(1 - clipCoef, ratio));
      pg += unclipped >= clippedTerm ? unclipped : clippedTerm;
      logp[j] = (unclipped >= clippedTerm || inside ? a * ratio : 0) / n;
      oldKl -= logRatio;
      kl += ratio - 1 - logRatio;
      if (Math.abs(ratio - 1) > clipCoef) clipped += 1;
    }
    if (this.shape.branches) this.categoricalGradient(mb, out, dOut, w, entCoef);
    else this.gaussianGradient(mb, out, dOut, logp, entCoef, w.ld);

    // Value loss, clipped around the rollout's values like the policy's.
    const value = w.critic.acts[this.critic.layers]!.f;
    const dValue = w.critic.deltas[this.critic.layers]!.f;
    let vSum = 0;
    for (let j = 0; j < n; j++) {
      const v = value[j]!;
      const ret = mb.ret[j]!;
      const err = (v - ret) * (v - ret);
      let grad = 2 * (v - ret);
      let term = err;
      if (clipVloss) {
        const old = mb.val[j]!;
        const d = v - old;
        const vc = old + Math.min(clipCoef, Math.max(-clipCoef, d));
        const errClipped = (vc - ret) * (vc - ret);
        if (err < errClipped) {
          term = errClipped;
          grad = d >= -clipCoef && d <= clipCoef ? 2 * (vc - ret) : 0;
        }
      }
      vSum += term;
      dValue[j] = (vfCoef * 0.5 * grad) / n;
    }
    yield;
    this.actor.backward(this.kernels, this.params, w.actor, this.grads);
    yield;
    this.critic.backward(this.kernels, this.params, w.critic, this.grads);
    const s = this.stats;
    s[0] = pg / n;
    s[1] = (0.5 * vSum) / n;
    s[2] = entropy;
    s[3] = oldKl / n;
    s[4] = kl / n;
    s[5] = clipped / n;
  }

  /** log pi(a) of each sample into logp, each branch's log-sum-exp and entropy into w; returns the mean entropy. */
  private categorical(mb: Minibatch, out: Float32Array, logp: Float64Array, w: Work): number {
    const n = mb.size;
    const ld = w.ld;
    const branches = this.shape.branches!;
    const P = this.shape.outputs;
    const mask = mb.masked ? mb.mask : null;
    let entropySum = 0;
    for (let j = 0; j < n; j++) {
      let lp = 0;
      for (let b = 0, o = 0; b < branches.length; o += branches[b]!, b++) {
        const k = branches[b]!;
        let max = -Infinity;
        for (let c = 0; c < k; c++) if (!mask || mask[j * P + o + c]) max = Math.max(max, out[(o + c) * ld + j]!);
        let total = 0;
        for (let c = 0; c < k; c++) if (!mask || mask[j * P + o + c]) total += Math.exp(out[(o + c) * ld + j]! - max);
        const lse = max + Math.log(total);
        let ent = 0;
        for (let c = 0; c < k; c++) {
          if (mask && !mask[j * P + o + c]) continue;
          const l = out[(o + c) * ld + j]! - lse;
          ent -= Math.exp(l) * l;
        }
        lp += out[(o + mb.choices[j * branches.length + b]!) * ld + j]! - lse;
        w.lse[b * ld + j] = lse;
        w.ent[b * ld + j] = ent;
        entropySum += ent;
      }
      logp[j] = lp;
    }
    return entropySum / n;
  }

  /** dL/dlogits: dlogp (in w.dLogp) times (onehot - p), plus the entropy bonus's p (log p + H), masked choices 0. */
  private categoricalGradient(mb: Minibatch, out: Float32Array, dOut: Float32Array, w: Work, entCoef: number): void {
    const n = mb.size;
    const ld = w.ld;
    const branches = this.shape.branches!;
    const P = this.shape.outputs;
    const mask = mb.masked ? mb.mask : null;
    const entScale = entCoef / n;
    for (let j = 0; j < n; j++) {
      const g = w.dLogp[j]!;
      for (let b = 0, o = 0; b < branches.length; o += branches[b]!, b++) {
        const lse = w.lse[b * ld + j]!;
        const ent = w.ent[b * ld + j]!;
        const chosen = mb.choices[j * branches.length + b]!;
        for (let c = 0; c < branches[b]!; c++) {
          const at = (o + c) * ld + j;
          if (mask && !mask[j * P + o + c]) {
            dOut[at] = 0;
            continue;
          }
          const l = out[at]! - lse;
          const p = Math.exp(l);
          dOut[at] = g * ((c === chosen ? 1 : 0) - p) + entScale * p * (l + ent);
        }
      }
    }
  }

  /** log N(a; mean, exp(logStd)) of each sample into logp; returns the (state-independent) entropy. */
  private gaussian(mb: Minibatch, out: Float32Array, logp: Float64Array, ld: number): number {
    const n = mb.size;
    const P = this.shape.outputs;
    const logStd = this.params[this.logStdAt]!.f;
    for (let j = 0; j < n; j++) {
      let lp = 0;
      for (let d = 0; d < P; d++) {
        const z = (mb.act[j * P + d]! - out[d * ld + j]!) / Math.exp(logStd[d]!);
        lp += -0.5 * z * z - logStd[d]! - 0.5 * LOG_2PI;
      }
      logp[j] = lp;
    }
    let entropy = 0;
    for (let d = 0; d < P; d++) entropy += logStd[d]! + 0.5 + 0.5 * LOG_2PI;
    return entropy;
  }

  /** dL/dmean = dlogp z / sigma; dL/dlogStd = sum of dlogp (z^2 - 1), minus entCoef (the entropy's slope). */
  private gaussianGradient(mb: Minibatch, out: Float32Array, dOut: Float32Array, dLogp: Float64Array, entCoef: number, ld: number): void {
    const n = mb.size;
    const P = this.shape.outputs;
    const logStd = this.params[this.logStdAt]!.f;
    const dLogStd = this.grads[this.logStdAt]!.f;
    for (let d = 0; d < P; d++) {
      const sigma = Math.exp(logStd[d]!);
      let ds = -entCoef;
      for (let j = 0; j < n; j++) {
        const z = (mb.act[j * P + d]! - out[d * ld + j]!) / sigma;
        const g = dLogp[j]!;
        dOut[d * ld + j] = (g * z) / sigma;
        ds += g * (z * z - 1);
      }
      dLogStd[d] = dLogStd[d]! + ds;
    }
  }

  /** Adds strength x the BC loss's gradient through the actor into this.grads; returns the BC loss. */
  private bcGradients(bc: BcBatch, strength: number, w: Work): number {
    const n = bc.n;
    const ld = w.ld;
    this.input(bc.obs, n, ld, w.actor.acts[0]!.f);
    this.actor.forward(this.kernels, this.params, w.actor);
    const out = w.actor.acts[this.actor.layers]!.f;
    const dOut = w.actor.deltas[this.actor.layers]!.f;
    const P = this.shape.outputs;
    const branches = this.shape.branches;
    let loss = 0;
    if (branches) {
      for (let j = 0; j < n; j++) {
        for (let b = 0, o = 0; b < branches.length; o += branches[b]!, b++) {
          const k = branches[b]!;
          const chosen = bc.actions[j * branches.length + b]!;
          let max = -Infinity;
          for (let c = 0; c < k; c++) max = Math.max(max, out[(o + c) * ld + j]!);
          let total = 0;
          for (let c = 0; c < k; c++) total += Math.exp(out[(o + c) * ld + j]! - max);
          const lse = max + Math.log(total);
          // A branch of one choice is always right: no loss, no gradient.
          if (k > 1) loss -= out[(o + chosen) * ld + j]! - lse;
          for (let c = 0; c < k; c++) {
            const at = (o + c) * ld + j;
            dOut[at] = k > 1 ? (strength * (Math.exp(out[at]! - lse) - (c === chosen ? 1 : 0))) / n : 0;
          }
        }
      }
    } else {
      for (let j = 0; j < n; j++) {
        for (let d = 0; d < P; d++) {
          const e = out[d * ld + j]! - bc.actions[j * P + d]!;
          loss += e * e;
          dOut[d * ld + j] = (strength * 2 * e) / n;
        }
      }
    }
    this.actor.backward(this.kernels, this.params, w.actor, this.grads);
    return loss / n;
  }

  /** Global-norm clipping over every gradient, then one Adam step of the first `count` params. */
  private clipAndStep(adam: FusedAdam, lr: number, count: number): void {
    let sq = 0;
    for (const { f: g } of this.grads) for (let i = 0; i < g.length; i++) sq += g[i]! * g[i]!;
    const scale = Math.min(1, this.loss.maxGradNorm / (Math.sqrt(sq) + 1e-6));
    adam.step(this.params.map((p) => p.f), this.grads.map((g) => g.f), scale, lr, count);
  }
}
