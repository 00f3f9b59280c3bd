/**
 * What the game pages share: a game's description for the play and watch modes, the page's frame
 * (its links between modes, the watch section, the status line, its test hooks), waiting for a
 * game to boot, seeding its matches, fast-forwarding it for measurements, and counting the colours
 * of a rendered frame (tests check a page is not blank).
 */
import Phaser from 'phaser';
import { EPISODE_END, phaserConfig, type EpisodeEndEvent } from 'phaser-distill';

/** A game as the demo pages see it. */
export interface GameDef {
  /** Its folder under assets/policies and assets/teachers. */
  id: string;
  title: string;
  /** The agent the AI drives. */
  agent: string;
  /** The choices' names, branch after branch; for a box action, its dimensions' names. */
  actions: readonly string[];
  /** Branch sizes of a multi-discrete action, whose choices `actions` lists branch after branch. */
  branches?: readonly number[];
  /** A box (continuous) action's bounds, one per dimension. */
  box?: { readonly low: readonly number[]; readonly high: readonly number[] };
  features: readonly string[];
  /** A new game with the scene, drawn into `parent`. */
  create(parent: HTMLElement): Phaser.Game;
  /**
   * A level's calibrated strength (the ladder's metric's mean) in a player's words: "wins 30% of
   * points against the computer paddle", not "point_win_rate 0.30". `secondsPerDecision` turns
   * decisions into time.
   */
  strength?(mean: number, secondsPerDecision: number): string;
  sceneKey: string;
  /**
   * Where `agent` is a behaviour of several agents (a team): the one agent whose decisions the
   * overlay explains, and names. The others play the same policy.
   */
  explained?: string;
}

/** A GameDef's `create` for a game made with defineGame: its Phaser config, drawn into the page on the pages' background. */
export function pageGame(game: Parameters<typeof phaserConfig>[0]): GameDef['create'] {
  return (parent) => new Phaser.Game(phaserConfig(game, { type: Phaser.AUTO, parent, backgroundColor: '#10141c' }));
}

/** What a decision overlay needs to know of a game's actions and observations. */
export type ActionLayout = Pick<GameDef, 'actions' | 'branches' | 'box' | 'features'>;

export function whenReady(game: Phaser.Game): Promise<void> {
  return new Promise((resolve) => (game.isRunning ? resolve() : game.events.once(Phaser.Core.Events.READY, () => resolve())));
}

/**
 * The game's scene `key` once it exists with its plugin (`this.ai`): after the game is ready, and if
 * the scene manager has not made it yet (a fresh page on a loaded machine once found none there),
 * after the game's next steps. Fails after 600 steps without it.
 */
export async function sceneOf(game: Phaser.Game, key: string): Promise<Phaser.Scene> {
  await whenReady(game);
  for (let step = 0; ; step++) {
    const scene = game.scene.getScene(key);
    // The plugin makes `ai` the scene's own property when the scene boots.
    if (scene && Object.prototype.hasOwnProperty.call(scene, 'ai')) return scene;
    if (step >= 600) throw new Error(`the game has no scene '${key}' with the phaser-distill plugin after ${step} steps`);
    await new Promise((resolve) => game.events.once(Phaser.Core.Events.POST_STEP, resolve));
  }
}

/**
 * Plays match k of the scene with seed `seed + k` from now on (restarting the current match), so
 * two games given the same seed serve the same balls. Returns what stops the seeding.
 */
export function seedMatches(scene: Phaser.Scene, agent: string, seed: number): () => void {
  let match = 0;
  scene.ai.nextSeed = seed;
  scene.scene.restart();
  // The scene restarts after the event, with this seed.
  // `agent` may be a behaviour: its first agent's episode counts the match.
  const next = (e: EpisodeEndEvent) => {
    const counted = scene.ai.get(agent) ? agent : scene.ai.agentsOf(agent)[0]?.name;
    if (e.agent === counted) scene.ai.nextSeed = seed + ++match;
  };
  scene.sys.events.on(EPISODE_END, next);
  return () => scene.sys.events.off(EPISODE_END, next);
}

/**
 * Runs `steps` simulation steps of `scene`'s game at once, one frame each, without rendering, then
 * resumes the page's own loop if it was running (a test that put it to sleep keeps it asleep, and
 * the game then moves only by these steps). `onStep` runs after each. Measurements this way take
 * game time, not wall time, so they do not depend on how busy the machine is.
 */
