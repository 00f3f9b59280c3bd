/**
 * Hand-written Pong policies, as plain functions of the observation: a baseline to measure the
 * teacher against and a driver for demos and the browser test.
 */
import { BALL_SIZE, MAX_BALL_SPEED, OBS, PADDLE_MARGIN, PADDLE_WIDTH, PONG_HEIGHT, PONG_WIDTH, STAY, UP, DOWN } from './constants.js';

/** Keeps the paddle's centre on the ball's height, at once and at full speed. */
export function followBall(observation: Float32Array): number {
  const gap = observation[OBS.ballToPaddle]!;
  if (gap < -0.04) return UP;
  if (gap > 0.04) return DOWN;
  return STAY;
}

/** Pixels off the paddle's centre that aimBall meets the ball with, towards the side away from the opponent. */
const AIM_EDGE = 24;
/** Seconds of the ball's vertical motion that aimBall leads it by. */
const AIM_LEAD = 0.05;

/**
 * followBall with an aim: keeps the paddle's centre 24 px off the ball's height a moment ahead
 * (0.05 s of its vertical speed), on the side that sends it back steeply away from the opponent
 * (meets it with the lower half while the opponent is in the top half), and plainly follows it
 * while it goes away. A simple function of four numbers of the observation (ballToPaddle, the
 * ball's vertical speed, the sign of its horizontal speed and of otherY), so behaviour cloning
 * copies it: a return of about 4.8 a match against the scripted opponent (4.78 on 160 fresh
 * matches, 4.84 on 100), and students cloned from 20 of its matches about 4.7 (97% of its
 * held-out choices). The expert bench/imitation.ts records for Pong.
 */
export function aimBall(observation: Float32Array): number {
  const ahead = observation[OBS.ballToPaddle]! + (2 * AIM_LEAD * MAX_BALL_SPEED * observation[OBS.ballVy]!) / PONG_HEIGHT;
  const aim = observation[OBS.ballVx]! < 0 ? ((observation[OBS.otherY]! < 0 ? 2 : -2) * AIM_EDGE) / PONG_HEIGHT : 0;
  const gap = ahead - aim;
  if (gap < -0.04) return UP;
  if (gap > 0.04) return DOWN;
  return STAY;
}

/** Pixels off the paddle's centre that interceptBall meets the ball with, for a steep return. */
const EDGE = 22;

/**
 * Meets the ball where it will cross the paddle's line (bounces off the walls included), off the
 * paddle's edge so it returns steeply, towards the side away from the opponent; waits in the
 * middle while the ball goes away. A stronger scripted expert than followBall: a return of about
 * 4.9 a match against the scripted opponent on 40 fresh matches, followBall about 2.3. Not yet one
 * that behaviour cloning copies: students cloned from 20 of its matches kept 96% of its held-out
 * choices but returned 0.8 (64x64 tanh) and 1.9 (128x128 relu), the misses compounding.
 */
export function interceptBall(observation: Float32Array): number {
  const toPx = (v: number, size: number) => ((v + 1) / 2) * size;
  const x = toPx(observation[OBS.ballX]!, PONG_WIDTH);
  const y = toPx(observation[OBS.ballY]!, PONG_HEIGHT);
  const vx = observation[OBS.ballVx]! * MAX_BALL_SPEED;
  const vy = observation[OBS.ballVy]! * MAX_BALL_SPEED;
  const paddle = toPx(observation[OBS.ownY]!, PONG_HEIGHT);
  const other = toPx(observation[OBS.otherY]!, PONG_HEIGHT);
  let target = PONG_HEIGHT / 2;
  if (vx < -1) {
    // Time to the paddle's face, then the height there, folded back into the field by the walls.
    const t = (x - (PADDLE_MARGIN + PADDLE_WIDTH / 2 + BALL_SIZE / 2)) / -vx;
    const lo = BALL_SIZE / 2;
    const span = PONG_HEIGHT - BALL_SIZE;
    const fold = (((y + vy * t - lo) % (2 * span)) + 2 * span) % (2 * span);
    target = lo + (fold > span ? 2 * span - fold : fold) + (other < PONG_HEIGHT / 2 ? -EDGE : EDGE);
  }
  const error = target - paddle;
  // A decision moves the paddle 24 px (PADDLE_SPEED for 4 steps): within 8 px it holds still.
  if (error < -8) return UP;
  if (error > 8) return DOWN;
  return STAY;
}
