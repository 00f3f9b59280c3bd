/**
 * Lander as a Phaser scene: the LanderSim of lander.ts, stepped once per simulation step (50 a
 * second: the simulation's 1 / FPS, real time) and drawn with Graphics as Gymnasium draws it: the
 * moon and the sky, the pad's flags, the hull and legs, and flames where the engines fire. The
 * agent `lander` sees exactly what LanderEnv returns, so the scene-wrapped env and the bare
 * simulation give the same numbers for the same seed and actions. The player flies with the
 * arrow keys.
 */
import Phaser from 'phaser';
import { defineGame, type AgentSpec } from 'phaser-distill';
import { FPS, LANDER_ACTION, LANDER_OBSERVATION, LANDER_POLY, LEG_H, LEG_W, LanderSim, SCALE, SIDE_ENGINE_AWAY, SIDE_ENGINE_HEIGHT, VIEWPORT_H, VIEWPORT_W, landerDone } from './lander.js';

export const LANDER_AGENT = 'lander';
export const LANDER_WIDTH = VIEWPORT_W;
export const LANDER_HEIGHT = VIEWPORT_H;
/** The simulation's time step is 1 / 50 s: 50 steps a second is real time. */
export const LANDER_STEP_RATE = FPS;

/** Gymnasium's colours: the hull and legs, their outline, the flags. */
const HULL = 0x8066e6;
const OUTLINE = 0x4d4d80;
const FLAG = 0xcccc00;
const MOON = 0xd8d8d8;
const FLAME = 0xff8a3d;

export class LanderScene extends Phaser.Scene {
  readonly sim = new LanderSim();
  steps = 0;
  /** The reward of the last step, for the agent. */
  lastReward = 0;
  /** The last step ended the episode (a landing, a crash, off the screen). */
  terminated = false;
  /** The throttles [main, lateral] applied on the next simulation step. */
  readonly throttle = new Float32Array(2);
  private g!: Phaser.GameObjects.Graphics;
  private keys: Phaser.Types.Input.Keyboard.CursorKeys | null = null;
  private readonly observation = new Float32Array(8);
  private readonly input2 = new Float32Array(2);

  constructor() {
    super('lander');
  }

  create(): void {
    // The same start as LanderEnv.reset, from the episode's generator.
    this.sim.reset(this.ai.rng);
    this.steps = 0;
    this.lastReward = 0;
    this.terminated = false;
    this.throttle.fill(0);
    this.drawMoon(this.add.graphics());
    this.g = this.add.graphics();
    this.keys = this.input.keyboard?.createCursorKeys() ?? null;
    this.ai.agent(LANDER_AGENT, landerAgent(this));
    this.draw();
  }

  override fixedUpdate(): void {
    const { reward, terminated } = this.sim.step(this.throttle[0]!, this.throttle[1]!);
    this.lastReward = reward;
    this.terminated = terminated;
    this.steps += 1;
  }

  override update(): void {
    this.draw();
  }

  observe(): Float32Array {
    return this.sim.observe(this.observation);
  }

  /**
   * Up: the main engine at full throttle. Left / right: the lateral engine at full throttle,
   * pushing the lander left / right (lateral -1 / +1; each also turns it that way, so the main
   * engine then pushes that way too).
   */
  humanAction(): Float32Array {
    this.input2[0] = this.keys?.up.isDown ? 1 : -1;
    this.input2[1] = this.keys?.left.isDown ? -1 : this.keys?.right.isDown ? 1 : 0;
    return this.input2;
  }

  /** The moon and its pad do not move in an episode: drawn once. */
  private drawMoon(g: Phaser.GameObjects.Graphics): void {
    const { chunkX, smoothY } = this.sim;
    const points = [new Phaser.Math.Vector2(0, LANDER_HEIGHT)];
    for (let i = 0; i < chunkX.length; i++) points.push(new Phaser.Math.Vector2(chunkX[i]! * SCALE, sy(smoothY[i]!)));
    points.push(new Phaser.Math.Vector2(LANDER_WIDTH, LANDER_HEIGHT));
    g.fillStyle(MOON, 1).fillPoints(points, true);
    for (const x of [this.sim.helipadX1, this.sim.helipadX2]) {
      const px = x * SCALE;
      const base = sy(this.sim.helipadY);
      g.lineStyle(1, 0xffffff, 1).lineBetween(px, base, px, base - 50);
      g.fillStyle(FLAG, 1).fillTriangle(px, base - 50, px, base - 40, px + 25, base - 45);
    }
  }