export function fastForward(scene: Phaser.Scene, steps: number, onStep: () => void): void {
  const game = scene.game;
  const dt = scene.ai.stepMs;
  const running = game.loop.running;
  if (running) game.loop.sleep();
  try {
    let t = game.loop.time;
    for (let k = 0; k < steps; k++) {
      t += dt;
      game.headlessStep(t, dt);
      onStep();
    }
  } finally {
    if (running) game.loop.wake();
  }
}

/** A rendered frame's colours as 0xRRGGBB. */
export interface FrameStats {
  width: number;
  height: number;
  /** Distinct colours: a blank canvas has one. */
  colours: number;
  /** The 16 most common colours, most common first: a test can look for a sprite's colour. */
  common: number[];
}

/** The colours of the next rendered frame. */
export function frameStats(game: Phaser.Game): Promise<FrameStats> {
  return new Promise((resolve) => {
    game.renderer.snapshot((image) => {
      const img = image as HTMLImageElement;
      const canvas = document.createElement('canvas');
      canvas.width = img.width;
      canvas.height = img.height;
      const ctx = canvas.getContext('2d')!;
      ctx.drawImage(img, 0, 0);
      const data = ctx.getImageData(0, 0, img.width, img.height).data;
      const counts = new Map<number, number>();
      for (let i = 0; i < data.length; i += 4) {
        const rgb = (data[i]! << 16) | (data[i + 1]! << 8) | data[i + 2]!;
        counts.set(rgb, (counts.get(rgb) ?? 0) + 1);
      }
      const common = [...counts].sort((a, b) => b[1] - a[1]).slice(0, 16).map(([rgb]) => rgb);
      resolve({ colours: counts.size, width: img.width, height: img.height, common });
    });
  });
}

/** Runs `fn` once per animation frame for the page's lifetime (overlays redraw this way). */
export function everyFrame(fn: () => void): void {
  const tick = () => {
    fn();
    requestAnimationFrame(tick);
  };
  requestAnimationFrame(tick);
}

/** What every game page starts with: its mode, element lookup, a status line and its test hooks. */
export interface Page {
  params: URLSearchParams;
  mode: 'play' | 'watch';
  $: <T extends HTMLElement>(id: string) => T;
  status: (text: string) => void;
  /** `window[id]`: `ready`, `error` and whatever the page adds for tests. */
  hooks: Record<string, unknown>;
  /** Runs the page's play or watch set-up, showing (and publishing) an error if it fails. */
  run(modes: { play(): Promise<void>; watch(): Promise<void> }): void;
}

/**
 * Starts a game page: the links between its modes and the watch section (`watch` says what the
 * two sides do) go in around the page's own play section, and `window[id]` holds its test hooks.
 */
export function startPage(id: string, watch: string): Page {
  const params = new URLSearchParams(location.search);
  const mode = params.get('mode') === 'watch' ? 'watch' : 'play';
  document.querySelector('h1')!.insertAdjacentHTML('beforebegin', NAV);
  document.getElementById('play')!.insertAdjacentHTML('afterend', watchSection(watch));
  const $ = <T extends HTMLElement>(el: string) => document.getElementById(el) as T;
  const status = (text: string) => ($('status').textContent = text);
  $(mode).hidden = false;
  $(`to-${mode}`).classList.add('current');
  const hooks: Record<string, unknown> = { mode, ready: false };
  (window as unknown as Record<string, unknown>)[id] = hooks;
  const run = (modes: { play(): Promise<void>; watch(): Promise<void> }) => {
    (mode === 'watch' ? modes.watch() : modes.play()).catch((e: Error) => {
      status(`error: ${e.message}`);
      hooks.error = e.message;
      throw e;
    });
  };
  return { params, mode, $, status, hooks, run };
}

const NAV = '<nav><a href="../index.html">&larr; games</a> <a id="to-play" href="?mode=play">Play</a> <a id="to-watch" href="?mode=watch">Watch teacher and student</a></nav>';

/** Watch mode's section: the student's selector, and a stage for each side. */
function watchSection(text: string): string {
  const stage = (side: string, title: string) => `<div class="stage ${side}"><h2>${title}</h2><div class="canvas"></div><div class="panels"></div></div>`;
  return `<section id="watch" hidden><p>${text}</p><label>Student <select id="student"></select></label><div class="pair">${stage('teacher', 'Teacher')}${stage('student', 'Student')}</div></section>`;
}
