/**
 * `calibrate` with `metric: elo`: the levels play matches against each other and against the
 * game's own scripted opponent, and their ratings come from all the games at once (Bradley-Terry
 * on Elo's scale, src/train/elo.ts), with the scripted opponent held at INITIAL_ELO (1200).
 *
 * The pairings are every level against the scripted opponent and every level against the level
 * below it. One episode is one game, scored by the sign of the learner's return. In a pairing of
 * two levels they take turns at the learner's side and at the opponent seat, game by game: each
 * side observes from its own side, so either can play either seat, and alternating cancels
 * whatever edge a seat may have. Every pairing first plays `episodes.min` games; while the 95%
 * interval of two neighbouring levels' Elo gap holds 0, every pairing of either plays as many
 * again, up to `episodes.max` games a pairing. The ladder is strictly ordered when every gap's
 * interval lies above 0: the gap's own interval, not the two ratings' intervals against the
 * anchor, which are wide for levels that rarely beat the scripted opponent even when their
 * head-to-head games set them well apart.
 */
import { choiceCount, flatSize, type OpponentPolicy, type OpponentSeat, type VectorEnv } from '../env/index.js';
import type { LevelPolicy, Strength } from '../policy/difficulty.js';
import { INITIAL_ELO, eloGap, fitElo, scoreOfReturn, type Pairing } from '../train/elo.js';

/** Player 0 is the game's scripted opponent; level k is player k + 1. */
const SCRIPTED = 0;

export interface EloCalibrationOptions {
  /** The levels' names, weakest first. */
  names: readonly string[];
  /** A fresh LevelPolicy of level k (its own memory), seeded with `seed`. */
  makeLevel(k: number, seed: number): LevelPolicy;
  /** Restarts level k's students' generators for a round (stream: a number of the round's own). */
  reseed(k: number, stream: number): void;
  episodes: { min: number; max: number };
  seed: number;
  log(line: string): void;
}

/** A pairing's games so far: what player `a` scored against player `b`. */
export interface EloPairing extends Pairing {
  /** The two players' names: a level's, or 'scripted'. */
  names: [string, string];
}

export interface EloCalibration {
  /** Each level's Elo with its 95% interval (+-1.96 standard errors); `episodes`: the games it played. */
  strengths: Strength[];
  pairings: EloPairing[];
  /** The scripted opponent's agent and its fixed rating. */
  anchor: { agent: string; elo: number };
  /** Level k + 1's Elo minus level k's, with its 95% interval. */
  gaps: { gap: number; low: number; high: number }[];
}

/** One game to play: who takes the learner's side and who the opponent seat (SCRIPTED: the game's own). */
interface Game {
  pairing: number;
  learner: number;
  opponent: number;
}

/** Rates the levels by Elo in `env`, whose opponent seat the levels take in turn. */
export function calibrateByElo(env: VectorEnv, seat: OpponentSeat, options: EloCalibrationOptions): EloCalibration {
  const { names, episodes } = options;
  const playerName = (p: number) => (p === SCRIPTED ? 'scripted' : names[p - 1]!);
  const pairings: EloPairing[] = [];
  for (let k = 0; k < names.length; k++) {
    pairings.push({ a: k + 1, b: SCRIPTED, games: 0, score: 0, names: [playerName(k + 1), 'scripted'] });
    if (k > 0) pairings.push({ a: k + 1, b: k, games: 0, score: 0, names: [playerName(k + 1), playerName(k)] });
  }

  let round = 0;
  const play = (extra: readonly number[]) => {
    names.forEach((_, k) => options.reseed(k, round));
    const games: Game[] = [];
    extra.forEach((count, p) => {
      const { a, b, games: played } = pairings[p]!;
      // The scripted opponent plays only its own seat; two levels swap seats game by game.
      for (let g = played; g < played + count; g++) games.push(b === SCRIPTED || g % 2 === 0 ? { pairing: p, learner: a, opponent: b } : { pairing: p, learner: b, opponent: a });
    });
    const scores = playGames(env, seat, games, names.length, (player, seed) => options.makeLevel(player - 1, seed), options.seed + 1_000_003 * round);
    games.forEach((g, j) => {
      const pairing = pairings[g.pairing]!;
      pairing.games += 1;
      pairing.score += g.learner === pairing.a ? scores[j]! : 1 - scores[j]!;
    });
  };

  play(pairings.map(() => episodes.min));
  let result: EloCalibration;
  for (;;) {
    const fit = fitElo(names.length + 1, pairings, SCRIPTED, INITIAL_ELO);
    const strengths = names.map((_, k): Strength => {
      const mean = fit.ratings[k + 1]!;
      const half = 1.96 * fit.errors[k + 1]!;
      const games = pairings.reduce((sum, p) => sum + (p.a === k + 1 || p.b === k + 1 ? p.games : 0), 0);
      return { mean, low: mean - half, high: mean + half, episodes: games };
    });
    const gaps = names.slice(1).map((_, k) => eloGap(fit, k + 1, k + 2));
    result = { strengths, pairings, anchor: { agent: seat.agent, elo: INITIAL_ELO }, gaps };
    options.log(`round ${round}: ${strengths.map((s, k) => `${names[k]} ${formatElo(s)}`).join(' | ')}`);
    // Neighbours whose gap is positive but not yet sure: more games could part them.
    const unsettled = new Set<number>();
    gaps.forEach((g, k) => {
      if (g.gap > 0 && g.low <= 0) unsettled.add(k).add(k + 1);
    });
    const extra = pairings.map((p) => (unsettled.has(p.a - 1) || unsettled.has(p.b - 1) ? Math.min(p.games, episodes.max - p.games) : 0));
    if (extra.every((n) => n <= 0)) break;
    round += 1;
    play(extra.map((n) => Math.max(0, n)));
  }
  return result;
}

