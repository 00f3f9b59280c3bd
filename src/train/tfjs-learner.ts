/**
 * The TensorFlow.js learner: PPO's loss written out as tfjs ops, its gradients by variableGrads,
 * global-norm clipping and tf.train.adam. It runs on any backend (GPU ones included) and for any
 * network size, and it is the reference the fused learner is tested against.
 */
import * as tf from '@tensorflow/tfjs';
import { imitationLoss } from '../distill/losses.js';
import { categoricalLogProbEntropy, gaussianLogProbEntropy } from './distributions.js';
import type { BcBatch, Learner, LossSettings, Minibatch, NamedArray, UpdateStats } from './learner.js';
import type { ActorCritic } from './networks.js';

export class TfjsLearner implements Learner {
  readonly engine = 'tfjs' as const;
  optimizer: tf.AdamOptimizer;
  private pretrainOptimizer: tf.Optimizer | null = null;

  constructor(readonly net: ActorCritic, private readonly loss: LossSettings, private readonly branches: readonly number[] | null, private readonly actSize: number) {
    this.optimizer = TfjsLearner.makeOptimizer();
  }

  private static makeOptimizer(): tf.AdamOptimizer {
    return tf.train.adam(1e-3, 0.9, 0.999, 1e-5);
  }

  getWeights(): Float32Array[] {
    return this.net.getWeights();
  }

  setWeights(weights: readonly Float32Array[]): void {
    this.net.setWeights(weights);
  }

  async optimizerWeights(): Promise<NamedArray[]> {
    const weights = await this.optimizer.getWeights();
    const out = weights.map((w): NamedArray => ({ name: w.name, shape: [...w.tensor.shape], dtype: w.tensor.dtype === 'int32' ? 'int32' : 'float32', data: (w.tensor.dataSync() as Float32Array | Int32Array).slice() }));
    // getWeights makes a new scalar for the step count ('iter'); the rest are the optimizer's own variables.
    weights[0]?.tensor.dispose();
    return out;
  }

  /**
   * Replaces Adam's state (step count and moments, in the params' order) with saved values. A new
   * optimizer takes them: tfjs's setWeights would drop the old moments without freeing them.
   */
  async setOptimizerWeights(weights: readonly NamedArray[]): Promise<void> {
    const tensors = weights.map((w) => ({ name: w.name, tensor: tf.tensor(w.data, w.shape, w.dtype) }));
    this.optimizer.dispose();
    this.optimizer = TfjsLearner.makeOptimizer();
    await this.optimizer.setWeights(tensors);
    // The optimizer's new variables hold copies: the 'iter' scalar and the moments given are ours to free.
    for (const t of tensors) t.tensor.dispose();
  }

