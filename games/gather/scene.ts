/**
 * Gather: a field of runners, every one of them an agent of one behaviour (`runner`) and every one
 * a slot of the vector env in training. Each runner chases its own pellet on a field it shares
 * with the others (it turns with some inertia: its velocity moves a fifth of the way to the
 * chosen direction each step): it sees the way to its pellet, its velocity and the way to the nearest
 * other runner, and it loses a little for bumping into one. A runner that eats its pellet, or
 * that has not in 6 s, leaves the field (`this.ai.remove`, terminated or truncated), and the
 * spawner puts a new runner (a new agent, a new episode) on the field in the same step, so the
 * scene never restarts and every slot always has a runner. This is the spawner pattern of the
 * many-agents guide (docs/guides/many-agents.md).
 *
 * `gatherGame(k)` is the game with k runners a scene: the same rules for 1 and for 8.
 */
import Phaser from 'phaser';
import { defineGame, type AgentSpec, type GameDef } from 'phaser-distill';

export const GATHER_BEHAVIOR = 'runner';
export const GATHER_WIDTH = 320;
export const GATHER_HEIGHT = 240;
/** A runner's speed, px/s, and its life before it is cut short, in simulation steps (60 a second). */
const SPEED = 90;
const LIFE_STEPS = 360;
const EAT_RADIUS = 10;
const BUMP_RADIUS = 12;
/** The share of the way from its velocity to its aim a runner's velocity moves in a step. */
const INERTIA = 0.2;
/** Actions: stay, up, down, left, right. */
const DIRS: readonly (readonly [number, number])[] = [[0, 0], [0, -1], [0, 1], [-1, 0], [1, 0]];

type RunnerSpec = AgentSpec<{ type: 'discrete'; n: 5 }>;

/** One runner on the field: its body, its pellet and its count of steps. */
export interface Runner {
  name: string;
  body: Phaser.GameObjects.Rectangle;
  /** Velocity, px/s, and the velocity the last action aims for. */
  vx: number;
  vy: number;
  aimX: number;
  aimY: number;
  pellet: Phaser.GameObjects.Arc;
  steps: number;
  /** Distance to the pellet at the last decision, for the progress reward. */
  lastDistance: number;
  /** Reward collected since the last decision (bumps). */
  pending: number;
}

export class GatherScene extends Phaser.Scene {
  /** Runners a scene; set by `gatherGame`. */
  count = 1;
  readonly runners: Runner[] = [];
  /** Runners made since the scene started: the next one's name. */
  private made = 0;
  /** Pellets eaten in this run of the scene, by all runners. */
  eaten = 0;

  constructor() {
    super('gather');
  }

  create(): void {
    this.runners.length = 0;
    this.made = 0;
    this.eaten = 0;
    for (let i = 0; i < this.count; i++) this.spawn();
  }

  /** A new runner and its pellet, somewhere on the field: a new agent of the behaviour. */
  spawn(): Runner {
    const rng = this.ai.rng;
    const name = `${GATHER_BEHAVIOR}-${this.made++}`;
    const body = this.add.rectangle(rng.uniform(10, GATHER_WIDTH - 10), rng.uniform(10, GATHER_HEIGHT - 10), 8, 8, 0x66ccff);
    const pellet = this.add.circle(rng.uniform(10, GATHER_WIDTH - 10), rng.uniform(10, GATHER_HEIGHT - 10), 3, 0xffcc33);
    const runner: Runner = { name, body, vx: 0, vy: 0, aimX: 0, aimY: 0, pellet, steps: 0, lastDistance: 0, pending: 0 };
    runner.lastDistance = distance(runner);
    this.runners.push(runner);
    this.ai.agent(name, runnerSpec(this, runner));
    return runner;
  }

  override fixedUpdate(_time: number, delta: number): void {
    const runners = this.runners;
    const dt = delta / 1000;
    for (const r of runners) {
      r.vx += (r.aimX - r.vx) * INERTIA;
      r.vy += (r.aimY - r.vy) * INERTIA;
      r.body.x = Math.max(4, Math.min(GATHER_WIDTH - 4, r.body.x + r.vx * dt));
      r.body.y = Math.max(4, Math.min(GATHER_HEIGHT - 4, r.body.y + r.vy * dt));
    }
    // Bumps: a small cost to both runners of a pair that touch.
    for (let i = 0; i < runners.length; i++) {
      for (let j = i + 1; j < runners.length; j++) {
        const a = runners[i]!.body;
        const b = runners[j]!.body;
        if (Math.abs(a.x - b.x) < BUMP_RADIUS && Math.abs(a.y - b.y) < BUMP_RADIUS) {
          runners[i]!.pending -= 0.05;
          runners[j]!.pending -= 0.05;
        }
      }
    }
    // The spawner: a runner that ate or ran out of time leaves, and a new one comes in its place, in this step.
    for (let i = runners.length - 1; i >= 0; i--) {
      const r = runners[i]!;
      r.steps += 1;
      const ate = distance(r) < EAT_RADIUS;
      if (!ate && r.steps < LIFE_STEPS) continue;
      if (ate) {
        r.pending += 1;
        this.eaten += 1;
      }
      this.ai.remove(r.name, ate ? 'terminated' : 'truncated');
      r.body.destroy();
      r.pellet.destroy();
      runners.splice(i, 1);
      this.spawn();
    }
  }
}

function distance(r: Runner): number {
  return Math.hypot(r.pellet.x - r.body.x, r.pellet.y - r.body.y);
}

function runnerSpec(scene: GatherScene, r: Runner): RunnerSpec {
  const obs = new Float32Array(6);
  return {
    behavior: GATHER_BEHAVIOR,
    observation: { shape: [6], low: -2, high: 2 },
    action: { type: 'discrete', n: 5 },
    observe: () => {
      obs[0] = (r.pellet.x - r.body.x) / GATHER_WIDTH;
      obs[1] = (r.pellet.y - r.body.y) / GATHER_HEIGHT;
      obs[2] = r.vx / SPEED;
      obs[3] = r.vy / SPEED;
      // The nearest other runner, or nothing (zeros) when it is alone.
      let best = Infinity;
      obs[4] = 0;
      obs[5] = 0;
      for (const o of scene.runners) {
        if (o === r) continue;
        const dx = o.body.x - r.body.x;
        const dy = o.body.y - r.body.y;
        const d = dx * dx + dy * dy;
        if (d < best) {
          best = d;
          obs[4] = dx / GATHER_WIDTH;
          obs[5] = dy / GATHER_HEIGHT;
        }
      }
      return obs;
    },
    act: (a) => {
      const [dx, dy] = DIRS[a]!;
      r.aimX = dx * SPEED;
      r.aimY = dy * SPEED;
    },
    // Progress toward the pellet (1 for 100 px), the pellet itself and the bumps.
    reward: () => {
      const d = distance(r);
      const progress = (r.lastDistance - d) / 100;
      r.lastDistance = d;
      const extra = r.pending;
      r.pending = 0;
      return progress + extra;
    },
    decisionPeriod: 4,
  };
}

/** Gather with `agentsPerScene` runners in each scene. */
export function gatherGame(agentsPerScene: number): GameDef {
  const scene = class extends GatherScene {
    constructor() {
      super();
      this.count = agentsPerScene;
    }
  };
  return defineGame({
    scene,
    agent: GATHER_BEHAVIOR,
    agentsPerScene,
    width: GATHER_WIDTH,
    height: GATHER_HEIGHT,
  });
}

/** The game as shipped: eight runners a scene. */
export const GATHER = gatherGame(8);
