/**
 * Racer: top-down cars on a track with walls, seeing it through rays. The track comes from the
 * episode seed (track k of the game's set: training tracks or unseen ones, see track.ts); the car
 * physics is car.ts, stepped in `fixedUpdate` at 60 steps a second whatever the display's rate.
 *
 * Two modes, chosen by the game description (`racerGame`):
 * - 'lap' (training and evaluation): one car, the agent `car`. An episode is one lap: GATE_REWARD
 *   per checkpoint gate, paid as the car makes its way through them in order (see gateProgress),
 *   +LAP_BONUS at the finish (terminated), CRASH_PENALTY on touching a wall or on taking more than
 *   STALL_STEPS to reach the next gate (terminated: a checkpoint timer, so standing still is no
 *   way to avoid the walls), truncated after EPISODE_STEPS.
 * - 'race' (the page): `car` and `rival1`.. driven by the AI, and `player` driven by the arrow keys,
 *   race RACE_LAPS laps as ghosts (cars do not collide or see each other). A car that touches a wall
 *   (or, driven by the AI, takes more than STALL_STEPS to its next gate) waits RESPAWN_STEPS, then
 *   goes on from its last gate. When the race is over the next one starts on the next track.
 *
 * Each car observes its speed and RAY_COUNT rays (a RaySensor2D over the walls, as
 * Phaser.Geom.Line shapes tagged 'wall'), and acts with two branches: steer (left, none, right)
 * and throttle (brake, coast, throttle).
 */
import Phaser from 'phaser';
import { RaySensor2D, defineGame, type AgentSpec, type DoneKind } from 'phaser-distill';
import { Car } from './car.js';
import {
  BRAKE, CAR_LENGTH, CAR_RADIUS, CAR_WIDTH, COAST, CRASH_PENALTY, DECISION_PERIOD, EPISODE_STEPS, GATE_COUNT, GATE_EVERY, GATE_REWARD,
  LAP_BONUS, MAX_RAY_DEGREES, MAX_SPEED, RACE_COOLDOWN_STEPS, RACE_LAPS, RACER_HEIGHT, RACER_WIDTH,
  RAYS_PER_DIRECTION, RAY_LENGTH, RESPAWN_STEPS, RESULTS_STEPS, STALL_STEPS, STEER_LEFT, STEER_NONE, STEER_RIGHT, STEP_RATE, THROTTLE, TRACK_WIDTH,
} from './constants.js';
import { arcPosition, crossesGate, gateProgress, generateTrack, gridPosition, nearestPoint, touchesWall, trackSeed, type Track, type TrackSet } from './track.js';

export const RACER_AGENT = 'car';
export const RACER_PLAYER = 'player';
export const rivalName = (k: number): string => `rival${k}`;

export interface RacerOptions {
  /** Which tracks the episodes play: track `episodeSeed` of this set. */
  tracks: TrackSet;
  mode: 'lap' | 'race';
  /** AI cars besides `car` (race mode). */
  rivals: number;
  /** A car for the player, the agent `player` (race mode). */
  player: boolean;
  /** The cars' teacher also sees the track ahead (a privileged view, see `trackAhead`); their students see the rays alone. */
  privileged: boolean;
}

const DEFAULTS: RacerOptions = { tracks: 'train', mode: 'lap', rivals: 0, player: false, privileged: false };

/** The privileged view: AHEAD_POINTS centreline points, every AHEAD_EVERY-th from the car's nearest, in the car's frame (x ahead, y to its right) over RAY_LENGTH. */
export const AHEAD_POINTS = 8;
const AHEAD_EVERY = 3;

/** Car colours: `car`, the rivals, then the player's. */
export const CAR_COLOURS = [0xff8a3d, 0x3dc8ff, 0xd05cff, 0x7dff6a, 0x5c7dff];
export const PLAYER_COLOUR = 0xffe14d;
const BACKGROUND = 0x10141c;
const TARMAC = 0x2b3040;
const WALL = 0xe8e8e8;

