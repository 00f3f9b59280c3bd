/**
 * A hand-written Racer driver, as a plain function of the observation: a baseline to measure the
 * teacher against, and a driver for tests. It steers toward the side whose rays see farther and
 * brakes when the way ahead is short for its speed, but never to a stop.
 */
import { BRAKE, COAST, OBS_RAYS, OBS_SPEED, RAY_COUNT, RAY_VALUES, STEER_LEFT, STEER_NONE, STEER_RIGHT, THROTTLE } from './constants.js';

/** Hit fraction of ray k (0 = leftmost, RAY_COUNT - 1 = rightmost): 1 when it sees no wall. */
export function rayFraction(observation: ArrayLike<number>, k: number): number {
  return observation[OBS_RAYS + k * RAY_VALUES + 2]!;
}

export function followGap(observation: ArrayLike<number>): [number, number] {
  const mid = (RAY_COUNT - 1) / 2;
  let left = 0;
  let right = 0;
  for (let k = 1; k < mid; k++) {
    left += rayFraction(observation, k);
    right += rayFraction(observation, RAY_COUNT - 1 - k);
  }
  const ahead = rayFraction(observation, mid);
  const speed = observation[OBS_SPEED]!;
  const steer = left > right + 0.05 ? STEER_LEFT : right > left + 0.05 ? STEER_RIGHT : STEER_NONE;
  // Never to a standstill: a stopped car facing a bend would wait there for ever.
  const throttle = speed < 0.2 ? THROTTLE : ahead < 0.25 + 0.6 * speed ? BRAKE : ahead < 0.35 + 0.6 * speed ? COAST : THROTTLE;
  return [steer, throttle];
}
