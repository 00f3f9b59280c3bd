/**
 * Hill: a buggy on Matter physics, two wheels on axles (constraints) under a chassis, drives over
 * rolling hills to the flag. The agent `driver` chooses brake, coast or throttle; the wheels spin
 * up or down toward a speed, and the hills do the rest: too much throttle on a crest flips the buggy
 * backwards, too little stalls it on a climb. It sees its own angle, spin and velocity, and the
 * ground ahead through five rays (a RaySensor2D reading Matter bodies). It earns its progress
 * toward the flag (1 a 100 px), +5 at the flag, and -5 for landing on its roof. Each episode's hills
 * come from the episode's generator. Game logic runs at 60 steps a second on simulation time.
 */
import Phaser from 'phaser';
import { defineGame, RaySensor2D, type AgentSpec } from 'phaser-distill';

export const HILL_AGENT = 'driver';
export const HILL_WIDTH = 800;
export const HILL_HEIGHT = 400;
/** The course: the flag stands at FINISH_X, and the ground runs a little past it. */
export const FINISH_X = 3000;
const COURSE_END = FINISH_X + 400;
const START_X = 150;
const SEGMENT = 100;
const BASE_Y = 300;
/** An episode's time limit, in simulation steps (25 s). */
export const HILL_STEPS = 1500;
/** Wheel spin, in radians a step, that throttle drives toward; brake drives toward the opposite third. */
const MAX_SPIN = 0.8;
/** How fast the wheels reach it: the fraction of the gap closed each step. */
const SPIN_RATE = 0.3;
export const BRAKE = 0;
export const COAST = 1;
export const THROTTLE = 2;

export class HillScene extends Phaser.Scene {
  chassis!: MatterJS.BodyType;
  wheels!: MatterJS.BodyType[];
  /** The ground's height at each SEGMENT of x, from 0 to COURSE_END. */
  ground: number[] = [];
  steps = 0;
  /** The chassis' x at the last reward, for progress. */
  private rewardedX = START_X;
  /** Set when the episode ended, and how. */
  outcome: 'finished' | 'flipped' | null = null;
  throttle = COAST;
  eyes!: RaySensor2D;
  private readonly eyePose = { x: 0, y: 0, rotation: 0 };
  private keys: Phaser.Types.Input.Keyboard.CursorKeys | null = null;
  private body!: Phaser.GameObjects.Rectangle;
  private tyres: Phaser.GameObjects.Arc[] = [];
  private status: Phaser.GameObjects.Text | null = null;

  constructor() {
    super('hill');
  }

  create(): void {
    this.steps = 0;
    this.outcome = null;
    this.throttle = COAST;
    this.rewardedX = START_X;
    this.matter.world.setBounds(0, -2000, COURSE_END, HILL_HEIGHT + 2000, 64, true, true, false, false);
    this.ground = hills(this.ai.rng);
    this.buildGround();
    this.buildBuggy(START_X, this.heightAt(START_X) - 40);
    this.add.rectangle(FINISH_X, this.heightAt(FINISH_X) - 40, 4, 80, 0xe8c547).setOrigin(0.5, 0.5);
    this.cameras.main.setBounds(0, -2000, COURSE_END, HILL_HEIGHT + 2000).startFollow(this.body, false, 0.2, 0.2);
    this.status = this.add.text(8, 8, '', { fontSize: '14px', color: '#ffffff' }).setScrollFactor(0);
    this.keys = this.input.keyboard?.createCursorKeys() ?? null;
    this.eyes = new RaySensor2D(this, { tags: ['ground'], rayLength: 260, raysPerDirection: 2, maxRayDegrees: 40, ignore: this.wheels, from: this.eyePose });
    this.ai.agent(HILL_AGENT, hillAgent(this));
  }

  override fixedUpdate(): void {
    this.steps += 1;
    // Each wheel's spin moves toward the throttle's: a motor with some give.
    const target = this.throttle === THROTTLE ? MAX_SPIN : this.throttle === BRAKE ? -MAX_SPIN / 3 : null;
    for (const w of this.wheels) {
      if (target !== null) this.matter.body.setAngularVelocity(w, w.angularVelocity + (target - w.angularVelocity) * SPIN_RATE);
    }
    if (this.outcome) return;
    if (this.chassis.position.x >= FINISH_X) this.outcome = 'finished';
    // On its roof: the chassis turned past 110 degrees and resting near the ground.
    else if (Math.abs(angleOf(this.chassis)) > 1.9 && this.chassis.position.y > this.heightAt(this.chassis.position.x) - 40) this.outcome = 'flipped';
  }

  override update(): void {
    this.body.setPosition(this.chassis.position.x, this.chassis.position.y).setRotation(this.chassis.angle);
    this.wheels.forEach((w, i) => this.tyres[i]!.setPosition(w.position.x, w.position.y));
    this.status?.setText(`${Math.max(0, Math.round((this.chassis.position.x - START_X) / 10))} m of ${Math.round((FINISH_X - START_X) / 10)}${this.outcome === 'finished' ? ': finished!' : this.outcome === 'flipped' ? ': on its roof' : ''}`);
  }

  /** The ground's height (y grows down) at x, between the nearest two points. */
  heightAt(x: number): number {
    const i = Math.max(0, Math.min(this.ground.length - 2, Math.floor(x / SEGMENT)));
    const t = Math.max(0, Math.min(1, x / SEGMENT - i));
    return this.ground[i]! * (1 - t) + this.ground[i + 1]! * t;
  }

