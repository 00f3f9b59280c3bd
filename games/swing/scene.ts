/**
 * Swing as a Phaser scene: the pendulum of swing.ts, stepped by `swingStep` once per simulation
 * step (20 a second: the simulation's 0.05 s, real time) and drawn as a rod on a pivot. The agent
 * `pendulum` sees exactly what SwingEnv returns, so the scene-wrapped env and the bare simulation
 * give the same numbers for the same seed and actions. The player pushes with the arrow keys.
 */
import Phaser from 'phaser';
import { defineGame, type AgentSpec } from 'phaser-distill';
import { MAX_STEPS, MAX_TORQUE, SWING_ACTION, SWING_OBSERVATION, swingObservation, swingStart, swingStep, type SwingState } from './swing.js';

export const SWING_AGENT = 'pendulum';
export const SWING_WIDTH = 400;
export const SWING_HEIGHT = 400;
/** The simulation's time step is 0.05 s: 20 steps a second is real time. */
export const SWING_STEP_RATE = 20;

const ROD_PIXELS = 140;

export class SwingScene extends Phaser.Scene {
  state: SwingState = [0, 0];
  steps = 0;
  /** The reward of the last step, for the agent. */
  lastReward = 0;
  /** The torque applied on the next simulation step. */
  torque = 0;
  private rod!: Phaser.GameObjects.Rectangle;
  private arrow!: Phaser.GameObjects.Graphics;
  private keys: Phaser.Types.Input.Keyboard.CursorKeys | null = null;
  private readonly observation = new Float32Array(3);
  private readonly push = new Float32Array(1);

  constructor() {
    super('swing');
  }

  create(): void {
    // The same start as SwingEnv.reset, from the episode's generator.
    this.state = swingStart(this.ai.rng);
    this.steps = 0;
    this.torque = 0;
    this.lastReward = 0;
    const cx = SWING_WIDTH / 2;
    const cy = SWING_HEIGHT / 2;
    // The rod hangs from the pivot; rotation 0 draws it upright (theta 0 is up, as in Gymnasium).
    this.rod = this.add.rectangle(cx, cy, 14, ROD_PIXELS, 0xe8c547).setOrigin(0.5, 1);
    this.add.circle(cx, cy, 6, 0x888888);
    this.arrow = this.add.graphics();
    this.keys = this.input.keyboard?.createCursorKeys() ?? null;
    this.ai.agent(SWING_AGENT, swingAgent(this));
    this.draw();
  }

  override fixedUpdate(): void {
    const { state, reward } = swingStep(this.state, this.torque);
    this.state = state;
    this.lastReward = reward;
    this.steps += 1;
  }

  override update(): void {
    this.draw();
  }

  observe(): Float32Array {
    return swingObservation(this.state, this.observation);
  }

  /** Left / right arrows: full torque anticlockwise / clockwise on screen; neither, none. */
  humanAction(): Float32Array {
    this.push[0] = this.keys?.left.isDown ? MAX_TORQUE : this.keys?.right.isDown ? -MAX_TORQUE : 0;
    return this.push;
  }

  private draw(): void {
    // Gymnasium's theta grows anticlockwise; Phaser's rotation turns clockwise.
    this.rod.setRotation(-this.state[0]);
    const g = this.arrow.clear();
    if (this.torque !== 0) {
      g.lineStyle(3, 0x4aa3df, 1);
      const span = (Math.abs(this.torque) / MAX_TORQUE) * 1.2;
      g.beginPath();
      g.arc(SWING_WIDTH / 2, SWING_HEIGHT / 2, 40, -Math.PI / 2, -Math.PI / 2 - Math.sign(this.torque) * span, this.torque > 0);
      g.strokePath();
    }
  }
}

/** The agent: Pendulum-v1's observation and torque, its reward per step, truncated at 200 steps. */
export function swingAgent(scene: SwingScene): AgentSpec<typeof SWING_ACTION> {
  return {
    observation: SWING_OBSERVATION,
    action: SWING_ACTION,
    observe: () => scene.observe(),
    act: (a) => {
      scene.torque = a[0]!;
    },
    reward: () => scene.lastReward,
    done: () => (scene.steps >= MAX_STEPS ? 'truncated' : false),
    human: () => scene.humanAction(),
    decisionPeriod: 1,
  };
}

/** The game, as the page and the headless env both make it. */
export const SWING = defineGame({ scene: SwingScene, agent: SWING_AGENT, width: SWING_WIDTH, height: SWING_HEIGHT, stepRate: SWING_STEP_RATE });