/** One car in the scene: its physics, its eyes, and how its race or lap is going. */
export class Racer {
  readonly car = new Car();
  /** What the car observes besides its rays: its speed / MAX_SPEED. */
  readonly speed = new Float32Array(1);
  /** The gate to cross next (0 is the finish line). */
  nextGate = 1;
  /** Gates crossed in order since the start, over all laps. */
  gatesPassed = 0;
  laps = 0;
  /** Lap mode: touched a wall, or finished the lap; either ends the episode. */
  crashed = false;
  finished = false;
  /** Race mode: walls touched, checkpoint timers run out, steps left before the car goes on, and when it finished (steps). */
  crashes = 0;
  stalls = 0;
  respawnIn = 0;
  finishedAt = -1;
  /** The nearest centreline point, followed step by step. */
  point = 0;
  /** How far round, in gates (see gateProgress), and the step it last crossed a gate. */
  progress = 0;
  lastGateAt = 0;
  /** Lap mode: out for not reaching the next gate in time (STALL_STEPS). */
  stalled = false;
  body: Phaser.GameObjects.Rectangle | null = null;
  rays: Phaser.GameObjects.Graphics | null = null;

  constructor(readonly name: string, readonly sensor: RaySensor2D, readonly colour: number) {
    // The rays are cast from the car's pose.
    sensor.from = this.car;
  }
}

export class RacerScene extends Phaser.Scene {
  readonly options: RacerOptions;
  track!: Track;
  racers: Racer[] = [];
  /** Race mode: the step the first car finished, and steps left showing the results. */
  firstFinish = -1;
  resultsIn = -1;
  /** Shows the cars' rays (the page's toggle). */
  showRays = true;
  private keys: Phaser.Types.Input.Keyboard.CursorKeys | null = null;
  private hud: Phaser.GameObjects.Text | null = null;
  private readonly playerAction = new Int32Array([STEER_NONE, COAST]);

  constructor(options: Partial<RacerOptions> = {}) {
    super('racer');
    this.options = { ...DEFAULTS, ...options };
  }

  /** The learning (or page's first AI) car. */
  get learner(): Racer {
    return this.racers[0]!;
  }

  /** Simulation steps since this run of the scene started. */
  get steps(): number {
    return this.ai.steps;
  }

  create(): void {
    const race = this.options.mode === 'race';
    this.track = generateTrack(trackSeed(this.options.tracks, this.ai.episodeSeed));
    this.firstFinish = -1;
    this.resultsIn = -1;
    const walls = wallShapes(this.track);
    const names = [RACER_AGENT, ...Array.from({ length: race ? this.options.rivals : 0 }, (_, k) => rivalName(k + 1))];
    if (race && this.options.player) names.push(RACER_PLAYER);
    this.racers = names.map((name, k) => new Racer(name, eyes(this, walls), name === RACER_PLAYER ? PLAYER_COLOUR : CAR_COLOURS[k % CAR_COLOURS.length]!));
    this.racers.forEach((r, k) => this.startCar(r, k));

    // Headless (training) there is nothing to draw.
    if (this.game.config.renderType !== Phaser.HEADLESS) this.draw();
    this.keys = this.input?.keyboard?.createCursorKeys() ?? null;
    for (const r of this.racers) this.ai.agent(r.name, racerAgent(this, r));
  }

  /** Puts a car on the grid: in a lap, alone near the line, a little off the centre and the heading. */
  private startCar(r: Racer, slot: number): void {
    if (this.options.mode === 'race') {
      const p = gridPosition(this.track, slot);
      r.car.place(p.x, p.y, p.rotation);
    } else {
      const rng = this.ai.rng;
      const p = gridPosition(this.track, 0);
      const c = this.track.centre;
      const t = this.track.tangent;
      const side = rng.uniform(-0.2, 0.2) * TRACK_WIDTH;
      r.car.place(c[0]! + t[1]! * side, c[1]! - t[0]! * side, p.rotation + rng.uniform(-0.15, 0.15));
    }
    r.point = nearestPoint(this.track, r.car.x, r.car.y, 0);
    r.progress = gateProgress(this.track, 0, 1, arcPosition(this.track, r.car.x, r.car.y, r.point));
    r.lastGateAt = 0;
  }

