import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { Rng, box, discrete, multiDiscrete } from '../../src/env/index.js';
import { initBackend } from '../../src/train/index.js';
import { layersModel } from '../../src/distill/evaluate.js';
import { policyFileLayers } from '../../src/distill/export.js';
import { StudentPolicy, type PolicyFile } from '../../src/policy/index.js';
import { randomPolicy } from '../helpers/random-policy.js';

beforeAll(async () => {
  await initBackend('wasm');
});

/** The TensorFlow.js forward of the file's (dequantised) layers, normalisation included, as an oracle. */
function tfjsLogits(file: PolicyFile, obs: Float32Array[]): Float32Array[] {
  const model = layersModel(policyFileLayers(file));
  const n = file.observationNormalization;
  const out = tf.tidy(() => {
    let x: tf.Tensor = tf.tensor2d(obs.map((o) => Array.from(o)));
    if (n) x = tf.clipByValue(tf.div(tf.sub(x, n.mean), tf.sqrt(tf.add(n.var, n.epsilon))), -n.clip, n.clip);
    return model.predict(x) as tf.Tensor2D;
  });
  const rows = out.arraySync().map((r) => Float32Array.from(r));
  out.dispose();
  model.dispose();
  return rows;
}

const observations = (size: number, count: number, seed = 3) => {
  const rng = new Rng(seed);
  return Array.from({ length: count }, () => Float32Array.from({ length: size }, () => 3 * rng.normal()));
};

