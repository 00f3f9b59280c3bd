/**
 * Policy distillation (Rusu et al. 2016) with DAgger-style data collection (Ross et al. 2011).
 *
 * Per round: collect samples from every task's vector env (who acts follows the config's driver
 * and beta schedule; the teacher labels every state), add them to that task's dataset, then train
 * the student for up to `epochsPerRound` epochs on all data so far, minimising
 * lambda_s * KL(softmax(z_T / tau) || softmax(z_S)) + lambda_h * CE(teacher action) + lambda_v * value
 * summed over tasks. After each epoch the student's action agreement with the teacher on held-out
 * samples is measured; a round stops at the first epoch past `patience` without improvement and
 * keeps its best epoch's weights.
 */
import * as tf from '@tensorflow/tfjs';
import { Rng, RunningMeanStd, branchSizes, shuffle, flatSize, normalizeInto, viewFor, type BoxSpace, type Space, type VectorEnv } from '../env/index.js';
import type { PolicyFile, WeightType } from '../policy/index.js';
import { agrees } from './actions.js';
import { validateDistillConfig, type DistillConfig } from './config.js';
import { DistillDataset, collect } from './dataset.js';
import { buildPolicyFile, normalizationOf } from './export.js';
import { distillLoss } from './losses.js';
import { StudentNet, trainWithAdam } from './student-net.js';
import type { Teacher } from './teacher.js';

/** One teacher and the environment it plays. */
export interface DistillTask {
  name: string;
  env: VectorEnv;
  teacher: Teacher;
}

export interface DistillMetrics {
  round: number;
  epoch: number;
  /** Probability the teacher acted in this round's (student-driven) collection. */
  beta: number;
  /** Training samples over all tasks. */
  samples: number;
  'charts/collect_return': number | null;
  'losses/total': number;
  'losses/soft': number;
  'losses/hard': number;
  'losses/value': number;
  /** Share of held-out states where the student's greedy action equals the teacher's, over all tasks. */
  'fidelity/held_out_agreement': number;
}

/** What a task needs at export: its spaces, its input statistics and where it sits in the network. */
export interface StudentTask {
  name: string;
  observationSpace: BoxSpace;
  actionSpace: Space;
  obsSize: number;
  stats: RunningMeanStd | null;
  head: number;
  /** Index of the task's one-hot input, or -1. */
  oneHotAt: number;
  /** Box actions: the teacher's log std, which the exported student samples with. */
  logStd: Float32Array | null;
}

/** A trained student: its network, the tasks it serves, and its training history. */
export class DistilledStudent {
  constructor(readonly net: StudentNet, readonly tasks: StudentTask[], readonly config: DistillConfig, readonly history: DistillMetrics[]) {}

  /**
   * Held-out agreement of the weights the student keeps: each round ends on its best epoch, so the
   * best of the last round (the last epoch may have been worse). Null before any epoch.
   */
  get keptAgreement(): number | null {
    const last = this.history.at(-1);
    if (!last) return null;
    return Math.max(...this.history.filter((m) => m.round === last.round).map((m) => m['fidelity/held_out_agreement']));
  }

  task(which: number | string): StudentTask {
    const t = typeof which === 'number' ? this.tasks[which] : this.tasks.find((x) => x.name === which);
    if (!t) throw new Error(`student: no task ${JSON.stringify(which)} (tasks: ${this.tasks.map((x) => x.name).join(', ')})`);
    return t;
  }

  /** The network's input rows for `n` raw observations of task `t`: normalised, padded, one-hot. */
  inputs(t: StudentTask, raw: Float32Array, n: number): Float32Array {
    const W = this.net.shape.inputs;
    const x = new Float32Array(n * W);
    const z = new Float32Array(t.obsSize);
    for (let i = 0; i < n; i++) {
      const row = raw.subarray(i * t.obsSize, (i + 1) * t.obsSize);
      if (t.stats) normalizeInto(t.stats, row, z);
      else z.set(row);
      x.set(z, i * W);
      if (t.oneHotAt >= 0) x[i * W + t.oneHotAt] = 1;
    }
    return x;
  }