  override fixedUpdate(_time: number, delta: number): void {
    const dt = delta / 1000;
    for (const r of this.racers) this.stepCar(r, dt);
    if (this.options.mode === 'race') this.refereeRace();
  }

  private stepCar(r: Racer, dt: number): void {
    if (r.crashed || r.stalled || r.finished) return;
    if (r.respawnIn > 0) {
      if (--r.respawnIn === 0) this.respawn(r);
      return;
    }
    const lap = this.options.mode === 'lap';
    const car = r.car;
    const x0 = car.x;
    const y0 = car.y;
    car.step(dt);
    let reward = 0;
    if (crossesGate(this.track, r.nextGate, x0, y0, car.x, car.y)) {
      r.gatesPassed += 1;
      r.lastGateAt = this.steps;
      if (r.nextGate === 0) {
        r.laps += 1;
        reward += LAP_BONUS;
        if (lap) r.finished = true;
        else if (r.laps === RACE_LAPS) r.finishedAt = this.steps;
      }
      r.nextGate = (r.nextGate + 1) % GATE_COUNT;
    }
    r.point = nearestPoint(this.track, car.x, car.y, r.point);
    const progress = gateProgress(this.track, r.gatesPassed, r.nextGate, arcPosition(this.track, car.x, car.y, r.point));
    reward += GATE_REWARD * (progress - r.progress);
    r.progress = progress;
    if (touchesWall(this.track, car.x, car.y, CAR_RADIUS)) {
      reward += CRASH_PENALTY;
      if (lap) {
        // A lap that ends in the wall is not a lap.
        r.crashed = true;
        r.finished = false;
      } else {
        r.crashes += 1;
        r.respawnIn = RESPAWN_STEPS;
        car.speed = 0;
      }
    } else if (this.steps - r.lastGateAt >= STALL_STEPS && (lap || this.ai.driverOf(r.name) !== 'human')) {
      // The checkpoint timer: in a lap the car is out; in a race an AI car that has stopped (in
      // a bend, facing the wall) goes on from its last gate, as after a crash. A player may wait.
      reward += CRASH_PENALTY;
      if (lap) {
        r.stalled = true;
      } else {
        r.stalls += 1;
        r.respawnIn = RESPAWN_STEPS;
        car.speed = 0;
      }
    }
    if (reward !== 0) this.ai.addReward(r.name, reward);
  }

  /** A crashed car goes on from the last gate it crossed, stopped, facing along the track. */
  private respawn(r: Racer): void {
    const g = (r.nextGate + GATE_COUNT - 1) % GATE_COUNT;
    const i = g * GATE_EVERY;
    const c = this.track.centre;
    const t = this.track.tangent;
    r.car.place(c[2 * i]!, c[2 * i + 1]!, Math.atan2(t[2 * i + 1]!, t[2 * i]!));
    r.point = i;
    r.progress = gateProgress(this.track, r.gatesPassed, r.nextGate, this.track.arc[i]!);
    r.lastGateAt = this.steps;
  }

  /** Race mode: ends the race when every car is home, or a while after the first; then the next track. */
  private refereeRace(): void {
    if (this.resultsIn > 0) {
      if (--this.resultsIn === 0) {
        this.ai.nextSeed = (this.ai.episodeSeed + 1) >>> 0;
        this.scene.restart();
      }
      return;
    }
    const finished = this.racers.filter((r) => r.finishedAt >= 0).length;
    if (finished > 0 && this.firstFinish < 0) this.firstFinish = this.steps;
    if (finished === this.racers.length || (this.firstFinish >= 0 && this.steps - this.firstFinish >= RACE_COOLDOWN_STEPS)) this.resultsIn = RESULTS_STEPS;
  }

  /** The cars in race order: finishers by finishing time, then by how far round they are. */
  standings(): Racer[] {
    const along = (r: Racer) => {
      const i = (r.nextGate * GATE_EVERY) % (this.track.centre.length / 2);
      const d = Math.hypot(this.track.centre[2 * i]! - r.car.x, this.track.centre[2 * i + 1]! - r.car.y);
      return r.gatesPassed * 1e4 - d;
    };
    return [...this.racers].sort((a, b) => {
      if (a.finishedAt >= 0 || b.finishedAt >= 0) return (a.finishedAt < 0 ? Infinity : a.finishedAt) - (b.finishedAt < 0 ? Infinity : b.finishedAt);
      return along(b) - along(a);
    });
  }