describe('student runtime', () => {
  const shapes = [
    { name: '6-16-8-3 tanh', obsSize: 6, hidden: [16, 8], outputs: 3, actionSpace: discrete(3), activation: 'tanh' as const },
    { name: '5-32-4 relu, no normalisation', obsSize: 5, hidden: [32], outputs: 4, actionSpace: discrete(4), activation: 'relu' as const, normalize: false },
    { name: '4-2 linear, multi-discrete', obsSize: 4, hidden: [], outputs: 5, actionSpace: multiDiscrete([2, 3]) },
  ];
  for (const dtype of ['float32', 'int8'] as const) {
    it.each(shapes)(`matches the TensorFlow.js forward of the same ${dtype} weights: $name`, (shape) => {
      const file = randomPolicy({ ...shape, dtype });
      const policy = new StudentPolicy(file);
      const obs = observations(shape.obsSize, 64);
      const oracle = tfjsLogits(file, obs);
      let worst = 0;
      obs.forEach((o, i) => {
        const z = policy.logits(o);
        for (let j = 0; j < z.length; j++) worst = Math.max(worst, Math.abs(z[j]! - oracle[i]![j]!) / (1 + Math.abs(oracle[i]![j]!)));
      });
      expect(worst).toBeLessThan(2e-5);
    });
  }

  it('int8 weights stay close to the float32 network they came from', () => {
    const f32 = new StudentPolicy(randomPolicy({ obsSize: 6, hidden: [16], outputs: 3, actionSpace: discrete(3) }));
    const i8 = new StudentPolicy(randomPolicy({ obsSize: 6, hidden: [16], outputs: 3, actionSpace: discrete(3), dtype: 'int8' }));
    let same = 0;
    const obs = observations(6, 500);
    for (const o of obs) {
      const a = Array.from(f32.logits(o));
      const b = i8.logits(o);
      a.forEach((v, j) => expect(Math.abs(v - b[j]!)).toBeLessThan(0.05 * (1 + Math.abs(v))));
      if (f32.act(o) === i8.act(o)) same += 1;
    }
    expect(same / obs.length).toBeGreaterThan(0.97);
  });

  it('acts greedily by argmax per branch and respects an action mask', () => {
    const file = randomPolicy({ obsSize: 4, hidden: [8], outputs: 5, actionSpace: multiDiscrete([2, 3]) });
    const policy = new StudentPolicy(file);
    for (const o of observations(4, 50)) {
      const z = Array.from(policy.logits(o));
      const best = (from: number, k: number, allowed = (_: number) => true) =>
        z.slice(from, from + k).reduce((b, v, j) => (allowed(j) && (b < 0 || v > z[from + b]!) ? j : b), -1);
      expect([...(policy.act(o) as number[])]).toEqual([best(0, 2), best(2, 3)]);
      // Forbid branch 1's favourite: the runtime must take the best of the rest.
      const fav = best(2, 3);
      const mask = [1, 1, 1, 1, 1];
      mask[2 + fav] = 0;
      expect((policy.act(o, mask) as number[])[1]).toBe(best(2, 3, (j) => j !== fav));
    }
    expect(() => policy.act(observations(4, 1)[0]!, [1, 1, 0, 0, 0])).toThrow(/allows nothing in branch 1/);
    expect(() => policy.act(observations(4, 1)[0]!, [1, 1])).toThrow(/expected an action mask of 5 entries/);
    expect(() => policy.act(new Float32Array(3))).toThrow(/expected an observation of 4 numbers, got 3/);
    expect(() => policy.act(Float32Array.of(0, Number.NaN, 0, 0))).toThrow(/observation\[1\] is NaN/);
  });

  it('samples from softmax(logits / temperature), reproducibly from its seed, never a masked action', () => {
    const file = randomPolicy({ obsSize: 4, hidden: [8], outputs: 3, actionSpace: discrete(3), seed: 11 });
    const o = observations(4, 1)[0]!;
    for (const temperature of [0.5, 1, 3]) {
      const policy = new StudentPolicy(file, { temperature, seed: 5 });
      const expected = Array.from(policy.probabilities(o));
      const z = Array.from(policy.logits(o));
      const e = z.map((v) => Math.exp(v / temperature));
      expected.forEach((p, j) => expect(p).toBeCloseTo(e[j]! / e.reduce((a, b) => a + b), 6));
      const counts = [0, 0, 0];
      const draws = 20_000;
      for (let i = 0; i < draws; i++) counts[policy.act(o) as number]! += 1;
      // 4 standard errors of a proportion at n = 20000 is at most 0.0142.
      counts.forEach((c, j) => expect(Math.abs(c / draws - expected[j]!)).toBeLessThan(0.0142));
      const again = new StudentPolicy(file, { temperature, seed: 5 });
      const replay = new StudentPolicy(file, { temperature, seed: 5 });
      expect(Array.from({ length: 50 }, () => again.act(o))).toEqual(Array.from({ length: 50 }, () => replay.act(o)));
      for (let i = 0; i < 500; i++) expect(policy.act(o, [true, false, true])).not.toBe(1);
      expect(policy.probabilities(o, [true, false, true])[1]).toBe(0);
    }
  });

  it('gives the clipped Gaussian mean greedily and samples around it with temperature * std', () => {
    const file = randomPolicy({ obsSize: 3, hidden: [8], outputs: 2, actionSpace: box([2], -0.2, 0.2), seed: 2 });
    const greedy = new StudentPolicy(file);
    const o = observations(3, 1, 9)[0]!;
    const mean = Array.from(greedy.logits(o));
    expect(Array.from(greedy.act(o) as Float32Array)).toEqual(mean.map((m) => Math.fround(Math.min(0.2, Math.max(-0.2, m)))));
    const wide = { ...file, actionSpace: box([2], -100, 100) };
    const sampler = new StudentPolicy(wide, { temperature: 2, seed: 1 });
    const xs: number[] = [];
    for (let i = 0; i < 20_000; i++) xs.push((sampler.act(o) as Float32Array)[0]!);
    const m = xs.reduce((a, b) => a + b) / xs.length;
    const sd = Math.sqrt(xs.reduce((a, b) => a + (b - m) ** 2, 0) / xs.length);
    expect(Math.abs(m - mean[0]!)).toBeLessThan(0.03);
    expect(sd).toBeCloseTo(2 * Math.exp(-0.5), 1);
  });
});
