/**
 * Pong on Arcade physics. Two agents share the scene: `paddle` (left, the one that learns) and
 * `opponent` (right, scripted by default, or the player). A point is +1 to the paddle that makes
 * it and -1 to the other; an episode is a match to POINTS_TO_WIN, or MATCH_STEPS simulation steps
 * (truncated). Randomness (serves, the opponent's aim) comes from `this.ai.rng`, seeded per
 * episode. The game logic runs in `fixedUpdate`, at 60 steps a second whatever the display's rate.
 */
import Phaser from 'phaser';
import { defineGame, type AgentSpec, type DoneKind } from 'phaser-distill';
import {
  BALL_SIZE, DOWN, MATCH_STEPS, MAX_BALL_SPEED, MAX_BOUNCE_ANGLE, OBS_SIZE, PADDLE_HEIGHT, PADDLE_MARGIN, PADDLE_SPEED,
  PADDLE_WIDTH, POINTS_TO_WIN, PONG_HEIGHT, PONG_WIDTH, SERVE_DELAY, SERVE_SPEED, SPEEDUP, STAY, UP,
} from './constants.js';
import { ScriptedOpponent } from './opponent.js';

export const PONG_AGENT = 'paddle';
export const PONG_OPPONENT = 'opponent';

type Body = Phaser.Physics.Arcade.Image;
type Side = 'left' | 'right';

export class PongScene extends Phaser.Scene {
  ball!: Body;
  left!: Body;
  right!: Body;
  score = { left: 0, right: 0 };
  /** Simulation steps since the match began. */
  frames = 0;
  private serveIn = 0;
  /** The ball's speed as set by the last serve or return; collisions may have eaten into its velocity. */
  private ballSpeed = SERVE_SPEED;
  private scoreText: Phaser.GameObjects.Text | null = null;
  private keys: Phaser.Types.Input.Keyboard.CursorKeys | null = null;

  constructor() {
    super('pong');
  }

  create(): void {
    this.score = { left: 0, right: 0 };
    this.frames = 0;
    this.physics.world.setBounds(0, 0, PONG_WIDTH, PONG_HEIGHT);
    // Walls top and bottom only: the ball leaves through the sides.
    this.physics.world.setBoundsCollision(false, false, true, true);
    this.add.rectangle(PONG_WIDTH / 2, PONG_HEIGHT / 2, 2, PONG_HEIGHT, 0x444444);
    this.left = this.paddle(PADDLE_MARGIN);
    this.right = this.paddle(PONG_WIDTH - PADDLE_MARGIN);
    this.ball = this.physics.add.image(PONG_WIDTH / 2, PONG_HEIGHT / 2, '__WHITE').setDisplaySize(BALL_SIZE, BALL_SIZE);
    this.ball.setCollideWorldBounds(true).setBounce(1, 1);
    this.physics.add.collider(this.ball, [this.left, this.right], (_b, p) => this.returnBall(p as Body));
    this.scoreText = this.add.text(PONG_WIDTH / 2, 12, '0 : 0', { fontSize: '20px', color: '#ffffff' }).setOrigin(0.5, 0);
    this.keys = this.input.keyboard?.createCursorKeys() ?? null;
    this.serve();

    this.ai.agent(PONG_AGENT, pongAgent(this, 'left'));
    this.ai.agent(PONG_OPPONENT, pongAgent(this, 'right'));
    // A fresh scripted opponent per episode, seeded by it, unless something else was chosen.
    const current = this.ai.driverOf(PONG_OPPONENT);
    if (current === undefined || current instanceof ScriptedOpponent) this.ai.use(PONG_OPPONENT, new ScriptedOpponent(this.ai.rng));
  }

  override fixedUpdate(): void {
    this.frames += 1;
    if (this.serveIn > 0 && --this.serveIn === 0) this.launch();
    const x = this.ball.x;
    if (x < -BALL_SIZE) this.point('right');
    else if (x > PONG_WIDTH + BALL_SIZE) this.point('left');
  }

  /** Applies a paddle's action: up, stay or down at PADDLE_SPEED. */
  move(side: Side, action: number): void {
    const body = side === 'left' ? this.left : this.right;
    body.setVelocityY(action === UP ? -PADDLE_SPEED : action === DOWN ? PADDLE_SPEED : 0);
  }

