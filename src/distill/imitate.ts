/**
 * A student straight from demonstrations: behaviour cloning (Pomerleau 1991; ML-Agents'
 * `behavioral_cloning`) of a StudentNet on a decoded demo's (observation, action) pairs. The loss
 * is the cross-entropy to the recorded choice of each branch (discrete, multi-discrete) or the
 * squared error to the recorded box action (losses.ts, imitationLoss). The inputs are normalised
 * with the training pairs' statistics, which the policy file keeps. A share of the pairs is held
 * out; after each epoch the student's greedy action is compared with the recorded one on them,
 * and training stops at the first epoch past `patience` without a better accuracy, keeping the
 * best epoch's weights, as distill.ts does. The student is written as the same policy file as a
 * distilled one, so it plays in a game with no TensorFlow.js.
 */
import * as tf from '@tensorflow/tfjs';
import { Rng, RunningMeanStd, branchSizes, flatSize, normalizeInto, shuffle, type BoxSpace, type Space } from '../env/index.js';
import type { Demo } from '../demo/index.js';
import { policyOutputCount, type PolicyFile, type WeightType } from '../policy/index.js';
import { argmax } from './actions.js';
import { buildPolicyFile, normalizationOf } from './export.js';
import { imitationLoss } from './losses.js';
import { StudentNet, trainWithAdam } from './student-net.js';

export interface ImitationConfig {
  /** Hidden layer sizes of the student; [] gives a linear policy. */
  hidden: number[];
  /** Activation of the student's hidden layers. */
  activation: 'tanh' | 'relu';
  /** Most passes over the training pairs. */
  epochs: number;
  /** Pairs per gradient step. */
  minibatchSize: number;
  /** Adam's step size. */
  learningRate: number;
  /** Share of the demo's pairs kept out of training to measure the accuracy that stops it. */
  heldOutFraction: number;
  /** Epochs without a better held-out accuracy that training tolerates: it stops at the next one. */
  patience: number;
  /** Normalise the student's inputs with the training pairs' statistics (stored in the policy file). */
  normalizeObservations: boolean;
  /** Box actions: an action within this distance of the recorded one (every dimension) counts as the same. */
  boxTolerance: number;
  /** Seeds the initial weights, the held-out split and the minibatch order. */
  seed: number;
}

/** Clones Pong's and Balance's scripted experts from 20 episodes in seconds; see bench/imitation.ts. */
export const defaultImitationConfig: ImitationConfig = {
  hidden: [32],
  activation: 'tanh',
  epochs: 200,
  minibatchSize: 256,
  learningRate: 3e-3,
  heldOutFraction: 0.1,
  patience: 20,
  normalizeObservations: true,
  boxTolerance: 0.1,
  seed: 1,
};

/** Throws an error naming the first field that is out of range. */
export function validateImitationConfig(c: ImitationConfig): void {
  const bad = (field: keyof ImitationConfig, expected: string) => {
    throw new Error(`imitation config: ${field}: expected ${expected}, got ${JSON.stringify(c[field])}`);
  };
  const posInt = (v: number) => Number.isInteger(v) && v > 0;
  if (!Array.isArray(c.hidden) || !c.hidden.every(posInt)) bad('hidden', 'an array of positive integers');
  if (c.activation !== 'tanh' && c.activation !== 'relu') bad('activation', `'tanh' or 'relu'`);
  for (const f of ['epochs', 'minibatchSize'] as const) if (!posInt(c[f])) bad(f, 'a positive integer');
  if (!(c.learningRate > 0)) bad('learningRate', 'a number > 0');
  if (!(c.heldOutFraction > 0 && c.heldOutFraction < 1)) bad('heldOutFraction', 'a number in (0, 1)');
  if (!(Number.isInteger(c.patience) && c.patience >= 0)) bad('patience', 'an integer >= 0');
  if (!(c.boxTolerance >= 0)) bad('boxTolerance', 'a number >= 0');
  if (!Number.isInteger(c.seed)) bad('seed', 'an integer');
}

