/**
 * A scene a scripted player plays, for the recorder's tests. Import 'phaser-distill/node' before
 * this file. `held` is the player's key (0 left, 1 none, 2 right), which `walker.human()` reads,
 * as a game reads the arrow keys; `thrust` is a stick the `thruster` agent's human() reads, in a
 * reused array as a game's input code might keep it. Each run of the scene logs what it showed
 * the agents (`seen`, `thrustSeen`), what they did (`acts`, `thrusts`) and the walker's rewards,
 * so a test can check a recording against what the scene saw.
 */
import Phaser from 'phaser';

export interface RunLog {
  seen: number[][];
  acts: number[];
  rewards: number[];
  /** The thruster's observations and actions. */
  thrustSeen: number[][];
  thrusts: number[][];
}

export class PlayerScene extends Phaser.Scene {
  x = 0;
  target = 0;
  frames = 0;
  /** Simulation steps in an episode. */
  limit = 24;
  held = 1;
  readonly thrust = new Float32Array(2);
  runs: RunLog[] = [];

  constructor() {
    super('player');
  }

  get run(): RunLog {
    return this.runs[this.runs.length - 1]!;
  }

  create(): void {
    this.x = this.ai.rng.uniform(-0.5, 0.5);
    this.target = this.ai.rng.uniform(-1, 1);
    this.frames = 0;
    this.runs.push({ seen: [], acts: [], rewards: [], thrustSeen: [], thrusts: [] });
    this.ai.agent('walker', {
      observation: { shape: [2], low: -3, high: 3 },
      action: { type: 'discrete', n: 3 },
      observe: () => {
        const o = [this.x, this.target];
        this.run.seen.push(o);
        return o;
      },
      act: (a) => {
        this.run.acts.push(a);
        this.x += (a - 1) * 0.05;
      },
      reward: () => {
        const r = -Math.abs(this.x - this.target);
        this.run.rewards.push(r);
        return r;
      },
      done: () => (this.frames >= this.limit ? 'terminated' : false),
      human: () => this.held,
      decisionPeriod: 3,
      stack: 2,
    });
    this.ai.agent('thruster', {
      observation: { shape: [1], low: -100, high: 100 },
      action: { type: 'box', shape: [2], low: -1, high: 1 },
      observe: () => {
        const o = [this.frames];
        this.run.thrustSeen.push(o);
        return o;
      },
      act: (a) => void this.run.thrusts.push([a[0]!, a[1]!]),
      reward: () => 0.5,
      done: () => (this.frames >= this.limit ? 'truncated' : false),
      human: () => this.thrust,
    });
  }

  override fixedUpdate(): void {
    this.frames += 1;
  }
}
