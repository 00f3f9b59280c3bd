/**
 * The Balance page. `?mode=play` (default): the AI balances the pole at a difficulty from the
 * shipped ladder (`&level=<index or name>`), and you can take over (`&driver=human` starts that
 * way). `?mode=watch`: teacher and student side by side from the same start states. The page
 * exposes `window.balance` for tests.
 */
import Phaser from 'phaser';
import { phaserConfig } from 'phaser-distill';
import '../shared/page.css';
import { frameStats, startPage, type GameDef } from '../shared/game-page.js';
import { playMeasured, startPlay, type PlaySetup } from '../shared/play.js';
import { startWatch, watchHooks } from '../shared/watch.js';
import { BALANCE, BALANCE_AGENT, BalanceScene } from './scene.js';

const balance: GameDef = {
  id: 'balance',
  title: 'Balance',
  agent: BALANCE_AGENT,
  sceneKey: 'balance',
  actions: ['push left', 'push right'],
  features: ['cart x', 'cart velocity', 'pole angle', 'pole angular velocity'],
  create: (parent) => new Phaser.Game(phaserConfig(BALANCE, { type: Phaser.AUTO, parent, backgroundColor: '#10141c' })),
};

const { params, $, status, hooks, run } = startPage('balance');

/** The AI's record over `frames` simulation steps from a fresh episode seeded `seed`. */
export interface BalanceMeasure {
  /** Episodes that ended with the pole down or the cart off the track. */
  falls: number;
  /** Episodes that reached the time limit. */
  survived: number;
  /** Mean |pole angle| in radians over the steps. */
  meanAngle: number;
}

function measure(play: PlaySetup, frames: number, seed: number): BalanceMeasure {
  const scene = play.scene as BalanceScene;
  const result = { falls: 0, survived: 0, meanAngle: 0 };
  let angle = 0;
  playMeasured(play, BALANCE_AGENT, frames, seed, (e) => (result[e.done === 'terminated' ? 'falls' : 'survived'] += 1), () => (angle += Math.abs(scene.state[2])));
  result.meanAngle = angle / frames;
  return result;
}

async function play(): Promise<void> {
  const setup = await startPlay(balance, $('play').querySelector('.stage')!, $('level'), params.get('level'));
  const scene = setup.scene as BalanceScene;
  const takeover = $<HTMLInputElement>('takeover');
  const drive = (human: boolean) => {
    if (human) scene.ai.use(BALANCE_AGENT, 'human');
    else setup.resumeAi();
    takeover.checked = human;
    status(human ? 'you drive the cart (left / right arrows)' : `the AI drives at level '${setup.difficulty.level.name}'`);
  };
  takeover.onchange = () => drive(takeover.checked);
  $('level').addEventListener('change', () => drive(false));
  drive(params.get('driver') === 'human');
  Object.assign(hooks, {
    game: setup.game,
    scene: () => scene,
    levels: setup.loaded.ladder.levels.map((l) => l.name),
    level: () => setup.difficulty.levelIndex,
    overlay: () => setup.overlay.view,
    drive,
    measure: (frames: number, seed: number) => measure(setup, frames, seed),
    frameStats: () => frameStats(setup.game),
    ready: true,
  });
}

async function watch(): Promise<void> {
  const setup = await startWatch(balance, $('watch'), $('student'), Number(params.get('seed') ?? 1), status);
  Object.assign(hooks, watchHooks(setup));
}

run({ play, watch });
