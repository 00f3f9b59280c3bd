/**
 * Arcade car physics, engine-free: a car is a point with a heading and a speed (it goes where it
 * points: no skids). Throttle accelerates it against a drag that caps its speed at MAX_SPEED;
 * braking slows it down to a stop (it never reverses); coasting lets the drag and rolling
 * resistance slow it. Steering turns it on a circle no tighter than MIN_TURN_RADIUS and at no more
 * than MAX_TURN_RATE, so a slow car turns tightly and a fast one takes a wide line: bends are taken
 * by braking first. A step is a fixed dt; the same controls give the same path.
 *
 * The car's pose is `x`, `y`, `rotation` (radians, Phaser's: 0 is +x, turning clockwise on the
 * screen), which is what a sensor reads a pose from.
 */
import {
  ACCELERATION, BRAKE, BRAKING, MAX_SPEED, MAX_TURN_RATE, MIN_TURN_RADIUS, ROLLING, STEER_LEFT, STEER_RIGHT, THROTTLE,
} from './constants.js';

/** Drag per second, set so that full throttle tends to MAX_SPEED exactly. */
const DRAG = (ACCELERATION - ROLLING) / MAX_SPEED;

export class Car {
  x: number;
  y: number;
  rotation: number;
  speed = 0;
  /** -1 left, 0 straight, 1 right. */
  steer = 0;
  /** -1 brake, 0 coast, 1 throttle. */
  throttle = 0;

  constructor(x = 0, y = 0, rotation = 0) {
    this.x = x;
    this.y = y;
    this.rotation = rotation;
  }

  /** Puts the car at a pose, stopped, with no controls held. */
  place(x: number, y: number, rotation: number): void {
    this.x = x;
    this.y = y;
    this.rotation = rotation;
    this.speed = 0;
    this.steer = 0;
    this.throttle = 0;
  }

  /** Sets the controls from an action's two branches: steer (left, none, right) and throttle (brake, coast, throttle). */
  control(steer: number, throttle: number): void {
    this.steer = steer === STEER_LEFT ? -1 : steer === STEER_RIGHT ? 1 : 0;
    this.throttle = throttle === BRAKE ? -1 : throttle === THROTTLE ? 1 : 0;
  }

  /** Advances the car `dt` seconds: speed first, then the turn, then the move along the new heading. */
  step(dt: number): void {
    let a = -DRAG * this.speed - ROLLING;
    if (this.throttle > 0) a += ACCELERATION;
    else if (this.throttle < 0) a -= BRAKING;
    this.speed = Math.max(0, Math.min(MAX_SPEED, this.speed + a * dt));
    const rate = Math.min(MAX_TURN_RATE, this.speed / MIN_TURN_RADIUS);
    this.rotation += this.steer * rate * dt;
    // Kept in (-pi, pi] so that long races do not grow the angle without bound.
    if (this.rotation > Math.PI) this.rotation -= 2 * Math.PI;
    else if (this.rotation <= -Math.PI) this.rotation += 2 * Math.PI;
    this.x += Math.cos(this.rotation) * this.speed * dt;
    this.y += Math.sin(this.rotation) * this.speed * dt;
  }
}
