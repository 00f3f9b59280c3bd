/**
 * Lander: bring a lunar lander down between the two flags with a throttled main engine and a
 * lateral engine. The world is Gymnasium's LunarLanderContinuous-v2 (box2d/lunar_lander.py,
 * gymnasium 0.29.1) rebuilt on planck (a Box2D port): its constants, its chunked terrain, the
 * lander's hull and spring-loaded legs, the engines' impulses and their dispersion, its
 * observation, its shaped reward and its endings. The random numbers come from our seeded `Rng`
 * in the order Gymnasium draws its own, so a seed and a list of actions fix an episode; planck
 * computes in float64 where Box2D uses float32, so the trajectories are Gymnasium's in kind, not
 * bit for bit. Gymnasium's flame particles, which are bodies that never touch the lander, are left
 * out: the scene draws flames instead.
 */
import { Box, Edge, Polygon, RevoluteJoint, World, type Body, type Contact } from 'planck';
import { Rng, box, type Env, type ResetResult, type StepResult } from 'phaser-distill';

export const FPS = 50;
/** Pixels per metre: the viewport of 600 x 400 pixels is 20 x 13.3 metres. */
export const SCALE = 30;
export const VIEWPORT_W = 600;
export const VIEWPORT_H = 400;
export const W = VIEWPORT_W / SCALE;
export const H = VIEWPORT_H / SCALE;
export const GRAVITY = -10;
export const MAIN_ENGINE_POWER = 13;
export const SIDE_ENGINE_POWER = 0.6;
/** The largest push (newtons, each axis) the lander gets for its first step. */
export const INITIAL_RANDOM = 1000;
/** The hull, in pixels about the body's origin. */
export const LANDER_POLY: readonly (readonly [number, number])[] = [[-14, 17], [-17, 0], [-17, -10], [17, -10], [17, 0], [14, 17]];
export const LEG_AWAY = 20;
export const LEG_DOWN = 18;
/** A leg's half width and half height, in pixels. */
export const LEG_W = 2;
export const LEG_H = 8;
export const LEG_SPRING_TORQUE = 40;
export const SIDE_ENGINE_HEIGHT = 14;
export const SIDE_ENGINE_AWAY = 12;
/** Terrain points across the viewport; the helipad spans the middle three. */
export const CHUNKS = 11;
/** Gymnasium registers the lander with a 1000-step TimeLimit. */
export const MAX_STEPS = 1000;

/** Collision categories: the ground is Box2D's default 0x0001; hull and legs touch only the ground. */
const GROUND_BITS = 0x0001;
const LANDER_BITS = 0x0010;
const LEG_BITS = 0x0020;

/** What ended an episode: the lander came to rest, touched the ground with its hull, or flew off the sides. */
export type LanderOutcome = 'landed' | 'crashed' | 'away';

/** Gymnasium 0.29's nominal observation bounds, which it calls realistic, not limits (see LANDER_OBSERVATION). */
export const GYMNASIUM_OBSERVATION_HIGH = [1.5, 1.5, 5, 5, Math.PI, 5, 1, 1] as const;

const FLOAT32_MAX = 3.4028234663852886e38;

/**
 * The observation box: x, y, vx, vy (normalised to the viewport), angle, angular velocity
 * (scaled), the contact flags of leg 0 (at +x) and leg 1. Gymnasium 0.29's bounds where the rules keep the lander
 * inside them (x: the episode ends at |x| >= 1; the contact flags); the largest float32 elsewhere,
 * as CartPole bounds its velocities. The lander leaves Gymnasium's other bounds in ordinary play:
 * a strong upward start or a burn of half a second rises past y = 1.5, a toppling hull spins
 * past 5, and there is no ceiling. Gymnasium's own checker only warns; ours (checkEnv, and the
 * plugin in development builds) holds an env to its box, so the box must hold what it gives.
 */
export const LANDER_OBSERVATION = {
  shape: [8],
  low: [-1.5, -FLOAT32_MAX, -FLOAT32_MAX, -FLOAT32_MAX, -FLOAT32_MAX, -FLOAT32_MAX, 0, 0],
  high: [1.5, FLOAT32_MAX, FLOAT32_MAX, FLOAT32_MAX, FLOAT32_MAX, FLOAT32_MAX, 1, 1],
} as const;

