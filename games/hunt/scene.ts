/**
 * Hunt: hunters of one team corner a prey that is faster than any of them. The hunters are agents
 * of one behaviour (`hunter`, team `hunters`), the prey an agent of another (`prey`, team `prey`):
 * two behaviours in one scene. In training the hunters are the vector env's slots and the prey
 * plays what drives it (by default `fleePrey`, a script that reads only the prey's observation,
 * so a frozen prey policy can take its place); on the page a player may be the prey.
 *
 * A catch takes two hunters reaching the prey at once from sides at least 60 degrees apart, and
 * the prey is faster than any of them: a lone hunter never catches it, and hunters that all chase
 * it from behind seldom do. Cornering it between them is what the team has to learn. A catch is the team's: every
 * hunter gets the group reward (`this.ai.addGroupReward`) and the team's episode ends
 * (`this.ai.endTeamEpisode`); after 10 s without one it is cut short.
 *
 * `huntGame(k)` is the game with k hunters a scene: the same rules and spaces for 1, 2 and 3.
 */
import Phaser from 'phaser';
import { defineGame, type AgentSpec, type GameDef } from 'phaser-distill';

export const HUNTER = 'hunter';
export const PREY = 'prey';
export const HUNTERS_TEAM = 'hunters';
export const PREY_TEAM = 'prey';
export const HUNT_WIDTH = 320;
export const HUNT_HEIGHT = 240;
/** Hunters a scene's observation has room for (more are not seen). */
export const MAX_HUNTERS = 3;
/** Speeds, px/s: the prey is a quarter faster than a hunter. */
export const HUNTER_SPEED = 80;
export const PREY_SPEED = 100;
/** The prey is caught when two hunters are within CATCH_RADIUS of it at once, from different sides: it takes a team. */
export const CATCH_RADIUS = 24;
/** The cosine of the least angle between the two catchers, seen from the prey (60 degrees). */
const PINCER = 0.5;
/** Steps (60 a second) before an episode without a catch is cut short. */
export const HUNT_STEPS = 600;
const INERTIA = 0.25;
const MARGIN = 6;
/** Actions of both behaviours: stay, then eight directions (E, NE, N, NW, W, SW, S, SE). */
export const HUNT_ACTIONS = ['stay', 'E', 'NE', 'N', 'NW', 'W', 'SW', 'S', 'SE'] as const;
const DIRS: readonly (readonly [number, number])[] = [[0, 0], ...Array.from({ length: 8 }, (_, k) => [Math.cos((k * Math.PI) / 4), -Math.sin((k * Math.PI) / 4)] as const)];

/**
 * A hunter's observation (13 numbers): its position (-1..1), the prey's offset and velocity, and
 * each of two teammates' offset with a flag saying it is there (zeros when absent).
 */
export const HUNTER_OBS = 13;
/** The prey's observation (11 numbers): its position, then each of three hunters' offset and a presence flag. */
export const PREY_OBS = 2 + 3 * MAX_HUNTERS;
export const HUNTER_FEATURES = ['x', 'y', 'prey dx', 'prey dy', 'prey vx', 'prey vy', 'mate 1 dx', 'mate 1 dy', 'mate 1 here', 'mate 2 dx', 'mate 2 dy', 'mate 2 here', 'time left'] as const;

type HuntAction = { type: 'discrete'; n: 9 };

interface Mover {
  body: Phaser.GameObjects.Arc;
  vx: number;
  vy: number;
  aimX: number;
  aimY: number;
}

export interface Hunter extends Mover {
  name: string;
  /** Distance to the prey at its last decision, for the progress reward. */
  lastDistance: number;
}

export class HuntScene extends Phaser.Scene {
  /** Hunters a scene; set by `huntGame`. */
  count = MAX_HUNTERS;
  readonly hunters: Hunter[] = [];
  prey!: Mover;
  steps = 0;
  /** Catches since the page loaded (the scene's runs one after another), and episodes ended. */
  catches = 0;
  episodes = 0;
  /** The step the prey was caught at in this run, or -1. */
  caughtAt = -1;
  /** The hunter ringed on the field (the one a page's overlay explains), or null. */
  marked: string | null = null;
  private ring: Phaser.GameObjects.Arc | null = null;
  /** Reward for a hunter's progress toward the prey, per 100 px (0 for the group reward alone). */
  progressReward = 0.1;

  constructor() {
    super('hunt');
  }

