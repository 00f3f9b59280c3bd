/**
 * Distillation losses. Shapes: B = batch, P = policy outputs (every branch's logits end to end, or
 * D Gaussian means). Each loss is summed over branches (or dimensions) and averaged over the batch.
 *
 * Soft targets follow Rusu et al. 2016: KL(softmax(z_T / tau) || softmax(z_S)). A small tau
 * (0.01 in the paper) sharpens the teacher's distribution towards its argmax, which is what the
 * student has to reproduce to act like the teacher greedily; the student's logits stay unscaled.
 */
import * as tf from '@tensorflow/tfjs';
import { maskLogits } from '../train/distributions.js';

/**
 * KL(softmax(zT / tau) || softmax(zS)) per branch.
 * @param teacher [B, P]  @param student [B, P]  @param branches sizes of the branches, summing to P
 */
export function softTargetLoss(teacher: tf.Tensor2D, student: tf.Tensor2D, branches: readonly number[], tau: number): tf.Scalar {
  return tf.tidy(() => {
    const ts = split(teacher, branches);
    const ss = split(student, branches);
    const perRow = ts.map((t, b) => {
      const logP = tf.logSoftmax(tf.div(t, tau));
      const logQ = tf.logSoftmax(ss[b]!);
      // p * (log p - log q); p underflows to exactly 0 for hopeless choices, never NaN.
      return tf.sum(tf.mul(tf.exp(logP), tf.sub(logP, logQ)), 1);
    });
    return tf.mean(tf.addN(perRow)) as tf.Scalar;
  });
}

/**
 * Cross-entropy of the student to the teacher's greedy action, per branch.
 * @param teacher [B, P]  @param student [B, P]
 */
export function hardTargetLoss(teacher: tf.Tensor2D, student: tf.Tensor2D, branches: readonly number[]): tf.Scalar {
  return tf.tidy(() => {
    const choices = split(teacher, branches).map((t) => tf.argMax(t, 1));
    return choiceCrossEntropy(tf.stack(choices, 1) as tf.Tensor2D, student, branches);
  });
}

/**
 * Cross-entropy of the student to given choices, one per branch (a recorded player's action, in
 * index form: behaviour cloning), summed over branches and averaged over the batch.
 * @param choices [B, branches] int32, each in 0 .. branches[b) - 1  @param student [B, P] logits
 */
export function choiceCrossEntropy(choices: tf.Tensor2D, student: tf.Tensor2D, branches: readonly number[]): tf.Scalar {
  return tf.tidy(() => {
    const ss = split(student, branches);
    const cs = branches.length === 1 ? [choices] : tf.split(choices, branches.length, 1);
    const perRow = ss.map((s, b) => {
      // A branch with one choice is always right (and tf.oneHot refuses depth 1).
      if (branches[b] === 1) return tf.zeros([s.shape[0]]);
      const target = tf.oneHot(tf.reshape(tf.cast(cs[b]!, 'int32'), [-1]) as tf.Tensor1D, branches[b]!);
      return tf.neg(tf.sum(tf.mul(target, tf.logSoftmax(s)), 1));
    });
    return tf.mean(tf.addN(perRow)) as tf.Scalar;
  });
}

/**
 * Behaviour cloning's loss: the cross-entropy to the recorded choice of each branch (`branches`
 * given), or the squared error to the recorded box action (`branches` null), summed over branches
 * or dimensions and averaged over the batch.
 * @param actions [B, branches] (choices) or [B, D] (box actions)  @param student [B, P]
 */
export function imitationLoss(actions: tf.Tensor2D, student: tf.Tensor2D, branches: readonly number[] | null): tf.Scalar {
  return branches ? choiceCrossEntropy(actions, student, branches) : meanSquaredLoss(actions, student);
}

/**
 * Squared error to the teacher's Gaussian means, summed over dimensions. With a shared standard
 * deviation this is the Gaussian KL up to a constant factor, so it serves as soft and hard target.
 * @param teacher [B, D]  @param student [B, D]
 */
export function meanSquaredLoss(teacher: tf.Tensor2D, student: tf.Tensor2D): tf.Scalar {
  return tf.tidy(() => tf.mean(tf.sum(tf.square(tf.sub(student, teacher)), 1)) as tf.Scalar);
}