/** Main engine and lateral engine throttles, each in [-1, 1]. */
export const LANDER_ACTION = { type: 'box', shape: [2], low: -1, high: 1 } as const;

const clip = (x: number, lo: number, hi: number) => Math.min(hi, Math.max(lo, x));

/** The result of one step of the simulation. */
export interface LanderStep {
  reward: number;
  terminated: boolean;
}

/**
 * One lander and its terrain in a planck world. `reset(rng)` builds a new episode from the
 * generator (terrain, then the initial push, then one step with the engines off, as Gymnasium's
 * reset does); `step(main, lateral)` fires the engines, advances the world by 1 / FPS and scores
 * the step. The generator is kept: each step draws the engines' dispersion from it.
 */
export class LanderSim {
  world!: World;
  lander!: Body;
  legs: Body[] = [];
  /** The terrain's points: x of each chunk and its smoothed height, in metres. */
  readonly chunkX = new Float64Array(CHUNKS);
  readonly smoothY = new Float64Array(CHUNKS);
  readonly helipadX1: number;
  readonly helipadX2: number;
  /** The pad's nominal height (the observation's y = 0 is a lander standing there); the smoothed pad lies at 0.99 of it. */
  readonly helipadY = H / 4;
  /** The hull touched the ground. */
  gameOver = false;
  /**
   * Each leg touching the ground, as Gymnasium's contact listener tracks it: set when a contact
   * begins, cleared when one ends. So a leg standing across two terrain edges reads 0 once it
   * leaves either, as in Gymnasium. Leg 0 is the one at +x (Gymnasium's i = -1).
   */
  readonly legContact = [false, false];
  /** The last step's engines, for drawing: powers in [0.5, 1] (0 when off) and the lateral engine's direction. */
  mainPower = 0;
  sidePower = 0;
  sideDirection = 0;
  /** How the episode ended, once it has. */
  outcome: LanderOutcome | null = null;
  /** The last step's state (observation before float32 rounding). */
  readonly state = new Float64Array(8);
  private prevShaping: number | null = null;
  private rng = new Rng(0);

  constructor() {
    for (let i = 0; i < CHUNKS; i++) this.chunkX[i] = (W / (CHUNKS - 1)) * i;
    this.helipadX1 = this.chunkX[(CHUNKS >> 1) - 1]!;
    this.helipadX2 = this.chunkX[(CHUNKS >> 1) + 1]!;
  }

  reset(rng: Rng): void {
    this.rng = rng;
    this.gameOver = false;
    this.legContact[0] = this.legContact[1] = false;
    this.prevShaping = null;
    this.outcome = null;
    const world = (this.world = new World({ gravity: { x: 0, y: GRAVITY } }));

    // Terrain: random heights, the five around the middle flattened to the pad, then each point
    // the mean of its neighbours (with Gymnasium's 0.33 and its wrap-around at the first point).
    const height = new Float64Array(CHUNKS + 1);
    for (let i = 0; i <= CHUNKS; i++) height[i] = rng.uniform(0, H / 2);
    for (let i = (CHUNKS >> 1) - 2; i <= (CHUNKS >> 1) + 2; i++) height[i] = this.helipadY;
    for (let i = 0; i < CHUNKS; i++) this.smoothY[i] = 0.33 * (height[(i + CHUNKS) % (CHUNKS + 1)]! + height[i]! + height[i + 1]!);
    const moon = world.createBody();
    moon.createFixture(new Edge({ x: 0, y: 0 }, { x: W, y: 0 }));
    for (let i = 0; i < CHUNKS - 1; i++) {
      const edge = new Edge({ x: this.chunkX[i]!, y: this.smoothY[i]! }, { x: this.chunkX[i + 1]!, y: this.smoothY[i + 1]! });
      moon.createFixture(edge, { density: 0, friction: 0.1 });
    }

    const initialY = VIEWPORT_H / SCALE;
    const lander = (this.lander = world.createBody({ type: 'dynamic', position: { x: W / 2, y: initialY }, angle: 0 }));
    lander.createFixture(new Polygon(LANDER_POLY.map(([x, y]) => ({ x: x / SCALE, y: y / SCALE }))), {
      density: 5, friction: 0.1, restitution: 0, filterCategoryBits: LANDER_BITS, filterMaskBits: GROUND_BITS,
    });
    lander.applyForceToCenter({ x: rng.uniform(-INITIAL_RANDOM, INITIAL_RANDOM), y: rng.uniform(-INITIAL_RANDOM, INITIAL_RANDOM) }, true);

    this.legs = [];
    for (const i of [-1, 1]) {
      const leg = world.createBody({ type: 'dynamic', position: { x: W / 2 - (i * LEG_AWAY) / SCALE, y: initialY }, angle: i * 0.05 });
      leg.createFixture(new Box(LEG_W / SCALE, LEG_H / SCALE), { density: 1, restitution: 0, filterCategoryBits: LEG_BITS, filterMaskBits: GROUND_BITS });
      // The anchors do not coincide at the start (the joint pulls the leg in on the first step)
      // and the reference angle is 0, not the leg's tilt: both as pybox2d's joint def leaves them.
      world.createJoint(new RevoluteJoint({
        bodyA: lander, bodyB: leg,
        localAnchorA: { x: 0, y: 0 }, localAnchorB: { x: (i * LEG_AWAY) / SCALE, y: LEG_DOWN / SCALE },
        referenceAngle: 0,
        enableMotor: true, enableLimit: true, maxMotorTorque: LEG_SPRING_TORQUE,
        // Slow enough not to spring the lander back into the sky.
        motorSpeed: 0.3 * i,
        lowerAngle: i === -1 ? 0.9 - 0.5 : -0.9,
        upperAngle: i === -1 ? 0.9 : -0.9 + 0.5,
      }));
      this.legs.push(leg);
    }

    world.on('begin-contact', (c) => this.contact(c, true));
    world.on('end-contact', (c) => this.contact(c, false));
    this.step(0, 0);
  }