  /** The observation from `side`'s point of view, into `out`. */
  observe(side: Side, out: Float32Array): Float32Array {
    const flip = side === 'left' ? 1 : -1;
    const own = side === 'left' ? this.left : this.right;
    const other = side === 'left' ? this.right : this.left;
    const v = this.ball.body!.velocity;
    out[0] = clamp(flip * ((this.ball.x / PONG_WIDTH) * 2 - 1));
    out[1] = clamp(unitY(this.ball.y));
    out[2] = clamp((flip * v.x) / MAX_BALL_SPEED);
    out[3] = clamp(v.y / MAX_BALL_SPEED);
    out[4] = clamp(unitY(own.y));
    out[5] = clamp(unitY(other.y));
    out[6] = clamp(((this.ball.y - own.y) / PONG_HEIGHT) * 2);
    return out;
  }

  /** Arrow keys: up, down, or stay. */
  humanAction(): number {
    if (this.keys?.up.isDown) return UP;
    if (this.keys?.down.isDown) return DOWN;
    return STAY;
  }

  done(): DoneKind {
    if (this.score.left >= POINTS_TO_WIN || this.score.right >= POINTS_TO_WIN) return 'terminated';
    return this.frames >= MATCH_STEPS ? 'truncated' : false;
  }

  private paddle(x: number): Body {
    const p = this.physics.add.image(x, PONG_HEIGHT / 2, '__WHITE').setDisplaySize(PADDLE_WIDTH, PADDLE_HEIGHT);
    p.setImmovable(true).setCollideWorldBounds(true);
    return p;
  }

  /** Bounces the ball off a paddle at an angle set by where it hit, a little faster each time. */
  private returnBall(paddle: Body): void {
    // Arcade has already separated the ball from the immovable paddle, which may have zeroed its
    // horizontal velocity: the new speed comes from the speed it had, not from what is left.
    const speed = (this.ballSpeed = Math.min(MAX_BALL_SPEED, this.ballSpeed * SPEEDUP));
    const offset = Phaser.Math.Clamp((this.ball.y - paddle.y) / ((PADDLE_HEIGHT + BALL_SIZE) / 2), -1, 1);
    const angle = offset * MAX_BOUNCE_ANGLE;
    const dir = paddle === this.left ? 1 : -1;
    this.ball.setVelocity(dir * speed * Math.cos(angle), speed * Math.sin(angle));
  }

  private point(winner: Side): void {
    this.score[winner] += 1;
    // +1 for a paddle's own point, -1 for the other's: the learner is the left paddle; the right
    // one's rewards are the returns of a player's recorded matches.
    this.ai.addReward(PONG_AGENT, winner === 'left' ? 1 : -1);
    this.ai.addReward(PONG_OPPONENT, winner === 'right' ? 1 : -1);
    this.scoreText?.setText(`${this.score.left} : ${this.score.right}`);
    this.serve();
  }

  private serve(): void {
    // reset() moves the body with the image and stops it, so no stale velocity carries over.
    this.ball.body!.reset(PONG_WIDTH / 2, PONG_HEIGHT / 2);
    this.serveIn = SERVE_DELAY;
  }

  private launch(): void {
    const rng = this.ai.rng;
    const angle = rng.uniform(-Math.PI / 6, Math.PI / 6);
    const dir = rng.float() < 0.5 ? -1 : 1;
    this.ballSpeed = SERVE_SPEED;
    this.ball.setVelocity(dir * SERVE_SPEED * Math.cos(angle), SERVE_SPEED * Math.sin(angle));
  }
}

/** A paddle as an agent: 7 numbers in [-1, 1], up / stay / down, a decision every 4 steps. */
export function pongAgent(scene: PongScene, side: Side): AgentSpec<{ type: 'discrete'; n: 3 }> {
  const obs = new Float32Array(OBS_SIZE);
  const learner = side === 'left';
  return {
    observation: { shape: [OBS_SIZE], low: -1, high: 1 },
    action: { type: 'discrete', n: 3 },
    observe: () => scene.observe(side, obs),
    act: (a) => scene.move(side, a),
    done: () => scene.done(),
    human: () => scene.humanAction(),
    // The scripted opponent reacts every step; its reaction delay is its own.
    decisionPeriod: learner ? 4 : 1,
  };
}

/** A height in the field, 0..PONG_HEIGHT, as -1..1. */
function unitY(y: number): number {
  return (y / PONG_HEIGHT) * 2 - 1;
}

function clamp(v: number): number {
  return v < -1 ? -1 : v > 1 ? 1 : v;
}

/** The game, as the page and the headless env both make it. */
export const PONG = defineGame({ scene: PongScene, agent: PONG_AGENT, opponent: PONG_OPPONENT, width: PONG_WIDTH, height: PONG_HEIGHT, physics: { default: 'arcade' } });