  create(): void {
    const rng = this.ai.rng;
    this.hunters.length = 0;
    this.steps = 0;
    this.caughtAt = -1;
    this.add.rectangle(HUNT_WIDTH / 2, HUNT_HEIGHT / 2, HUNT_WIDTH - 2, HUNT_HEIGHT - 2).setStrokeStyle(2, 0x3a4560);
    // The prey starts in the middle third; the hunters anywhere at least 80 px from it.
    const px = rng.uniform(HUNT_WIDTH / 3, (2 * HUNT_WIDTH) / 3);
    const py = rng.uniform(HUNT_HEIGHT / 3, (2 * HUNT_HEIGHT) / 3);
    this.prey = { body: this.add.circle(px, py, 6, 0x66ff99), vx: 0, vy: 0, aimX: 0, aimY: 0 };
    for (let i = 0; i < this.count; i++) {
      let x = 0;
      let y = 0;
      do {
        x = rng.uniform(MARGIN, HUNT_WIDTH - MARGIN);
        y = rng.uniform(MARGIN, HUNT_HEIGHT - MARGIN);
      } while (Math.hypot(x - px, y - py) < 80);
      const hunter: Hunter = { name: `${HUNTER}-${i}`, body: this.add.circle(x, y, 7, 0xff6655), vx: 0, vy: 0, aimX: 0, aimY: 0, lastDistance: 0 };
      hunter.lastDistance = this.distance(hunter);
      this.hunters.push(hunter);
      this.ai.agent(hunter.name, hunterSpec(this, hunter));
    }
    this.ai.agent(PREY, preySpec(this));
    this.ring = this.add.circle(0, 0, 11).setStrokeStyle(2, 0xffffff).setVisible(false);
    // The prey flees by script unless something else was chosen for it (a policy, the player).
    if (this.ai.driverOf(PREY) === undefined) this.ai.use(PREY, fleePrey);
  }

  /**
   * The prey is cornered: two hunters reach it at once from sides at least 60 degrees apart (as
   * seen from the prey). A lone hunter never catches it, nor two that come from the same side.
   */
  caught(): boolean {
    const p = this.prey.body;
    const near = this.hunters.filter((h) => this.distance(h) < CATCH_RADIUS);
    for (let i = 0; i < near.length; i++) {
      for (let j = i + 1; j < near.length; j++) {
        const a = near[i]!.body;
        const b = near[j]!.body;
        if ((a.x - p.x) * (b.x - p.x) + (a.y - p.y) * (b.y - p.y) <= PINCER * this.distance(near[i]!) * this.distance(near[j]!)) return true;
      }
    }
    return false;
  }

  distance(h: Mover): number {
    return Math.hypot(this.prey.body.x - h.body.x, this.prey.body.y - h.body.y);
  }

  /** Drawing only: the ring follows the marked hunter. */
  override update(): void {
    const h = this.marked === null ? undefined : this.hunters.find((x) => x.name === this.marked);
    this.ring?.setVisible(h !== undefined);
    if (h) this.ring!.setPosition(h.body.x, h.body.y);
  }

  override fixedUpdate(): void {
    if (this.caughtAt >= 0) return;
    this.steps += 1;
    const dt = 1 / 60;
    move(this.prey, dt);
    for (const h of this.hunters) move(h, dt);
    if (this.caught()) {
      // The team's catch: every hunter is rewarded, whoever touched the prey, and the episode ends for both teams.
      this.caughtAt = this.steps;
      this.catches += 1;
      this.episodes += 1;
      this.ai.addGroupReward(HUNTERS_TEAM, 1);
      this.ai.addGroupReward(PREY_TEAM, -1);
      this.ai.endTeamEpisode(HUNTERS_TEAM);
      this.ai.endTeamEpisode(PREY_TEAM);
    } else if (this.steps >= HUNT_STEPS) {
      this.episodes += 1;
      this.ai.endTeamEpisode(HUNTERS_TEAM, 'truncated');
      this.ai.endTeamEpisode(PREY_TEAM, 'truncated');
    }
  }
}

function move(m: Mover, dt: number): void {
  m.vx += (m.aimX - m.vx) * INERTIA;
  m.vy += (m.aimY - m.vy) * INERTIA;
  m.body.x = Math.max(MARGIN, Math.min(HUNT_WIDTH - MARGIN, m.body.x + m.vx * dt));
  m.body.y = Math.max(MARGIN, Math.min(HUNT_HEIGHT - MARGIN, m.body.y + m.vy * dt));
}

function aim(m: Mover, action: number, speed: number): void {
  const [dx, dy] = DIRS[action]!;
  m.aimX = dx * speed;
  m.aimY = dy * speed;
}

const nx = (x: number) => (2 * x) / HUNT_WIDTH - 1;
const ny = (y: number) => (2 * y) / HUNT_HEIGHT - 1;

function hunterSpec(scene: HuntScene, h: Hunter): AgentSpec<HuntAction> {
  const obs = new Float32Array(HUNTER_OBS);
  return {
    behavior: HUNTER,
    team: HUNTERS_TEAM,
    observation: { shape: [HUNTER_OBS], low: -2, high: 2 },
    action: { type: 'discrete', n: 9 },
    observe: () => {
      const p = scene.prey;
      obs[0] = nx(h.body.x);
      obs[1] = ny(h.body.y);
      obs[2] = (p.body.x - h.body.x) / HUNT_WIDTH;
      obs[3] = (p.body.y - h.body.y) / HUNT_HEIGHT;
      obs[4] = p.vx / PREY_SPEED;
      obs[5] = p.vy / PREY_SPEED;
      obs.fill(0, 6, 12);
      let k = 6;
      for (const o of scene.hunters) {
        if (o === h || k >= 12) continue;
        obs[k] = (o.body.x - h.body.x) / HUNT_WIDTH;
        obs[k + 1] = (o.body.y - h.body.y) / HUNT_HEIGHT;
        obs[k + 2] = 1;
        k += 3;
      }
      obs[12] = 1 - scene.steps / HUNT_STEPS;
      return obs;
    },
    act: (a) => aim(h, a, HUNTER_SPEED),
    // Its own progress toward the prey (small); the catch comes as the team's group reward.
    reward: () => {
      const d = scene.distance(h);
      const progress = (h.lastDistance - d) / 100;
      h.lastDistance = d;
      return scene.progressReward * progress;
    },
    decisionPeriod: 4,
  };
}

