/**
 * Balance as a Phaser scene: the cart-pole of balance.ts, stepped by `balanceStep` once per
 * simulation step (50 a second: the simulation's 0.02 s, real time) and drawn with two rectangles. The agent `cart` sees exactly what BalanceEnv returns, so the
 * scene-wrapped env and the bare simulation give the same numbers for the same seed and actions.
 */
import Phaser from 'phaser';
import { defineGame, type AgentSpec } from 'phaser-distill';
import { X_LIMIT, balanceDone, balanceStart, balanceStep, BalanceEnv, type BalanceState } from './balance.js';

export const BALANCE_AGENT = 'cart';
export const BALANCE_WIDTH = 600;
export const BALANCE_HEIGHT = 300;
/** The simulation's time step is 0.02 s: 50 steps a second is real time. */
export const BALANCE_STEP_RATE = 50;

const SCALE = BALANCE_WIDTH / (2 * X_LIMIT * 1.1);
const POLE_PIXELS = 2 * 0.5 * SCALE;
const TRACK_Y = 220;
const bounds = new BalanceEnv().observationSpace;

export class BalanceScene extends Phaser.Scene {
  state: BalanceState = [0, 0, 0, 0];
  steps = 0;
  /** The action applied on the next simulation step: 0 pushes left, 1 right. */
  push = 0;
  private cart!: Phaser.GameObjects.Rectangle;
  private pole!: Phaser.GameObjects.Rectangle;
  private keys: Phaser.Types.Input.Keyboard.CursorKeys | null = null;

  constructor() {
    super('balance');
  }

  create(): void {
    // The same start as BalanceEnv.reset, from the episode's generator.
    this.state = balanceStart(this.ai.rng);
    this.steps = 0;
    this.push = 0;
    this.add.rectangle(BALANCE_WIDTH / 2, TRACK_Y + 12, BALANCE_WIDTH, 2, 0x888888);
    this.cart = this.add.rectangle(0, TRACK_Y, 60, 24, 0x4aa3df);
    this.pole = this.add.rectangle(0, TRACK_Y, 8, POLE_PIXELS, 0xe8c547).setOrigin(0.5, 1);
    this.keys = this.input.keyboard?.createCursorKeys() ?? null;
    this.ai.agent(BALANCE_AGENT, balanceAgent(this));
    this.draw();
  }

  override fixedUpdate(): void {
    this.state = balanceStep(this.state, this.push);
    this.steps += 1;
  }

  override update(): void {
    this.draw();
  }

  /** Left / right arrows push; with neither held the pushes alternate, which nets to no force. */
  humanAction(): number {
    if (this.keys?.left.isDown) return 0;
    if (this.keys?.right.isDown) return 1;
    return this.steps % 2;
  }

  private draw(): void {
    const x = BALANCE_WIDTH / 2 + this.state[0] * SCALE;
    this.cart.setPosition(x, TRACK_Y);
    this.pole.setPosition(x, TRACK_Y - 8).setRotation(this.state[2]);
  }
}

/** The agent: CartPole-v1's observation, two actions, 1 per step, ends on a fall or at 500 steps. */
export function balanceAgent(scene: BalanceScene): AgentSpec<{ type: 'discrete'; n: 2 }> {
  return {
    observation: { shape: bounds.shape, low: bounds.low, high: bounds.high },
    action: { type: 'discrete', n: 2 },
    observe: () => scene.state,
    act: (a) => {
      scene.push = a;
    },
    reward: () => 1,
    done: () => balanceDone(scene.state, scene.steps),
    human: () => scene.humanAction(),
    decisionPeriod: 1,
  };
}

/** The game, as the page and the headless env both make it. */
export const BALANCE = defineGame({ scene: BalanceScene, agent: BALANCE_AGENT, width: BALANCE_WIDTH, height: BALANCE_HEIGHT, stepRate: BALANCE_STEP_RATE });
