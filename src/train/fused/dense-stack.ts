/**
 * A dense MLP's forward and backward pass over a batch, for the fused learner. Activations are kept
 * feature-major ([features, ld]: one row per unit, one column per sample, rows padded to `ld`, a
 * multiple of 8, for the SIMD kernels), so a layer is one kernel call with the weights in
 * TensorFlow.js's [in, out] layout read through strides, and the backward pass reuses the
 * forward's stored outputs (tanh' = 1 - h^2, relu' = [h > 0]).
 *
 * Padding columns are harmless: the input's are 0, a hidden layer's hold whatever its bias gives,
 * and every gradient there stays 0 (the loss writes only real samples), so they add nothing to
 * the weight gradients, which sum over all ld columns.
 */
import type { Activation } from '../networks.js';
import type { Heap, Slot } from './heap.js';
import { LINEAR, RELU, TANH, type SimdKernels } from './simd.js';

/** Per-batch-size buffers of one stack: outputs of each layer (acts[0] is the input) and their gradients. */
export interface StackBuffers {
  n: number;
  /** Row length: n rounded up to a multiple of 8. */
  ld: number;
  /** acts[l]: [sizes[l], ld]. */
  acts: Slot[];
  /** deltas[l]: the loss's gradient with respect to layer l's pre-activation output, [sizes[l], ld] (deltas[0] unused). */
  deltas: Slot[];
}

export class DenseStack {
  readonly layers: number;

  /** @param sizes units per layer, input first @param first index of W0 in the learner's param list (then b0, W1, b1, ...) */
  constructor(readonly sizes: readonly number[], readonly activation: Activation, readonly first: number) {
    this.layers = sizes.length - 1;
  }

  buffers(heap: Heap, n: number): StackBuffers {
    const ld = Math.ceil(n / 8) * 8;
    return { n, ld, acts: this.sizes.map((s) => heap.alloc(s * ld)), deltas: this.sizes.map((s, l) => heap.alloc(l === 0 ? 0 : s * ld)) };
  }

  /** Runs the stack on buf.acts[0]; the last layer's (linear) outputs land in buf.acts[layers]. */
  forward(k: SimdKernels, w: readonly Slot[], buf: StackBuffers): void {
    const { ld, acts } = buf;
    const kind = this.activation === 'relu' ? RELU : TANH;
    for (let l = 0; l < this.layers; l++) {
      const inputs = this.sizes[l]!;
      const outputs = this.sizes[l + 1]!;
      // z[o, j] = sum_i W[i, o] x[i, j]
      k.rows(acts[l + 1]!.off, w[this.first + 2 * l]!.off, 1, outputs, acts[l]!.off, outputs, ld, inputs, 0);
      k.act(acts[l + 1]!.off, w[this.first + 2 * l + 1]!.off, outputs, ld, l + 1 < this.layers ? kind : LINEAR);
    }
  }

  /**
   * Back-propagates buf.deltas[layers] (set by the caller) and adds each weight's gradient into
   * grads (same indices as the weights). The input's gradient is not needed and not computed.
   */
  backward(k: SimdKernels, w: readonly Slot[], buf: StackBuffers, grads: readonly Slot[]): void {
    const { n, ld, acts, deltas } = buf;
    const kind = this.activation === 'relu' ? RELU : TANH;
    for (let l = this.layers - 1; l >= 0; l--) {
      const inputs = this.sizes[l]!;
      const outputs = this.sizes[l + 1]!;
      const dz = deltas[l + 1]!;
      // dW[i, o] += sum_j x[i, j] dz[o, j]
      k.dots(grads[this.first + 2 * l]!.off, outputs, acts[l]!.off, dz.off, inputs, outputs, ld);
      const db = grads[this.first + 2 * l + 1]!.f;
      const dzf = dz.f;
      for (let o = 0; o < outputs; o++) {
        let s = 0;
        for (let j = 0, row = o * ld; j < n; j++) s += dzf[row + j]!;
        db[o] = db[o]! + s;
      }
      if (l === 0) break;
      // dh[i, j] = sum_o W[i, o] dz[o, j], then through the activation of layer l's output
      k.rows(deltas[l]!.off, w[this.first + 2 * l]!.off, outputs, 1, dz.off, inputs, ld, outputs, 0);
      k.dact(deltas[l]!.off, acts[l]!.off, inputs * ld, kind);
    }
  }
}

