/**
 * The Balance page. `?mode=play` (default): the AI balances the pole at a difficulty from the
 * shipped ladder (`&level=<index or name>`), and you can take over (`&driver=human` starts that
 * way). `?mode=watch`: teacher and student side by side from the same start states. The page
 * exposes `window.balance` for tests.
 */
import '../shared/page.css';
import { pageGame, startPage, type GameDef } from '../shared/game-page.js';
import { playHooks, playMeasured, startPlay, takeover, type PlaySetup } from '../shared/play.js';
import { watchMode } from '../shared/watch.js';
import { BALANCE, BALANCE_AGENT, BalanceScene } from './scene.js';

const balance: GameDef = {
  id: 'balance',
  title: 'Balance',
  agent: BALANCE_AGENT,
  sceneKey: 'balance',
  actions: ['push left', 'push right'],
  features: ['cart x', 'cart velocity', 'pole angle', 'pole angular velocity'],
  create: pageGame(BALANCE),
};

const page = startPage('balance', 'The teacher (TensorFlow.js) and a student (plain TypeScript, shipped in the bundle) balance from the same start states.');
const { params, hooks } = page;

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
  const setup = await startPlay(balance, page);
  const drive = takeover(setup, BALANCE_AGENT, page, { human: 'you drive the cart (left / right arrows)', ai: 'the AI drives' });
  drive(params.get('driver') === 'human');
  Object.assign(hooks, playHooks(setup, { drive, measure: (frames: number, seed: number) => measure(setup, frames, seed) }));
}

page.run({ play, watch: watchMode(balance, page) });
