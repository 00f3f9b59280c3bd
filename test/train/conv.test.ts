/**
 * Convolutional teachers (network.conv): the torso's shapes and errors, its LayersModel (what
 * checkpoints hold) against its own forward, a checkpoint that resumes and loads as a teacher, a
 * teacher that learns a grid task on the tfjs engine, and its distillation into an MLP student
 * with an evaluation row of its own.
 */
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SyncVectorEnv, discrete, flatSize } from '../../src/env/index.js';
import {
  PpoTrainer, defaultDistillConfig, defaultPpoConfig, distill, evaluatePolicies, initBackend, loadTeacher, reportMarkdown, restoreCheckpoint, serializeCheckpoint,
  type PpoConfig, type PpoTrainer as Trainer, type Teacher,
} from '../../src/train/index.js';
import { ActorCritic, NetworkError, conv2dByParts, convShapes, type ConvTorsoConfig } from '../../src/train/networks.js';
import { BeaconEnv } from '../helpers/tiny-envs.js';
import { exportFileOnnx } from '../../src/cli/export-file.js';
import { trainTeacher } from '../helpers/teachers.js';

const conv: ConvTorsoConfig = { grid: { offset: 2, height: 7, width: 7, channels: 2 }, layers: [{ filters: 8, kernel: 3, stride: 1 }, { filters: 8, kernel: 3, stride: 2 }] };
const beacons = (n: number) => new SyncVectorEnv(Array.from({ length: n }, () => new BeaconEnv()));
const convConfig: Partial<PpoConfig> = {
  network: { ...defaultPpoConfig.network, actorHidden: [64], criticHidden: [64], activation: 'relu', conv },
  numEnvs: 8, numSteps: 64, learningRate: 1e-3, entCoef: 0.01, totalTimesteps: 60_000, seed: 5,
};

beforeAll(async () => {
  await initBackend('wasm');
});

