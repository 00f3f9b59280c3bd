/**
 * Which observation features moved the policy's decision most: for each feature, how far the action
 * probabilities travel (total variation) when that feature alone is nudged up and down by a tenth
 * of its spread. Gradient-free, so it works on the plain runtime; one decision costs 2 * features
 * forward passes of a tiny net, cheap enough for a debug overlay.
 */
import type { StudentPolicy } from './student-policy.js';

/** Per-feature influence, scaled to sum to 1 (all zeros when nothing moves the decision). */
export function saliency(policy: StudentPolicy, observation: ArrayLike<number>): Float32Array {
  const n = observation.length;
  const x = Float64Array.from(observation);
  const base = Float32Array.from(policy.probabilities(x));
  const norm = policy.file.observationNormalization;
  const out = new Float32Array(n);
  let total = 0;
  for (let i = 0; i < n; i++) {
    const delta = 0.1 * (norm ? Math.sqrt(norm.var[i]! + norm.epsilon) : Math.max(1, Math.abs(x[i]!)));
    const keep = x[i]!;
    let moved = 0;
    for (const sign of [1, -1]) {
      x[i] = keep + sign * delta;
      const p = policy.probabilities(x);
      for (let j = 0; j < p.length; j++) moved += Math.abs(p[j]! - base[j]!);
    }
    x[i] = keep;
    out[i] = moved;
    total += moved;
  }
  if (total > 0) for (let i = 0; i < n; i++) out[i] = out[i]! / total;
  return out;
}
