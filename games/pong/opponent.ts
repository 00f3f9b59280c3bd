/**
 * The scripted Pong opponent, with a human's limits: it sees the ball as it was `reactionFrames`
 * ago, moves on at most `maxSpeedFraction` of the frames (a slower top speed than the paddle
 * allows), ignores small errors (`deadZone`), and aims at a point of its paddle that changes at
 * random after each return, so it is not a perfect wall. It reads the same mirrored observation a
 * learning paddle on its side would, and answers every frame.
 */
import type { Policy, Rng } from 'phaser-distill';
import { OBS, PONG_HEIGHT, PADDLE_HEIGHT, UP, STAY, DOWN } from './constants.js';

export interface OpponentOptions {
  /** Frames between the ball's position and the opponent seeing it (10 frames = 167 ms). */
  reactionFrames: number;
  /** Share of frames on which it may move: its top speed relative to the paddle's. */
  maxSpeedFraction: number;
  /** Pixels of error it does not correct. */
  deadZone: number;
  /** Its aim point is drawn uniformly within +-aimSpread of the paddle's height, per return. */
  aimSpread: number;
}

export const defaultOpponent: OpponentOptions = { reactionFrames: 8, maxSpeedFraction: 0.9, deadZone: 6, aimSpread: 0.35 };

export class ScriptedOpponent implements Policy {
  private readonly seen: Float32Array;
  private frame = 0;
  private moveBudget = 0;
  private aim = 0;
  private lastVx = 0;

  constructor(private readonly rng: Rng, readonly options: OpponentOptions = defaultOpponent) {
    this.seen = new Float32Array(Math.max(1, options.reactionFrames + 1) * 2);
  }

  act(observation: Float32Array): number {
    const { reactionFrames, maxSpeedFraction, deadZone, aimSpread } = this.options;
    const slots = reactionFrames + 1;
    const slot = this.frame % slots;
    this.seen[slot * 2] = observation[OBS.ballY]!;
    this.seen[slot * 2 + 1] = observation[OBS.ballVx]!;
    // Until the delay has filled, it sees the first frame it got.
    const old = this.frame < reactionFrames ? 0 : (this.frame - reactionFrames) % slots;
    this.frame += 1;
    const ballY = this.seen[old * 2]!;
    const vx = this.seen[old * 2 + 1]!;
    if (Math.sign(vx) !== Math.sign(this.lastVx)) this.aim = this.rng.uniform(-aimSpread, aimSpread);
    this.lastVx = vx;

    this.moveBudget += maxSpeedFraction;
    if (this.moveBudget < 1) return STAY;
    // Coming towards it (negative vx in its own view): meet the ball; otherwise drift to the middle.
    const target = vx < 0 ? ballY : 0;
    const paddleY = observation[OBS.ownY]!;
    const error = ((target - paddleY) * PONG_HEIGHT) / 2 - this.aim * PADDLE_HEIGHT;
    if (Math.abs(error) <= deadZone) return STAY;
    this.moveBudget -= 1;
    return error < 0 ? UP : DOWN;
  }
}
