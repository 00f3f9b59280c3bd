/**
 * Adam as tf.train.adam computes it, over typed arrays: moments and weights kept in float32 as
 * TensorFlow.js keeps its variables, beta powers accumulated by float32 multiplication from beta
 * (tfjs's accBeta variables), epsilon added to the square root of the bias-corrected second
 * moment, and the gradient scaled (global-norm clipping) before it enters the moments.
 *
 * Its state converts to and from tf.train.adam's getWeights layout: 'iter' (int32), the first
 * moments `{param}/m`, then the second moments `{param}/v`, in the params' order.
 */
import type { NamedArray } from '../learner.js';

export class FusedAdam {
  readonly m: Float32Array[];
  readonly v: Float32Array[];
  iterations = 0;
  /** beta1^(t+1) and beta2^(t+1) in float32, as tfjs's accBeta1 and accBeta2 variables. */
  private accBeta1: number;
  private accBeta2: number;
  private readonly beta1: number;
  private readonly beta2: number;
  /** 1 - beta in float32 from the double beta, as tfjs computes `1 - this.beta1` (not 1 minus float32 beta: 1.3e-5 apart for 0.999). */
  private readonly oneMinusBeta1: number;
  private readonly oneMinusBeta2: number;

  constructor(private readonly shapes: readonly number[][], private readonly names: readonly string[], beta1: number, beta2: number, private readonly epsilon: number) {
    const sizes = shapes.map((s) => s.reduce((a, b) => a * b, 1));
    this.m = sizes.map((n) => new Float32Array(n));
    this.v = sizes.map((n) => new Float32Array(n));
    this.beta1 = Math.fround(beta1);
    this.beta2 = Math.fround(beta2);
    this.oneMinusBeta1 = Math.fround(1 - beta1);
    this.oneMinusBeta2 = Math.fround(1 - beta2);
    this.accBeta1 = this.beta1;
    this.accBeta2 = this.beta2;
  }

  /** params[k] -= lr * mhat / (sqrt(vhat) + eps) with gradient grads[k] * scale, for k < count. */
  step(params: Float32Array[], grads: Float32Array[], scale: number, lr: number, count = params.length): void {
    const b1 = this.beta1;
    const b2 = this.beta2;
    const c1 = this.oneMinusBeta1;
    const c2 = this.oneMinusBeta2;
    const bias1 = Math.fround(1 - this.accBeta1);
    const bias2 = Math.fround(1 - this.accBeta2);
    const eps = this.epsilon;
    for (let k = 0; k < count; k++) {
      const p = params[k]!;
      const g = grads[k]!;
      const m = this.m[k]!;
      const v = this.v[k]!;
      for (let i = 0; i < p.length; i++) {
        const gi = Math.fround(g[i]! * scale);
        const mi = (m[i] = m[i]! * b1 + gi * c1);
        const vi = (v[i] = v[i]! * b2 + gi * gi * c2);
        p[i] = p[i]! - (lr * (mi / bias1)) / (Math.sqrt(vi / bias2) + eps);
      }
    }
    this.accBeta1 = Math.fround(this.accBeta1 * b1);
    this.accBeta2 = Math.fround(this.accBeta2 * b2);
    this.iterations += 1;
  }

  /** tf.train.adam's getWeights layout. */
  weights(): NamedArray[] {
    const named = (suffix: string, arrays: Float32Array[]) => arrays.map((data, k): NamedArray => ({ name: `${this.names[k]}/${suffix}`, shape: [...this.shapes[k]!], dtype: 'float32', data: Float32Array.from(data) }));
    return [{ name: 'iter', shape: [], dtype: 'int32', data: Int32Array.of(this.iterations) }, ...named('m', this.m), ...named('v', this.v)];
  }

  /**
   * Takes tf.train.adam's layout. Only 'iter' means no step was taken yet (tfjs makes the moments at
   * the first step): the moments are zeros then. The beta powers are set as tfjs's setWeights does.
   */
  setWeights(weights: readonly NamedArray[]): void {
    const [iter, ...moments] = weights;
    if (!iter || iter.name !== 'iter') throw new Error(`optimizer state: the first weight must be 'iter', not '${iter?.name}'`);
    const count = this.m.length;
    if (moments.length !== 0 && moments.length !== 2 * count) throw new Error(`optimizer state: ${moments.length} moments for ${count} params (expected ${2 * count})`);
    this.iterations = iter.data[0]!;
    for (let k = 0; k < count; k++) {
      for (const [arrays, w] of [[this.m, moments[k]], [this.v, moments[count + k]]] as const) {
        if (!w) {
          arrays[k]!.fill(0);
          continue;
        }
        if (w.data.length !== arrays[k]!.length) throw new Error(`optimizer state: '${w.name}' has ${w.data.length} values, expected ${arrays[k]!.length}`);
        arrays[k]!.set(w.data);
      }
    }
    this.accBeta1 = Math.fround(Math.pow(this.beta1, this.iterations + 1));
    this.accBeta2 = Math.fround(Math.pow(this.beta2, this.iterations + 1));
  }
}
