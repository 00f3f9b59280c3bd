/**
 * The Hill page. `?mode=play` (default): the AI drives the buggy at a difficulty from the shipped
 * ladder (`&level=<index or name>`), and you can take over with the arrow keys (`&driver=human`
 * starts that way). `?mode=watch`: teacher and student side by side on the same hills (`&seed=<k>`).
 * The page exposes `window.hill` for tests.
 */
import '../shared/page.css';
import { pageGame, startPage, type GameDef } from '../shared/game-page.js';
import { bestScore, keepRecord, measureOutcomes, playHooks, scoreLine, startPlay, takeover, type OutcomeCounts, type PlaySetup } from '../shared/play.js';
import { touchControls } from '../shared/touch.js';
import { watchMode } from '../shared/watch.js';
import { HILL, HILL_AGENT, type HillScene } from './scene.js';

const hill: GameDef = {
  id: 'hill',
  title: 'Hill',
  agent: HILL_AGENT,
  sceneKey: 'hill',
  actions: ['brake', 'coast', 'throttle'],
  features: ['sin angle', 'cos angle', 'spin', 'x velocity', 'y velocity', ...[1, 2, 3, 4, 5].flatMap((k) => [`ray ${k} ground`, `ray ${k} miss`, `ray ${k} distance`])],
  create: pageGame(HILL),
  strength: (score) => `scores ${Math.round(score)} a run on average (1 a 10 m, +5 at the flag, -5 for landing on the roof)`,
};

const page = startPage('hill', 'The teacher (TensorFlow.js) and a student (plain TypeScript, shipped in the bundle) drive the same hills.');
const { params, hooks } = page;

/** The AI's record over `frames` simulation steps of episodes from seed `seed` on. */
export type HillMeasure = OutcomeCounts<'finished' | 'flipped' | 'timedOut'>;

const measure = (play: PlaySetup, frames: number, seed: number): HillMeasure =>
  measureOutcomes(play, HILL_AGENT, frames, seed, ['finished', 'flipped', 'timedOut'], () => (play.scene as HillScene).outcome ?? 'timedOut');

async function play(): Promise<void> {
  const setup = await startPlay(hill, page);
  const scene = setup.scene as HillScene;
  const drive = takeover(setup, HILL_AGENT, page, { human: 'you drive the buggy (right / up: throttle; left / down: brake)', ai: 'the AI drives' });
  drive(params.get('driver') === 'human');
  const human = () => scene.ai.driverOf(HILL_AGENT) === 'human';
  // The player's score: this run's so far, how the last one ended, and the best of you and of the AI.
  // The scene restarts after the event: it still holds how the run ended.
  const record = keepRecord(setup, HILL_AGENT, ['finished', 'flipped'], () => {
    if (scene.outcome === 'finished') return { says: 'reached the flag', counts: 'finished' };
    return scene.outcome === 'flipped' ? { says: 'landed on the roof', counts: 'flipped' } : { says: 'ran out of time' };
  });
  scoreLine(setup, () => `score ${Math.round(scene.ai.episodeReturn(HILL_AGENT))} | last run: ${record.last || '-'} | flags ${record.finished}, flips ${record.flipped} | your best ${bestScore(record.you)} | AI's best ${bestScore(record.ai)}`);
  touchControls(setup.stage.querySelector<HTMLElement>('.canvas')!, ['left', 'right'], () => human() || drive(true));
  Object.assign(hooks, playHooks(setup, { record: () => ({ ...record }), drive, measure: (frames: number, seed: number) => measure(setup, frames, seed) }));
}

page.run({ play, watch: watchMode(hill, page) });