/** An Elo and its interval, rounded to whole points. */
export function formatElo(s: Strength): string {
  return `${s.mean.toFixed(0)} [${s.low.toFixed(0)}, ${s.high.toFixed(0)}] over ${s.episodes} games`;
}

/**
 * Plays `games` in the envs, each env its share (game j in env j mod numEnvs, in order), and
 * returns each game's score for its learner. Every env plays its whole share and then idles
 * (its episodes not counted): taking the first games to end would favour short matches, which
 * are the lopsided ones.
 */
function playGames(env: VectorEnv, seat: OpponentSeat, games: readonly Game[], levels: number, makeLevel: (player: number, seed: number) => LevelPolicy, seed: number): number[] {
  const n = env.numEnvs;
  const actSize = flatSize(env.actionSpace);
  const actions = new Float32Array(n * actSize);
  // Each env's own LevelPolicy of every level, one for each side, so none shares its memory.
  const own = (side: number) => Array.from({ length: n }, (_, i) => Array.from({ length: levels + 1 }, (__, p) => (p === SCRIPTED ? null : makeLevel(p, seed + 7919 * p + 104_729 * side + i))));
  const learners = own(0);
  const opponents = own(1);
  const queues = Array.from({ length: n }, () => [] as number[]);
  games.forEach((_, j) => queues[j % n]!.push(j));
  const next = new Int32Array(n);
  // The game each env is playing (-1: its share is done) and the one its last episode played.
  const playing = new Int32Array(n).fill(-1);
  const ended = new Int32Array(n).fill(-1);
  const learner = learners.map((row) => row[1]!);
  const scores = new Array<number>(games.length).fill(NaN);
  let left = games.length;

  seat.choose = (i): OpponentPolicy | null => {
    ended[i] = playing[i]!;
    const queue = queues[i]!;
    playing[i] = next[i]! < queue.length ? queue[next[i]!++]! : -1;
    const game = playing[i]! >= 0 ? games[playing[i]!]! : null;
    // An idle env plays on with the weakest level against the scripted opponent.
    learner[i] = learners[i]![game ? game.learner : 1]!;
    learner[i]!.reset();
    return game && game.opponent !== SCRIPTED ? opponents[i]![game.opponent]! : null;
  };
  try {
    let obs = env.reset(seed);
    while (left > 0) {
      actEach(env, learner, obs, actions);
      const r = env.step(actions);
      for (const e of r.episodes) {
        const j = ended[e.env]!;
        if (j < 0) continue;
        scores[j] = scoreOfReturn(e.return);
        left -= 1;
      }
      obs = r.observations;
    }
  } finally {
    // The seat goes back to the game's own opponent as episodes start (the env's close releases it).
    seat.choose = () => null;
  }
  return scores;
}

/** Each env's action from its own policy, for the current observations and masks, into `actions`. */
export function actEach(env: VectorEnv, policies: readonly LevelPolicy[], obs: Float32Array, actions: Float32Array): void {
  const obsSize = flatSize(env.observationSpace);
  const actSize = flatSize(env.actionSpace);
  const choices = choiceCount(env.actionSpace);
  const masks = env.actionMasks ?? null;
  for (let i = 0; i < env.numEnvs; i++) {
    const a = policies[i]!.act(obs.subarray(i * obsSize, (i + 1) * obsSize), masks?.subarray(i * choices, (i + 1) * choices));
    if (typeof a === 'number') actions[i] = a;
    else actions.set(Array.from(a), i * actSize);
  }
}