  /** Greedy policy outputs for `n` raw observations ([n * P]). */
  outputs(which: number | string, raw: Float32Array, n: number): Float32Array {
    const t = this.task(which);
    const x = this.inputs(t, raw, n);
    const out = tf.tidy(() => this.net.apply(tf.tensor2d(x, [n, this.net.shape.inputs]), t.head).policy);
    const data = (out.dataSync() as Float32Array).slice();
    out.dispose();
    return data;
  }

  /** The student for one task as a policy file, float32 or int8. */
  toPolicyFile(which: number | string = 0, dtype: WeightType = 'float32', meta: Record<string, unknown> = {}): PolicyFile {
    const t = this.task(which);
    return buildPolicyFile({
      observationSpace: t.observationSpace,
      actionSpace: t.actionSpace,
      observationNormalization: normalizationOf(t.stats),
      layers: this.net.taskLayers(t.head, t.obsSize, t.oneHotAt),
      logStd: t.logStd,
      // Provenance only; sizes, activations and weight types are in the layers already.
      meta: { task: t.name, ...meta },
    }, dtype);
  }

  dispose(): void {
    this.net.dispose();
  }
}

/** Distils one or several teachers into one student. Every tensor it makes is disposed. */
export async function distill(
  taskList: DistillTask | DistillTask[], config: DistillConfig,
  onEpoch?: (m: DistillMetrics) => void | boolean | Promise<void | boolean>,
): Promise<DistilledStudent> {
  validateDistillConfig(config);
  const tasks = Array.isArray(taskList) ? taskList : [taskList];
  if (tasks.length === 0) throw new Error('distill: needs at least one task');
  // A teacher reads the env's privileged view where its input fits it, and the student always the env's own observations.
  const views = tasks.map((t, k) => viewFor(t.env, t.teacher.obsSize, `distill: task '${t.name}' (${k})`));
  tasks.forEach((t, k) => {
    if (JSON.stringify(t.env.actionSpace) !== JSON.stringify(t.teacher.actionSpace)) throw new Error(`distill: task '${t.name}' (${k}): the env's action space differs from its teacher's`);
    if (config.boxLoss === 'kl' && t.teacher.actionSpace.type !== 'box') throw new Error(`distill: task '${t.name}' (${k}): boxLoss 'kl' is for box actions, and its teacher's are '${t.teacher.actionSpace.type}' (leave boxLoss at 'mse')`);
    if (config.boxLoss === 'kl' && !t.teacher.logStd) throw new Error(`distill: task '${t.name}' (${k}): boxLoss 'kl' weighs by the teacher's log std, and this teacher has none`);
  });
  const K = tasks.length;
  const oneHot = K > 1 && config.taskMode === 'one-hot';
  if (oneHot) {
    const first = JSON.stringify(tasks[0]!.teacher.actionSpace);
    tasks.forEach((t) => {
      if (JSON.stringify(t.teacher.actionSpace) !== first) throw new Error(`distill: taskMode 'one-hot' shares one head, but task '${t.name}' has a different action space from '${tasks[0]!.name}'; use taskMode 'heads'`);
    });
  }
  const obsSizes = tasks.map((t) => flatSize(t.env.observationSpace));
  const maxObs = Math.max(...obsSizes);
  const net = new StudentNet({
    inputs: maxObs + (oneHot ? K : 0),
    hidden: config.hidden,
    activation: config.activation,
    heads: oneHot ? [tasks[0]!.teacher.outputSize] : tasks.map((t) => t.teacher.outputSize),
    value: config.lambdaValue > 0,
  }, config.seed);
  const studentTasks: StudentTask[] = tasks.map((t, k) => ({
    name: t.name, observationSpace: views[k] === 'privileged' ? t.env.observationSpace : t.teacher.observationSpace, actionSpace: t.teacher.actionSpace, obsSize: obsSizes[k]!,
    stats: null, head: oneHot ? 0 : k, oneHotAt: oneHot ? maxObs + k : -1, logStd: t.teacher.logStd,
  }));
  const student = new DistilledStudent(net, studentTasks, config, []);
  const rng = new Rng(config.seed + 1);
  const data = tasks.map((t, k) => ({
    train: new DistillDataset(obsSizes[k]!, t.teacher.outputSize, 1024, views[k] === 'privileged' ? t.teacher.obsSize : 0),
    heldOut: new DistillDataset(obsSizes[k]!, t.teacher.outputSize, 1024, views[k] === 'privileged' ? t.teacher.obsSize : 0),
    spread: new RunningMeanStd(obsSizes[k]!),
    teacherSpread: views[k] === 'privileged' ? new RunningMeanStd(t.teacher.obsSize) : undefined,
    obs: t.env.reset(rng.uint32()),
    branches: branchSizes(t.teacher.actionSpace),
  }));

  return trainWithAdam(student, config.learningRate, async (optimizer) => {
    for (let round = 0; round < config.rounds; round++) {
      // ---- collect ---------------------------------------------------------------------
      const beta = round === 0 || config.driver === 'teacher' ? 1 : config.betaDecay ** round;
      const returns: number[] = [];
      tasks.forEach((t, k) => {
        const d = data[k]!;
        const parts: [number, number][] = config.driver === 'both' && round > 0
          ? [[1, Math.ceil(config.stepsPerRound / 2)], [beta, Math.floor(config.stepsPerRound / 2)]]
          : [[beta, config.stepsPerRound]];
        for (const [b, steps] of parts) {
          const r = collect(t.env, t.teacher, d.train, d.heldOut, d.obs, {
            steps, beta: b, student: (raw, n) => student.outputs(k, raw, n), teacherSamples: config.teacherSamples,
            obsNoise: config.obsNoise, heldOutFraction: config.heldOutFraction, rng, obsSpread: d.spread, teacherSpread: d.teacherSpread,
          });
          d.obs = r.obs;
          returns.push(...r.episodes.map((e) => e.return));
        }
        // Input statistics come from the first round and then stay fixed, so later data does not
        // move the ground under weights already learned.
        if (round === 0 && config.normalizeObservations) {
          const stats = new RunningMeanStd(obsSizes[k]!);
          stats.update(d.train.obs.subarray(0, d.train.size * obsSizes[k]!), d.train.size);
          studentTasks[k]!.stats = stats;
        }
      });

      // ---- train -----------------------------------------------------------------------
      let best = -1;
      let bestWeights: Float32Array[] | null = null;
      let stale = 0;
      for (let epoch = 0; epoch < config.epochsPerRound && stale <= config.patience; epoch++) {
        const losses = trainEpoch(student, data, config, optimizer, rng);
        const agreement = heldOutAgreement(student, data, config.boxTolerance);
        if (agreement >= best) {
          if (agreement > best) stale = 0;
          else stale += 1;
          best = agreement;
          bestWeights = net.snapshot();
        } else {
          stale += 1;
        }
        const metrics: DistillMetrics = {
          round, epoch, beta, samples: data.reduce((n, d) => n + d.train.size, 0),
          'charts/collect_return': returns.length ? returns.reduce((a, b) => a + b, 0) / returns.length : null,
          'losses/total': losses[0]!, 'losses/soft': losses[1]!, 'losses/hard': losses[2]!, 'losses/value': losses[3]!,
          'fidelity/held_out_agreement': agreement,
        };
        student.history.push(metrics);
        if ((await onEpoch?.(metrics)) === false) {
          if (bestWeights) net.restore(bestWeights);
          return;
        }
      }
      if (bestWeights) net.restore(bestWeights);
    }
  });
}

