/**
 * A TensorFlow.js teacher (from `loadTeacher`) as a greedy policy: the best allowed choice of each
 * branch of a discrete or multi-discrete action, or the Gaussian mean of a box action clipped to
 * the box; with its action probabilities for the overlay (a softmax per branch; for a box, the
 * means). Only a type comes from phaser-distill/train, so importing this costs a page nothing: the
 * teacher itself is loaded lazily (see teacher-loader.ts).
 */
import { bestChoice, type ActionMask } from 'phaser-distill';
import type { Teacher } from 'phaser-distill/train';

export class TeacherDriver {
  private readonly probs: Float32Array;
  private readonly batch: Float32Array;
  /** The last observation's logits, so `probabilities` after `act` costs no second forward. */
  private lastObs: Float32Array;
  private lastLogits: Float32Array | null = null;

  /** Branch sizes: one branch for a discrete action; none for a box. */
  readonly branches: readonly number[];
  /** A box action's bounds, or null. */
  private readonly low: Float64Array | null;
  private readonly high: Float64Array | null;

  constructor(readonly teacher: Teacher) {
    const space = teacher.actionSpace;
    this.branches = space.type === 'discrete' ? [space.n] : space.type === 'multi-discrete' ? [...space.nvec] : [];
    this.low = space.type === 'box' ? Float64Array.from(space.low) : null;
    this.high = space.type === 'box' ? Float64Array.from(space.high) : null;
    this.probs = new Float32Array(teacher.outputSize);
    this.batch = new Float32Array(teacher.obsSize);
    this.lastObs = new Float32Array(teacher.obsSize);
  }

  /**
   * The greedy action: within `mask`, a number for a discrete action, one number per branch for a
   * multi-discrete one; for a box, the mean clipped to the box (a new array).
   */
  act(observation: ArrayLike<number>, mask?: ActionMask): number | number[] | Float32Array {
    const z = this.logits(observation);
    if (this.low) return this.clipped(z, 0, new Float32Array(z.length), 0);
    const choices: number[] = [];
    for (let b = 0, offset = 0; b < this.branches.length; offset += this.branches[b]!, b++) choices.push(bestChoice(z, offset, this.branches[b]!, mask));
    return this.teacher.actionSpace.type === 'discrete' ? choices[0]! : choices;
  }

  /**
   * Greedy actions for `n` observations ([n * obsSize]) in one forward, for evaluation:
   * [n * branches] choices, or for a box [n * dimensions] clipped means.
   */
  actBatch(observations: Float32Array, n: number): Int32Array | Float32Array {
    const logits = this.teacher.predict(observations, n).policy;
    const P = this.teacher.outputSize;
    if (this.low) {
      const out = new Float32Array(n * P);
      for (let i = 0; i < n; i++) this.clipped(logits, i * P, out, i * P);
      return out;
    }
    const B = this.branches.length;
    const out = new Int32Array(n * B);
    for (let i = 0; i < n; i++) {
      for (let b = 0, offset = i * P; b < B; offset += this.branches[b]!, b++) out[i * B + b] = bestChoice(logits, offset, this.branches[b]!);
    }
    return out;
  }

  /** Writes the box-clipped means z[from ..] into out[at ..]; returns `out`. */
  private clipped(z: Float32Array, from: number, out: Float32Array, at: number): Float32Array {
    const low = this.low!;
    const high = this.high!;
    for (let d = 0; d < low.length; d++) {
      const m = z[from + d]!;
      // Written so that a NaN mean gives low, as the student runtime does.
      out[at + d] = m >= low[d]! ? (m > high[d]! ? high[d]! : m) : low[d]!;
    }
    return out;
  }

  /** softmax(logits) of each branch of one observation, end to end (for a box, the means); reused by the next call. */
  probabilities(observation: ArrayLike<number>): Float32Array {
    this.probs.set(this.outputs(this.logits(observation)));
    return this.probs;
  }

  /**
   * The same measure as the runtime's `saliency` (src/policy/saliency.ts) for the teacher: how far
   * the action probabilities (for a box, the means) move when one feature is nudged by a tenth of
   * its spread, all nudges in one batched forward. Scaled to sum to 1.
   */
  saliency(observation: ArrayLike<number>): Float32Array {
    const n = this.teacher.obsSize;
    const P = this.teacher.outputSize;
    const rows = new Float32Array((2 * n + 1) * n);
    const obs = Float32Array.from(observation);
    for (let r = 0; r < 2 * n + 1; r++) rows.set(obs, r * n);
    const stats = this.teacher.obsStats;
    for (let i = 0; i < n; i++) {
      const delta = 0.1 * (stats ? Math.sqrt(stats.var[i]! + 1e-8) : Math.max(1, Math.abs(observation[i]!)));
      rows[(1 + 2 * i) * n + i] = observation[i]! + delta;
      rows[(2 + 2 * i) * n + i] = observation[i]! - delta;
    }
    const logits = this.teacher.predict(rows, 2 * n + 1).policy;
    const p = (r: number) => this.outputs(logits.subarray(r * P, (r + 1) * P));
    const base = p(0);
    const out = new Float32Array(n);
    let total = 0;
    for (let i = 0; i < n; i++) {
      for (const r of [1 + 2 * i, 2 + 2 * i]) p(r).forEach((q, j) => (out[i] = out[i]! + Math.abs(q - base[j]!)));
      total += out[i]!;
    }
    if (total > 0) for (let i = 0; i < n; i++) out[i] = out[i]! / total;
    return out;
  }

  /** What the overlay compares: probabilities per branch, or a box's means as they are. */
  private outputs(z: Float32Array): Float32Array {
    return this.low ? z : softmax(z, this.branches);
  }

  private logits(observation: ArrayLike<number>): Float32Array {
    if (this.lastLogits && sameValues(this.lastObs, observation)) return this.lastLogits;
    this.batch.set(observation);
    this.lastObs.set(observation);
    this.lastLogits = this.teacher.predict(this.batch, 1).policy;
    return this.lastLogits;
  }
}

/** A softmax per branch, end to end. */
function softmax(z: Float32Array, branches: readonly number[]): Float32Array {
  const out = new Float32Array(z.length);
  for (let b = 0, offset = 0; b < branches.length; offset += branches[b]!, b++) {
    let max = -Infinity;
    for (let j = offset; j < offset + branches[b]!; j++) max = Math.max(max, z[j]!);
    let total = 0;
    for (let j = offset; j < offset + branches[b]!; j++) total += out[j] = Math.exp(z[j]! - max);
    for (let j = offset; j < offset + branches[b]!; j++) out[j] = out[j]! / total;
  }
  return out;
}

function sameValues(a: Float32Array, b: ArrayLike<number>): boolean {
  for (let i = 0; i < a.length; i++) if (a[i] !== Math.fround(b[i]!)) return false;
  return true;
}
