/**
 * The Balance page. `?mode=play` (default): the AI balances the pole at a difficulty from the
 * shipped ladder (`&level=<index or name>`), and you can take over (`&driver=human` starts that
 * way). `?mode=watch`: teacher and student side by side from the same start states. The page
 * exposes `window.balance` for tests.
 */
import '../shared/page.css';
import { pageGame, startPage, type GameDef } from '../shared/game-page.js';
import { EPISODE_END, type EpisodeEndEvent } from 'phaser-distill';
import { playHooks, playMeasured, scoreLine, startPlay, takeover, type PlaySetup } from '../shared/play.js';
import { touchControls } from '../shared/touch.js';
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
  // The return is the decisions the pole stayed up (500 at most).
  strength: (decisions, perDecision) => `keeps the pole up ${(decisions * perDecision).toFixed(1)} s on average (${(500 * perDecision).toFixed(0)} s is a full round)`,
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
  const scene = setup.scene as BalanceScene;
  const human = () => scene.ai.driverOf(BALANCE_AGENT) === 'human';
  // The player's score: how long the pole has been up, the falls, and the best of you and of the AI.
  const record = { falls: 0, full: 0, you: 0, ai: 0 };
  const seconds = (decisions: number) => decisions * setup.secondsPerDecision;
  scene.sys.events.on(EPISODE_END, (e: EpisodeEndEvent) => {
    if (e.agent !== BALANCE_AGENT) return;
    const who = human() ? 'you' : 'ai';
    record[who] = Math.max(record[who], seconds(e.return));
    record[e.done === 'terminated' ? 'falls' : 'full'] += 1;
  });
  scoreLine(setup, () => `${human() ? 'You' : 'The AI'}: up for ${seconds(scene.ai.episodeReturn(BALANCE_AGENT)).toFixed(1)} s | falls ${record.falls} | full rounds ${record.full} | your best ${record.you.toFixed(1)} s | AI's best ${record.ai.toFixed(1)} s`);
  touchControls(setup.stage.querySelector<HTMLElement>('.canvas')!, ['left', 'right'], () => human() || drive(true));
  Object.assign(hooks, playHooks(setup, { drive, record: () => ({ ...record }), measure: (frames: number, seed: number) => measure(setup, frames, seed) }));
}

page.run({ play, watch: watchMode(balance, page) });
