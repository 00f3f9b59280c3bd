/**
 * A dense MLP's forward and backward pass over a batch, for the fused learner. Activations are kept
 * feature-major ([features, n]: one row per unit, one column per sample), so a layer is one gemm
 * with the weights in TensorFlow.js's [in, out] layout read through strides, and the backward pass
 * reuses the forward's stored outputs (tanh' = 1 - h^2, relu' = [h > 0]).
 *
 * Weights arrive as Float64Array copies of the float32 masters (one element kind for the kernel).
 */
import type { Activation } from '../networks.js';
import { gemmDots, gemmRows } from './gemm.js';

/** Per-batch-size buffers of one stack: outputs of each layer (acts[0] is the input) and their gradients. */
export interface StackBuffers {
  n: number;
  /** acts[l]: [sizes[l], n]. */
  acts: Float64Array[];
  /** deltas[l]: the loss's gradient with respect to layer l's pre-activation output, [sizes[l], n] (deltas[0] unused). */
  deltas: Float64Array[];
}

export class DenseStack {
  readonly layers: number;

  /** @param sizes units per layer, input first @param first index of W0 in the learner's param list (then b0, W1, b1, ...) */
  constructor(readonly sizes: readonly number[], readonly activation: Activation, readonly first: number) {
    this.layers = sizes.length - 1;
  }

  buffers(n: number): StackBuffers {
    return { n, acts: this.sizes.map((s) => new Float64Array(s * n)), deltas: this.sizes.map((s, l) => new Float64Array(l === 0 ? 0 : s * n)) };
  }

  /** Runs the stack on buf.acts[0]; the last layer's (linear) outputs land in buf.acts[layers]. */
  forward(w: readonly Float64Array[], buf: StackBuffers): void {
    const { n, acts } = buf;
    const relu = this.activation === 'relu';
    for (let l = 0; l < this.layers; l++) {
      const inputs = this.sizes[l]!;
      const outputs = this.sizes[l + 1]!;
      const z = acts[l + 1]!;
      const b = w[this.first + 2 * l + 1]!;
      // z[o, j] = sum_i W[i, o] x[i, j]
      gemmRows(z, w[this.first + 2 * l]!, 1, outputs, acts[l]!, outputs, n, inputs, false);
      const hidden = l + 1 < this.layers;
      for (let o = 0; o < outputs; o++) {
        const bo = b[o]!;
        const row = o * n;
        if (!hidden) for (let j = 0; j < n; j++) z[row + j] = z[row + j]! + bo;
        else if (relu) for (let j = 0; j < n; j++) z[row + j] = Math.max(0, z[row + j]! + bo);
        else for (let j = 0; j < n; j++) z[row + j] = tanh(z[row + j]! + bo);
      }
    }
  }

  /**
   * Back-propagates buf.deltas[layers] (set by the caller) and adds each weight's gradient into
   * grads (same indices as the weights). The input's gradient is not needed and not computed.
   */
  backward(w: readonly Float64Array[], buf: StackBuffers, grads: Float64Array[]): void {
    const { n, acts, deltas } = buf;
    const relu = this.activation === 'relu';
    for (let l = this.layers - 1; l >= 0; l--) {
      const inputs = this.sizes[l]!;
      const outputs = this.sizes[l + 1]!;
      const dz = deltas[l + 1]!;
      // dW[i, o] = dW[i, o]! + sum_j x[i, j] dz[o, j]
      gemmDots(grads[this.first + 2 * l]!, outputs, acts[l]!, dz, inputs, outputs, n);
      const db = grads[this.first + 2 * l + 1]!;
      for (let o = 0; o < outputs; o++) {
        let s = 0;
        for (let j = 0, row = o * n; j < n; j++) s += dz[row + j]!;
        db[o] = db[o]! + s;
      }
      if (l === 0) break;
      // dh[i, j] = sum_o W[i, o] dz[o, j], then through the activation of layer l's output
      const dh = deltas[l]!;
      gemmRows(dh, w[this.first + 2 * l]!, outputs, 1, dz, inputs, n, outputs, false);
      const h = acts[l]!;
      const size = inputs * n;
      if (relu) for (let k = 0; k < size; k++) dh[k] = h[k]! > 0 ? dh[k]! : 0;
      else for (let k = 0; k < size; k++) dh[k] = dh[k]! * (1 - h[k]! * h[k]!);
    }
  }
}

/**
 * tanh through one exp: within 4e-16 of Math.tanh, and about a third faster in V8 (Math.tanh is
 * fdlibm's, with its own branches), which counts at 2 x 64 x 64 per stack per minibatch. Large |x|
 * saturate to +-1 exactly; exp overflowing to Infinity gives 1.
 */
function tanh(x: number): number {
  if (x > 20) return 1;
  if (x < -20) return -1;
  return 1 - 2 / (Math.exp(2 * x) + 1);
}
