/**
 * Behaviour cloning from demonstrations on tiny envs, discrete and continuous, as ML-Agents'
 * check_environment_trains: an expert's episodes written as a demo file and read back, a student
 * cloned from them, and the student's policy file (played by the plain runtime) reaching a return
 * threshold on fresh seeds.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs';
import { SyncVectorEnv, flatSize } from '../../src/env/index.js';
import { defaultImitationConfig, evaluateImitation, imitate, initBackend, validateImitationConfig } from '../../src/train/index.js';
import { StudentPolicy } from '../../src/policy/index.js';
import { MatchEnv, SignEnv } from '../helpers/tiny-envs.js';
import { demoOf } from '../helpers/demos.js';

beforeAll(async () => {
  await initBackend('wasm');
});

const cases = [
  { name: 'discrete (SignEnv: best 10, random 5)', make: () => new SignEnv(), expert: (o: Float32Array) => (o[0]! > 0 ? 1 : 0), threshold: 9.5 },
  { name: 'box (MatchEnv: best 0, random about -5)', make: () => new MatchEnv(), expert: (o: Float32Array) => Float32Array.of(o[0]!), threshold: -0.1 },
];

describe('behaviour cloning from a demo', () => {
  for (const c of cases) {
    it(`${c.name}: a student cloned from 20 expert episodes plays near the expert as a policy file, float32 and int8`, async () => {
      const before = tf.memory().numTensors;
      const demo = demoOf(c.make(), c.expert, 20, 100);
      const student = await imitate(demo, { ...defaultImitationConfig, hidden: [16], epochs: 150 });
      expect(student.keptAccuracy).toBeGreaterThan(0.9);
      const files = (['float32', 'int8'] as const).map((dtype) => ({ name: dtype, file: student.toPolicyFile(dtype) }));
      student.dispose();
      expect(tf.memory().numTensors).toBe(before);
      // The file plays on the runtime alone.
      const policy = new StudentPolicy(files[0]!.file);
      expect(policy.file.observationNormalization).not.toBeNull();
      const env = new SyncVectorEnv([c.make(), c.make()]);
      const report = await evaluateImitation('tiny', env, demo, files, { episodes: 40, seed: 9_000, expert: c.expert });
      for (const s of report.students) expect(s.returnMean).toBeGreaterThanOrEqual(c.threshold);
      expect(report.students[0]!.expertReturnRatio).not.toBeNull();
      expect(report.demoEpisodes).toBe(20);
      expect(flatSize(env.actionSpace)).toBeGreaterThan(0);
    });
  }

  it('stops early on held-out accuracy and keeps the best epoch', async () => {
    const demo = demoOf(new SignEnv(), (o) => (o[0]! > 0 ? 1 : 0), 10, 5);
    const student = await imitate(demo, { ...defaultImitationConfig, hidden: [8], epochs: 500, patience: 3 });
    const h = student.history;
    expect(h.length).toBeLessThan(500);
    const best = Math.max(...h.map((m) => m['fidelity/held_out_accuracy']));
    expect(student.keptAccuracy).toBe(best);
    // Stopped exactly patience + 1 epochs after the last improvement.
    const lastBest = h.findIndex((m) => m['fidelity/held_out_accuracy'] === best);
    expect(h.length - 1 - lastBest).toBe(4);
    student.dispose();
  });

  it('names the field out of range', () => {
    expect(() => validateImitationConfig({ ...defaultImitationConfig, heldOutFraction: 1 })).toThrow(/imitation config: heldOutFraction: expected a number in \(0, 1\), got 1/);
    expect(() => validateImitationConfig({ ...defaultImitationConfig, hidden: [0] })).toThrow(/hidden/);
  });
});