  update(mb: Minibatch, bcBatch: BcBatch | null, bcStrength: number, learningRate: number): UpdateStats {
    const { loss: config, net } = this;
    (this.optimizer as unknown as { learningRate: number }).learningRate = learningRate;
    const n = mb.size;
    const useBc = bcBatch !== null && bcStrength > 0;
    const stats = tf.tidy(() => {
      const x = tf.tensor2d(mb.obs, [n, mb.obsSize]);
      const act = tf.tensor2d(mb.act, [n, mb.actWidth]);
      const oldLogp = tf.tensor1d(mb.logp);
      const adv = tf.tensor1d(mb.adv);
      const ret = tf.tensor1d(mb.ret);
      const oldV = tf.tensor1d(mb.val);
      const mask = mb.masked ? tf.tensor2d(mb.mask, [n, mb.actWidth]) : undefined;
      let kept: tf.Tensor | null = null;
      const { grads } = tf.variableGrads(() => {
        const out = net.actor.apply(x);
        const { logProb, entropy } = net.logStd
          ? gaussianLogProbEntropy(out, net.logStd as tf.Tensor1D, act)
          : categoricalLogProbEntropy(out, act, this.branches!, mask);
        const logRatio = tf.sub(logProb, oldLogp);
        const ratio = tf.exp(logRatio);
        const pgLoss = tf.mean(tf.maximum(tf.mul(tf.neg(adv), ratio), tf.mul(tf.neg(adv), tf.clipByValue(ratio, 1 - config.clipCoef, 1 + config.clipCoef))));
        const newV = tf.reshape(net.critic.apply(x), [n]);
        const vErr = tf.square(tf.sub(newV, ret));
        const vLoss = config.clipVloss
          ? tf.mul(0.5, tf.mean(tf.maximum(vErr, tf.square(tf.sub(tf.add(oldV, tf.clipByValue(tf.sub(newV, oldV), -config.clipCoef, config.clipCoef)), ret)))))
          : tf.mul(0.5, tf.mean(vErr));
        const entLoss = tf.mean(entropy);
        let loss = tf.add(tf.sub(pgLoss, tf.mul(config.entCoef, entLoss)), tf.mul(config.vfCoef, vLoss)) as tf.Scalar;
        const bcLoss = useBc ? this.bcLoss(bcBatch) : tf.scalar(0);
        if (useBc) loss = tf.add(loss, tf.mul(bcStrength, bcLoss)) as tf.Scalar;
        kept = tf.keep(tf.stack([
          pgLoss, vLoss, entLoss,
          tf.mean(tf.neg(logRatio)),
          tf.mean(tf.sub(tf.sub(ratio, 1), logRatio)),
          tf.mean(tf.cast(tf.greater(tf.abs(tf.sub(ratio, 1)), config.clipCoef), 'float32')),
          bcLoss,
        ]));
        return loss;
      }, net.params);
      // Clip by global norm, then one Adam step over the params in their fixed order.
      const params = net.params;
      const list = params.map((p) => grads[p.name]!);
      if (this.keepGradients) this.lastGrads = list.map((g) => (g.dataSync() as Float32Array).slice());
      const norm = tf.sqrt(tf.addN(list.map((g) => tf.sum(tf.square(g)))));
      const scale = tf.minimum(1, tf.div(config.maxGradNorm, tf.add(norm, 1e-6)));
      this.optimizer.applyGradients(params.map((p, i) => ({ name: p.name, tensor: tf.mul(list[i]!, scale) })));
      return kept!;
    });
    const values = stats.dataSync() as Float32Array;
    stats.dispose();
    return values;
  }

  /** Keep each update's gradients for lastGradients (a read back per param: for tests, never in training). */
  keepGradients = false;
  private lastGrads: Float32Array[] = [];

  /** The gradients of the last update (before clipping), in the params' order, when `keepGradients` is set. */
  lastGradients(): readonly Float32Array[] {
    return this.lastGrads;
  }

  pretrainStep(batch: BcBatch, learningRate: number): void {
    const optimizer = (this.pretrainOptimizer ??= tf.train.adam(learningRate));
    tf.tidy(() => {
      const { grads } = tf.variableGrads(() => this.bcLoss(batch), this.net.actor.params);
      optimizer.applyGradients(grads);
    });
  }

  endPretrain(): void {
    this.pretrainOptimizer?.dispose();
    this.pretrainOptimizer = null;
  }

  /** The BC loss of the actor on a demo batch (inside a tidy and variableGrads). */
  private bcLoss(b: BcBatch): tf.Scalar {
    const x = tf.tensor2d(b.obs, [b.n, this.net.obsSize]);
    const a = this.branches ? tf.tensor2d(b.actions as Int32Array, [b.n, this.actSize], 'int32') : tf.tensor2d(b.actions as Float32Array, [b.n, this.actSize]);
    return imitationLoss(a, this.net.actor.apply(x) as tf.Tensor2D, this.branches);
  }

  dispose(): void {
    this.optimizer.dispose();
    this.endPretrain();
  }
}
