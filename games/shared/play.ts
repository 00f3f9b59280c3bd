/**
 * Play mode: the AI drives the game's agent at a difficulty level picked from the game's shipped
 * ladder, with the decision overlay beside the canvas. The level selector is filled from the
 * ladder file; switching level takes effect at the next decision.
 */
import type Phaser from 'phaser';
import { EPISODE_END, saliency, Difficulty, type EpisodeEndEvent, type LadderLevel } from 'phaser-distill';
import { loadLadder, type LoadedLadder } from './assets.js';
import { fastForward, frameStats, sceneOf, seedMatches, everyFrame, type GameDef, type Page } from './game-page.js';
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
  /** Seconds of game time per decision of the AI's agent. */
  secondsPerDecision: number;
  /** The play section's canvas host: score lines go above it, touch controls below. */
  stage: HTMLElement;
}

/** Starts play mode in the page's play section, at the level in `&level=` (an index or a name), else the ladder's middle one. */
export async function startPlay(def: GameDef, page: Pick<Page, '$' | 'params'>): Promise<PlaySetup> {
  const host = page.$('play').querySelector<HTMLElement>('.stage')!;
  const select = page.$<HTMLSelectElement>('level');
  const initial = page.params.get('level');
  const loaded = await loadLadder(def.id);
  const { ladder, students } = loaded;
  select.replaceChildren(...ladder.levels.map((level, i) => new Option(levelLabel(level), String(i))));
  const game = def.create(host.querySelector<HTMLElement>('.canvas')!);
  const overlay = new DecisionOverlay(host.querySelector<HTMLElement>('.panels')!, `${def.title} AI`, def);
  host.querySelector<HTMLElement>('.panels')!.insertAdjacentHTML('beforeend', OVERLAY_HELP);
  const scene = await sceneOf(game, def.sceneKey);
  // What the level does, in a player's words, beside its selector.
  let info = document.getElementById('level-info');
  if (!info) {
    info = Object.assign(document.createElement('p'), { id: 'level-info', className: 'level-info' });
    select.closest('label')!.insertAdjacentElement('afterend', info);
  }
  // (The agent by name, or one of the agents of a behaviour.)
  const decisionPeriod = (scene.ai.get(def.agent) ?? scene.ai.agentsOf(def.agent)[0])?.decisionPeriod ?? 1;
  const secondsPerDecision = (decisionPeriod * scene.ai.stepMs) / 1000;
  const difficulty = new Difficulty(scene.ai, def.agent, ladder, students);
  const resumeAi = () => scene.ai.use(def.agent, overlay.tap(difficulty));
  resumeAi();

  const setLevel = (level: number | string) => {
    difficulty.setDifficulty(level);
    select.value = String(difficulty.levelIndex);
    info.textContent = levelInPlayerTerms(difficulty.level, secondsPerDecision, def.strength);
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
  return { game, scene, loaded, difficulty, overlay, setLevel, resumeAi, secondsPerDecision, stage: host };
}

/** What the overlay shows, said once under it: why the bold move can differ from the longest bar. */
const OVERLAY_HELP = '<p class="overlay-help">The bars are the AI\'s odds for each move as it sees the game now; the <b>bold</b> row is the move it made. Below the top level it acts on what it saw a moment ago and sometimes moves at random, so the bold move can differ from the longest bar. <i>What moved the decision</i> (saliency) shows how much each thing the AI sees changed its choice.</p>';

/** A level as the selector shows it: its name and how it plays ("Rookie: reacts late and makes many mistakes"). */
export function levelLabel(level: LadderLevel): string {
  const traits: string[] = [];
  if (level.reactionDelay >= 3) traits.push('reacts late');
  else if (level.reactionDelay > 0) traits.push('reacts a little late');
  if (level.actionNoise >= 0.25) traits.push('makes many mistakes');
  else if (level.actionNoise >= 0.1) traits.push('makes mistakes');
  else if (level.actionNoise > 0) traits.push('slips now and then');
  if (level.weaker !== undefined) traits.push("mixes in a beginner's moves");
  if (!traits.length) traits.push(level.temperature > 0 ? 'plays well, not always its best move' : 'plays its best every time');
  return `${level.name}: ${traits.length > 1 ? `${traits.slice(0, -1).join(', ')} and ${traits[traits.length - 1]}` : traits[0]}`;
}

/** The level in full, in a player's words: its delay in seconds, its mistakes, and how strong it measured. */
export function levelInPlayerTerms(level: LadderLevel, secondsPerDecision: number, strength?: (mean: number, secondsPerDecision: number) => string): string {
  const parts: string[] = [];
  parts.push(level.reactionDelay > 0 ? `reacts ${(level.reactionDelay * secondsPerDecision).toFixed(2)} s late (it acts on what it saw then)` : 'reacts at once');
  parts.push(level.actionNoise > 0 ? `${Math.round(100 * level.actionNoise)}% of its moves are random` : 'never moves at random');
  if (level.temperature > 0) parts.push('it sometimes picks a close second-best move');
  const measured = level.strength && strength ? ` Measured: it ${strength(level.strength.mean, secondsPerDecision)}.` : '';
  return `${level.name} ${parts.slice(0, -1).join(', ')} and ${parts[parts.length - 1]}.${measured}`;
}

/** A player's record of the runs played: runs counted by how they ended, each side's best score, and how the last run ended. */
export type PlayerRecord<K extends string> = Record<K, number> & { you: number | null; ai: number | null; last: string };

/**
 * Keeps the player's record of `agent`'s runs as they end. `ending` says how a run ended, in words
 * ("landed", "ran out of time"), and which count it adds to, if any; the best scores are kept for
 * whoever drove the run (the player, or the AI). The scene restarts after the event: `ending` may
 * still read how the run ended from it.
 */
export function keepRecord<K extends string>(setup: PlaySetup, agent: string, counts: readonly K[], ending: (e: EpisodeEndEvent) => { says: string; counts?: K }): PlayerRecord<K> {
  const record = { ...Object.fromEntries(counts.map((k) => [k, 0])), you: null, ai: null, last: '' } as PlayerRecord<K>;
  setup.scene.sys.events.on(EPISODE_END, (e: EpisodeEndEvent) => {
    if (e.agent !== agent) return;
    const who = setup.scene.ai.driverOf(agent) === 'human' ? 'you' : 'ai';
    const end = ending(e);
    if (end.counts !== undefined) (record as Record<K, number>)[end.counts] += 1;
    record[who] = Math.max(record[who] ?? -Infinity, e.return);
    record.last = `${who === 'you' ? 'you' : 'the AI'} ${end.says}, score ${Math.round(e.return)}`;
  });
  return record;
}

/** A best score as the score line shows it: '-' before any. */
export const bestScore = (x: number | null): string => (x === null ? '-' : String(Math.round(x)));

/** A score line above the play section's game, redrawn every frame from `text`. */
export function scoreLine(setup: PlaySetup, text: () => string): HTMLElement {
  const el = Object.assign(document.createElement('div'), { id: 'score', className: 'score' });
  el.setAttribute('aria-live', 'polite');
  setup.stage.insertAdjacentElement('beforebegin', el);
  everyFrame(() => {
    const t = text();
    if (el.textContent !== t) el.textContent = t;
  });
  return el;
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
 * Episode k is seeded `seed + k`, so a measurement replays exactly, whatever was played before.
 */
export function playMeasured(play: PlaySetup, agent: string, frames: number, seed: number, onEnd: (e: EpisodeEndEvent) => void, onStep: () => void = () => undefined): void {
  const stopSeeding = seedMatches(play.scene, agent, seed);
  const listen = (e: EpisodeEndEvent) => {
    if (e.agent === agent) onEnd(e);
  };
  play.scene.sys.events.on(EPISODE_END, listen);
  try {
    fastForward(play.scene, frames, onStep);
  } finally {
    play.scene.sys.events.off(EPISODE_END, listen);
    stopSeeding();
  }
}

/** A measurement's episodes, counted by how they ended, and their mean return (0 when none ended). */
export type OutcomeCounts<K extends string> = Record<K, number> & { episodes: number; meanReturn: number };

/**
 * playMeasured, counting each episode of `agent` that ends by its outcome (`outcome` may read the
 * scene, which still holds how the episode ended: it restarts after the event).
 */
export function measureOutcomes<K extends string>(play: PlaySetup, agent: string, frames: number, seed: number, kinds: readonly K[], outcome: (e: EpisodeEndEvent) => K): OutcomeCounts<K> {
  const counts = Object.fromEntries(kinds.map((k) => [k, 0])) as Record<K, number>;
  let episodes = 0;
  let total = 0;
  playMeasured(play, agent, frames, seed, (e) => {
    counts[outcome(e)] += 1;
    episodes += 1;
    total += e.return;
  });
  return { ...counts, episodes, meanReturn: episodes > 0 ? total / episodes : 0 };
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
