/**
 * The teacher as distillation sees it: raw observations in, policy outputs (logits or Gaussian
 * means) and values out, in batches. It wraps a PPO actor-critic, loaded from a checkpoint or
 * borrowed from a live trainer, with the observation normalisation it was trained with.
 */
import * as tf from '@tensorflow/tfjs';
import { RunningMeanStd, flatSize, normalizeInto, type BoxSpace, type Space } from '../env/index.js';
import { policyOutputCount, type PolicyFile } from '../policy/index.js';
import { modelFromFiles, readRunRecord, type CheckpointFiles } from '../train/checkpoint.js';
import { ActorCritic } from '../train/networks.js';
import type { PpoTrainer } from '../train/ppo.js';
import { buildPolicyFile, normalizationOf, type DenseWeights } from './export.js';

/** Why a teacher with a convolutional torso has no student-format file, and so no ONNX file either (ONNX export reads that format). */
export const CONV_TEACHER_NO_FILE = 'a teacher with a convolutional torso (network.conv) has no student-format file, and so no ONNX file (export reads that format); export one of its students';

export interface TeacherOutputs {
  /** [n * P]: logits (all branches end to end) or Gaussian means. */
  policy: Float32Array;
  /** [n] */
  value: Float32Array;
}

export class Teacher {
  readonly observationSpace: BoxSpace;
  readonly actionSpace: Space;
  readonly obsSize: number;
  /** P: policy outputs per observation. */
  readonly outputSize: number;
  /** Box actions: the teacher's log std per dimension. */
  readonly logStd: Float32Array | null;

  /**
   * @param net the actor-critic (not owned unless `owned`)
   * @param obsStats statistics the teacher normalises raw observations with, or null
   */
  constructor(readonly net: ActorCritic, observationSpace: BoxSpace, readonly obsStats: RunningMeanStd | null, private readonly owned: boolean, readonly name = 'teacher') {
    this.observationSpace = observationSpace;
    this.actionSpace = net.actionSpace;
    this.obsSize = flatSize(observationSpace);
    this.outputSize = policyOutputCount(net.actionSpace);
    this.logStd = net.logStd ? (net.logStd.dataSync() as Float32Array).slice() : null;
  }

  /** Policy outputs and values of `n` raw observations ([n * obsSize]). */
  predict(raw: Float32Array, n: number): TeacherOutputs {
    const x = new Float32Array(n * this.obsSize);
    if (this.obsStats) normalizeInto(this.obsStats, raw.subarray(0, n * this.obsSize), x);
    else x.set(raw.subarray(0, n * this.obsSize));
    return this.net.forward(x, n);
  }

  /** Parameters of the policy network (the actor): what a student replaces. */
  get parameterCount(): number {
    return this.net.actor.params.reduce((n, p) => n + p.size, 0);
  }

  /** Whether the actor is an MLP alone, which the student format (and so ONNX export) holds; a convolutional torso is not. */
  get hasPolicyFile(): boolean {
    return this.net.actor.torso === null;
  }

  /** The actor's layers in the tf kernel layout, to export the teacher in the student format. */
  actorLayers(): DenseWeights[] {
    if (!this.hasPolicyFile) throw new Error(`${this.name}: ${CONV_TEACHER_NO_FILE}`);
    const { params, sizes, activation } = this.net.actor.mlp;
    const layers: DenseWeights[] = [];
    for (let l = 0; l + 1 < sizes.length; l++) {
      layers.push({
        inputs: sizes[l]!,
        outputs: sizes[l + 1]!,
        kernel: (params[2 * l]!.dataSync() as Float32Array).slice(),
        bias: (params[2 * l + 1]!.dataSync() as Float32Array).slice(),
        activation: l + 2 === sizes.length ? 'linear' : activation,
      });
    }
    return layers;
  }

  /** The actor in the student file format (float32): what evaluation and ONNX export read. */
  policyFile(meta: Record<string, unknown> = { role: 'teacher' }): PolicyFile {
    return buildPolicyFile({
      observationSpace: this.observationSpace, actionSpace: this.actionSpace,
      observationNormalization: normalizationOf(this.obsStats),
      layers: this.actorLayers(), logStd: this.logStd, meta,
    });
  }

  dispose(): void {
    if (this.owned) this.net.dispose();
  }
}

/** Borrows a live trainer's network and statistics; disposing the teacher leaves the trainer whole. */
export function teacherFromTrainer(trainer: PpoTrainer, name = 'teacher'): Teacher {
  return new Teacher(trainer.net, trainer.env.observationSpace, trainer.obsStats, false, name);
}

/** Loads a teacher from checkpoint files (`model.json`, `weights.bin`, `run.json`). */
export async function loadTeacher(files: CheckpointFiles, name = 'teacher'): Promise<Teacher> {
  const record = readRunRecord(files);
  const model = await modelFromFiles(files);
  const net = new ActorCritic(flatSize(record.observationSpace), record.actionSpace, record.config.network, 0);
  try {
    net.loadLayersModel(model);
    if (net.logStd && record.logStd) tf.tidy(() => net.logStd!.assign(tf.tensor1d(record.logStd!)));
  } catch (e) {
    net.dispose();
    throw e;
  } finally {
    model.dispose();
  }
  let stats: RunningMeanStd | null = null;
  if (record.config.normalizeObservation && record.state.obsStats) {
    stats = new RunningMeanStd(flatSize(record.observationSpace));
    stats.setState(record.state.obsStats);
  }
  return new Teacher(net, record.observationSpace, stats, true, name);
}
