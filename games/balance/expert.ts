/**
 * A scripted Balance expert: a PD controller on the pole's angle, with a weaker pull of the cart
 * back to the middle so that it lasts the whole 500 steps. It pushes the way the pole would fall
 * (the angle plus a share of its rate), nudged by where the cart is and how fast it goes.
 */
/** Where each quantity sits in the observation ([x, x_dot, theta, theta_dot], as CartPole-v1's). */
const OBS_X = 0;
const OBS_X_DOT = 1;
const OBS_THETA = 2;
const OBS_THETA_DOT = 3;

/** Gains of the controller, in the observation's units (m, m/s, rad, rad/s). */
export const EXPERT_GAINS = { x: 0.05, xDot: 0.1, theta: 1, thetaDot: 0.25 } as const;

/** 1 (push right) when the pole leans or falls right, else 0. */
export function balanceExpert(observation: Float32Array): number {
  const g = EXPERT_GAINS;
  const u = g.x * observation[OBS_X]! + g.xDot * observation[OBS_X_DOT]! + g.theta * observation[OBS_THETA]! + g.thetaDot * observation[OBS_THETA_DOT]!;
  return u > 0 ? 1 : 0;
}
