/** The learning-curve SVG: the return and, for self-play, the Elo panel; a long run's many rows. */
import { describe, expect, it } from 'vitest';
import { learningCurveSvg } from '../../src/run/curve.js';
import { valueRange } from '../../src/run/svg.js';

describe('learningCurveSvg', () => {
  it('draws the return, and Elo when the rows have it, each scaled to its own range', () => {
    const rows = [0, 1, 2, 3].map((i) => ({ global_step: 1000 * (i + 1), 'charts/episodic_return': i === 1 ? null : 10 * i, 'self-play/elo': 1200 + 50 * i }));
    const svg = learningCurveSvg('pong & co', rows);
    expect(svg).toContain('pong &amp; co: learning curve');
    expect(svg.match(/<polyline/g)).toHaveLength(2);
    // The return panel skips the iteration that ended no episode: 3 points; Elo has 4.
    const points = [...svg.matchAll(/points="([^"]*)"/g)].map((m) => m[1]!.split(' ').length);
    expect(points).toEqual([3, 4]);
    expect(learningCurveSvg('balance', rows.map(({ 'self-play/elo': _, ...r }) => r)).match(/<polyline/g)).toHaveLength(1);
  });

  it('handles a run of 200k iterations (no spread of every value into Math.min)', () => {
    const rows = Array.from({ length: 200_000 }, (_, i) => ({ global_step: 64 * (i + 1), 'charts/episodic_return': Math.sin(i / 1000) }));
    expect(() => learningCurveSvg('long', rows)).not.toThrow();
    expect(valueRange(rows.map((r) => r['charts/episodic_return']))[1]).toBeCloseTo(1, 6);
    expect(valueRange([])).toEqual([0, 1]);
    expect(valueRange([5, 5])).toEqual([4, 6]);
  });
});