  /** Gymnasium's contact listener: the hull touching anything ends the game; a leg's flag follows its last contact. */
  private contact(c: Contact, begin: boolean): void {
    const a = c.getFixtureA().getBody();
    const b = c.getFixtureB().getBody();
    if (begin && (a === this.lander || b === this.lander)) this.gameOver = true;
    for (let i = 0; i < 2; i++) if (a === this.legs[i] || b === this.legs[i]) this.legContact[i] = begin;
  }

  /** One step with throttles `main` and `lateral` (each clipped to [-1, 1]): the step's reward and whether it ended the episode. */
  step(main: number, lateral: number): LanderStep {
    const lander = this.lander;
    // Gymnasium clips the action and casts it to float32.
    main = Math.fround(clip(main, -1, 1));
    lateral = Math.fround(clip(lateral, -1, 1));
    const angle = lander.getAngle();
    const tipX = Math.sin(angle);
    const tipY = Math.cos(angle);
    const sideX = -tipY;
    const sideY = tipX;
    const d0 = this.rng.uniform(-1, 1) / SCALE;
    const d1 = this.rng.uniform(-1, 1) / SCALE;
    const pos = lander.getPosition();

    this.mainPower = 0;
    if (main > 0) {
      const m = (clip(main, 0, 1) + 1) * 0.5;
      this.mainPower = m;
      // The exhaust leaves 4 px below the centre, +-2 px of dispersion along and across the hull.
      const ox = tipX * (4 / SCALE + 2 * d0) + sideX * d1;
      const oy = -tipY * (4 / SCALE + 2 * d0) - sideY * d1;
      lander.applyLinearImpulse({ x: -ox * MAIN_ENGINE_POWER * m, y: -oy * MAIN_ENGINE_POWER * m }, { x: pos.x + ox, y: pos.y + oy }, true);
    }

    this.sidePower = 0;
    this.sideDirection = 0;
    if (Math.abs(lateral) > 0.5) {
      const direction = Math.sign(lateral);
      const s = clip(Math.abs(lateral), 0.5, 1);
      this.sidePower = s;
      this.sideDirection = direction;
      const ox = tipX * d0 + sideX * (3 * d1 + (direction * SIDE_ENGINE_AWAY) / SCALE);
      const oy = -tipY * d0 - sideY * (3 * d1 + (direction * SIDE_ENGINE_AWAY) / SCALE);
      const at = { x: pos.x + ox - (tipX * 17) / SCALE, y: pos.y + oy + (tipY * SIDE_ENGINE_HEIGHT) / SCALE };
      lander.applyLinearImpulse({ x: -ox * SIDE_ENGINE_POWER * s, y: -oy * SIDE_ENGINE_POWER * s }, at, true);
    }

    this.world.step(1 / FPS, 6 * 30, 2 * 30);

    const s = this.state;
    const p = lander.getPosition();
    const v = lander.getLinearVelocity();
    s[0] = (p.x - VIEWPORT_W / SCALE / 2) / (VIEWPORT_W / SCALE / 2);
    s[1] = (p.y - (this.helipadY + LEG_DOWN / SCALE)) / (VIEWPORT_H / SCALE / 2);
    s[2] = (v.x * (VIEWPORT_W / SCALE / 2)) / FPS;
    s[3] = (v.y * (VIEWPORT_H / SCALE / 2)) / FPS;
    s[4] = lander.getAngle();
    s[5] = (20 * lander.getAngularVelocity()) / FPS;
    s[6] = this.legContact[0] ? 1 : 0;
    s[7] = this.legContact[1] ? 1 : 0;

    // Potential shaping: closer, slower, more upright and standing on more legs is worth more;
    // the step earns the change. Ten points a leg, so lifting off again costs them back.
    const shaping = -100 * Math.sqrt(s[0] * s[0] + s[1] * s[1]) - 100 * Math.sqrt(s[2] * s[2] + s[3] * s[3]) - 100 * Math.abs(s[4]) + 10 * s[6] + 10 * s[7];
    let reward = this.prevShaping === null ? 0 : shaping - this.prevShaping;
    this.prevShaping = shaping;
    reward -= this.mainPower * 0.3;
    reward -= this.sidePower * 0.03;

    let terminated = false;
    if (this.gameOver || Math.abs(s[0]) >= 1) {
      terminated = true;
      reward = -100;
      this.outcome = this.gameOver ? 'crashed' : 'away';
    }
    // At rest: Box2D put the lander's island to sleep (0.5 s under its sleep tolerances).
    if (!lander.isAwake()) {
      terminated = true;
      reward = 100;
      this.outcome = 'landed';
    }
    return { reward, terminated };
  }