  /** A car's observation besides its rays: its speed, in [0, 1]. */
  /** The track ahead of car `r` as its teacher sees it: AHEAD_POINTS centreline points, x and y interleaved, in [-4, 4]. */
  trackAhead(r: Racer, out: Float32Array): Float32Array {
    const c = this.track.centre;
    const n = c.length / 2;
    const cos = Math.cos(r.car.rotation);
    const sin = Math.sin(r.car.rotation);
    for (let k = 0; k < AHEAD_POINTS; k++) {
      const p = (r.point + (k + 1) * AHEAD_EVERY) % n;
      const dx = c[2 * p]! - r.car.x;
      const dy = c[2 * p + 1]! - r.car.y;
      out[2 * k] = Math.max(-4, Math.min(4, (dx * cos + dy * sin) / RAY_LENGTH));
      out[2 * k + 1] = Math.max(-4, Math.min(4, (-dx * sin + dy * cos) / RAY_LENGTH));
    }
    return out;
  }

  observeSpeed(r: Racer): Float32Array {
    r.speed[0] = r.car.speed / MAX_SPEED;
    return r.speed;
  }

  done(r: Racer): DoneKind {
    if (this.options.mode === 'race') return false;
    if (r.crashed || r.stalled || r.finished) return 'terminated';
    return this.steps >= EPISODE_STEPS ? 'truncated' : false;
  }

  /** Arrow keys: left / right steer, up is throttle, down brakes. */
  humanAction(): Int32Array {
    const k = this.keys;
    this.playerAction[0] = k?.left.isDown ? STEER_LEFT : k?.right.isDown ? STEER_RIGHT : STEER_NONE;
    this.playerAction[1] = k?.up.isDown ? THROTTLE : k?.down.isDown ? BRAKE : COAST;
    return this.playerAction;
  }

  override update(): void {
    for (const r of this.racers) {
      r.body?.setPosition(r.car.x, r.car.y).setRotation(r.car.rotation).setAlpha(r.respawnIn > 0 ? 0.35 : 1);
      if (r.rays) {
        r.rays.setVisible(this.showRays);
        if (this.showRays) r.sensor.draw(r.rays, { hit: r.colour, miss: 0x4a5266 });
      }
    }
    if (this.hud) this.hud.setText(this.hudText());
  }

  private hudText(): string {
    if (this.options.mode !== 'race') return `lap ${this.learner.laps}  gate ${this.learner.nextGate}/${GATE_COUNT}`;
    const order = this.standings();
    const lines = order.map((r, k) => `${k + 1}. ${r.name === RACER_PLAYER ? 'you' : r.name}  lap ${Math.min(RACE_LAPS, r.laps + (r.finishedAt >= 0 ? 0 : 1))}/${RACE_LAPS}${r.finishedAt >= 0 ? '  done' : ''}`);
    if (this.resultsIn > 0) lines.push('', 'next track soon');
    return lines.join('\n');
  }

  /** The track (surface, walls, gates, start line), the cars and their rays. */
  private draw(): void {
    const t = this.track;
    const g = this.add.graphics();
    const points = (a: Float64Array) => Array.from({ length: a.length / 2 }, (_, i) => new Phaser.Math.Vector2(a[2 * i]!, a[2 * i + 1]!));
    // The surface: the outer wall's polygon filled, the inner one's filled back in the background colour.
    const [outer, inner] = Math.abs(polygonArea(t.left)) >= Math.abs(polygonArea(t.right)) ? [t.left, t.right] : [t.right, t.left];
    g.fillStyle(TARMAC, 1).fillPoints(points(outer), true, true);
    g.fillStyle(BACKGROUND, 1).fillPoints(points(inner), true, true);
    g.lineStyle(1, 0x3a4052, 1);
    for (let k = 1; k < GATE_COUNT; k++) g.lineBetween(t.gates[4 * k]!, t.gates[4 * k + 1]!, t.gates[4 * k + 2]!, t.gates[4 * k + 3]!);
    g.lineStyle(4, 0xffffff, 1).lineBetween(t.gates[0]!, t.gates[1]!, t.gates[2]!, t.gates[3]!);
    g.lineStyle(2, WALL, 1).strokePoints(points(t.left), true, true).strokePoints(points(t.right), true, true);
    for (const r of this.racers) {
      r.rays = this.add.graphics();
      r.body = this.add.rectangle(r.car.x, r.car.y, CAR_LENGTH, CAR_WIDTH, r.colour).setStrokeStyle(1, 0x000000, 0.8);
    }
    this.hud = this.add.text(RACER_WIDTH / 2, RACER_HEIGHT / 2, '', { fontSize: '15px', color: '#ffffff', align: 'left', lineSpacing: 2 }).setOrigin(0.5);
  }
}