type TaskData = { train: DistillDataset; heldOut: DistillDataset; branches: number[] | null };

/** One pass over the largest task's data; smaller tasks cycle. Returns mean [total, soft, hard, value]. */
function trainEpoch(student: DistilledStudent, data: TaskData[], config: DistillConfig, optimizer: tf.Optimizer, rng: Rng): number[] {
  const orders = data.map((d) => shuffle(rng, Int32Array.from({ length: d.train.size }, (_, i) => i)));
  const largest = Math.max(...data.map((d) => d.train.size));
  const steps = Math.max(1, Math.ceil(largest / config.minibatchSize));
  const sums = [0, 0, 0, 0];
  const weights = { soft: config.lambdaSoft, hard: config.lambdaHard, value: config.lambdaValue, tau: config.tau, boxLoss: config.boxLoss };
  for (let s = 0; s < steps; s++) {
    const batches = data.map((d, k) => gather(student, k, d.train, orders[k]!, s * config.minibatchSize, config.minibatchSize));
    const parts = tf.tidy(() => {
      let kept: tf.Tensor | null = null;
      const { grads, value } = tf.variableGrads(() => {
        const sum = [tf.scalar(0), tf.scalar(0), tf.scalar(0), tf.scalar(0)];
        batches.forEach((b, k) => {
          const t = student.tasks[k]!;
          const out = student.net.apply(tf.tensor2d(b.x, [b.n, student.net.shape.inputs]), t.head);
          const P = b.targets.length / b.n;
          const mask = b.masks ? tf.tensor2d(b.masks, [b.n, P]) : undefined;
          const w = { ...weights, logStd: t.logStd };
          const p = distillLoss(tf.tensor2d(b.targets, [b.n, P]), out.policy, data[k]!.branches, w, tf.tensor1d(b.values), out.value ?? undefined, mask);
          [p.total, p.soft, p.hard, p.value].forEach((v, j) => (sum[j] = tf.add(sum[j]!, v)));
        });
        kept = tf.keep(tf.stack(sum));
        return sum[0] as tf.Scalar;
      }, student.net.params);
      value.dispose();
      optimizer.applyGradients(grads);
      return kept!;
    });
    const v = parts.dataSync();
    parts.dispose();
    for (let j = 0; j < 4; j++) sums[j]! += v[j]! / steps;
  }
  return sums;
}

