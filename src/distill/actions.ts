/**
 * Turning policy outputs into actions, and comparing two policies' choices, in plain code over
 * flat batches: [n * P] outputs in, [n * flatSize(space)] actions out. An action mask, when given,
 * is laid out as the outputs ([n * P], 1 allowed): a masked choice is never chosen.
 */
import { branchSizes, type Rng, type Space } from '../env/index.js';
import { bestChoice } from '../policy/index.js';
import { sampleCategorical } from '../train/distributions.js';

/**
 * Writes row i's action into `out` at `at`: the argmax of each branch (or the clipped mean), or a
 * sample when `rng` is given (softmax of the logits; mean + exp(logStd) * noise for a box).
 */
export function chooseAction(space: Space, outputs: ArrayLike<number>, i: number, out: Float32Array, at: number, rng: Rng | null, logStd: ArrayLike<number> | null, mask: ArrayLike<number> | null = null): void {
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
    out[at + b] = rng ? sampleCategorical(outputs, offset, k, rng, mask).action : argmax(outputs, offset, k, mask);
    offset += k;
  });
}

/**
 * Whether two policies' greedy actions agree on row i: every branch's argmax (among the allowed
 * choices) equal, or every box mean within `tolerance`. With `clip`, box means are first clipped
 * to the box, as the env receives them (chooseAction clips): two means past the same bound are the
 * same action, however far past it they are.
 */
export function agrees(space: Space, a: ArrayLike<number>, b: ArrayLike<number>, i: number, tolerance: number, mask: ArrayLike<number> | null = null, clip = false): boolean {
  const branches = branchSizes(space);
  if (branches === null) {
    const box = space as Extract<Space, { type: 'box' }>;
    const D = box.low.length;
    const at = (x: number, d: number) => (clip ? Math.min(box.high[d]!, Math.max(box.low[d]!, x)) : x);
    for (let d = 0; d < D; d++) if (Math.abs(at(a[i * D + d]!, d) - at(b[i * D + d]!, d)) > tolerance) return false;
    return true;
  }
  const P = branches.reduce((x, y) => x + y, 0);
  let offset = i * P;
  for (const k of branches) {
    if (argmax(a, offset, k, mask) !== argmax(b, offset, k, mask)) return false;
    offset += k;
  }
  return true;
}

/** The best choice of `xs[offset .. offset + k)`, among those `mask` allows (laid out as `xs`). */
export function argmax(xs: ArrayLike<number>, offset: number, k: number, mask: ArrayLike<number> | null = null): number {
  const best = bestChoice(xs, offset, k, mask);
  if (best < 0) throw new Error(`the action mask allows no choice in a branch of ${k} (entries ${offset} to ${offset + k - 1})`);
  return best;
}