function preySpec(scene: HuntScene): AgentSpec<HuntAction> {
  const obs = new Float32Array(PREY_OBS);
  return {
    behavior: PREY,
    team: PREY_TEAM,
    observation: { shape: [PREY_OBS], low: -2, high: 2 },
    action: { type: 'discrete', n: 9 },
    observe: () => {
      const p = scene.prey.body;
      obs[0] = nx(p.x);
      obs[1] = ny(p.y);
      obs.fill(0, 2);
      scene.hunters.slice(0, MAX_HUNTERS).forEach((h, i) => {
        obs[2 + 3 * i] = (h.body.x - p.x) / HUNT_WIDTH;
        obs[3 + 3 * i] = (h.body.y - p.y) / HUNT_HEIGHT;
        obs[4 + 3 * i] = 1;
      });
      return obs;
    },
    act: (a) => aim(scene.prey, a, PREY_SPEED),
    // The player's arrows: the eight directions, or stay.
    human: () => humanDirection(scene),
    decisionPeriod: 2,
  };
}

/** The arrow keys held now as one of the nine actions. */
function humanDirection(scene: HuntScene): number {
  const keys = scene.input.keyboard?.createCursorKeys();
  if (!keys) return 0;
  const dx = (keys.right.isDown ? 1 : 0) - (keys.left.isDown ? 1 : 0);
  const dy = (keys.down.isDown ? 1 : 0) - (keys.up.isDown ? 1 : 0);
  return directionOf(dx, dy);
}

/** The action that heads along (dx, dy) (screen axes, y down); stay for (0, 0). */
export function directionOf(dx: number, dy: number): number {
  if (dx === 0 && dy === 0) return 0;
  const angle = Math.atan2(-dy, dx);
  return 1 + (((Math.round(angle / (Math.PI / 4)) % 8) + 8) % 8);
}

/** Pixels ahead the prey's script weighs each direction at, and how much it fears a wall against a hunter at the same distance. */
const LOOKAHEAD = 40;
const WALL_FEAR = 1;

/**
 * The scripted prey, a function of its observation only: it takes the direction whose point 40 px
 * ahead is farthest from the hunters and the walls (each weighed by 1 / distance squared). It outruns
 * any one hunter in the open; two or three that come from different sides corner it.
 */
export function fleePrey(observation: Float32Array): number {
  const x = ((observation[0]! + 1) / 2) * HUNT_WIDTH;
  const y = ((observation[1]! + 1) / 2) * HUNT_HEIGHT;
  let best = 0;
  let bestScore = -Infinity;
  for (let a = 1; a < 9; a++) {
    const [dx, dy] = DIRS[a]!;
    const tx = x + dx * LOOKAHEAD;
    const ty = y + dy * LOOKAHEAD;
    let score = 0;
    for (let i = 0; i < MAX_HUNTERS; i++) {
      if (!observation[4 + 3 * i]) continue;
      const hx = x + observation[2 + 3 * i]! * HUNT_WIDTH;
      const hy = y + observation[3 + 3 * i]! * HUNT_HEIGHT;
      score -= 100 / Math.max(4, Math.hypot(tx - hx, ty - hy)) ** 2;
    }
    const wall = Math.max(1, Math.min(tx - MARGIN, HUNT_WIDTH - MARGIN - tx, ty - MARGIN, HUNT_HEIGHT - MARGIN - ty));
    score -= (WALL_FEAR * 100) / wall ** 2;
    if (score > bestScore) {
      bestScore = score;
      best = a;
    }
  }
  return best;
}

/** A scripted hunter: straight at the prey, as the observation gives it. */
export function chasePrey(observation: Float32Array): number {
  return directionOf(observation[2]! * HUNT_WIDTH, observation[3]! * HUNT_HEIGHT);
}

/** Hunt with `hunters` hunters a scene. */
export function huntGame(hunters: number): GameDef {
  if (!Number.isInteger(hunters) || hunters < 1 || hunters > MAX_HUNTERS) throw new Error(`huntGame: hunters must be 1 to ${MAX_HUNTERS}, got ${String(hunters)}`);
  const scene = class extends HuntScene {
    constructor() {
      super();
      this.count = hunters;
    }
  };
  return defineGame({ scene, agent: HUNTER, agentsPerScene: hunters, width: HUNT_WIDTH, height: HUNT_HEIGHT });
}

/** The game as shipped: three hunters a scene. */
export const HUNT = huntGame(MAX_HUNTERS);