  /** Progress since the last reward (1 a 100 px), +5 at the flag, -5 on the roof. */
  takeReward(): number {
    const x = this.chassis.position.x;
    let r = (x - this.rewardedX) / 100;
    this.rewardedX = x;
    if (this.outcome === 'finished') r += 5;
    if (this.outcome === 'flipped') r -= 5;
    return r;
  }

  /** The observation: angle, spin and velocity of the chassis, then the rays. */
  observeState(out: Float32Array): Float32Array {
    const c = this.chassis;
    const a = angleOf(c);
    out[0] = Math.sin(a);
    out[1] = Math.cos(a);
    out[2] = Phaser.Math.Clamp(c.angularVelocity * 10, -1, 1);
    out[3] = Phaser.Math.Clamp(c.velocity.x / 10, -1, 1);
    out[4] = Phaser.Math.Clamp(c.velocity.y / 10, -1, 1);
    // The rays look ahead and down from the chassis, turning with it.
    this.eyePose.x = c.position.x;
    this.eyePose.y = c.position.y;
    this.eyePose.rotation = a + 0.75;
    return out;
  }

  humanAction(): number {
    if (this.keys?.right.isDown || this.keys?.up.isDown) return THROTTLE;
    if (this.keys?.left.isDown || this.keys?.down.isDown) return BRAKE;
    return COAST;
  }

  private buildGround(): void {
    const g = this.add.graphics();
    g.fillStyle(0x3b6b3b);
    g.beginPath();
    g.moveTo(0, HILL_HEIGHT + 400);
    for (let i = 0; i < this.ground.length; i++) g.lineTo(i * SEGMENT, this.ground[i]!);
    g.lineTo(COURSE_END, HILL_HEIGHT + 400);
    g.closePath();
    g.fillPath();
    // The ground as Matter bodies: a thick static slab under each segment, named for the rays.
    for (let i = 0; i + 1 < this.ground.length; i++) {
      const x0 = i * SEGMENT;
      const y0 = this.ground[i]!;
      const y1 = this.ground[i + 1]!;
      const angle = Math.atan2(y1 - y0, SEGMENT);
      const length = Math.hypot(SEGMENT, y1 - y0) + 4;
      const thick = 40;
      // The slab's top face runs along the segment.
      const cx = x0 + SEGMENT / 2 - Math.sin(angle) * -thick / 2;
      const cy = (y0 + y1) / 2 + Math.cos(angle) * thick / 2;
      this.matter.add.rectangle(cx, cy, length, thick, { isStatic: true, angle, label: 'ground', friction: 0.9 });
    }
  }

  private buildBuggy(x: number, y: number): void {
    const group = this.matter.world.nextGroup(true);
    this.chassis = this.matter.add.rectangle(x, y, 64, 14, { label: 'chassis', collisionFilter: { group, category: 1, mask: 0xffffffff }, density: 0.002, friction: 0.5 });
    this.wheels = [-24, 24].map((dx) => {
      const wheel = this.matter.add.circle(x + dx, y + 16, 12, { label: 'wheel', collisionFilter: { group, category: 1, mask: 0xffffffff }, density: 0.0015, friction: 0.95, restitution: 0 });
      this.matter.add.constraint(this.chassis, wheel, 0, 0.35, { pointA: { x: dx, y: 12 }, damping: 0.15 });
      return wheel;
    });
    this.body = this.add.rectangle(x, y, 64, 14, 0x4aa3df);
    this.tyres = this.wheels.map((w) => this.add.circle(w.position.x, w.position.y, 12, 0x222222).setStrokeStyle(3, 0xbbbbbb));
  }
}

/** The chassis' angle, wrapped to (-pi, pi]. */
function angleOf(body: MatterJS.BodyType): number {
  return Phaser.Math.Angle.Wrap(body.angle);
}

/** An episode's hills: a sum of three waves of seeded lengths, heights and phases, flat at the start. */
export function hills(rng: { uniform(a: number, b: number): number }): number[] {
  const waves = [0, 1, 2].map((k) => ({ length: rng.uniform(300, 700) / (k + 1), height: rng.uniform(40, 90) / (k + 1), phase: rng.uniform(0, 2 * Math.PI) }));
  return Array.from({ length: COURSE_END / SEGMENT + 1 }, (_, i) => {
    const x = i * SEGMENT;
    const ramp = Math.min(1, Math.max(0, (x - START_X - 100) / 400));
    return BASE_Y - ramp * waves.reduce((h, w) => h + w.height * Math.sin((2 * Math.PI * x) / w.length + w.phase), 0);
  });
}

export function hillAgent(scene: HillScene): AgentSpec<{ type: 'discrete'; n: 3 }> {
  const own = new Float32Array(5);
  return {
    observation: { shape: [5], low: -1, high: 1 },
    observe: () => scene.observeState(own),
    sensors: [scene.eyes],
    action: { type: 'discrete', n: 3 },
    act: (a) => (scene.throttle = a),
    reward: () => scene.takeReward(),
    done: () => (scene.outcome ? 'terminated' : scene.steps >= HILL_STEPS ? 'truncated' : false),
    human: () => scene.humanAction(),
    decisionPeriod: 4,
  };
}

export const HILL = defineGame({
  scene: HillScene,
  agent: HILL_AGENT,
  width: HILL_WIDTH,
  height: HILL_HEIGHT,
  physics: { default: 'matter', matter: { gravity: { x: 0, y: 1 } } },
});
