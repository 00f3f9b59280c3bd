import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { choiceCrossEntropy, distillLoss, gaussianKlLoss, hardTargetLoss, imitationLoss, initBackend, meanSquaredLoss, softTargetLoss, valueLoss } from '../../src/train/index.js';

beforeAll(async () => {
  await initBackend('wasm');
});

// Hand-written references in float64, independent of TensorFlow.js.
const softmax = (z: number[], t = 1) => {
  const m = Math.max(...z.map((v) => v / t));
  const e = z.map((v) => Math.exp(v / t - m));
  const s = e.reduce((a, b) => a + b);
  return e.map((v) => v / s);
};
const kl = (p: number[], q: number[]) => p.reduce((a, pi, i) => (pi === 0 ? a : a + pi * Math.log(pi / q[i]!)), 0);
const value = (t: tf.Scalar) => {
  const v = t.dataSync()[0]!;
  t.dispose();
  return v;
};

const teacher = [[2.0, 0.5, -1.0], [0.1, 0.3, 0.2]];
const student = [[1.0, 1.0, 0.0], [-0.5, 0.0, 2.0]];

describe('distillation losses', () => {
  it('soft targets: KL(softmax(zT / tau) || softmax(zS)), averaged over the batch', () => {
    for (const tau of [1, 0.5, 0.01]) {
      const expected = (kl(softmax(teacher[0]!, tau), softmax(student[0]!)) + kl(softmax(teacher[1]!, tau), softmax(student[1]!))) / 2;
      expect(value(tf.tidy(() => softTargetLoss(tf.tensor2d(teacher), tf.tensor2d(student), [3], tau)))).toBeCloseTo(expected, 5);
    }
    // By hand for row 0 at tau = 1: p = softmax(2, 0.5, -1) = (0.7856, 0.1753, 0.0391), q = softmax(1, 1, 0) = (0.4223, 0.4223, 0.1554)
    expect(kl(softmax(teacher[0]!), softmax(student[0]!))).toBeCloseTo(0.7856 * Math.log(0.7856 / 0.4223) + 0.1753 * Math.log(0.1753 / 0.4223) + 0.0391 * Math.log(0.0391 / 0.1554), 3);
  });

  it('tau -> 0 makes the soft target the cross-entropy to the teacher argmax', () => {
    const soft = value(tf.tidy(() => softTargetLoss(tf.tensor2d(teacher), tf.tensor2d(student), [3], 1e-3)));
    const hard = value(tf.tidy(() => hardTargetLoss(tf.tensor2d(teacher), tf.tensor2d(student), [3])));
    const ce = (-Math.log(softmax(student[0]!)[0]!) - Math.log(softmax(student[1]!)[1]!)) / 2;
    expect(hard).toBeCloseTo(ce, 5);
    expect(soft).toBeCloseTo(ce, 4);
  });

  it('sums over the branches of a multi-discrete space', () => {
    // Branches [2, 1]: the one-choice branch contributes nothing.
    const t = [[1, -1, 5]];
    const s = [[0, 0, -3]];
    const expected = kl(softmax([1, -1], 0.5), softmax([0, 0]));
    expect(value(tf.tidy(() => softTargetLoss(tf.tensor2d(t), tf.tensor2d(s), [2, 1], 0.5)))).toBeCloseTo(expected, 5);
    expect(value(tf.tidy(() => hardTargetLoss(tf.tensor2d(t), tf.tensor2d(s), [2, 1])))).toBeCloseTo(Math.log(2), 5);
  });

  it('behaviour cloning: the cross-entropy to recorded choices in index form, per branch, against values by hand', () => {
    // Row 0 chose 0 of logits (1, 1, 0): -log(e / (2e + 1)) = log(2e + 1) - 1 = 0.8620; row 1 chose 2 of (-0.5, 0, 2): log(e^-0.5 + 1 + e^2) - 2 = 0.1967.
    const byHand = (Math.log(2 * Math.E + 1) - 1 + (Math.log(Math.exp(-0.5) + 1 + Math.exp(2)) - 2)) / 2;
    expect(byHand).toBeCloseTo((0.862 + 0.1967) / 2, 3);
    const choices = tf.tensor2d([[0], [2]], [2, 1], 'int32');
    expect(value(tf.tidy(() => choiceCrossEntropy(choices, tf.tensor2d(student), [3])))).toBeCloseTo(byHand, 5);
    // The same as the hard target of a teacher whose argmax is that choice.
    expect(value(tf.tidy(() => hardTargetLoss(tf.tensor2d([[5, 0, 0], [0, 0, 5]]), tf.tensor2d(student), [3])))).toBeCloseTo(byHand, 5);
    // Two branches [2, 1]: logits (0, log 3 | 7), choices (1, 0): -log(3 / 4) + 0 (a one-choice branch is always right).
    expect(value(tf.tidy(() => imitationLoss(tf.tensor2d([[1, 0]], [1, 2], 'int32'), tf.tensor2d([[0, Math.log(3), 7]]), [2, 1])))).toBeCloseTo(Math.log(4 / 3), 5);
    // A box: the squared error to the recorded action, summed over dimensions: (0.5^2 + 1^2) and (0^2 + 2^2), averaged.
    expect(value(tf.tidy(() => imitationLoss(tf.tensor2d([[0.5, -1], [0, 2]]), tf.tensor2d([[0, 0], [0, 0]]), null)))).toBeCloseTo((1.25 + 4) / 2, 5);
    choices.dispose();
  });

  it('squared errors for box means and values, and the weighted sum', () => {
    const mse = value(tf.tidy(() => meanSquaredLoss(tf.tensor2d([[1, 2], [0, 0]]), tf.tensor2d([[0, 2], [3, 4]]))));
    expect(mse).toBeCloseTo((1 + 0 + 9 + 16) / 2, 5);
    expect(value(tf.tidy(() => valueLoss(tf.tensor1d([1, 2]), tf.tensor1d([2, 0]))))).toBeCloseTo((1 + 4) / 2, 5);
    const parts = tf.tidy(() => {
      const p = distillLoss(tf.tensor2d(teacher), tf.tensor2d(student), [3], { soft: 0.3, hard: 2, value: 0.5, tau: 0.5 }, tf.tensor1d([1, 2]), tf.tensor1d([2, 0]));
      return tf.stack([p.total, p.soft, p.hard, p.value]);
    });
    const [total, soft, hard, v] = Array.from(parts.dataSync());
    parts.dispose();
    expect(total).toBeCloseTo(0.3 * soft! + 2 * hard! + 0.5 * v!, 5);
    expect(v).toBeCloseTo(2.5, 5);
  });

  it('the Gaussian KL at a shared std: the squared error over 2 std^2 per dimension, as the closed form gives', () => {
    // KL(N(m1, s) || N(m2, s)) = (m1 - m2)^2 / (2 s^2). Stds 0.5 and 2 in the two dimensions.
    const logStd = Float32Array.of(Math.log(0.5), Math.log(2));
    const t = [[1, 2], [0, 0]];
    const s = [[0, 2], [3, 4]];
    const expected = ((1 / (2 * 0.25) + 0) + (9 / (2 * 0.25) + 16 / (2 * 4))) / 2;
    expect(value(tf.tidy(() => gaussianKlLoss(tf.tensor2d(t), tf.tensor2d(s), logStd)))).toBeCloseTo(expected, 4);
    // Through distillLoss, boxLoss 'kl' serves both terms; without a logStd it refuses.
    const w = { soft: 1, hard: 1, value: 0, tau: 1, boxLoss: 'kl' as const, logStd };
    expect(value(tf.tidy(() => distillLoss(tf.tensor2d(t), tf.tensor2d(s), null, w).total))).toBeCloseTo(2 * expected, 4);
    expect(() => distillLoss(tf.tensor2d(t), tf.tensor2d(s), null, { ...w, logStd: null })).toThrow(/logStd/);
  });

  it('with an action mask, compares teacher and student over the allowed choices only', () => {
    // The teacher's favourite (choice 0) is masked: the targets are its preferences among 1 and 2.
    const mask = [[0, 1, 1], [1, 1, 0]];
    const w = { soft: 1, hard: 1, value: 0, tau: 1 };
    const parts = distillLoss(tf.tensor2d(teacher), tf.tensor2d(student), [3], w, undefined, undefined, tf.tensor2d(mask));
    const allowed = (z: number[], m: number[]) => z.filter((_, j) => m[j]);
    const soft = [0, 1].map((r) => kl(softmax(allowed(teacher[r]!, mask[r]!)), softmax(allowed(student[r]!, mask[r]!))));
    expect(value(parts.soft)).toBeCloseTo((soft[0]! + soft[1]!) / 2, 4);
    // Hard target: the best allowed choice, 1 in row 0 (0.5 > -1) and 1 in row 1 (0.3 > 0.1).
    const ce = [-Math.log(softmax([1.0, 0.0])[0]!), -Math.log(softmax([-0.5, 0.0])[1]!)];
    expect(value(parts.hard)).toBeCloseTo((ce[0]! + ce[1]!) / 2, 4);
    parts.total.dispose();
    parts.value.dispose();
  });

  it('keeps no tensors behind', () => {
    const before = tf.memory().numTensors;
    const t = tf.tensor2d(teacher);
    const s = tf.tensor2d(student);
    for (let i = 0; i < 5; i++) {
      const p = distillLoss(t, s, [3], { soft: 1, hard: 1, value: 0, tau: 0.01 });
      tf.dispose([p.total, p.soft, p.hard, p.value]);
    }
    tf.dispose([t, s]);
    expect(tf.memory().numTensors).toBe(before);
  });
});
