import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { Rng, SyncVectorEnv } from '../../src/env/index.js';
import { PpoTrainer, defaultPpoConfig, initBackend, loadTeacher, serializeCheckpoint, teacherFromTrainer } from '../../src/train/index.js';
import { BalanceEnv } from '../../games/balance/balance.js';

beforeAll(async () => {
  await initBackend('wasm');
});

describe('teachers', () => {
  it('load from checkpoint files with their observation statistics and give the trainer\'s outputs', async () => {
    const config = { ...defaultPpoConfig, numEnvs: 4, numSteps: 32, totalTimesteps: 4 * 32 * 3, normalizeObservation: true, network: { ...defaultPpoConfig.network, actorHidden: [32, 16], criticHidden: [8] } };
    const trainer = new PpoTrainer(new SyncVectorEnv(Array.from({ length: 4 }, () => new BalanceEnv())), config);
    await trainer.train();
    const files = await serializeCheckpoint(trainer);
    const before = tf.memory().numTensors;
    const loaded = await loadTeacher(files, 'from disk');
    const live = teacherFromTrainer(trainer);
    expect(loaded.obsStats).not.toBeNull();
    expect(loaded.parameterCount).toBe(4 * 32 + 32 + 32 * 16 + 16 + 16 * 2 + 2);
    const rng = new Rng(1);
    const obs = Float32Array.from({ length: 4 * 20 }, () => rng.normal());
    const a = loaded.predict(obs, 20);
    const b = live.predict(obs, 20);
    expect(Array.from(a.policy)).toEqual(Array.from(b.policy));
    expect(Array.from(a.value)).toEqual(Array.from(b.value));
    // The exported actor layers are the actor: same sizes, tanh hidden, linear output.
    expect(loaded.actorLayers().map((l) => [l.inputs, l.outputs, l.activation])).toEqual([[4, 32, 'tanh'], [32, 16, 'tanh'], [16, 2, 'linear']]);
    loaded.dispose();
    live.dispose(); // borrowed: leaves the trainer's network alone
    expect(tf.memory().numTensors).toBe(before);
    expect(() => trainer.net.actor.params[0]!.dataSync()).not.toThrow();
    trainer.dispose();
  });
});
