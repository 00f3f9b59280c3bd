/**
 * Forage: a forager on a walled grid eats the food that grows on it (+1 a food, EPISODE_STEPS
 * decisions an episode). It sees only short rays that stop at the first wall; a privileged teacher
 * sees the whole level (`spec.privileged`: walls and food over a window centred on the forager),
 * learns from it by PPO, and is distilled into a student that reads the rays alone.
 * The rules are forage.ts; this scene declares the agent and draws the level on a page.
 */
import Phaser from 'phaser';
import { defineGame, type AgentSpec } from 'phaser-distill';
import { EPISODE_STEPS, FOOD_CELL, ForageWorld, LEVEL_SIZE, RAY_SIZE, SIZE, WALL } from './forage.js';

export const FORAGE_AGENT = 'forager';
/** Pixels a cell on the page. */
const CELL = 24;

type ForagerSpec = AgentSpec<{ type: 'discrete'; n: 4 }>;

export class ForageScene extends Phaser.Scene {
  world!: ForageWorld;
  /** The move the forager chose for this step. */
  private move = 0;
  private graphics: Phaser.GameObjects.Graphics | null = null;

  constructor() {
    super('forage');
  }

  create(): void {
    this.world = new ForageWorld(this.ai.rng);
    this.move = 0;
    // Headless (training) there is nothing to draw.
    this.graphics = this.game.config.renderType !== Phaser.HEADLESS ? this.add.graphics() : null;
    this.ai.agent(FORAGE_AGENT, foragerSpec(this));
  }

  setMove(a: number): void {
    this.move = a;
  }

  override fixedUpdate(): void {
    if (!this.world.over) this.world.move(this.move);
  }

  override update(): void {
    const g = this.graphics;
    if (!g) return;
    const w = this.world;
    g.clear();
    for (let y = 0; y < SIZE; y++) {
      for (let x = 0; x < SIZE; x++) {
        const what = w.cell(x, y);
        if (what === WALL) g.fillStyle(0x4a5568).fillRect(x * CELL, y * CELL, CELL, CELL);
        else if (what === FOOD_CELL) g.fillStyle(0x7dff6a).fillCircle(x * CELL + CELL / 2, y * CELL + CELL / 2, CELL / 4);
      }
    }
    g.fillStyle(0xffcc33).fillRect(w.x * CELL + 4, w.y * CELL + 4, CELL - 8, CELL - 8);
  }
}

function foragerSpec(scene: ForageScene): ForagerSpec {
  const rays = new Float32Array(RAY_SIZE);
  const level = new Float32Array(LEVEL_SIZE);
  return {
    observation: { shape: [RAY_SIZE], low: 0, high: 1 },
    observe: () => {
      scene.world.rays(rays, 0);
      return rays;
    },
    // The teacher's privilege: the whole level, walls and food, as numbers.
    privileged: {
      observation: { shape: [LEVEL_SIZE], low: 0, high: 1 },
      observe: () => {
        scene.world.levelView(level);
        return level;
      },
    },
    action: { type: 'discrete', n: 4 },
    act: (a) => scene.setMove(a),
    reward: () => {
      const r = scene.world.pending;
      scene.world.pending = 0;
      return r;
    },
    done: () => (scene.world.steps >= EPISODE_STEPS ? 'truncated' : false),
  };
}

/** The game, as the page and the headless env both make it. */
export const FORAGE = defineGame({ scene: ForageScene, agent: FORAGE_AGENT, width: SIZE * CELL, height: SIZE * CELL });
