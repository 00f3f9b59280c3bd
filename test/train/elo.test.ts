import { describe, expect, it } from 'vitest';
import { ELO_K, INITIAL_ELO, eloChange, eloExpected, eloGap, fitElo, scoreOfReturn } from '../../src/train/elo.js';

describe('Elo', () => {
  it('gives the expected score and the update by their formulas', () => {
    for (const [r1, r2] of [[1200, 1200], [1400, 1200], [1000, 1600], [2000, 1990]] as const) {
      const e1 = 10 ** (r1 / 400) / (10 ** (r1 / 400) + 10 ** (r2 / 400));
      expect(eloExpected(r1, r2)).toBeCloseTo(e1, 12);
      expect(eloExpected(r1, r2) + eloExpected(r2, r1)).toBeCloseTo(1, 12);
      for (const result of [0, 0.5, 1]) {
        expect(eloChange(r1, r2, result)).toBeCloseTo(ELO_K * (result - e1), 12);
        expect(eloChange(r1, r2, result, 32)).toBeCloseTo(32 * (result - e1), 12);
      }
    }
    expect(eloExpected(1200, 1200)).toBe(0.5);
    expect([3, 0, -2].map(scoreOfReturn)).toEqual([1, 0.5, 0]);
  });

  it('fits 75 of 100 against the anchor to 400 log10(3) above it, less the pull of one prior drawn game', () => {
    const fit = fitElo(2, [{ a: 1, b: 0, games: 100, score: 75 }], 0);
    expect(fit.ratings[0]).toBe(INITIAL_ELO);
    expect(fit.errors[0]).toBe(0);
    // Without the prior: 1200 + 400 log10(75 / 25) = 1390.8. The prior adds a draw against the
    // anchor counted as one game scoring 0.5: 75.5 of 101, so 1200 + 400 log10(75.5 / 25.5).
    const withPrior = INITIAL_ELO + 400 * Math.log10(75.5 / 25.5);
    expect(fit.ratings[1]).toBeCloseTo(withPrior, 6);
    expect(Math.abs(fit.ratings[1]! - (INITIAL_ELO + 400 * Math.log10(3)))).toBeLessThan(3);
    // The standard error: 1 / sqrt(games * p (1 - p)) in natural units, 400 / ln 10 of them to an Elo point.
    const p = 75.5 / 101;
    expect(fit.errors[1]).toBeCloseTo(400 / Math.log(10) / Math.sqrt(101 * p * (1 - p)), 6);
  });

  it('is symmetric under swapping the players, and under swapping which one is the anchor', () => {
    const ab = fitElo(2, [{ a: 1, b: 0, games: 100, score: 75 }], 0).ratings;
    const ba = fitElo(2, [{ a: 0, b: 1, games: 100, score: 25 }], 0).ratings;
    expect(ba[1]).toBeCloseTo(ab[1]!, 9);
    // Player 1 anchored instead: player 0 sits as far below as player 1 sat above.
    const anchored = fitElo(2, [{ a: 1, b: 0, games: 100, score: 75 }], 1).ratings;
    expect(anchored[1]).toBe(INITIAL_ELO);
    expect(anchored[1]! - anchored[0]!).toBeCloseTo(ab[1]! - ab[0]!, 9);
    // Another anchor rating moves every rating by the same amount.
    const shifted = fitElo(2, [{ a: 1, b: 0, games: 100, score: 75 }], 0, 1500).ratings;
    expect(shifted[1]! - shifted[0]!).toBeCloseTo(ab[1]! - ab[0]!, 9);
  });

  it('puts three players of a transitive order in that order, however the games are listed', () => {
    // 0 (anchor) < 1 < 2: each beats the one below it and 2 beats 0 most of all.
    const games = [
      { a: 1, b: 0, games: 60, score: 39 },
      { a: 2, b: 1, games: 60, score: 40 },
      { a: 2, b: 0, games: 60, score: 51 },
    ];
    const fit = fitElo(3, games, 0);
    expect(fit.ratings[0]).toBe(INITIAL_ELO);
    expect(fit.ratings[1]).toBeGreaterThan(fit.ratings[0]!);
    expect(fit.ratings[2]).toBeGreaterThan(fit.ratings[1]!);
    for (const e of fit.errors.slice(1)) expect(e).toBeGreaterThan(0);
    const reversed = fitElo(3, [...games].reverse(), 0);
    reversed.ratings.forEach((r, p) => expect(r).toBeCloseTo(fit.ratings[p]!, 6));
    // A player who won every game still gets a finite rating.
    const sweep = fitElo(2, [{ a: 1, b: 0, games: 20, score: 20 }], 0);
    expect(Number.isFinite(sweep.ratings[1])).toBe(true);
    expect(sweep.ratings[1]).toBeGreaterThan(INITIAL_ELO + 400);
  });

  it("gives two players who seldom beat the anchor a wide interval each but a narrow one for their gap, when they met each other often", () => {
    // 1 and 2 each win 1 of 40 games against the anchor, and 2 beats 1 in 300 of 500.
    const fit = fitElo(3, [
      { a: 1, b: 0, games: 40, score: 1 },
      { a: 2, b: 0, games: 40, score: 1 },
      { a: 2, b: 1, games: 500, score: 300 },
    ], 0);
    const gap = eloGap(fit, 1, 2);
    expect(gap.gap).toBeCloseTo(fit.ratings[2]! - fit.ratings[1]!, 9);
    // 60% head to head is about 70 Elo apart (400 log10(1.5)).
    expect(gap.gap).toBeGreaterThan(55);
    expect(gap.gap).toBeLessThan(85);
    expect(gap.low).toBeGreaterThan(0);
    expect(fit.ratings[2]! - 1.96 * fit.errors[2]!).toBeLessThan(fit.ratings[1]! + 1.96 * fit.errors[1]!);
    // The covariance matrix is symmetric, the anchor's row zero, and its diagonal the squared errors.
    expect(fit.covariance[1]![2]).toBeCloseTo(fit.covariance[2]![1]!, 9);
    expect(fit.covariance[0]).toEqual([0, 0, 0]);
    expect(Math.sqrt(fit.covariance[2]![2]!)).toBeCloseTo(fit.errors[2]!, 9);
  });
});
