/**
 * Play mode: the AI drives the game's agent at a difficulty level picked from the game's shipped
 * ladder, with the decision overlay beside the canvas. The level selector is filled from the
 * ladder file; switching level takes effect at the next decision.
 */
import type Phaser from 'phaser';
import { EPISODE_END, saliency, Difficulty, type EpisodeEndEvent, type LadderLevel } from 'phaser-distill';
import { loadLadder, type LoadedLadder } from './assets.js';
import { fastForward, frameStats, whenReady, everyFrame, type GameDef, type Page } from './game-page.js';
import { DecisionOverlay } from './overlay.js';

export interface PlaySetup {
  game: Phaser.Game;
  scene: Phaser.Scene;
  loaded: LoadedLadder;
  difficulty: Difficulty;
  overlay: DecisionOverlay;
  /** Picks a level by index (0 = weakest) or name, and shows it in the selector. */
  setLevel(level: number | string): void;
  /** The AI back in control, e.g. after a player took over. */
  resumeAi(): void;
}

/** Starts play mode in the page's play section, at the level in `&level=` (an index or a name), else the ladder's middle one. */
export async function startPlay(def: GameDef, page: Pick<Page, '$' | 'params'>): Promise<PlaySetup> {
  const host = page.$('play').querySelector<HTMLElement>('.stage')!;
  const select = page.$<HTMLSelectElement>('level');
  const initial = page.params.get('level');
  const loaded = await loadLadder(def.id);
  const { ladder, students } = loaded;
  select.replaceChildren(...ladder.levels.map((level, i) => new Option(describe(level, ladder.metric), String(i))));
  const game = def.create(host.querySelector<HTMLElement>('.canvas')!);
  const overlay = new DecisionOverlay(host.querySelector<HTMLElement>('.panels')!, `${def.title} AI`, def);
  await whenReady(game);
  const scene = game.scene.getScene(def.sceneKey)!;
  const difficulty = new Difficulty(scene.ai, def.agent, ladder, students);
  const resumeAi = () => scene.ai.use(def.agent, overlay.tap(difficulty));
  resumeAi();

  const setLevel = (level: number | string) => {
    difficulty.setDifficulty(level);
    select.value = String(difficulty.levelIndex);
    const { policy, temperature, weaker, skill = 1 } = difficulty.level;
    const student = students[policy]!;
    const blended = weaker === undefined ? null : students[weaker]!;
    let mix = new Float32Array(0);
    // The overlay shows the level's network at the level's temperature, as it decides; a level
    // that blends in a weaker student shows the blend (the mixture of the two choices' odds, or
    // the blended mean), and the saliency of its own network.
    overlay.explainer = {
      probabilities: (o) => {
        student.temperature = temperature;
        const own = student.probabilities(o);
        if (!blended) return own;
        if (mix.length !== own.length) mix = new Float32Array(own.length);
        mix.set(own);
        blended.temperature = temperature;
        const weak = blended.probabilities(o);
        for (let j = 0; j < mix.length; j++) mix[j] = skill * mix[j]! + (1 - skill) * weak[j]!;
        return mix;
      },
      saliency: (o) => saliency(student, o),
    };
  };
  select.onchange = () => setLevel(Number(select.value));
  // With no level asked for, start in the middle of the ladder.
  setLevel(initial !== null && initial !== '' ? (/^\d+$/.test(initial) ? Number(initial) : initial) : Math.floor((ladder.levels.length - 1) / 2));
  everyFrame(() => overlay.render());
  return { game, scene, loaded, difficulty, overlay, setLevel, resumeAi };
}

/** A level as the selector shows it, with its calibrated strength when the ladder has one. */
function describe(level: LadderLevel, metric: string): string {
  const s = level.strength;
  if (!s) return level.name;
  return /rate/.test(metric) ? `${level.name} (wins ${Math.round(100 * s.mean)}%)` : `${level.name} (${metric.replace(/_/g, ' ')} ${s.mean.toFixed(0)})`;
}

/**
 * Restarts the played match with episode seed `seed` (the level's memory starts afresh with the
 * scene): the fresh start a measurement begins from.
 */
export function restartPlay(play: PlaySetup, seed: number): void {
  play.scene.ai.nextSeed = seed;
  play.scene.scene.restart();
}

/**
 * A measurement in game time: restarts the match with seed `seed`, then runs `frames` simulation
 * steps at once, calling `onEnd` for each episode of `agent` that ends and `onStep` after each step.
 */
export function playMeasured(play: PlaySetup, agent: string, frames: number, seed: number, onEnd: (e: EpisodeEndEvent) => void, onStep: () => void = () => undefined): void {
  restartPlay(play, seed);
  const listen = (e: EpisodeEndEvent) => {
    if (e.agent === agent) onEnd(e);
  };
  play.scene.sys.events.on(EPISODE_END, listen);
  try {
    fastForward(play.scene, frames, onStep);
  } finally {
    play.scene.sys.events.off(EPISODE_END, listen);
  }
}

/**
 * Play mode's `window.<game>` hooks for tests: the game and scene, the ladder's levels and the one
 * played, the overlay's view, a fresh match (`restart(seed)`), `advance(steps)` in game time with
 * keys held as they are, a rendered frame's colours, and the page's own (`extra`: its `measure`).
 */
export function playHooks(setup: PlaySetup, extra: Record<string, unknown>): Record<string, unknown> {
  return {
    game: setup.game,
    scene: () => setup.scene,
    levels: setup.loaded.ladder.levels.map((l) => l.name),
    level: () => setup.difficulty.levelIndex,
    overlay: () => setup.overlay.view,
    restart: (seed: number) => restartPlay(setup, seed),
    advance: (steps: number) => fastForward(setup.scene, steps, () => undefined),
    frameStats: () => frameStats(setup.game),
    ...extra,
    ready: true,
  };
}

/**
 * The "I drive" checkbox: the player takes `agent` over, or gives it back to the AI at the level
 * played (as a change of level does). Returns `drive(human)`, which the page's hooks expose.
 */
export function takeover(setup: PlaySetup, agent: string, page: { $: <T extends HTMLElement>(id: string) => T; status: (text: string) => void }, says: { human: string; ai: string }): (human: boolean) => void {
  const box = page.$<HTMLInputElement>('takeover');
  const drive = (human: boolean) => {
    if (human) setup.scene.ai.use(agent, 'human');
    else setup.resumeAi();
    box.checked = human;
    page.status(human ? says.human : `${says.ai} at level '${setup.difficulty.level.name}'`);
  };
  box.onchange = () => drive(box.checked);
  page.$('level').addEventListener('change', () => drive(false));
  return drive;
}
