/**
 * Swing: swing a pendulum up and hold it there with a torque. The dynamics are exactly Gymnasium's
 * Pendulum-v1 (classic_control/pendulum.py), as Balance is CartPole-v1: semi-implicit Euler with
 * dt = 0.05 s, g = 10, m = l = 1, the torque clipped to [-2, 2] and the angular speed to [-8, 8];
 * the reward -(angle^2 + 0.1 speed^2 + 0.001 torque^2) is taken on the state before the step (the
 * angle normalised to [-pi, pi), 0 upright); the episode never ends on its own and is truncated
 * at 200 steps. The Phaser scene that draws it reads the same state.
 */
import { Rng, box, type Env, type ResetResult, type StepResult } from 'phaser-distill';

export const MAX_SPEED = 8;
export const MAX_TORQUE = 2;
export const DT = 0.05;
export const G = 10;
export const MASS = 1;
export const LENGTH = 1;
export const MAX_STEPS = 200;

/** [theta (0 upright), theta_dot], in float64 as in Gymnasium's reference simulation. */
export type SwingState = [number, number];

/** theta into [-pi, pi), as Gymnasium's angle_normalize. */
export function angleNormalize(x: number): number {
  return ((((x + Math.PI) % (2 * Math.PI)) + 2 * Math.PI) % (2 * Math.PI)) - Math.PI;
}

const clip = (x: number, lo: number, hi: number) => Math.min(hi, Math.max(lo, x));

/** The reward for applying torque `u` (already clipped) in state `s`. */
export function swingReward(s: SwingState, u: number): number {
  const th = angleNormalize(s[0]);
  return -(th * th + 0.1 * s[1] * s[1] + 0.001 * u * u);
}

/** One step under torque `torque` (clipped to [-2, 2] first); returns the new state and the reward. */
export function swingStep(s: SwingState, torque: number): { state: SwingState; reward: number } {
  const u = clip(torque, -MAX_TORQUE, MAX_TORQUE);
  const reward = swingReward(s, u);
  const speed = clip(s[1] + ((3 * G) / (2 * LENGTH) * Math.sin(s[0]) + (3 / (MASS * LENGTH * LENGTH)) * u) * DT, -MAX_SPEED, MAX_SPEED);
  return { state: [s[0] + speed * DT, speed], reward };
}

/** A start state: theta ~ U[-pi, pi), theta_dot ~ U[-1, 1), as Pendulum-v1's reset. */
export function swingStart(rng: Rng): SwingState {
  return [rng.uniform(-Math.PI, Math.PI), rng.uniform(-1, 1)];
}

/** What the agent sees: [cos theta, sin theta, theta_dot]. */
export function swingObservation(s: SwingState, out = new Float32Array(3)): Float32Array {
  out[0] = Math.cos(s[0]);
  out[1] = Math.sin(s[0]);
  out[2] = s[1];
  return out;
}

export const SWING_OBSERVATION = { shape: [3], low: [-1, -1, -MAX_SPEED], high: [1, 1, MAX_SPEED] } as const;
export const SWING_ACTION = { type: 'box', shape: [1], low: -MAX_TORQUE, high: MAX_TORQUE } as const;

/** The Swing simulation as an Env, with Pendulum-v1's spaces, start state and time limit. */
export class SwingEnv implements Env {
  readonly observationSpace = box(SWING_OBSERVATION.shape, SWING_OBSERVATION.low, SWING_OBSERVATION.high);
  readonly actionSpace = box(SWING_ACTION.shape, SWING_ACTION.low, SWING_ACTION.high);
  state: SwingState = [0, 0];
  private steps = 0;
  private readonly rng = new Rng(0);

  constructor(readonly maxSteps = MAX_STEPS) {}

  reset(seed?: number): ResetResult {
    if (seed !== undefined) this.rng.seed(seed);
    this.state = swingStart(this.rng);
    this.steps = 0;
    return { observation: swingObservation(this.state), info: {} };
  }

  step(action: number | ArrayLike<number>): StepResult {
    const u = typeof action === 'number' ? action : action[0]!;
    if (!Number.isFinite(u)) throw new Error(`SwingEnv.step: the torque must be a finite number, got ${String(u)}`);
    const { state, reward } = swingStep(this.state, u);
    this.state = state;
    this.steps += 1;
    return { observation: swingObservation(state), reward, terminated: false, truncated: this.steps >= this.maxSteps, info: {} };
  }
}
