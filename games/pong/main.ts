/**
 * The Pong page. `?mode=play` (default): the AI plays the left paddle at a difficulty from the
 * shipped ladder (`&level=<index or name>`), the right paddle is you or the scripted computer
 * (`&opponent=human|scripted`); while you play, "Record" keeps your matches and offers them as
 * `pong.demo`. `?mode=watch`: teacher and student side by side. Both modes show why the AI acts.
 * The page exposes `window.pong` for tests.
 */
import '../shared/page.css';
import { fastForward, pageGame, startPage, type GameDef } from '../shared/game-page.js';
import { playHooks, restartPlay, startPlay, type PlaySetup } from '../shared/play.js';
import { touchControls } from '../shared/touch.js';
import { recordingControl } from '../shared/recording.js';
import { watchMode } from '../shared/watch.js';
import { ScriptedOpponent } from './opponent.js';
import { PONG, PongScene, PONG_AGENT, PONG_OPPONENT } from './scene.js';

const pong: GameDef = {
  id: 'pong',
  title: 'Pong',
  agent: PONG_AGENT,
  sceneKey: 'pong',
  actions: ['up', 'stay', 'down'],
  features: ['ball x', 'ball y', 'ball vx', 'ball vy', 'own paddle y', 'other paddle y', 'ball - paddle y'],
  create: pageGame(PONG),
  strength: (winRate) => `wins ${Math.round(100 * winRate)}% of points against the computer paddle`,
};

const page = startPage('pong', 'The teacher (TensorFlow.js) and a student (plain TypeScript, shipped in the bundle) play the scripted computer from the same serves.');
const { params, $, status, hooks } = page;

/** The left paddle's record over `frames` game frames from a fresh match seeded `seed`. */
export interface PongMeasure {
  won: number;
  lost: number;
  /** Mean |ball y - paddle y| in paddle heights, over frames with the ball coming to the paddle. */
  tracking: number;
}

function measure(play: PlaySetup, frames: number, seed: number): PongMeasure {
  const scene = play.scene as PongScene;
  restartPlay(play, seed);
  let won = 0;
  let lost = 0;
  let gap = 0;
  let approaching = 0;
  let prev = { left: 0, right: 0 };
  fastForward(scene, frames, () => {
    const { left, right } = scene.score;
    // A new match starts at 0 : 0.
    if (left < prev.left || right < prev.right) prev = { left: 0, right: 0 };
    won += left - prev.left;
    lost += right - prev.right;
    prev = { left, right };
    if (scene.ball.body!.velocity.x < 0) {
      gap += Math.abs(scene.ball.y - scene.left.y) / 60;
      approaching += 1;
    }
  });
  return { won, lost, tracking: approaching ? gap / approaching : 0 };
}

async function play(): Promise<void> {
  const setup = await startPlay(pong, page);
  const scene = setup.scene as PongScene;
  const opponent = $<HTMLSelectElement>('opponent');
  const useOpponent = (who: string) => {
    scene.ai.use(PONG_OPPONENT, who === 'human' ? 'human' : new ScriptedOpponent(scene.ai.rng));
    opponent.value = who;
  };
  opponent.onchange = () => useOpponent(opponent.value);
  useOpponent(params.get('opponent') === 'scripted' ? 'scripted' : 'human');
  // On a touch screen: hold ▲ or ▼ to move your paddle (it takes the right paddle back from the computer).
  touchControls(setup.stage.querySelector<HTMLElement>('.canvas')!, ['up', 'down'], () => opponent.value === 'human' || useOpponent('human'));
  status(`left paddle: the AI at level '${setup.difficulty.level.name}'; right paddle: ${opponent.value === 'human' ? 'you (arrow keys)' : 'the scripted computer'}`);
  $('level').addEventListener('change', () => status(`left paddle: the AI at level '${setup.difficulty.level.name}'`));
  // Your matches as the right paddle, for teaching an agent by example (phaser-distill demo reads the file).
  const recording = recordingControl(scene, PONG_OPPONENT, $('recording'), 'pong.demo');
  Object.assign(hooks, playHooks(setup, {
    measure: (frames: number, seed: number) => measure(setup, frames, seed),
    /** The right paddle: 'human' (you) or 'scripted'. */
    opponent: (who: 'human' | 'scripted') => useOpponent(who),
    /** The record control: start, stop, episodes, steps, dropLast, file (the demo's bytes), download, lastDownload. */
    recording,
  }));
}

page.run({ play, watch: watchMode(pong, page) });