  /** The observation of the last step, in float32 as Gymnasium returns it. */
  observe(out = new Float32Array(8)): Float32Array {
    out.set(this.state);
    return out;
  }
}

/** How an episode stands after `steps` steps that ended `terminated` or not: Gymnasium's endings, then its time limit. */
export function landerDone(terminated: boolean, steps: number, maxSteps = MAX_STEPS): false | 'terminated' | 'truncated' {
  return terminated ? 'terminated' : steps >= maxSteps ? 'truncated' : false;
}

/** The Lander simulation as an Env: LunarLanderContinuous-v2's spaces, start, steps and 1000-step limit. */
export class LanderEnv implements Env {
  readonly observationSpace = box(LANDER_OBSERVATION.shape, LANDER_OBSERVATION.low, LANDER_OBSERVATION.high);
  readonly actionSpace = box(LANDER_ACTION.shape, LANDER_ACTION.low, LANDER_ACTION.high);
  readonly sim = new LanderSim();
  private steps = 0;
  private readonly rng = new Rng(0);

  constructor(readonly maxSteps = MAX_STEPS) {}

  reset(seed?: number): ResetResult {
    if (seed !== undefined) this.rng.seed(seed);
    this.sim.reset(this.rng);
    this.steps = 0;
    return { observation: this.sim.observe(), info: {} };
  }

  step(action: number | ArrayLike<number>): StepResult {
    const main = typeof action === 'number' ? action : action[0]!;
    const lateral = typeof action === 'number' ? 0 : action[1]!;
    if (!Number.isFinite(main) || !Number.isFinite(lateral)) throw new Error(`LanderEnv.step: expected two finite throttles [main, lateral], got ${typeof action === 'number' ? action : `[${Array.from(action).join(', ')}]`}`);
    const { reward, terminated } = this.sim.step(main, lateral);
    this.steps += 1;
    const done = landerDone(terminated, this.steps, this.maxSteps);
    return { observation: this.sim.observe(), reward, terminated: done === 'terminated', truncated: done === 'truncated', info: {} };
  }
}
