/**
 * Turning policy outputs into actions, and comparing two policies' choices, in plain code over
 * flat batches: [n * P] outputs in, [n * flatSize(space)] actions out.
 */
import { branchSizes, type Rng, type Space } from '../env/index.js';
import { sampleCategorical } from '../train/distributions.js';

/**
 * Writes row i's action into `out` at `at`: the argmax of each branch (or the clipped mean), or a
 * sample when `rng` is given (softmax of the logits; mean + exp(logStd) * noise for a box).
 */
export function chooseAction(space: Space, outputs: ArrayLike<number>, i: number, out: Float32Array, at: number, rng: Rng | null, logStd: ArrayLike<number> | null): void {
  const branches = branchSizes(space);
  if (branches === null) {
    const box = space as Extract<Space, { type: 'box' }>;
    const D = box.low.length;
    for (let d = 0; d < D; d++) {
      let a = outputs[i * D + d]!;
      if (rng) a += Math.exp(logStd ? logStd[d]! : 0) * rng.normal();
      out[at + d] = Math.min(box.high[d]!, Math.max(box.low[d]!, a));
    }
    return;
  }
  const P = branches.reduce((a, b) => a + b, 0);
  let offset = i * P;
  branches.forEach((k, b) => {
    out[at + b] = rng ? sampleCategorical(outputs, offset, k, rng).action : argmax(outputs, offset, k);
    offset += k;
  });
}

/**
 * Whether two policies' greedy actions agree on row i: every branch's argmax equal, or every
 * box mean within `tolerance`.
 */
export function agrees(space: Space, a: ArrayLike<number>, b: ArrayLike<number>, i: number, tolerance: number): boolean {
  const branches = branchSizes(space);
  if (branches === null) {
    const D = (space as Extract<Space, { type: 'box' }>).low.length;
    for (let d = 0; d < D; d++) if (Math.abs(a[i * D + d]! - b[i * D + d]!) > tolerance) return false;
    return true;
  }
  const P = branches.reduce((x, y) => x + y, 0);
  let offset = i * P;
  for (const k of branches) {
    if (argmax(a, offset, k) !== argmax(b, offset, k)) return false;
    offset += k;
  }
  return true;
}

export function argmax(xs: ArrayLike<number>, offset: number, k: number): number {
  let best = 0;
  for (let j = 1; j < k; j++) if (xs[offset + j]! > xs[offset + best]!) best = j;
  return best;
}
