/**
 * Action distributions, in TensorFlow.js for the loss and in plain code for sampling during
 * rollouts (one seeded generator, no tensor per env).
 *
 * Shapes: B = batch, K = choices of one branch, D = box dimensions.
 */
import * as tf from '@tensorflow/tfjs';
import type { Rng } from '../env/index.js';

const LOG_2PI = Math.log(2 * Math.PI);

/** Added to a masked choice's logit: its probability is exactly 0 in float32, and nothing overflows. */
export const MASKED_LOGIT = -1e9;

/**
 * The logits with masked choices pushed to MASKED_LOGIT below the rest: softmax gives them 0, so
 * sampling, log-probabilities and entropy all see only the allowed choices.
 * @param logits [B, P]  @param mask [B, P], 1 allowed, 0 not
 */
export function maskLogits(logits: tf.Tensor2D, mask: tf.Tensor2D): tf.Tensor2D {
  return tf.tidy(() => tf.add(logits, tf.mul(tf.sub(mask, 1), -MASKED_LOGIT)));
}

/**
 * log pi(a) and entropy of categorical branches.
 * @param logits [B, sum K] one block of logits per branch
 * @param oneHot [B, sum K] the taken action of each branch as a one-hot block
 * @param mask [B, sum K] the choices allowed in each state (1 allowed); none: all allowed
 * @returns logProb [B] and entropy [B], summed over branches
 */
export function categoricalLogProbEntropy(logits: tf.Tensor2D, oneHot: tf.Tensor2D, branches: readonly number[], mask?: tf.Tensor2D): { logProb: tf.Tensor1D; entropy: tf.Tensor1D } {
  return tf.tidy(() => {
    if (mask) logits = maskLogits(logits, mask);
    const blocks = branches.length === 1 ? [logits] : tf.split(logits, [...branches], 1);
    const hots = branches.length === 1 ? [oneHot] : tf.split(oneHot, [...branches], 1);
    let logProb: tf.Tensor1D | null = null;
    let entropy: tf.Tensor1D | null = null;
    blocks.forEach((block, i) => {
      const logP = tf.logSoftmax(block);
      const lp = tf.sum(tf.mul(logP, hots[i]!), 1) as tf.Tensor1D;
      const ent = tf.neg(tf.sum(tf.mul(tf.exp(logP), logP), 1)) as tf.Tensor1D;
      logProb = logProb ? (tf.add(logProb, lp) as tf.Tensor1D) : lp;
      entropy = entropy ? (tf.add(entropy, ent) as tf.Tensor1D) : ent;
    });
    return { logProb: logProb!, entropy: entropy! };
  });
}

/**
 * log pi(a) and entropy of a diagonal Gaussian with state-independent log std.
 * @param mean [B, D]  @param logStd [D]  @param actions [B, D]
 */
export function gaussianLogProbEntropy(mean: tf.Tensor2D, logStd: tf.Tensor1D, actions: tf.Tensor2D): { logProb: tf.Tensor1D; entropy: tf.Tensor1D } {
  return tf.tidy(() => {
    const z = tf.div(tf.sub(actions, mean), tf.exp(logStd));
    const perDim = tf.sub(tf.mul(-0.5, tf.square(z)), tf.add(logStd, 0.5 * LOG_2PI));
    const logProb = tf.sum(perDim, 1) as tf.Tensor1D;
    const entropyOne = tf.sum(tf.add(logStd, 0.5 + 0.5 * LOG_2PI));
    const entropy = tf.mul(tf.onesLike(logProb), entropyOne) as tf.Tensor1D;
    return { logProb, entropy };
  });
}

/**
 * Samples one categorical branch from `logits[offset .. offset + k)` and returns the choice and its
 * log-probability. With `mask` (laid out as the logits, 1 allowed), only allowed choices are drawn
 * and the probability is theirs alone. Plain code: runs once per env per step.
 */
export function sampleCategorical(logits: ArrayLike<number>, offset: number, k: number, rng: Rng, mask?: ArrayLike<number> | null): { action: number; logProb: number } {
  let max = -Infinity;
  let last = -1;
  for (let j = 0; j < k; j++) {
    if (mask && !mask[offset + j]) continue;
    max = Math.max(max, logits[offset + j]!);
    last = j;
  }
  if (last < 0) throw new Error(`the action mask allows no choice in a branch of ${k} (entries ${offset} to ${offset + k - 1})`);
  let total = 0;
  for (let j = 0; j < k; j++) if (!mask || mask[offset + j]) total += Math.exp(logits[offset + j]! - max);
  const logTotal = Math.log(total) + max;
  let u = rng.float() * total;
  let action = last;
  for (let j = 0; j < k; j++) {
    if (mask && !mask[offset + j]) continue;
    u -= Math.exp(logits[offset + j]! - max);
    if (u < 0) {
      action = j;
      break;
    }
  }
  return { action, logProb: logits[offset + action]! - logTotal };
}

/**
 * log N(a; mean, exp(logStd)) summed over the logStd.length dimensions, in plain code; the action
 * and the mean are read from `actionAt` and `meanAt` (rows of flat batches, as PPO's rollout has).
 */
export function gaussianLogProb(action: ArrayLike<number>, mean: ArrayLike<number>, logStd: ArrayLike<number>, actionAt = 0, meanAt = 0): number {
  let lp = 0;
  for (let d = 0; d < logStd.length; d++) {
    const z = (action[actionAt + d]! - mean[meanAt + d]!) / Math.exp(logStd[d]!);
    lp += -0.5 * z * z - logStd[d]! - 0.5 * LOG_2PI;
  }
  return lp;
}
