/**
 * Elo ratings: the expected score of a game between two ratings, the update after one game (as
 * ML-Agents' self-play keeps them), and ratings fitted to many games at once (for ladders).
 */

/** The rating a new player starts with (ML-Agents' initial_elo). */
export const INITIAL_ELO = 1200;
/** K: the most one game moves a rating (ML-Agents uses 16). */
export const ELO_K = 16;

/** The expected score of a player rated `a` against one rated `b`: 10^(a/400) / (10^(a/400) + 10^(b/400)). */
export function eloExpected(a: number, b: number): number {
  return 1 / (1 + 10 ** ((b - a) / 400));
}

/** How much a game moves the first player's rating up (and the second's down): K (score - expected). `score`: 1 a win, 0.5 a draw, 0 a loss. */
export function eloChange(a: number, b: number, score: number, k = ELO_K): number {
  return k * (score - eloExpected(a, b));
}

/** A game's score from the first player's return in it: 1 above 0, 0.5 at 0, 0 below (a self-play episode's final reward is +1, 0 or -1). */
export function scoreOfReturn(ret: number): number {
  return ret > 0 ? 1 : ret < 0 ? 0 : 0.5;
}

/** Games between two players: `score` is what player `a` scored over `games` (a win 1, a draw 0.5). */
export interface Pairing {
  a: number;
  b: number;
  games: number;
  score: number;
}

export interface FittedElo {
  /** Each player's rating. */
  ratings: number[];
  /** Each rating's standard error (0 for the anchor, whose rating is fixed). */
  errors: number[];
  /** The ratings' covariances, in Elo points squared (the anchor's row and column are 0). */
  covariance: number[][];
}

/**
 * The 95% interval of `b`'s rating minus `a`'s: how far apart two players are, with the
 * uncertainty of the difference itself (the ratings of two players who both met the anchor rarely
 * are each uncertain, but their head-to-head games can still set them well apart).
 */
export function eloGap(fit: FittedElo, a: number, b: number): { gap: number; low: number; high: number } {
  const gap = fit.ratings[b]! - fit.ratings[a]!;
  const c = fit.covariance;
  const half = 1.96 * Math.sqrt(Math.max(0, c[a]![a]! + c[b]![b]! - 2 * c[a]![b]!));
  return { gap, low: gap - half, high: gap + half };
}

/**
 * Ratings that make the games most likely (the Bradley-Terry model on Elo's scale), with player
 * `anchor` held at `anchorRating`. Order does not matter, unlike updating game by game. Newton's
 * method on the log-likelihood, with one prior drawn game against the anchor per player so
 * that a player who won or lost every game still gets a finite rating; standard errors from the
 * curvature at the optimum.
 */
export function fitElo(players: number, pairings: readonly Pairing[], anchor = 0, anchorRating = INITIAL_ELO): FittedElo {
  const scale = Math.log(10) / 400;
  const prior: Pairing[] = [];
  for (let p = 0; p < players; p++) if (p !== anchor) prior.push({ a: p, b: anchor, games: 1, score: 0.5 });
  const all = [...pairings, ...prior];
  // Ratings in natural units (theta = rating * scale), the anchor's fixed at 0.
  const theta = new Float64Array(players);
  const free = Array.from({ length: players }, (_, p) => p).filter((p) => p !== anchor);
  const index = new Map(free.map((p, k) => [p, k]));
  let hessian: number[][] = [];
  for (let iter = 0; iter < 100; iter++) {
    const grad = new Float64Array(free.length);
    hessian = free.map(() => new Array<number>(free.length).fill(0));
    for (const g of all) {
      const e = 1 / (1 + Math.exp(theta[g.b]! - theta[g.a]!));
      const w = g.games * e * (1 - e);
      const ia = index.get(g.a);
      const ib = index.get(g.b);
      if (ia !== undefined) {
        grad[ia]! += g.score - g.games * e;
        hessian[ia]![ia]! += w;
      }
      if (ib !== undefined) {
        grad[ib]! -= g.score - g.games * e;
        hessian[ib]![ib]! += w;
      }
      if (ia !== undefined && ib !== undefined) {
        hessian[ia]![ib]! -= w;
        hessian[ib]![ia]! -= w;
      }
    }
    const step = solve(hessian, Array.from(grad));
    let moved = 0;
    free.forEach((p, k) => {
      theta[p]! += step[k]!;
      moved = Math.max(moved, Math.abs(step[k]!));
    });
    if (moved < 1e-10) break;
  }
  const inverse = invert(hessian);
  const ratings = Array.from(theta, (t) => anchorRating + t / scale);
  const covariance = Array.from({ length: players }, (_, p) => Array.from({ length: players }, (__, q) => {
    const i = index.get(p);
    const j = index.get(q);
    return i === undefined || j === undefined ? 0 : inverse[i]![j]! / (scale * scale);
  }));
  const errors = covariance.map((row, p) => Math.sqrt(Math.max(0, row[p]!)));
  return { ratings, errors, covariance };
}

/** x with A x = b, by Gaussian elimination with partial pivoting (A symmetric positive definite here). */
function solve(a: number[][], b: number[]): number[] {
  const n = b.length;
  const m = a.map((row, i) => [...row, b[i]!]);
  for (let c = 0; c < n; c++) {
    let pivot = c;
    for (let r = c + 1; r < n; r++) if (Math.abs(m[r]![c]!) > Math.abs(m[pivot]![c]!)) pivot = r;
    [m[c], m[pivot]] = [m[pivot]!, m[c]!];
    for (let r = 0; r < n; r++) {
      if (r === c) continue;
      const f = m[r]![c]! / m[c]![c]!;
      for (let k = c; k <= n; k++) m[r]![k]! -= f * m[c]![k]!;
    }
  }
  return m.map((row, i) => row[n]! / row[i]!);
}

function invert(a: number[][]): number[][] {
  return a.map((_, j) => solve(a, a.map((__, i) => (i === j ? 1 : 0)))).map((_, i, cols) => cols.map((col) => col[i]!));
}
