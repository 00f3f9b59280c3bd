/**
 * The Racer page: you race the AI cars on tracks the AI never trained on. `?mode=play` (default):
 * the AI cars (`car` and the rivals, all the same student at the difficulty you pick from the
 * shipped ladder, `&level=<index or name>`) and your car (arrow keys) race RACE_LAPS laps as
 * ghosts; the next race is on the next unseen track (`&track=<k>` picks the first). Each AI car's
 * rays are drawn on the track; the overlay explains the orange car's decisions. `?mode=watch`:
 * the teacher (TensorFlow.js) and a student drive the same unseen tracks side by side, a lap
 * each. The page exposes `window.racer` for tests.
 */
import Phaser from 'phaser';
import { Difficulty, rayAngles } from 'phaser-distill';
import '../shared/page.css';
import { fastForward, pageGame, startPage, type GameDef } from '../shared/game-page.js';
import { touchControls } from '../shared/touch.js';
import { playHooks, restartPlay, startPlay, type PlaySetup } from '../shared/play.js';
import { watchMode } from '../shared/watch.js';
import { MAX_RAY_DEGREES, RAYS_PER_DIRECTION } from './constants.js';
import { RACER_AGENT, RACER_PLAYER, RACER_UNSEEN, RacerScene, racerGame, rivalName, type Racer } from './scene.js';

/** Rivals beside the orange car: four AI cars and you. */
const RIVALS = 3;
/** The page's game: races on the unseen tracks. */
export const RACER_RACE = racerGame({ tracks: 'unseen', mode: 'race', rivals: RIVALS, player: true });

/** Ray k's direction as the driver sees it: L90 (its left) .. 0 (ahead) .. R90. */
const rayNames = rayAngles(RAYS_PER_DIRECTION, MAX_RAY_DEGREES).map((a) => (a === 90 ? 'ahead' : a > 90 ? `L${Math.round(a - 90)}` : `R${Math.round(90 - a)}`));

const racer: GameDef = {
  id: 'racer',
  title: 'Racer',
  agent: RACER_AGENT,
  sceneKey: 'racer',
  actions: ['steer left', 'steer none', 'steer right', 'brake', 'coast', 'throttle'],
  branches: [3, 3],
  features: ['speed', ...rayNames.flatMap((r) => [`ray ${r} wall`, `ray ${r} miss`, `ray ${r} distance`])],
  create: pageGame(RACER_RACE),
  strength: (score) => `scores ${score.toFixed(0)} of 34 a lap on average (1 a gate, 10 for finishing, -10 for hitting a wall)`,
};

const page = startPage('racer', 'The teacher (TensorFlow.js) and a student (plain TypeScript, shipped in the bundle) drive a lap at a time on the same unseen tracks.');
const { params, $, status, hooks } = page;

/** What the AI cars did over a stretch of racing. */
export interface RacerMeasure {
  /** Gates crossed in order, over the AI cars. */
  gates: number;
  /** Walls touched, and checkpoint timers run out (a car that stopped). */
  crashes: number;
  stalls: number;
  laps: number;
}

/**
 * The AI cars' record over `frames` simulation steps of races from race `seed` on (track `seed`
 * of the unseen set, then the next ones), the player's car idle. Game time, not wall time.
 */
function measure(play: PlaySetup, frames: number, seed: number): RacerMeasure {
  const scene = play.scene as RacerScene;
  restartPlay(play, seed);
  // A new race makes new racers; the old ones keep their final counts.
  const seen = new Set<Racer>();
  fastForward(scene, frames, () => scene.racers.forEach((r) => r.name !== RACER_PLAYER && seen.add(r)));
  const result = { gates: 0, crashes: 0, stalls: 0, laps: 0 };
  for (const r of seen) {
    result.gates += r.gatesPassed;
    result.crashes += r.crashes;
    result.stalls += r.stalls;
    result.laps += r.laps;
  }
  return result;
}

async function play(): Promise<void> {
  const track = params.get('track');
  const setup = await startPlay(racer, page);
  const scene = setup.scene as RacerScene;
  // The rivals play the same ladder at the same level as the orange car, each with its own memory.
  const rivals = Array.from({ length: RIVALS }, (_, k) => new Difficulty(scene.ai, rivalName(k + 1), setup.loaded.ladder, setup.loaded.students, 100 * (k + 1)));
  const level = () => setup.difficulty.levelIndex;
  const syncRivals = () => rivals.forEach((d) => d.setDifficulty(level()));
  const describe = () => status(`you: the yellow car (arrow keys: up throttle, down brake, left / right steer); the AI cars at level '${setup.difficulty.level.name}', on unseen track ${scene.ai.episodeSeed}`);
  $('level').addEventListener('change', () => {
    syncRivals();
    describe();
  });
  syncRivals();
  scene.ai.use(RACER_PLAYER, 'human');
  // On a touch screen: ◀ ▶ steer, ▲ throttle, ▼ brake.
  touchControls(setup.stage.querySelector<HTMLElement>('.canvas')!, ['left', 'up', 'down', 'right']);
  const rays = $<HTMLInputElement>('rays');
  rays.onchange = () => (scene.showRays = rays.checked);
  if (track !== null && /^\d+$/.test(track)) restartPlay(setup, Number(track));
  scene.events.on(Phaser.Scenes.Events.CREATE, describe);
  describe();
  Object.assign(hooks, playHooks(setup, {
    rivalLevels: () => rivals.map((d) => d.levelIndex),
    /** A fresh race on unseen track `k`. */
    newRace: (k: number) => restartPlay(setup, k),
    measure: (frames: number, seed: number) => measure(setup, frames, seed),
  }));
}

// Watch mode: one car each, a lap at a time, on the same unseen tracks (from `&seed=<k>`, default 0).
page.run({ play, watch: watchMode({ ...racer, create: pageGame(RACER_UNSEEN) }, page, 0) });
