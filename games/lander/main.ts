/**
 * The Lander page. `?mode=play` (default): the AI lands at a difficulty from the shipped ladder
 * (`&level=<index or name>`), and you can take over with the arrow keys (`&driver=human` starts
 * that way). `?mode=watch`: teacher and student side by side from the same seeds (`&seed=<k>`).
 * The page exposes `window.lander` for tests.
 */
import '../shared/page.css';
import { pageGame, startPage, type GameDef } from '../shared/game-page.js';
import { bestScore, keepRecord, measureOutcomes, playHooks, scoreLine, startPlay, takeover, type OutcomeCounts, type PlaySetup } from '../shared/play.js';
import { touchControls } from '../shared/touch.js';
import { watchMode } from '../shared/watch.js';
import { LANDER_ACTION } from './lander.js';
import { LANDER, LANDER_AGENT, LanderScene } from './scene.js';

const lander: GameDef = {
  id: 'lander',
  title: 'Lander',
  agent: LANDER_AGENT,
  sceneKey: 'lander',
  actions: ['main engine', 'side engines'],
  box: { low: [LANDER_ACTION.low, LANDER_ACTION.low], high: [LANDER_ACTION.high, LANDER_ACTION.high] },
  // Leg 0 stands at +x: the right one on screen.
  features: ['x', 'y', 'x velocity', 'y velocity', 'angle', 'angular velocity', 'right leg down', 'left leg down'],
  create: pageGame(LANDER),
  strength: (score) => `scores ${Math.round(score)} a flight on average (a soft landing between the flags scores 200 or more; a crash costs 100)`,
};

const page = startPage('lander', 'The teacher (TensorFlow.js) and a student (plain TypeScript, shipped in the bundle) land from the same starts on the same terrain.');
const { params, hooks } = page;

/**
 * The AI's record over `frames` simulation steps of episodes from seed `seed` on: episodes ended at
 * rest (+100), with the hull on the ground (-100), off the screen (-100), or at the time limit.
 */
export type LanderMeasure = OutcomeCounts<'landed' | 'crashed' | 'away' | 'truncated'>;

const measure = (play: PlaySetup, frames: number, seed: number): LanderMeasure =>
  measureOutcomes(play, LANDER_AGENT, frames, seed, ['landed', 'crashed', 'away', 'truncated'], (e) =>
    e.done === 'truncated' ? 'truncated' : (play.scene as LanderScene).sim.outcome ?? 'crashed');

async function play(): Promise<void> {
  const setup = await startPlay(lander, page);
  const scene = setup.scene as LanderScene;
  const drive = takeover(setup, LANDER_AGENT, page, { human: 'you fly the lander (up: main engine; left / right: side engines)', ai: 'the AI flies' });
  drive(params.get('driver') === 'human');
  const human = () => scene.ai.driverOf(LANDER_AGENT) === 'human';
  // The player's score: this flight's so far, how the last one ended, landings and crashes, and the best of you and of the AI.
  // The scene restarts after the event: its simulation still holds how the flight ended.
  const record = keepRecord(setup, LANDER_AGENT, ['landed', 'crashed'], (e) => {
    if (e.done === 'truncated') return { says: 'ran out of time' };
    if (scene.sim.outcome === 'landed') return { says: 'landed', counts: 'landed' };
    return scene.sim.outcome === 'away' ? { says: 'flew off the screen' } : { says: 'crashed', counts: 'crashed' };
  });
  scoreLine(setup, () => `score ${Math.round(scene.ai.episodeReturn(LANDER_AGENT))} | last flight: ${record.last || '-'} | landed ${record.landed}, crashed ${record.crashed} | your best ${bestScore(record.you)} | AI's best ${bestScore(record.ai)}`);
  touchControls(setup.stage.querySelector<HTMLElement>('.canvas')!, ['left', 'up', 'right'], () => human() || drive(true));
  Object.assign(hooks, playHooks(setup, {
    record: () => ({ ...record }),
    /** The lander's last observation, in float64: x, y, vx, vy, angle, angular velocity, the legs. */
    state: () => Array.from(scene.sim.state),
    drive,
    measure: (frames: number, seed: number) => measure(setup, frames, seed),
  }));
}

page.run({ play, watch: watchMode(lander, page) });
