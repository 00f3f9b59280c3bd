/**
 * Catch: balls fall, one at a time; the paddle at the bottom catches them. The agent `catcher` sees
 * the paddle and the ball, moves left, stays or moves right, and earns +1 for a catch and -1 for a
 * miss. A match is BALLS balls. The same scene trains headless in Node (env.ts) and plays in the
 * page (main.ts); both are made from CATCH below, so size, step rate and physics are written once.
 */
import Phaser from 'phaser';
import { defineGame } from 'phaser-distill';

export const CATCH_AGENT = 'catcher';
const WIDTH = 400;
const HEIGHT = 300;
const PADDLE_Y = 280;
const PADDLE_WIDTH = 60;
/** Pixels per second. */
const PADDLE_SPEED = 260;
const FALL_SPEED = 140;
const BALLS = 10;
const LEFT = 0;
const STAY = 1;
const RIGHT = 2;

export class CatchScene extends Phaser.Scene {
  paddle!: Phaser.Physics.Arcade.Image;
  ball!: Phaser.Physics.Arcade.Image;
  balls = 0;
  caught = 0;
  private keys: Phaser.Types.Input.Keyboard.CursorKeys | null = null;
  private text: Phaser.GameObjects.Text | null = null;

  constructor() {
    super('catch');
  }

  create(): void {
    // A scene object outlives its runs: set every field an episode reads again here.
    this.balls = 0;
    this.caught = 0;
    this.physics.world.setBounds(0, 0, WIDTH, HEIGHT);
    // Walls left and right; balls fall out through the bottom.
    this.physics.world.setBoundsCollision(true, true, true, false);
    this.paddle = this.physics.add.image(WIDTH / 2, PADDLE_Y, '__WHITE').setDisplaySize(PADDLE_WIDTH, 8).setTint(0x4aa3df);
    this.paddle.setCollideWorldBounds(true).setImmovable(true);
    this.ball = this.physics.add.image(0, 0, '__WHITE').setDisplaySize(10, 10).setTint(0xe8c547);
    this.ball.setCollideWorldBounds(true).setBounce(1, 0);
    this.keys = this.input.keyboard?.createCursorKeys() ?? null;
    this.text = this.add.text(8, 8, '', { fontSize: '14px', color: '#ffffff' });
    this.drop();

    this.ai.agent(CATCH_AGENT, {
      observation: { shape: [4], low: -1, high: 1 },
      action: { type: 'discrete', n: 3 },
      observe: () => [
        // Where the paddle is, how far the ball is to its side, how high the ball is, where it drifts.
        (this.paddle.x / WIDTH) * 2 - 1,
        Phaser.Math.Clamp((this.ball.x - this.paddle.x) / (WIDTH / 2), -1, 1),
        (this.ball.y / HEIGHT) * 2 - 1,
        Phaser.Math.Clamp(this.ball.body!.velocity.x / 100, -1, 1),
      ],
      act: (a) => this.paddle.setVelocityX(a === LEFT ? -PADDLE_SPEED : a === RIGHT ? PADDLE_SPEED : 0),
      done: () => (this.balls >= BALLS ? 'terminated' : false),
      // For this.ai.use(CATCH_AGENT, 'human'): the arrow keys.
      human: () => (this.keys?.left.isDown ? LEFT : this.keys?.right.isDown ? RIGHT : STAY),
      // A decision every 4 simulation steps: 15 a second at the default 60 steps a second.
      decisionPeriod: 4,
    });
  }

  /** Game logic, once per simulation step whatever the display's frame rate. */
  override fixedUpdate(): void {
    if (this.ball.y < PADDLE_Y) return;
    const caught = Math.abs(this.ball.x - this.paddle.x) <= PADDLE_WIDTH / 2 + 5;
    this.ai.addReward(CATCH_AGENT, caught ? 1 : -1);
    this.caught += caught ? 1 : 0;
    this.balls += 1;
    this.drop();
  }

  /** Drawing, once per displayed frame. */
  override update(): void {
    this.text?.setText(`caught ${this.caught} of ${this.balls}`);
  }

  /** A new ball at the top, at a random place and slant drawn from the episode's seeded generator. */
  private drop(): void {
    const rng = this.ai.rng;
    this.ball.body!.reset(rng.uniform(20, WIDTH - 20), 10);
    this.ball.setVelocity(rng.uniform(-80, 80), FALL_SPEED);
  }
}

/** The game: what the page and the headless env are both made from. */
export const CATCH = defineGame({ scene: CatchScene, agent: CATCH_AGENT, width: WIDTH, height: HEIGHT, physics: { default: 'arcade' } });
