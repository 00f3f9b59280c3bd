import * as tf from '@tensorflow/tfjs';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SyncVectorEnv } from '../../src/env/index.js';
import {
  PpoTrainer, defaultPpoConfig, initBackend, loadCheckpointDir, modelFromFiles, restoreCheckpoint, saveCheckpointDir, serializeCheckpoint,
  type PpoConfig, type PpoMetrics,
} from '../../src/train/index.js';
import { BalanceEnv } from '../../games/balance/balance.js';
import { MatchEnv } from '../helpers/tiny-envs.js';

const dir = mkdtempSync(join(tmpdir(), 'pd-ckpt-'));
beforeAll(async () => {
  await initBackend('wasm');
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const config: PpoConfig = { ...defaultPpoConfig, numEnvs: 4, numSteps: 32, totalTimesteps: 4 * 32 * 6, normalizeObservation: true, normalizeReward: true };
const balance = (c: PpoConfig) => new PpoTrainer(new SyncVectorEnv(Array.from({ length: c.numEnvs }, () => new BalanceEnv())), c);
const values = (ts: tf.Tensor[]) => ts.map((t) => Array.from(t.dataSync()));

describe('checkpoints', () => {
  it('round-trip the model, optimizer, counters, generator and statistics exactly through files', async () => {
    const a = balance(config);
    a.iterate();
    a.iterate();
    const path = await saveCheckpointDir(join(dir, 'rt'), await serializeCheckpoint(a), a.globalStep);
    expect(readdirSync(path).sort()).toEqual(['checksums.json', 'model.json', 'optimizer.bin', 'run.json', 'weights.bin']);
    expect(JSON.parse(readFileSync(join(path, 'model.json'), 'utf8')).format).toBe('layers-model');

    const b = balance({ ...config, seed: 99 }); // different initial weights and generator
    await restoreCheckpoint(b, (await loadCheckpointDir(join(dir, 'rt')))!);
    expect(values(b.net.params)).toEqual(values(a.net.params));
    expect((await b.learner.optimizerWeights()).map((w) => Array.from(w.data))).toEqual((await a.learner.optimizerWeights()).map((w) => Array.from(w.data)));
    expect(b.getState()).toEqual(a.getState());
    a.dispose();
    b.dispose();
  });

  it('keep a Gaussian policy log std and load as a LayersModel with policy and value heads', async () => {
    const c = { ...config, numEnvs: 2 };
    const a = new PpoTrainer(new SyncVectorEnv([new MatchEnv(), new MatchEnv()]), c);
    a.iterate();
    a.net.logStd!.assign(tf.tensor1d([-0.7]));
    const files = await serializeCheckpoint(a);
    const b = new PpoTrainer(new SyncVectorEnv([new MatchEnv(), new MatchEnv()]), c);
    await restoreCheckpoint(b, files);
    expect(Array.from(b.net.logStd!.dataSync())).toEqual([Math.fround(-0.7)]);
    const model = await modelFromFiles(files);
    expect(model.outputNames).toEqual(['policy', 'value']);
    const x = tf.tensor2d([[0.3]]);
    const [policy] = model.predict(x) as tf.Tensor[];
    // Same weights; the Layers API may fuse the bias add, so compare to float32 precision.
    expect(policy!.dataSync()[0]).toBeCloseTo(a.net.actor.apply(x).dataSync()[0]!, 6);
    model.dispose();
    a.dispose();
    b.dispose();
  });

  it('let a resumed run continue the same run: step counter, iteration and schedule go on', async () => {
    const full = balance(config);
    const fullMetrics: PpoMetrics[] = [];
    for (let i = 0; i < 3; i++) fullMetrics.push(full.iterate().metrics);
    await saveCheckpointDir(join(dir, 'resume'), await serializeCheckpoint(full), full.globalStep);
    const weightsAtSave = values(full.net.params);
    for (let i = 0; i < 3; i++) fullMetrics.push(full.iterate().metrics);

    const resumed = balance(config);
    await restoreCheckpoint(resumed, (await loadCheckpointDir(join(dir, 'resume')))!);
    expect(values(resumed.net.params)).toEqual(weightsAtSave);
    const resumedMetrics: PpoMetrics[] = [];
    await resumed.train((r) => void resumedMetrics.push(r.metrics));
    expect(resumedMetrics.map((m) => m.iteration)).toEqual([4, 5, 6]);
    expect(resumedMetrics.map((m) => m.global_step)).toEqual(fullMetrics.slice(3).map((m) => m.global_step));
    expect(resumedMetrics.map((m) => m['charts/learning_rate'])).toEqual(fullMetrics.slice(3).map((m) => m['charts/learning_rate']));
    expect(values(resumed.net.params)).not.toEqual(weightsAtSave);
    full.dispose();
    resumed.dispose();
  });

  it('replace the latest checkpoint atomically, keep only the newest few, and clear what a killed write left', async () => {
    const a = balance(config);
    const files = await serializeCheckpoint(a);
    // What a write killed halfway leaves: a temporary folder, cleaned up by the next write.
    mkdirSync(join(dir, 'keep', '.step-000000009.tmp-99999'), { recursive: true });
    for (const step of [1, 2, 3, 4]) await saveCheckpointDir(join(dir, 'keep'), files, step, 2);
    const entries = readdirSync(join(dir, 'keep')).sort();
    expect(entries).toEqual(['latest', 'step-000000003', 'step-000000004']);
    expect(readFileSync(join(dir, 'keep', 'latest'), 'utf8')).toBe('step-000000004');
    expect(await loadCheckpointDir(join(dir, 'nothing-here'))).toBeNull();
    a.dispose();
  });
});

describe('tensor hygiene', () => {
  it('leaves no tensor behind when saving and restoring checkpoints', async () => {
    const t = balance(config);
    t.iterate();
    const files = await serializeCheckpoint(t);
    await restoreCheckpoint(t, files);
    const before = tf.memory().numTensors;
    for (let i = 0; i < 3; i++) await restoreCheckpoint(t, await serializeCheckpoint(t));
    expect(tf.memory().numTensors).toBe(before);
    t.iterate();
    t.dispose();
  });

  it('keeps the tensor count flat across many updates', () => {
    const t = balance({ ...config, totalTimesteps: 1e6 });
    t.iterate();
    t.iterate();
    const before = tf.memory().numTensors;
    for (let i = 0; i < 10; i++) t.iterate();
    expect(tf.memory().numTensors).toBe(before);
    t.dispose();
  });
});