describe('a convolutional torso', () => {
  it('gives each layer\'s shape and the MLP\'s input, and names what does not fit', () => {
    // 7x7x2 -> 3x3 stride 1: 5x5x8 -> 3x3 stride 2: 2x2x8 = 32 features, then the 3 numbers around the grid.
    expect(convShapes(conv, 101)).toEqual({ layers: [[5, 5, 8], [2, 2, 8]], features: 32, mlpInput: 35 });
    expect(() => convShapes(conv, 90)).toThrow(NetworkError);
    expect(() => convShapes(conv, 90)).toThrow(/network\.conv\.grid: 7 x 7 x 2 = 98 numbers from offset 2 reach past the observation's 90/);
    expect(() => convShapes({ ...conv, layers: [{ filters: 4, kernel: 9, stride: 1 }] }, 101)).toThrow(/network\.conv\.layers\[0\]: a 9 x 9 kernel does not fit its 7 x 7 input/);
    expect(() => convShapes({ ...conv, layers: [] }, 101)).toThrow(/at least one convolution/);
  });

  it('saves as a LayersModel that computes what its own forward does, grid cut from the middle of the observation', () => {
    const net = new ActorCritic(101, discrete(4), { ...defaultPpoConfig.network, actorHidden: [16], criticHidden: [16], conv }, 3);
    const env = new BeaconEnv();
    const obs = new Float32Array(5 * 101);
    for (let i = 0; i < 5; i++) obs.set(i === 0 ? env.reset(i).observation as Float32Array : env.step(i % 4).observation as Float32Array, i * 101);
    const own = net.forward(obs, 5);
    const model = net.toLayersModel();
    const [policy, value] = tf.tidy(() => (model.predict(tf.tensor2d(obs, [5, 101])) as tf.Tensor[]).map((t) => t.dataSync() as Float32Array));
    model.dispose();
    for (let k = 0; k < own.policy.length; k++) expect(policy![k]).toBeCloseTo(own.policy[k]!, 5);
    for (let k = 0; k < 5; k++) expect(value![k]).toBeCloseTo(own.value[k]!, 5);
    // The noise around the grid reaches the heads: changing it changes the outputs.
    const moved = obs.slice();
    moved[0] = -moved[0]!;
    moved[100] = -moved[100]!;
    expect(net.forward(moved, 5).value[0]).not.toBeCloseTo(own.value[0]!, 6);
    net.dispose();
  });

  it('differentiates on wasm as the cpu backend\'s own conv2d does, at stride 1 and 2 (within 1e-5 relative)', async () => {
    const x = Float32Array.from({ length: 3 * 9 * 9 * 2 }, (_, i) => Math.sin(i * 1.3));
    const k1 = Float32Array.from({ length: 3 * 3 * 2 * 6 }, (_, i) => Math.cos(i * 0.7));
    const k2 = Float32Array.from({ length: 3 * 3 * 6 * 5 }, (_, i) => Math.sin(i * 0.3));
    // Two layers, the second at stride 2, and a weighting so every output counts differently.
    const grads = (conv: (x: tf.Tensor4D, k: tf.Tensor4D, s: number) => tf.Tensor4D) => tf.tidy(() => {
      const f = tf.grads((a, b, c) => {
        const h = tf.relu(conv(a as tf.Tensor4D, b as tf.Tensor4D, 1));
        const y = conv(h as tf.Tensor4D, c as tf.Tensor4D, 2);
        return tf.sum(tf.mul(y, tf.sin(tf.range(0, y.size).reshape(y.shape))));
      });
      return f([tf.tensor4d(x, [3, 9, 9, 2]), tf.tensor4d(k1, [3, 3, 2, 6]), tf.tensor4d(k2, [3, 3, 6, 5])]).map((g) => g.dataSync() as Float32Array);
    });
    await initBackend('cpu');
    const truth = grads((a, k, s) => tf.conv2d(a, k, s, 'valid'));
    await initBackend('wasm');
    const ours = grads(conv2dByParts);
    truth.forEach((t, i) => {
      const scale = Math.max(...Array.from(t, Math.abs));
      let worst = 0;
      t.forEach((v, j) => (worst = Math.max(worst, Math.abs(v - ours[i]![j]!))));
      expect(worst / scale, `gradient ${i}`).toBeLessThan(1e-5);
    });
  });

  it('refuses the fused engine, which runs MLPs only', () => {
    expect(() => new PpoTrainer(beacons(8), { ...defaultPpoConfig, ...convConfig, engine: 'fused' })).toThrow(/engine: 'fused' runs MLPs only/);
  });
});

describe('a convolutional teacher', () => {
  // One run serves every test here: PPO until 40 episodes in a row average 8 of 10 (random: about 2.5).
  let run: { trainer: Trainer; teacher: Teacher; best: number };
  beforeAll(async () => {
    run = await trainTeacher(beacons(8), convConfig, 40, 8);
  }, 300_000);
  afterAll(() => run.trainer.dispose());

  it('learns on the tfjs engine, and its checkpoint resumes and loads as a teacher with the same outputs', async () => {
    expect(run.trainer.learner.engine).toBe('tfjs');
    expect(run.best).toBeGreaterThanOrEqual(8);
    const files = await serializeCheckpoint(run.trainer);
    const resumed = new PpoTrainer(beacons(8), { ...defaultPpoConfig, ...convConfig });
    await restoreCheckpoint(resumed, files);
    const teacher = await loadTeacher(files);
    const obs = beacons(8).reset(11);
    const a = run.trainer.net.forward(obs, 8);
    for (const other of [resumed.net.forward(obs, 8), teacher.predict(obs, 8)]) {
      for (let k = 0; k < a.policy.length; k++) expect(other.policy[k]).toBeCloseTo(a.policy[k]!, 5);
    }
    expect(resumed.globalStep).toBe(run.trainer.globalStep);
    expect(teacher.hasPolicyFile).toBe(false);
    expect(() => teacher.policyFile()).toThrow(/convolutional torso .* has no student-format file/);
    resumed.dispose();
    teacher.dispose();
    // ONNX export of such a teacher folder says why there is none, and writes nothing.
    const dir = mkdtempSync(join(tmpdir(), 'pd-conv-'));
    try {
      for (const name of ['model.json', 'weights.bin', 'run.json']) writeFileSync(join(dir, name), files[name]!);
      await expect(exportFileOnnx(dir, 'mlagents', join(dir, 'teacher.onnx'), () => undefined)).rejects.toThrow(/convolutional torso .* export one of its students/);
      expect(existsSync(join(dir, 'teacher.onnx'))).toBe(false);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('distils into an MLP student that keeps >= 90% of its return; the teacher\'s row has its own parameters and no plain-runtime time', async () => {
    const student = await distill({ name: 'beacon', env: beacons(8), teacher: run.teacher }, { ...defaultDistillConfig, hidden: [32], rounds: 4, stepsPerRound: 500, epochsPerRound: 20 });
    const report = await evaluatePolicies('beacon', beacons(8), run.teacher, [{ name: 's32', file: student.toPolicyFile(0, 'float32') }], { episodes: 40, seed: 90_001, latencyMs: 20 });
    student.dispose();
    expect(report.teacher.returnMean).toBeGreaterThanOrEqual(7.5);
    expect(report.teacher.parameters).toBe(run.teacher.parameterCount);
    // The actor's torso (3*3*2*8 + 8 + 3*3*8*8 + 8) and MLP (35*64 + 64 + 64*4 + 4).
    expect(run.teacher.parameterCount).toBe(152 + 584 + 2304 + 260);
    expect(report.teacher.runtimeUs).toBeNaN();
    expect(report.teacher.tfjsUs).toBeGreaterThan(0);
    const s = report.students[0]!;
    expect(s.parameters).toBe(flatSize(new BeaconEnv().observationSpace) * 32 + 32 + 32 * 4 + 4);
    expect(s.returnRatio).toBeGreaterThanOrEqual(0.9);
    const markdown = reportMarkdown(report);
    expect(markdown).toMatch(/\n\| teacher \| 64 \| float32 \| 3300 \| 1\.0x \| 13200 \|.*\| - \| [\d.]+ \| - \|\n/);
    expect(markdown).toMatch(/convolutional torso, which the student format does not hold/);
  }, 300_000);
});
