import { describe, expect, it } from 'vitest';
import { Rng, box, rngState, setRngState, contains, discrete, flatSize, multiDiscrete, sample, validateSpace, whyNotContained } from '../../src/env/index.js';

describe('spaces', () => {
  it('build valid spaces and reject malformed ones, naming the field', () => {
    expect(discrete(3)).toEqual({ type: 'discrete', n: 3 });
    expect(() => discrete(0)).toThrow(/space\.n: expected a positive integer, got 0/);
    expect(() => multiDiscrete([3, 2.5])).toThrow(/nvec\[1\]/);
    expect(() => box([2, 0])).toThrow(/shape\[1\]/);
    expect(() => box([2], [0, 1], [1, 0])).toThrow(/space\.low\[1\]: expected at most high\[1\] = 0, got 1/);
    expect(() => box([3], [0, 0], 1)).toThrow(/space\.low: expected an array of 3 numbers, got an array of 2/);
    expect(() => validateSpace({ type: 'grid' }, 'agent.action')).toThrow(/agent\.action\.type/);
  });

  it('check membership with reasons', () => {
    expect(contains(discrete(3), 2)).toBe(true);
    expect(whyNotContained(discrete(3), 3)).toMatch(/\[0, 2\], got 3/);
    expect(whyNotContained(discrete(3), 1.5)).toMatch(/integer/);
    expect(whyNotContained(multiDiscrete([2, 3]), [1, 3])).toMatch(/branch 1/);
    expect(whyNotContained(box([2], -1, 1), Float32Array.of(0, Number.NaN))).toMatch(/element 1: expected a finite number/);
    expect(whyNotContained(box([2], -1, 1), [0, 2])).toMatch(/element 1: 2 is outside \[-1, 1\]/);
    expect(whyNotContained(box([2, 2]), [0, 0, 0])).toMatch(/expected 4 numbers/);
  });

  it('sample inside the space and give flat sizes', () => {
    const rng = new Rng(1);
    const spaces = [discrete(4), multiDiscrete([2, 5]), box([3], [-1, 0, 2], [1, 1, 3]), box([2])];
    for (const s of spaces) for (let i = 0; i < 100; i++) expect(contains(s, sample(s, rng))).toBe(true);
    expect(spaces.map(flatSize)).toEqual([1, 2, 3, 2]);
  });
});

describe('Rng', () => {
  it('replays the same numbers from a saved state', () => {
    const a = new Rng(9);
    a.normal();
    const saved = JSON.parse(JSON.stringify(rngState(a))) as number[];
    const next = [a.uint32(), a.normal(), a.normal(), a.float()];
    const b = new Rng(0);
    setRngState(b, saved);
    expect([b.uint32(), b.normal(), b.normal(), b.float()]).toEqual(next);
  });

  it('draws uniform floats with mean 1/2 and normals with unit variance', () => {
    const r = new Rng(3);
    let s = 0;
    let s2 = 0;
    const n = 20000;
    for (let i = 0; i < n; i++) {
      s += r.float();
      const z = r.normal();
      s2 += z * z;
    }
    expect(Math.abs(s / n - 0.5)).toBeLessThan(0.01);
    expect(Math.abs(s2 / n - 1)).toBeLessThan(0.05);
  });
});
