/**
 * Action distributions, in TensorFlow.js for the loss and in plain code for sampling during
 * rollouts (one seeded generator, no tensor per env).
 *
 * Shapes: B = batch, K = choices of one branch, D = box dimensions.
 */
import * as tf from '@tensorflow/tfjs';
import type { Rng } from '../env/index.js';

const LOG_2PI = Math.log(2 * Math.PI);

/**
 * log pi(a) and entropy of categorical branches.
 * @param logits [B, sum K] one block of logits per branch
 * @param oneHot [B, sum K] the taken action of each branch as a one-hot block
 * @returns logProb [B] and entropy [B], summed over branches
 */
export function categoricalLogProbEntropy(logits: tf.Tensor2D, oneHot: tf.Tensor2D, branches: readonly number[]): { logProb: tf.Tensor1D; entropy: tf.Tensor1D } {
  return tf.tidy(() => {
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
 * log-probability. Plain code: runs once per env per step.
 */
export function sampleCategorical(logits: ArrayLike<number>, offset: number, k: number, rng: Rng): { action: number; logProb: number } {
  let max = -Infinity;
  for (let j = 0; j < k; j++) max = Math.max(max, logits[offset + j]!);
  let total = 0;
  for (let j = 0; j < k; j++) total += Math.exp(logits[offset + j]! - max);
  const logTotal = Math.log(total) + max;
  let u = rng.float() * total;
  let action = k - 1;
  for (let j = 0; j < k; j++) {
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