  private draw(): void {
    const g = this.g.clear();
    const { lander, legs } = this.sim;
    for (const leg of legs) polygon(g, leg, [[-LEG_W, -LEG_H], [LEG_W, -LEG_H], [LEG_W, LEG_H], [-LEG_W, LEG_H]]);
    polygon(g, lander, LANDER_POLY);
    this.drawFlames(g);
  }

  /** Flames at the engines that fired on the last step, longer at higher throttle. */
  private drawFlames(g: Phaser.GameObjects.Graphics): void {
    const { lander, mainPower, sidePower, sideDirection } = this.sim;
    g.fillStyle(FLAME, 0.9);
    if (mainPower > 0) {
      // Out of the bottom of the hull, straight down in the lander's frame.
      flame(g, lander, 0, -10, 0, -1, 6, 14 + 22 * mainPower);
    }
    if (sidePower > 0) {
      // Gymnasium's impulse point is SIDE_ENGINE_AWAY px out on the side away from the push and
      // SIDE_ENGINE_HEIGHT px up: the flame leaves the hull's edge there, blowing outwards.
      const side = -sideDirection;
      flame(g, lander, side * (SIDE_ENGINE_AWAY + 3), SIDE_ENGINE_HEIGHT, side, 0, 3, 8 + 12 * sidePower);
    }
  }
}

/** Screen y of world height `y` (metres up from the bottom). */
const sy = (y: number) => LANDER_HEIGHT - y * SCALE;

/** A body's polygon, given in pixels in its own frame, filled and outlined. */
function polygon(g: Phaser.GameObjects.Graphics, body: LanderSim['lander'], vertices: readonly (readonly [number, number])[]): void {
  const points = vertices.map(([x, y]) => toScreen(body, x, y));
  g.fillStyle(HULL, 1).fillPoints(points, true);
  g.lineStyle(1.5, OUTLINE, 1).strokePoints(points, true, true);
}

/** A flame from (x, y) in the body's frame (pixels), pointing along (dx, dy), `half` wide at its base and `length` long. */
function flame(g: Phaser.GameObjects.Graphics, body: LanderSim['lander'], x: number, y: number, dx: number, dy: number, half: number, length: number): void {
  // (dy, -dx) is across the flame.
  const a = toScreen(body, x + dy * half, y - dx * half);
  const b = toScreen(body, x - dy * half, y + dx * half);
  const tip = toScreen(body, x + dx * length, y + dy * length);
  g.fillTriangle(a.x, a.y, b.x, b.y, tip.x, tip.y);
}

function toScreen(body: LanderSim['lander'], x: number, y: number): Phaser.Math.Vector2 {
  const p = body.getWorldPoint({ x: x / SCALE, y: y / SCALE });
  return new Phaser.Math.Vector2(p.x * SCALE, sy(p.y));
}

/** The agent: LunarLanderContinuous-v2's observation, throttles and reward; ends as Gymnasium's episode does, or at 1000 steps. */
export function landerAgent(scene: LanderScene): AgentSpec<typeof LANDER_ACTION> {
  return {
    observation: LANDER_OBSERVATION,
    action: LANDER_ACTION,
    observe: () => scene.observe(),
    act: (a) => {
      scene.throttle.set(a);
    },
    reward: () => scene.lastReward,
    done: () => landerDone(scene.terminated, scene.steps),
    human: () => scene.humanAction(),
    decisionPeriod: 1,
  };
}

/** The game, as the page and the headless env both make it. */
export const LANDER = defineGame({ scene: LanderScene, agent: LANDER_AGENT, width: LANDER_WIDTH, height: LANDER_HEIGHT, stepRate: LANDER_STEP_RATE });