export interface ImitationMetrics {
  epoch: number;
  /** Training pairs. */
  samples: number;
  'losses/bc': number;
  /** Share of held-out decisions where the student's greedy action is the recorded one. */
  'fidelity/held_out_accuracy': number;
}

/** A student cloned from a demo: its network, the demo's spaces, its input statistics and its training history. */
export class ImitatedStudent {
  constructor(
    readonly net: StudentNet, readonly observationSpace: BoxSpace, readonly actionSpace: Space, readonly stats: RunningMeanStd | null,
    readonly config: ImitationConfig, readonly history: ImitationMetrics[],
  ) {}

  /** Held-out accuracy of the weights kept (the best epoch's); null before any epoch. */
  get keptAccuracy(): number | null {
    return this.history.length ? Math.max(...this.history.map((m) => m['fidelity/held_out_accuracy'])) : null;
  }

  /** Normalised network inputs for `n` raw observations. */
  inputs(raw: Float32Array, n: number): Float32Array {
    const x = new Float32Array(n * this.net.shape.inputs);
    if (this.stats) normalizeInto(this.stats, raw.subarray(0, x.length), x);
    else x.set(raw.subarray(0, x.length));
    return x;
  }

  /** Greedy policy outputs (logits or box means) for `n` raw observations ([n * P]). */
  outputs(raw: Float32Array, n: number): Float32Array {
    const x = this.inputs(raw, n);
    const out = tf.tidy(() => this.net.apply(tf.tensor2d(x, [n, this.net.shape.inputs]), 0).policy);
    const data = (out.dataSync() as Float32Array).slice();
    out.dispose();
    return data;
  }

  /** The student as a policy file, float32 or int8: the format distilled students ship in. */
  toPolicyFile(dtype: WeightType = 'float32', meta: Record<string, unknown> = {}): PolicyFile {
    return buildPolicyFile({
      observationSpace: this.observationSpace,
      actionSpace: this.actionSpace,
      observationNormalization: normalizationOf(this.stats),
      layers: this.net.taskLayers(0, this.net.shape.inputs, -1),
      meta: { learnedFrom: 'demonstrations', ...meta },
    }, dtype);
  }

  dispose(): void {
    this.net.dispose();
  }
}