/**
 * KL(N(mu_T, sigma) || N(mu_S, sigma)) for a student that samples with the teacher's standard
 * deviation (as exported students do): sum over dimensions of (mu_T - mu_S)^2 / (2 sigma_d^2). It is
 * the squared error weighted by how sharply the teacher acts in each dimension: an error where the
 * teacher is sure costs more than one where it is loose.
 * @param teacher [B, D]  @param student [B, D]  @param logStd [D] the teacher's log std
 */
export function gaussianKlLoss(teacher: tf.Tensor2D, student: tf.Tensor2D, logStd: Float32Array): tf.Scalar {
  return tf.tidy(() => {
    const weight = tf.tensor1d(Float32Array.from(logStd, (l) => 0.5 * Math.exp(-2 * l)));
    return tf.mean(tf.sum(tf.mul(tf.square(tf.sub(student, teacher)), weight), 1)) as tf.Scalar;
  });
}

/** Squared error to the teacher's value. @param teacher [B]  @param student [B] */
export function valueLoss(teacher: tf.Tensor1D, student: tf.Tensor1D): tf.Scalar {
  return tf.tidy(() => tf.mean(tf.square(tf.sub(student, teacher))) as tf.Scalar);
}

export interface LossWeights {
  /** lambda_s: weight of the soft-target KL. */
  soft: number;
  /** lambda_h: weight of the hard-target cross-entropy (or mean squared error). */
  hard: number;
  /** Weight of value distillation; 0 leaves the value out. */
  value: number;
  /** tau: the teacher's softmax temperature in the soft target. */
  tau: number;
  /** Box actions: the loss between the means, 'mse' or 'kl' (needs `logStd`). */
  boxLoss?: 'mse' | 'kl';
  /** Box actions: the teacher's log std, which the 'kl' loss weighs dimensions by. */
  logStd?: Float32Array | null;
}

export interface LossParts {
  total: tf.Scalar;
  soft: tf.Scalar;
  hard: tf.Scalar;
  value: tf.Scalar;
}

/**
 * lambda_s * soft + lambda_h * hard + lambda_v * value. `branches` is null for box actions, whose
 * soft and hard terms are one loss between the means: the squared error, or the Gaussian KL
 * (`boxLoss`). With `mask` ([B, P], 1 allowed), both policies' masked choices are removed first:
 * the student learns the teacher's choice among what the state allows, and nothing about choices
 * it will never be offered.
 */
export function distillLoss(
  teacher: tf.Tensor2D, student: tf.Tensor2D, branches: readonly number[] | null, w: LossWeights,
  teacherValue?: tf.Tensor1D, studentValue?: tf.Tensor1D, mask?: tf.Tensor2D,
): LossParts {
  return tf.tidy(() => {
    if (mask && branches) {
      teacher = maskLogits(teacher, mask);
      student = maskLogits(student, mask);
    }
    const zero = tf.scalar(0);
    // Box actions: one loss between the means serves both terms.
    let means: tf.Scalar | null = null;
    if (!branches) {
      if (w.boxLoss === 'kl' && !w.logStd) throw new Error(`distill: boxLoss 'kl' needs the teacher's logStd`);
      means = w.boxLoss === 'kl' ? gaussianKlLoss(teacher, student, w.logStd!) : meanSquaredLoss(teacher, student);
    }
    const soft = w.soft === 0 ? zero : branches ? softTargetLoss(teacher, student, branches, w.tau) : means!;
    const hard = w.hard === 0 ? zero : branches ? hardTargetLoss(teacher, student, branches) : means!;
    const value = w.value !== 0 && teacherValue && studentValue ? valueLoss(teacherValue, studentValue) : zero;
    const total = tf.addN([tf.mul(w.soft, soft), tf.mul(w.hard, hard), tf.mul(w.value, value)]) as tf.Scalar;
    return { total, soft, hard, value };
  });
}

function split(x: tf.Tensor2D, branches: readonly number[]): tf.Tensor2D[] {
  return branches.length === 1 ? [x] : tf.split(x, [...branches], 1);
}
