/**
 * A TensorFlow.js teacher (from `loadTeacher`) as a greedy discrete policy, with its action
 * probabilities for the overlay. Only a type comes from phaser-distill/train, so importing this
 * costs a page nothing: the teacher itself is loaded lazily (see teacher-loader.ts).
 */
import type { Teacher } from 'phaser-distill/train';

export class TeacherDriver {
  private readonly probs: Float32Array;
  private readonly batch: Float32Array;
  /** The last observation's logits, so `probabilities` after `act` costs no second forward. */
  private lastObs: Float32Array;
  private lastLogits: Float32Array | null = null;

  constructor(readonly teacher: Teacher) {
    if (teacher.actionSpace.type !== 'discrete') throw new Error(`TeacherDriver plays discrete actions; this teacher's are '${teacher.actionSpace.type}'`);
    this.probs = new Float32Array(teacher.outputSize);
    this.batch = new Float32Array(teacher.obsSize);
    this.lastObs = new Float32Array(teacher.obsSize);
  }

  act(observation: ArrayLike<number>): number {
    return argmax(this.logits(observation));
  }

  /** Greedy actions for `n` observations ([n * obsSize]) in one forward: for evaluation. */
  actBatch(observations: Float32Array, n: number): Int32Array {
    const logits = this.teacher.predict(observations, n).policy;
    const P = this.teacher.outputSize;
    return Int32Array.from({ length: n }, (_, i) => argmax(logits.subarray(i * P, (i + 1) * P)));
  }

  /** softmax(logits) of one observation; reused by the next call. */
  probabilities(observation: ArrayLike<number>): Float32Array {
    const z = this.logits(observation);
    const max = Math.max(...z);
    let total = 0;
    for (let j = 0; j < z.length; j++) total += this.probs[j] = Math.exp(z[j]! - max);
    for (let j = 0; j < z.length; j++) this.probs[j] = this.probs[j]! / total;
    return this.probs;
  }

  /**
   * The same measure as the runtime's `saliency` (src/policy/saliency.ts) for the teacher: how far
   * the action probabilities move when one feature is nudged by a tenth of its spread, all nudges
   * in one batched forward. Scaled to sum to 1.
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
    const p = (r: number) => softmax(logits.subarray(r * P, (r + 1) * P));
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

  private logits(observation: ArrayLike<number>): Float32Array {
    if (this.lastLogits && sameValues(this.lastObs, observation)) return this.lastLogits;
    this.batch.set(observation);
    this.lastObs.set(observation);
    this.lastLogits = this.teacher.predict(this.batch, 1).policy;
    return this.lastLogits;
  }
}

function softmax(z: Float32Array): Float32Array {
  const max = Math.max(...z);
  const e = z.map((v) => Math.exp(v - max));
  const total = e.reduce((a, b) => a + b, 0);
  return e.map((v) => v / total);
}

function argmax(z: ArrayLike<number>): number {
  let best = 0;
  for (let j = 1; j < z.length; j++) if (z[j]! > z[best]!) best = j;
  return best;
}

function sameValues(a: Float32Array, b: ArrayLike<number>): boolean {
  for (let i = 0; i < a.length; i++) if (a[i] !== Math.fround(b[i]!)) return false;
  return true;
}
