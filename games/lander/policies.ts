/**
 * Scripted Lander pilots. `landerHeuristic` is Gymnasium's `heuristic` for the continuous lander
 * (box2d/lunar_lander.py), a PD controller that tilts towards the pad and holds a descent rate:
 * in Gymnasium it scores over 200, so it is also our check that the physics came out the same.
 */

/** Throttles [main, lateral] in [-1, 1] for observation `s` (as LanderEnv returns it). */
export function landerHeuristic(s: ArrayLike<number>, out = new Float32Array(2)): Float32Array {
  // Point towards the centre, more so when drifting away, but never past 0.4 rad (22 degrees).
  const angleTarget = Math.min(0.4, Math.max(-0.4, s[0]! * 0.5 + s[2]! * 1.0));
  // Hover lower the closer it is to the pad's x.
  const hoverTarget = 0.55 * Math.abs(s[0]!);
  let angleTodo = (angleTarget - s[4]!) * 0.5 - s[5]! * 1.0;
  let hoverTodo = (hoverTarget - s[1]!) * 0.5 - s[3]! * 0.5;
  if (s[6] || s[7]) {
    // Down on a leg: stop turning, only soften the fall.
    angleTodo = 0;
    hoverTodo = -s[3]! * 0.5;
  }
  out[0] = Math.min(1, Math.max(-1, hoverTodo * 20 - 1));
  out[1] = Math.min(1, Math.max(-1, -angleTodo * 20));
  return out;
}
