/**
 * Small real scenes for the plugin's tests. Import 'phaser-distill/node' before this file.
 */
import Phaser from 'phaser';
import type { AgentSpec } from 'phaser-distill';

/**
 * A dot on a line: action 0 / 1 / 2 moves it left / not / right; it is rewarded for being near a
 * target drawn from Phaser.Math.RND, and a wind drawn from Math.random pushes it each frame, so
 * both sources of randomness show up in the trajectory.
 */
export class WalkScene extends Phaser.Scene {
  static creates = 0;
  x = 0;
  target = 0;
  wind = 0;
  frames = 0;
  /** Frames after which the episode ends (terminated). */
  limit = 40;
  dot!: Phaser.GameObjects.Rectangle;

  constructor() {
    super('walk');
  }

  create(): void {
    WalkScene.creates += 1;
    this.x = this.ai.rng.uniform(-0.5, 0.5);
    this.target = Phaser.Math.RND.realInRange(-1, 1);
    // A scene object outlives its runs: every field an episode reads is set again here.
    this.wind = 0;
    this.frames = 0;
    this.dot = this.add.rectangle(100, 50, 4, 4, 0xffffff);
    this.ai.agent('walker', walkerSpec(this));
  }

  override fixedUpdate(): void {
    this.frames += 1;
    this.wind = (Math.random() - 0.5) * 0.01;
    this.x = Math.max(-2, Math.min(2, this.x + this.wind));
    this.dot.x = 100 + this.x * 40;
  }
}

export function walkerSpec(scene: WalkScene, extra: Partial<AgentSpec<{ type: 'discrete'; n: 3 }>> = {}): AgentSpec<{ type: 'discrete'; n: 3 }> {
  return {
    observation: { shape: [3], low: -3, high: 3 },
    action: { type: 'discrete', n: 3 },
    observe: () => [scene.x, scene.target, scene.wind],
    act: (a) => {
      scene.x = Math.max(-2, Math.min(2, scene.x + (a - 1) * 0.02));
    },
    reward: () => -Math.abs(scene.x - scene.target),
    done: () => (scene.frames >= scene.limit ? 'terminated' : false),
    decisionPeriod: 2,
    ...extra,
  };
}

/** Two agents with different action kinds and periods: a multi-discrete mover with a mask, and a box thruster. */
export class DuoScene extends Phaser.Scene {
  pos = [0, 0];
  thrust = 0;
  frames = 0;
  acted = { mover: 0, thruster: 0 };

  constructor() {
    super('duo');
  }

  create(): void {
    this.pos = [0, 0];
    this.thrust = 0;
    this.frames = 0;
    this.acted = { mover: 0, thruster: 0 };
    this.ai.agent('mover', {
      observation: { shape: [2], low: -10, high: 10 },
      action: { type: 'multi-discrete', nvec: [3, 3] },
      observe: () => this.pos,
      act: (a) => {
        this.acted.mover += 1;
        this.pos[0] = clamp(this.pos[0]! + (a[0]! - 1) * 0.1);
        this.pos[1] = clamp(this.pos[1]! + (a[1]! - 1) * 0.1);
      },
      // Moving down (branch 1, choice 2) is forbidden once pos[1] reaches 0.5.
      mask: () => [true, true, true, true, true, this.pos[1]! < 0.5],
      reward: () => 1,
      done: () => (this.frames >= 30 ? 'truncated' : false),
      decisionPeriod: 3,
    });
    this.ai.agent('thruster', {
      observation: { shape: [1], low: -10, high: 10 },
      action: { type: 'box', shape: [1], low: -1, high: 1 },
      observe: () => [this.thrust],
      act: (a) => {
        this.acted.thruster += 1;
        this.thrust = a[0]!;
      },
      decisionPeriod: 1,
    });
  }

  override fixedUpdate(): void {
    this.frames += 1;
  }
}

function clamp(v: number): number {
  return Math.max(-10, Math.min(10, v));
}
