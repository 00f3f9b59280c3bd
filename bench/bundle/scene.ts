/** The game both bundles share: a paddle chasing a ball, the same in each but for the AI. */
import Phaser from 'phaser';

export class ChaseScene extends Phaser.Scene {
  paddle!: Phaser.GameObjects.Rectangle;
  ball!: Phaser.GameObjects.Arc;
  vy = 3;

  constructor() {
    super('chase');
  }

  create(): void {
    this.paddle = this.add.rectangle(40, 200, 10, 60, 0xffffff);
    this.ball = this.add.circle(320, 100, 5, 0xffcc00);
  }

  override update(): void {
    this.ball.y += this.vy;
    if (this.ball.y < 0 || this.ball.y > 400) this.vy = -this.vy;
  }

  /** What the paddle sees, laid out as Pong's observation (ball x, y, vx, vy, own y, other y, gap). */
  observe(): number[] {
    const ballY = this.ball.y / 200 - 1;
    const ownY = this.paddle.y / 200 - 1;
    return [0, ballY, 0, this.vy / 3, ownY, 0, ballY - ownY];
  }
}

export const config = { type: Phaser.AUTO, width: 640, height: 400 };
