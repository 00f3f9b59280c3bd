/**
 * The Hunt page. `?mode=play` (default): three AI hunters at a difficulty from the shipped ladder
 * (`&level=<index or name>`) hunt the prey, which is you (arrow keys) or the scripted prey
 * (`&prey=human|scripted`). The overlay explains one hunter's decisions, and says which (it is
 * ringed on the field). `?mode=watch`: teacher and student hunters side by side. The page exposes
 * `window.hunt` for tests.
 */
import '../shared/page.css';
import { pageGame, startPage, type GameDef } from '../shared/game-page.js';
import { measureOutcomes, playHooks, scoreLine, startPlay, type OutcomeCounts, type PlaySetup } from '../shared/play.js';
import { touchControls } from '../shared/touch.js';
import { watchMode } from '../shared/watch.js';
import { HUNT, HUNTER, HUNTER_FEATURES, HUNT_ACTIONS, PREY, fleePrey, type HuntScene } from './scene.js';

/** The hunter whose decisions the overlay explains. */
const EXPLAINED = `${HUNTER}-0`;

const hunt: GameDef = {
  id: 'hunt',
  title: 'Hunt',
  agent: HUNTER,
  sceneKey: 'hunt',
  explained: EXPLAINED,
  actions: HUNT_ACTIONS,
  features: HUNTER_FEATURES,
  create: pageGame(HUNT),
  strength: (mean) => `a hunter scores ${mean.toFixed(2)} a round against the scripted prey (1 for the team's catch, a little for closing in)`,
};

const page = startPage('hunt', 'Three hunters driven by the teacher (TensorFlow.js), and three by a student (plain TypeScript, shipped in the bundle), hunt the scripted prey from the same starts.');
const { params, $, status, hooks } = page;

/** The rounds of hunter-0's team over `frames` game steps from a fresh round seeded `seed` (round k seeded seed + k), by how they ended. */
export type HuntMeasure = OutcomeCounts<'caught' | 'escaped'>;

const measure = (play: PlaySetup, frames: number, seed: number): HuntMeasure =>
  measureOutcomes(play, EXPLAINED, frames, seed, ['caught', 'escaped'], (e) => (e.done === 'terminated' ? 'caught' : 'escaped'));

async function play(): Promise<void> {
  const setup = await startPlay(hunt, page);
  const scene = setup.scene as HuntScene;
  // Every hunter plays the level; the overlay taps one of them (a name's driver comes before its behaviour's).
  scene.ai.use(HUNTER, setup.difficulty);
  scene.ai.use(EXPLAINED, setup.overlay.tap(setup.difficulty));
  setup.overlay.subject(EXPLAINED, `explains ${EXPLAINED} (ringed), one of the three hunters sharing the policy`);
  scene.marked = EXPLAINED;
  const prey = $<HTMLSelectElement>('prey');
  const usePrey = (who: string) => {
    scene.ai.use(PREY, who === 'human' ? 'human' : fleePrey);
    prey.value = who;
  };
  prey.onchange = () => usePrey(prey.value);
  usePrey(params.get('prey') === 'scripted' ? 'scripted' : 'human');
  touchControls(setup.stage.querySelector<HTMLElement>('.canvas')!, ['left', 'up', 'down', 'right'], () => prey.value === 'human' || usePrey('human'));
  scoreLine(setup, () => `rounds ${scene.episodes} | caught ${scene.catches} | escaped ${scene.episodes - scene.catches}`);
  status(`hunters: the AI at level '${setup.difficulty.level.name}'; prey: ${prey.value === 'human' ? 'you (arrow keys)' : 'the scripted prey'}`);
  Object.assign(hooks, playHooks(setup, {
    measure: (frames: number, seed: number) => measure(setup, frames, seed),
    /** The prey: 'human' (you) or 'scripted'. */
    prey: (who: 'human' | 'scripted') => usePrey(who),
    explained: EXPLAINED,
  }));
}

page.run({ play, watch: watchMode(hunt, page) });
