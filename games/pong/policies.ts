/**
 * Hand-written Pong policies, as plain functions of the observation: a baseline to measure the
 * teacher against and a driver for demos and the browser test.
 */
import { OBS, STAY, UP, DOWN } from './constants.js';

/** Keeps the paddle's centre on the ball's height, at once and at full speed. */
export function followBall(observation: Float32Array): number {
  const gap = observation[OBS.ballToPaddle]!;
  if (gap < -0.04) return UP;
  if (gap > 0.04) return DOWN;
  return STAY;
}