/** A minibatch of task k: the student's input rows, the teacher's outputs and values, and the masks if the data has them. */
function gather(student: DistilledStudent, k: number, d: DistillDataset, order: Int32Array, start: number, size: number) {
  const n = Math.min(size, d.size);
  const D = d.obsSize;
  const P = d.outputSize;
  const raw = new Float32Array(n * D);
  const targets = new Float32Array(n * P);
  const values = new Float32Array(n);
  const masks = d.masked ? new Float32Array(n * P) : null;
  for (let j = 0; j < n; j++) {
    const i = order[(start + j) % d.size]!;
    raw.set(d.obs.subarray(i * D, (i + 1) * D), j * D);
    targets.set(d.targets.subarray(i * P, (i + 1) * P), j * P);
    masks?.set(d.masks.subarray(i * P, (i + 1) * P), j * P);
    values[j] = d.values[i]!;
  }
  return { n, x: student.inputs(student.tasks[k]!, raw, n), targets, values, masks };
}

function heldOutAgreement(student: DistilledStudent, data: TaskData[], tolerance: number): number {
  let agree = 0;
  let total = 0;
  data.forEach((d, k) => {
    const n = d.heldOut.size;
    if (n === 0) return;
    const out = student.outputs(k, d.heldOut.obs.subarray(0, n * d.heldOut.obsSize), n);
    const space = student.tasks[k]!.actionSpace;
    const masks = d.heldOut.masked ? d.heldOut.masks : null;
    for (let i = 0; i < n; i++) if (agrees(space, out, d.heldOut.targets, i, tolerance, masks)) agree += 1;
    total += n;
  });
  return total === 0 ? 0 : agree / total;
}