/** The track's walls as the shapes a ray sensor sees. */
function wallShapes(track: Track): { shape: Phaser.Geom.Line; tag: string }[] {
  const w = track.walls;
  const shapes: { shape: Phaser.Geom.Line; tag: string }[] = [];
  for (let s = 0; s < w.length; s += 4) shapes.push({ shape: new Phaser.Geom.Line(w[s]!, w[s + 1]!, w[s + 2]!, w[s + 3]!), tag: 'wall' });
  return shapes;
}

/** A car's rays: RAY_COUNT of them over MAX_RAY_DEGREES either side of its heading, seeing the walls. */
function eyes(scene: Phaser.Scene, walls: { shape: Phaser.Geom.Line; tag: string }[]): RaySensor2D {
  return new RaySensor2D(scene, { raysPerDirection: RAYS_PER_DIRECTION, maxRayDegrees: MAX_RAY_DEGREES, rayLength: RAY_LENGTH, tags: ['wall'], shapes: walls });
}

/** Twice the signed area of a closed polygon (interleaved x, y). */
function polygonArea(a: Float64Array): number {
  let s = 0;
  const n = a.length / 2;
  for (let i = 0; i < n; i++) {
    const j = (i + 1) % n;
    s += a[2 * i]! * a[2 * j + 1]! - a[2 * j]! * a[2 * i + 1]!;
  }
  return s;
}

/**
 * A car as an agent: its speed, then its rays (OBS_SIZE numbers in [0, 1]); [steer, throttle]; a
 * decision every DECISION_PERIOD steps.
 */
export function racerAgent(scene: RacerScene, r: Racer): AgentSpec<{ type: 'multi-discrete'; nvec: [3, 3] }> {
  const ahead = new Float32Array(2 * AHEAD_POINTS);
  return {
    ...(scene.options.privileged ? { privileged: { observation: { shape: [2 * AHEAD_POINTS], low: -4, high: 4 }, observe: () => scene.trackAhead(r, ahead) } } : {}),
    observation: { shape: [1], low: 0, high: 1 },
    observe: () => scene.observeSpeed(r),
    sensors: [r.sensor],
    action: { type: 'multi-discrete', nvec: [3, 3] },
    act: (a) => r.car.control(a[0]!, a[1]!),
    done: () => scene.done(r),
    human: () => scene.humanAction(),
    decisionPeriod: DECISION_PERIOD,
  };
}

/** A Racer game: the scene with these options, its size and step rate. */
export function racerGame(options: Partial<RacerOptions> = {}) {
  class Scene extends RacerScene {
    constructor() {
      super(options);
    }
  }
  return defineGame({ scene: Scene, agent: RACER_AGENT, width: RACER_WIDTH, height: RACER_HEIGHT, stepRate: STEP_RATE });
}

/** Training: one lap per episode on the training tracks (odd track seeds). */
export const RACER = racerGame({ tracks: 'train' });
/** Evaluation and calibration: the same, on tracks training never sees (even track seeds). */
export const RACER_UNSEEN = racerGame({ tracks: 'unseen' });

/** Training a privileged teacher: RACER, whose teacher also sees the track ahead (`trackAhead`). */
export const RACER_PRIVILEGED = racerGame({ tracks: 'train', privileged: true });
