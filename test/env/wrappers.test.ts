import { describe, expect, it } from 'vitest';
import { NormalizeObservation, RunningMeanStd, ScaleReward, SyncVectorEnv, TimeLimit } from '../../src/env/index.js';
import { BalanceEnv } from '../../games/balance/balance.js';

describe('wrappers', () => {
  it('TimeLimit truncates at the limit', () => {
    const env = new TimeLimit(new BalanceEnv(1000), 5);
    env.reset(0);
    const flags = Array.from({ length: 5 }, (_, i) => env.step(i % 2).truncated);
    expect(flags).toEqual([false, false, false, false, true]);
  });

  it('NormalizeObservation brings observations to zero mean and unit variance', () => {
    const env = new NormalizeObservation(new BalanceEnv());
    const seen: number[][] = [];
    let obs = env.reset(1).observation;
    for (let i = 0; i < 3000; i++) {
      const r = env.step(i % 3 === 0 ? 1 : 0);
      obs = r.terminated || r.truncated ? env.reset(i).observation : r.observation;
      if (i > 1000) seen.push([...obs]);
    }
    for (let k = 0; k < 4; k++) {
      const xs = seen.map((o) => o[k]!);
      const m = xs.reduce((a, b) => a + b, 0) / xs.length;
      const v = xs.reduce((a, b) => a + (b - m) ** 2, 0) / xs.length;
      expect(Math.abs(m)).toBeLessThan(0.3);
      expect(v).toBeGreaterThan(0.5);
      expect(v).toBeLessThan(1.5);
    }
  });

  it('RunningMeanStd merges batches to the exact mean and variance', () => {
    const xs = [1, 2, 3, 4, 10, -2];
    const stats = new RunningMeanStd(1);
    stats.update(xs.slice(0, 2));
    stats.update(xs.slice(2));
    const m = xs.reduce((a, b) => a + b, 0) / xs.length;
    expect(stats.mean[0]).toBeCloseTo(m, 3);
    expect(stats.var[0]).toBeCloseTo(xs.reduce((a, b) => a + (b - m) ** 2, 0) / xs.length, 3);
  });

  it('ScaleReward scales rewards but the vector env still reports raw episode returns', () => {
    const vec = new SyncVectorEnv([new ScaleReward(new BalanceEnv(), { gamma: 0.99 })]);
    vec.reset(3);
    let scaled = 0;
    for (;;) {
      const r = vec.step([0]);
      scaled += r.rewards[0]!;
      if (r.episodes.length) {
        const e = r.episodes[0]!;
        expect(e.return).toBe(e.length);
        expect(scaled).not.toBeCloseTo(e.return, 3);
        break;
      }
    }
  });
});
