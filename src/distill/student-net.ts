/**
 * The student while it trains: a small MLP as plain TensorFlow.js variables, with one policy head
 * per task (or one shared head) and an optional value output used only as a distillation target.
 *
 * Input layout: [normalised observation, zero-padded to the widest task | task one-hot (only in
 * 'one-hot' task mode)]. On export a task's constant one-hot column folds into the first layer's
 * bias and the padding columns are dropped, so every exported student is an ordinary single-task
 * file and the runtime knows nothing of tasks.
 */
import * as tf from '@tensorflow/tfjs';
import { Rng } from '../env/index.js';
import { orthogonal } from '../train/networks.js';
import type { DenseWeights } from './export.js';

export interface StudentShape {
  /** Width of the network's input (padded observation + task one-hot). */
  inputs: number;
  hidden: number[];
  activation: 'tanh' | 'relu';
  /** Policy outputs of each head. */
  heads: number[];
  /** Add a value output (for value distillation). */
  value: boolean;
}

interface Dense {
  w: tf.Variable;
  b: tf.Variable;
}

export class StudentNet {
  readonly trunk: Dense[] = [];
  readonly heads: Dense[] = [];
  readonly valueHead: Dense | null;

  constructor(readonly shape: StudentShape, seed: number) {
    const rng = new Rng(seed);
    // tidy frees the initial values, which tf.variable copies (variables themselves survive tidy).
    const dense = (i: number, o: number, gain: number): Dense => tf.tidy(() => ({
      w: tf.variable(tf.tensor2d(orthogonal(i, o, gain, rng), [i, o])),
      b: tf.variable(tf.zeros([o])),
    }));
    let width = shape.inputs;
    for (const h of shape.hidden) {
      this.trunk.push(dense(width, h, Math.SQRT2));
      width = h;
    }
    for (const p of shape.heads) this.heads.push(dense(width, p, 1));
    this.valueHead = shape.value ? dense(width, 1, 1) : null;
  }

  get params(): tf.Variable[] {
    return [...this.trunk, ...this.heads, ...(this.valueHead ? [this.valueHead] : [])].flatMap((d) => [d.w, d.b]);
  }

  /** @param x [B, inputs] @returns policy [B, P_head] and value [B] (null without a value output) */
  apply(x: tf.Tensor2D, head: number): { policy: tf.Tensor2D; value: tf.Tensor1D | null } {
    let h = x;
    for (const d of this.trunk) {
      const z = tf.add(tf.matMul(h, d.w as tf.Tensor2D), d.b) as tf.Tensor2D;
      h = this.shape.activation === 'tanh' ? tf.tanh(z) : tf.relu(z);
    }
    const out = this.heads[head]!;
    const policy = tf.add(tf.matMul(h, out.w as tf.Tensor2D), out.b) as tf.Tensor2D;
    const value = this.valueHead ? (tf.reshape(tf.add(tf.matMul(h, this.valueHead.w as tf.Tensor2D), this.valueHead.b), [-1]) as tf.Tensor1D) : null;
    return { policy, value };
  }

  /** Copies of every variable's values, to come back to the best epoch. */
  snapshot(): Float32Array[] {
    return this.params.map((p) => (p.dataSync() as Float32Array).slice());
  }

  restore(values: Float32Array[]): void {
    tf.tidy(() => this.params.forEach((p, i) => p.assign(tf.tensor(values[i]!, p.shape))));
  }

  /**
   * One task's layers as plain dense weights, with the padding columns dropped and a one-hot task
   * input folded into the first layer's bias.
   * @param obsSize the task's own observation size  @param oneHotAt input index of its one-hot entry, or -1
   */
  taskLayers(head: number, obsSize: number, oneHotAt: number): DenseWeights[] {
    const chain = [...this.trunk, this.heads[head]!];
    return chain.map((d, l) => {
      let kernel = (d.w.dataSync() as Float32Array).slice();
      const bias = (d.b.dataSync() as Float32Array).slice();
      const [inputs, outputs] = d.w.shape as [number, number];
      if (l === 0) {
        if (oneHotAt >= 0) for (let o = 0; o < outputs; o++) bias[o]! += kernel[oneHotAt * outputs + o]!;
        kernel = kernel.slice(0, obsSize * outputs);
      }
      return {
        inputs: l === 0 ? obsSize : inputs,
        outputs,
        kernel,
        bias,
        activation: l === chain.length - 1 ? 'linear' : this.shape.activation,
      };
    });
  }

  dispose(): void {
    for (const p of this.params) p.dispose();
  }
}

/**
 * Trains `student` with `fit` on a fresh Adam optimizer (distillation and imitation both): the
 * student is disposed if training throws, the optimizer in any case.
 */
export async function trainWithAdam<S extends { dispose(): void }>(student: S, learningRate: number, fit: (optimizer: tf.Optimizer) => Promise<void>): Promise<S> {
  const optimizer = tf.train.adam(learningRate);
  try {
    await fit(optimizer);
    return student;
  } catch (e) {
    student.dispose();
    throw e;
  } finally {
    optimizer.dispose();
  }
}