/** Clones a student from `demo`. Every tensor it makes is disposed. `onEpoch` returning false stops training (the best weights are kept). */
export async function imitate(demo: Demo, config: ImitationConfig, onEpoch?: (m: ImitationMetrics) => void | boolean | Promise<void | boolean>): Promise<ImitatedStudent> {
  validateImitationConfig(config);
  const steps = demo.rewards.length;
  if (steps < 2) throw new Error(`imitate: the demo of agent '${demo.agent}' holds ${steps} decisions; at least 2 are needed (one to train on, one held out)`);
  const D = flatSize(demo.observationSpace);
  const A = flatSize(demo.actionSpace);
  const branches = branchSizes(demo.actionSpace);
  const rng = new Rng(config.seed + 1);
  const order = shuffle(rng, Int32Array.from({ length: steps }, (_, i) => i));
  const heldCount = Math.min(steps - 1, Math.max(1, Math.round(steps * config.heldOutFraction)));
  const heldOut = order.slice(0, heldCount);
  const train = order.slice(heldCount);

  let stats: RunningMeanStd | null = null;
  if (config.normalizeObservations) {
    stats = new RunningMeanStd(D);
    stats.update(gatherRows(demo.observations, train, D), train.length);
  }
  const net = new StudentNet({ inputs: D, hidden: config.hidden, activation: config.activation, heads: [policyOutputCount(demo.actionSpace)], value: false }, config.seed);
  const student = new ImitatedStudent(net, demo.observationSpace, demo.actionSpace, stats, config, []);
  const heldX = student.inputs(gatherRows(demo.observations, heldOut, D), heldCount);
  const heldActions = gatherRows(demo.actions, heldOut, A);
  const trainX = student.inputs(gatherRows(demo.observations, train, D), train.length);
  const trainActions = gatherRows(demo.actions, train, A);
  return trainWithAdam(student, config.learningRate, async (optimizer) => {
    let best = -1;
    let bestWeights: Float32Array[] | null = null;
    let stale = 0;
    const idx = Int32Array.from({ length: train.length }, (_, i) => i);
    for (let epoch = 0; epoch < config.epochs && stale <= config.patience; epoch++) {
      shuffle(rng, idx);
      const batches = Math.max(1, Math.ceil(train.length / config.minibatchSize));
      let loss = 0;
      for (let b = 0; b < batches; b++) {
        const rows = idx.subarray(b * config.minibatchSize, Math.min(train.length, (b + 1) * config.minibatchSize));
        const x = gatherRows(trainX, rows, D);
        const a = gatherRows(trainActions, rows, A);
        const value = tf.tidy(() => {
          const actions = branches ? tf.tensor2d(a as Int32Array, [rows.length, A], 'int32') : tf.tensor2d(a as Float32Array, [rows.length, A]);
          const { value: l, grads } = tf.variableGrads(() => imitationLoss(actions, net.apply(tf.tensor2d(x, [rows.length, D]), 0).policy, branches), net.params);
          optimizer.applyGradients(grads);
          return l;
        });
        loss += (value.dataSync()[0]! * rows.length) / train.length;
        value.dispose();
      }
      const accuracy = accuracyOf(student, heldX, heldActions, heldCount, config.boxTolerance);
      if (accuracy > best) {
        best = accuracy;
        bestWeights = net.snapshot();
        stale = 0;
      } else {
        stale += 1;
      }
      const metrics: ImitationMetrics = { epoch, samples: train.length, 'losses/bc': loss, 'fidelity/held_out_accuracy': accuracy };
      student.history.push(metrics);
      if ((await onEpoch?.(metrics)) === false) break;
    }
    if (bestWeights) net.restore(bestWeights);
  });
}

/** Rows `rows` of a row-major [_, width] array, in that order, in an array of the same type. */
function gatherRows<T extends Float32Array | Int32Array>(xs: T, rows: ArrayLike<number>, width: number): T {
  const out = new (xs.constructor as new (n: number) => T)(rows.length * width);
  for (let j = 0; j < rows.length; j++) out.set(xs.subarray(rows[j]! * width, (rows[j]! + 1) * width), j * width);
  return out;
}

/** Share of rows whose greedy action (from already normalised inputs `x`) is the recorded one. */
function accuracyOf(student: ImitatedStudent, x: Float32Array, actions: Float32Array | Int32Array, n: number, tolerance: number): number {
  const out = tf.tidy(() => student.net.apply(tf.tensor2d(x, [n, student.net.shape.inputs]), 0).policy);
  const p = out.dataSync() as Float32Array;
  out.dispose();
  return recordedActionAccuracy(student.actionSpace, p, actions, n, tolerance);
}

/**
 * Share of `n` rows where the greedy action of `outputs` ([n * P]: logits, or box means) is the
 * recorded action ([n * flatSize(space)]): every branch's argmax equal, or every box dimension
 * within `tolerance`.
 */
export function recordedActionAccuracy(space: Space, outputs: ArrayLike<number>, actions: ArrayLike<number>, n: number, tolerance: number): number {
  const branches = branchSizes(space);
  const A = flatSize(space);
  const P = policyOutputCount(space);
  let right = 0;
  for (let i = 0; i < n; i++) {
    let ok = true;
    if (branches) {
      let offset = i * P;
      branches.forEach((k, b) => {
        if (argmax(outputs, offset, k) !== actions[i * A + b]) ok = false;
        offset += k;
      });
    } else {
      for (let d = 0; d < A; d++) if (Math.abs(outputs[i * A + d]! - actions[i * A + d]!) > tolerance) ok = false;
    }
    if (ok) right += 1;
  }
  return n ? right / n : 0;
}
