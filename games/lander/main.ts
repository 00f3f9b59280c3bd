/**
 * The Lander page. `?mode=play` (default): the AI lands at a difficulty from the shipped ladder
 * (`&level=<index or name>`), and you can take over with the arrow keys (`&driver=human` starts
 * that way). `?mode=watch`: teacher and student side by side from the same seeds (`&seed=<k>`).
 * The page exposes `window.lander` for tests.
 */
import Phaser from 'phaser';
import { phaserConfig } from 'phaser-distill';
import '../shared/page.css';
import { fastForward, frameStats, startPage, type GameDef } from '../shared/game-page.js';
import { playMeasured, restartPlay, startPlay, type PlaySetup } from '../shared/play.js';
import { startWatch, watchHooks } from '../shared/watch.js';
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
  create: (parent) => new Phaser.Game(phaserConfig(LANDER, { type: Phaser.AUTO, parent, backgroundColor: '#10141c' })),
};

const { params, $, status, hooks, run } = startPage('lander');

/** The AI's record over `frames` simulation steps of episodes from seed `seed` on. */
export interface LanderMeasure {
  episodes: number;
  /** Episodes ended at rest (+100), with the hull on the ground (-100), off the screen (-100), or at the time limit. */
  landed: number;
  crashed: number;
  away: number;
  truncated: number;
  /** Mean return of the episodes that ended. */
  meanReturn: number;
}

function measure(play: PlaySetup, frames: number, seed: number): LanderMeasure {
  const scene = play.scene as LanderScene;
  const result = { episodes: 0, landed: 0, crashed: 0, away: 0, truncated: 0, meanReturn: 0 };
  let total = 0;
  playMeasured(play, LANDER_AGENT, frames, seed, (e) => {
    // The scene restarts after the event: its simulation still holds how the episode ended.
    result[e.done === 'truncated' ? 'truncated' : scene.sim.outcome ?? 'crashed'] += 1;
    result.episodes += 1;
    total += e.return;
  });
  result.meanReturn = result.episodes > 0 ? total / result.episodes : 0;
  return result;
}

async function play(): Promise<void> {
  const setup = await startPlay(lander, $('play').querySelector('.stage')!, $('level'), params.get('level'));
  const scene = setup.scene as LanderScene;
  const takeover = $<HTMLInputElement>('takeover');
  const drive = (human: boolean) => {
    if (human) scene.ai.use(LANDER_AGENT, 'human');
    else setup.resumeAi();
    takeover.checked = human;
    status(human ? 'you fly the lander (up: main engine; left / right: side engines)' : `the AI flies at level '${setup.difficulty.level.name}'`);
  };
  takeover.onchange = () => drive(takeover.checked);
  $('level').addEventListener('change', () => drive(false));
  drive(params.get('driver') === 'human');
  Object.assign(hooks, {
    game: setup.game,
    scene: () => scene,
    /** The lander's last observation, in float64: x, y, vx, vy, angle, angular velocity, the legs. */
    state: () => Array.from(scene.sim.state),
    levels: setup.loaded.ladder.levels.map((l) => l.name),
    level: () => setup.difficulty.levelIndex,
    overlay: () => setup.overlay.view,
    drive,
    /** A fresh episode seeded `seed`. */
    restart: (seed: number) => restartPlay(setup, seed),
    /** Runs `steps` simulation steps at once (game time, whatever the machine's speed), keys held as they are. */
    advance: (steps: number) => fastForward(scene, steps, () => undefined),
    measure: (frames: number, seed: number) => measure(setup, frames, seed),
    frameStats: () => frameStats(setup.game),
    ready: true,
  });
}

async function watch(): Promise<void> {
  const setup = await startWatch(lander, $('watch'), $('student'), Number(params.get('seed') ?? 1), status);
  Object.assign(hooks, watchHooks(setup));
}

run({ play, watch });
