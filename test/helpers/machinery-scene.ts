/**
 * A scene on Matter physics with Phaser's clock and tweens driving its game logic: a ball rolls on
 * a floor under gravity, a platform slides back and forth on a tween (yoyo, forever), and a timer
 * drops a crate (a Matter rectangle) every 0.4 s, and a compound "dumbbell" every third time. The
 * agent `roller` pushes the ball left, not at all, or right. Everything it sees depends on all
 * three systems running on simulation time. Import 'phaser-distill/node' before this file.
 */
import Phaser from 'phaser';
import { defineGame } from 'phaser-distill';

export const ROLLER = 'roller';
const WIDTH = 480;
const HEIGHT = 320;

export class MachineryScene extends Phaser.Scene {
  ball!: MatterJS.BodyType;
  platform!: Phaser.GameObjects.Rectangle;
  dropped: MatterJS.BodyType[] = [];
  /** Times the timer fired and tween cycles completed in this run. */
  drops = 0;
  tweenLoops = 0;

  constructor() {
    super('machinery');
  }

  create(): void {
    this.dropped = [];
    this.drops = 0;
    this.tweenLoops = 0;
    this.matter.world.setBounds(0, 0, WIDTH, HEIGHT);
    this.ball = this.matter.add.circle(WIDTH / 2, HEIGHT - 40, 12, { label: 'ball', friction: 0.01, restitution: 0.3 });
    this.platform = this.add.rectangle(80, 200, 90, 10, 0x88aaff);
    this.tweens.add({ targets: this.platform, x: WIDTH - 80, duration: 1500, yoyo: true, repeat: -1, ease: 'Sine.easeInOut', onYoyo: () => (this.tweenLoops += 1) });
    this.time.addEvent({ delay: 400, loop: true, callback: () => this.drop() });
    this.ai.agent(ROLLER, {
      observation: { shape: [7], low: -10, high: 10 },
      action: { type: 'discrete', n: 3 },
      observe: () => {
        const near = this.dropped.length ? this.dropped[this.dropped.length - 1]!.position : { x: 0, y: 0 };
        return [this.ball.position.x / WIDTH, this.ball.position.y / HEIGHT, this.ball.velocity.x, this.ball.velocity.y, this.platform.x / WIDTH, near.x / WIDTH, near.y / HEIGHT];
      },
      act: (a) => this.matter.body.applyForce(this.ball, this.ball.position, { x: (a - 1) * 0.0004, y: 0 }),
      reward: () => -Math.abs(this.ball.position.x - this.platform.x) / WIDTH,
      decisionPeriod: 4,
    });
  }

  /** A crate above the platform, drawn from the episode's generator; every third drop a compound body. */
  private drop(): void {
    this.drops += 1;
    const x = this.platform.x + this.ai.rng.uniform(-30, 30);
    const body = this.drops % 3 === 0
      ? this.matter.body.create({ parts: [this.matter.bodies.circle(x - 12, 20, 6), this.matter.bodies.circle(x + 12, 20, 6), this.matter.bodies.rectangle(x, 20, 24, 4)] })
      : this.matter.bodies.rectangle(x, 20, 14, 14, { label: 'crate' });
    this.matter.world.add(body);
    this.dropped.push(body);
    // Old crates leave, so the world stays small over long runs.
    if (this.dropped.length > 12) this.matter.world.remove(this.dropped.shift()!);
  }
}

export const MACHINERY = defineGame({
  scene: MachineryScene,
  agent: ROLLER,
  width: WIDTH,
  height: HEIGHT,
  physics: { default: 'matter', matter: { gravity: { x: 0, y: 1 } } },
});
