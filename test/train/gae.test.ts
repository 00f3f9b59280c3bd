import { describe, expect, it } from 'vitest';
import { computeGae } from '../../src/train/gae.js';

// Hand-computed with gamma = 0.5, lambda = 0.5, rewards 1, values 0.5 (so gamma * lambda = 0.25).
describe('computeGae', () => {
  it('matches hand-computed advantages and returns with no episode end', () => {
    const { advantages, returns } = computeGae({
      numSteps: 3, numEnvs: 1, rewards: Float32Array.of(1, 1, 1), values: Float32Array.of(0.5, 0.5, 0.5),
      terminated: new Uint8Array(3), truncated: new Uint8Array(3), finalValues: new Float32Array(3),
      nextValues: Float32Array.of(2), gamma: 0.5, lambda: 0.5,
    });
    // delta2 = 1 + 0.5 * 2 - 0.5 = 1.5; delta1 = delta0 = 1 + 0.25 - 0.5 = 0.75
    // A2 = 1.5; A1 = 0.75 + 0.25 * 1.5 = 1.125; A0 = 0.75 + 0.25 * 1.125 = 1.03125
    expect(Array.from(advantages)).toEqual([1.03125, 1.125, 1.5]);
    expect(Array.from(returns)).toEqual([1.53125, 1.625, 2]);
  });

  it('bootstraps a truncated episode from V(final observation) and cuts a terminated one at zero', () => {
    // Two envs, laid out [t, env]: env 0 is truncated after step 1 (V(final) = 4), env 1 terminates after step 1.
    const { advantages, returns } = computeGae({
      numSteps: 3, numEnvs: 2,
      rewards: Float32Array.of(1, 1, 1, 1, 1, 1), values: Float32Array.of(0.5, 0.5, 0.5, 0.5, 0.5, 0.5),
      terminated: Uint8Array.of(0, 0, 0, 1, 0, 0), truncated: Uint8Array.of(0, 0, 1, 0, 0, 0),
      finalValues: Float32Array.of(0, 0, 4, 0, 0, 0), nextValues: Float32Array.of(2, 2), gamma: 0.5, lambda: 0.5,
    });
    // env 0: A2 = 1.5; A1 = 1 + 0.5 * 4 - 0.5 = 2.5 (no look past the cut); A0 = 0.75 + 0.25 * 2.5 = 1.375
    // env 1: A2 = 1.5; A1 = 1 + 0 - 0.5 = 0.5; A0 = 0.75 + 0.25 * 0.5 = 0.875
    expect(Array.from(advantages)).toEqual([1.375, 0.875, 2.5, 0.5, 1.5, 1.5]);
    expect(Array.from(returns)).toEqual([1.875, 1.375, 3, 1, 2, 2]);
  });

  it('reduces to discounted returns minus values when lambda = 1', () => {
    const { returns } = computeGae({
      numSteps: 4, numEnvs: 1, rewards: Float32Array.of(1, 2, 3, 4), values: Float32Array.of(9, 8, 7, 6),
      terminated: Uint8Array.of(0, 0, 0, 1), truncated: new Uint8Array(4), finalValues: new Float32Array(4),
      nextValues: Float32Array.of(100), gamma: 0.9, lambda: 1,
    });
    const expected = [1 + 0.9 * 2 + 0.81 * 3 + 0.729 * 4, 2 + 0.9 * 3 + 0.81 * 4, 3 + 0.9 * 4, 4];
    Array.from(returns).forEach((r, i) => expect(r).toBeCloseTo(expected[i]!, 5));
  });
});
