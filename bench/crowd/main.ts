/**
 * The crowd of bench:multiagent: `?agents=` runners (1,000 by default) of one behaviour in one
 * Phaser scene, every one deciding at every simulation step (60 a second) with Gather's shipped
 * s8 int8 student, one driver for the whole behaviour (`this.ai.use('runner', student)`). Each
 * runner chases its pellet as in Gather, alone (its observation's neighbour part is zero), and a
 * pellet eaten moves elsewhere.
 *
 * The time measured is the main thread's inside the plugin's step, every frame: the game's
 * PRE_STEP (before every scene's update) and a PRE_UPDATE listener added after the plugin's (in
 * create) bracket it. It holds every decision (observations, the student, actions) and the scene's
 * own fixedUpdate (moving 1,000 dots), not drawing. `window.crowdState` gives the frame times.
 */
import Phaser from 'phaser';
import { defineGame, loadStudentPolicy, phaserConfig } from 'phaser-distill';
import studentFile from '../../assets/policies/gather/s8-int8.json';

const params = new URLSearchParams(location.search);
const AGENTS = Number(params.get('agents') ?? 1000);
const FRAMES = Number(params.get('frames') ?? 600);
const WIDTH = 320;
const HEIGHT = 240;
const SPEED = 90;
const DIRS: readonly (readonly [number, number])[] = [[0, 0], [0, -1], [0, 1], [-1, 0], [1, 0]];

interface CrowdState {
  agents: number;
  /** Main-thread ms inside the plugin's step, one per frame. */
  frameMs: number[];
  /** Of frameMs, the ms in the scene's own fixedUpdate (moving the dots): the game's, not the runtime's. */
  gameMs: number[];
  /** Simulation steps each frame ran. */
  stepsPerFrame: number[];
  decisions: number;
  eaten: number;
  done: boolean;
}
const state: CrowdState = { agents: AGENTS, frameMs: [], gameMs: [], stepsPerFrame: [], decisions: 0, eaten: 0, done: false };
(window as unknown as { crowdState: CrowdState }).crowdState = state;

class CrowdScene extends Phaser.Scene {
  x = new Float32Array(AGENTS);
  y = new Float32Array(AGENTS);
  vx = new Float32Array(AGENTS);
  vy = new Float32Array(AGENTS);
  ax = new Float32Array(AGENTS);
  ay = new Float32Array(AGENTS);
  px = new Float32Array(AGENTS);
  py = new Float32Array(AGENTS);
  dots!: Phaser.GameObjects.Graphics;
  private t0 = 0;
  private game_ = 0;
  private stepsBefore = 0;

  constructor() {
    super('crowd');
  }

  create(): void {
    const rng = this.ai.rng;
    const obs = new Float32Array(6);
    for (let i = 0; i < AGENTS; i++) {
      this.x[i] = rng.uniform(4, WIDTH - 4);
      this.y[i] = rng.uniform(4, HEIGHT - 4);
      this.px[i] = rng.uniform(10, WIDTH - 10);
      this.py[i] = rng.uniform(10, HEIGHT - 10);
      this.ai.agent(`runner-${i}`, {
        behavior: 'runner',
        observation: { shape: [6], low: -2, high: 2 },
        action: { type: 'discrete', n: 5 },
        observe: () => {
          obs[0] = (this.px[i]! - this.x[i]!) / WIDTH;
          obs[1] = (this.py[i]! - this.y[i]!) / HEIGHT;
          obs[2] = this.vx[i]! / SPEED;
          obs[3] = this.vy[i]! / SPEED;
          return obs;
        },
        act: (a) => {
          this.ax[i] = DIRS[a]![0] * SPEED;
          this.ay[i] = DIRS[a]![1] * SPEED;
        },
      });
    }
    this.dots = this.add.graphics();
    // The game's step begins (before any scene's PRE_UPDATE, so before the plugin's listener) ...
    this.game.events.on(Phaser.Core.Events.PRE_STEP, () => {
      this.t0 = performance.now();
      this.game_ = 0;
      this.stepsBefore = this.ai.steps;
    });
    // ... and after the plugin's listener (added as the scene started) the step's time ends here.
    this.sys.events.on(Phaser.Scenes.Events.PRE_UPDATE, () => {
      if (state.done) return;
      const steps = this.ai.steps - this.stepsBefore;
      state.frameMs.push(performance.now() - this.t0);
      state.gameMs.push(this.game_);
      state.stepsPerFrame.push(steps);
      state.decisions += steps * AGENTS;
      if (state.frameMs.length >= FRAMES) state.done = true;
    });
    const student = loadStudentPolicy(studentFile);
    this.ai.use('runner', student);
  }

  override fixedUpdate(_time: number, delta: number): void {
    const t0 = performance.now();
    const dt = delta / 1000;
    const rng = this.ai.rng;
    for (let i = 0; i < AGENTS; i++) {
      this.vx[i]! += (this.ax[i]! - this.vx[i]!) * 0.2;
      this.vy[i]! += (this.ay[i]! - this.vy[i]!) * 0.2;
      this.x[i] = Math.max(4, Math.min(WIDTH - 4, this.x[i]! + this.vx[i]! * dt));
      this.y[i] = Math.max(4, Math.min(HEIGHT - 4, this.y[i]! + this.vy[i]! * dt));
      if (Math.abs(this.px[i]! - this.x[i]!) < 7 && Math.abs(this.py[i]! - this.y[i]!) < 7) {
        state.eaten += 1;
        this.px[i] = rng.uniform(10, WIDTH - 10);
        this.py[i] = rng.uniform(10, HEIGHT - 10);
      }
    }
    this.game_ += performance.now() - t0;
  }

  override update(): void {
    const g = this.dots;
    g.clear();
    g.fillStyle(0x66ccff);
    for (let i = 0; i < AGENTS; i++) g.fillRect(this.x[i]! - 1, this.y[i]! - 1, 2, 2);
  }
}

const CROWD = defineGame({ scene: CrowdScene, width: WIDTH, height: HEIGHT });
new Phaser.Game(phaserConfig(CROWD, { type: Phaser.CANVAS, parent: 'game', backgroundColor: '#111' }));
