import { describe, expect, it } from 'vitest';
import { NormalizeObservation, ReturnScale, RunningMeanStd, ScaleReward, SyncVectorEnv, TimeLimit } from '../../src/env/index.js';
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

describe('ReturnScale', () => {
  it('divides each reward by the spread of the discounted returns so far, clips, and starts a return again when an episode ends', () => {
    const scale = new ReturnScale(2, 0.5, new RunningMeanStd(1), 3);
    const rewards = Float32Array.of(0, 0, 4, 2, 1, 1);
    // Step 1: returns 4 and 2.
    scale.scale(rewards, 2, [0, 1], [0, 0]);
    const reference = new RunningMeanStd(1);
    reference.update([4, 2], 2);
    expect(rewards[2]).toBeCloseTo(Math.min(3, 4 / Math.sqrt(reference.var[0]! + 1e-8)), 5);
    expect(rewards[3]).toBeCloseTo(2 / Math.sqrt(reference.var[0]! + 1e-8), 5);
    // Env 1's episode ended: its return starts again. Step 2: returns 4 * 0.5 + 1 = 3, and 1.
    expect(Array.from(scale.discounted)).toEqual([4, 0]);
    scale.scale(rewards, 4, [0, 0], [0, 0]);
    reference.update([3, 1], 2);
    expect(rewards[4]).toBeCloseTo(1 / Math.sqrt(reference.var[0]! + 1e-8), 5);
    expect(scale.stats.getState()).toEqual(reference.getState());
    expect(Array.from(rewards.subarray(0, 2))).toEqual([0, 0]);
  });
});
