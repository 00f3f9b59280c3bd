/**
 * Balance: keep a pole upright on a cart. The dynamics are exactly CartPole-v1's (Barto, Sutton and
 * Anderson 1983, as in Gymnasium): Euler integration with tau = 0.02 s, a 10 N push left or right,
 * termination past 12 degrees or 2.4 units from the centre, reward 1 per step, truncation at 500
 * steps. The Phaser scene that draws it reads the same state.
 */
import { Rng, box, discrete, type Env, type ResetResult, type StepResult } from 'phaser-distill';

export const GRAVITY = 9.8;
export const CART_MASS = 1.0;
export const POLE_MASS = 0.1;
export const TOTAL_MASS = CART_MASS + POLE_MASS;
/** Half the pole's length. */
export const POLE_HALF_LENGTH = 0.5;
export const FORCE = 10.0;
export const TAU = 0.02;
export const THETA_LIMIT = (12 * 2 * Math.PI) / 360;
export const X_LIMIT = 2.4;
export const MAX_STEPS = 500;

/** [x, x_dot, theta, theta_dot], in float64 as in Gymnasium's reference simulation. */
export type BalanceState = [number, number, number, number];

/** One Euler step of the cart-pole under action 0 (push left) or 1 (push right). */
export function balanceStep(s: BalanceState, action: number): BalanceState {
  const [x, xDot, theta, thetaDot] = s;
  const force = action === 1 ? FORCE : -FORCE;
  const cos = Math.cos(theta);
  const sin = Math.sin(theta);
  const poleMassLength = POLE_MASS * POLE_HALF_LENGTH;
  const temp = (force + poleMassLength * thetaDot * thetaDot * sin) / TOTAL_MASS;
  const thetaAcc = (GRAVITY * sin - cos * temp) / (POLE_HALF_LENGTH * (4.0 / 3.0 - (POLE_MASS * cos * cos) / TOTAL_MASS));
  const xAcc = temp - (poleMassLength * thetaAcc * cos) / TOTAL_MASS;
  return [x + TAU * xDot, xDot + TAU * xAcc, theta + TAU * thetaDot, thetaDot + TAU * thetaAcc];
}

export function balanceFell(s: BalanceState): boolean {
  return s[0] < -X_LIMIT || s[0] > X_LIMIT || s[2] < -THETA_LIMIT || s[2] > THETA_LIMIT;
}

const HIGH = [X_LIMIT * 2, 3.4028234663852886e38, THETA_LIMIT * 2, 3.4028234663852886e38];

/** A start state: four uniform draws in [-0.05, 0.05), as CartPole-v1's reset. */
export function balanceStart(rng: Rng): BalanceState {
  return [0, 1, 2, 3].map(() => rng.uniform(-0.05, 0.05)) as BalanceState;
}

/** How an episode stands after `steps` steps: the pole down or the cart off the track ends it, then the time limit. */
export function balanceDone(state: BalanceState, steps: number, maxSteps = MAX_STEPS): false | 'terminated' | 'truncated' {
  return balanceFell(state) ? 'terminated' : steps >= maxSteps ? 'truncated' : false;
}

/** The Balance simulation as an Env, with CartPole-v1's spaces, start state and time limit. */
export class BalanceEnv implements Env {
  readonly observationSpace = box([4], HIGH.map((h) => -h), HIGH);
  readonly actionSpace = discrete(2);
  state: BalanceState = [0, 0, 0, 0];
  private steps = 0;
  private readonly rng = new Rng(0);

  constructor(readonly maxSteps = MAX_STEPS) {}

  reset(seed?: number): ResetResult {
    if (seed !== undefined) this.rng.seed(seed);
    this.state = balanceStart(this.rng);
    this.steps = 0;
    return { observation: Float32Array.from(this.state), info: {} };
  }

  step(action: number | ArrayLike<number>): StepResult {
    const a = typeof action === 'number' ? action : action[0]!;
    if (a !== 0 && a !== 1) throw new Error(`BalanceEnv.step: action must be 0 or 1, got ${String(a)}`);
    this.state = balanceStep(this.state, a);
    this.steps += 1;
    const done = balanceDone(this.state, this.steps, this.maxSteps);
    return { observation: Float32Array.from(this.state), reward: 1, terminated: done === 'terminated', truncated: done === 'truncated', info: {} };
  }
}
