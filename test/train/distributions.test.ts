import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { Rng } from '../../src/env/index.js';
import { categoricalLogProbEntropy, gaussianLogProb, gaussianLogProbEntropy, sampleCategorical } from '../../src/train/distributions.js';
import { initBackend } from '../../src/train/index.js';

beforeAll(async () => {
  await initBackend('cpu');
});

const softmax = (z: number[]) => {
  const m = Math.max(...z);
  const e = z.map((v) => Math.exp(v - m));
  const s = e.reduce((a, b) => a + b, 0);
  return e.map((v) => v / s);
};
const entropyOf = (p: number[]) => -p.reduce((a, q) => a + q * Math.log(q), 0);

describe('categorical', () => {
  it('log pi(a) and entropy match the closed forms, for one branch and for several', () => {
    // Row 0: one 2+3 branch pair; the discrete case is the first block alone.
    const z = [0.5, -1, 1, 2, 3];
    const { logProb, entropy } = categoricalLogProbEntropy(tf.tensor2d([z]), tf.tensor2d([[0, 1, 0, 0, 1]]), [2, 3]);
    const p1 = softmax(z.slice(0, 2));
    const p2 = softmax(z.slice(2));
    expect(logProb.dataSync()[0]).toBeCloseTo(Math.log(p1[1]!) + Math.log(p2[2]!), 5);
    expect(entropy.dataSync()[0]).toBeCloseTo(entropyOf(p1) + entropyOf(p2), 5);

    const one = categoricalLogProbEntropy(tf.tensor2d([[1, 2, 3]]), tf.tensor2d([[1, 0, 0]]), [3]);
    expect(one.logProb.dataSync()[0]).toBeCloseTo(1 - Math.log(Math.E + Math.E ** 2 + Math.E ** 3), 5);
    expect(one.entropy.dataSync()[0]).toBeCloseTo(entropyOf(softmax([1, 2, 3])), 5);
  });

  it('samples in proportion to softmax(logits) and reports the log-probability of the draw', () => {
    const logits = Float32Array.of(9, 0, 1, Math.log(2), 7);
    const rng = new Rng(7);
    const counts = [0, 0, 0];
    const n = 30000;
    for (let i = 0; i < n; i++) {
      const s = sampleCategorical(logits, 1, 3, rng); // the block [0, 1, ln 2]
      counts[s.action]! += 1;
      expect(s.logProb).toBeCloseTo(Math.log(softmax([0, 1, Math.log(2)])[s.action]!), 5);
    }
    const p = softmax([0, 1, Math.log(2)]);
    counts.forEach((c, k) => expect(Math.abs(c / n - p[k]!)).toBeLessThan(0.015));
  });
});

describe('categorical with an action mask', () => {
  it('never draws a masked choice, and the log-probability is that of the allowed choices', () => {
    const logits = Float32Array.of(0, 5, 1, Math.log(2));
    const mask = Uint8Array.of(1, 0, 1, 1);
    const p = softmax([0, 1, Math.log(2)]);
    const rng = new Rng(3);
    const counts = [0, 0, 0, 0];
    const n = 30000;
    for (let i = 0; i < n; i++) {
      const s = sampleCategorical(logits, 0, 4, rng, mask);
      counts[s.action]! += 1;
      expect(s.logProb).toBeCloseTo(Math.log(p[[0, -1, 1, 2][s.action]!]!), 5);
    }
    expect(counts[1]).toBe(0);
    [0, 2, 3].forEach((a, k) => expect(Math.abs(counts[a]! / n - p[k]!)).toBeLessThan(0.015));
    expect(() => sampleCategorical(logits, 0, 2, rng, Uint8Array.of(0, 0, 1, 1))).toThrow(/the action mask allows no choice in a branch of 2/);
  });

  it('scores log pi(a) and entropy over the allowed choices of each branch', () => {
    const z = [0.5, 9, 1, 2, 3];
    const mask = tf.tensor2d([[1, 0, 1, 0, 1]]);
    const { logProb, entropy } = categoricalLogProbEntropy(tf.tensor2d([z]), tf.tensor2d([[1, 0, 0, 0, 1]]), [2, 3], mask);
    // Branch 1 has one choice left (probability 1); branch 2 chooses between 1 and 3.
    const p2 = softmax([1, 3]);
    expect(logProb.dataSync()[0]).toBeCloseTo(Math.log(p2[1]!), 5);
    expect(entropy.dataSync()[0]).toBeCloseTo(entropyOf(p2), 5);
    expect(Number.isFinite(entropy.dataSync()[0])).toBe(true);
  });
});

describe('diagonal Gaussian', () => {
  it('log pi(a) and entropy match the closed forms', () => {
    const mean = [0.5, -1];
    const logStd = [Math.log(2), -0.3];
    const a = [1.5, -0.4];
    let expected = 0;
    let expectedEntropy = 0;
    for (let d = 0; d < 2; d++) {
      const s = Math.exp(logStd[d]!);
      expected += -((a[d]! - mean[d]!) ** 2) / (2 * s * s) - Math.log(s) - 0.5 * Math.log(2 * Math.PI);
      expectedEntropy += 0.5 * Math.log(2 * Math.PI * Math.E * s * s);
    }
    const { logProb, entropy } = gaussianLogProbEntropy(tf.tensor2d([mean]), tf.tensor1d(logStd), tf.tensor2d([a]));
    expect(logProb.dataSync()[0]).toBeCloseTo(expected, 5);
    expect(entropy.dataSync()[0]).toBeCloseTo(expectedEntropy, 5);
    expect(gaussianLogProb(a, mean, logStd)).toBeCloseTo(expected, 10);
  });
});
