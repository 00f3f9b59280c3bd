/**
 * The pages' TeacherDriver on real (untrained) PPO networks: for a box action the greedy action is
 * the mean clipped to the box, one by one and in a batch, and the overlay sees the raw means; for a
 * discrete action it stays the best choice.
 */
import * as tf from '@tensorflow/tfjs';
import { SyncVectorEnv } from 'phaser-distill';
import { PpoTrainer, defaultPpoConfig, initBackend, teacherFromTrainer } from 'phaser-distill/train';
import { beforeAll, describe, expect, it } from 'vitest';
import { BalanceEnv } from '../../../games/balance/balance.js';
import { LanderEnv } from '../../../games/lander/lander.js';
import { TeacherDriver } from '../../../games/shared/teacher-driver.js';

beforeAll(async () => {
  await initBackend('wasm');
});

const trainerOf = (make: () => BalanceEnv | LanderEnv) => new PpoTrainer(new SyncVectorEnv([make(), make()]), { ...defaultPpoConfig, numEnvs: 2 });

describe('TeacherDriver', () => {
  it('plays a box teacher greedily: the mean clipped to the box', () => {
    const trainer = trainerOf(() => new LanderEnv());
    try {
      // Push the first mean far past the box's high side; leave the second inside.
      const bias = trainer.net.actor.params[trainer.net.actor.params.length - 1]!;
      bias.assign(tf.tensor1d([3, -0.2]));
      const teacher = teacherFromTrainer(trainer);
      const driver = new TeacherDriver(teacher);
      expect(driver.branches).toEqual([]);
      const env = new LanderEnv();
      const observations = [0, 1, 2].map((seed) => env.reset(seed).observation);
      const rows = new Float32Array(observations.flatMap((o) => Array.from(o)));
      const means = teacher.predict(rows, 3).policy;
      const batch = driver.actBatch(rows, 3);
      expect(batch).toBeInstanceOf(Float32Array);
      observations.forEach((o, i) => {
        const [m0, m1] = [means[2 * i]!, means[2 * i + 1]!];
        expect(m0).toBeGreaterThan(1);
        const act = driver.act(o) as Float32Array;
        expect(Array.from(act)).toEqual([1, m1]);
        expect(Array.from(batch.subarray(2 * i, 2 * i + 2))).toEqual([1, m1]);
        // The overlay explains with the raw means (it clips them to draw).
        expect(Array.from(driver.probabilities(o))).toEqual([m0, m1]);
      });
      const s = driver.saliency(observations[0]!);
      expect(s).toHaveLength(8);
      expect(s.reduce((a, b) => a + b, 0)).toBeCloseTo(1, 5);
    } finally {
      trainer.dispose();
    }
  });

  it('still plays a discrete teacher by its best choice', () => {
    const trainer = trainerOf(() => new BalanceEnv());
    try {
      const teacher = teacherFromTrainer(trainer);
      const driver = new TeacherDriver(teacher);
      const o = new BalanceEnv().reset(1).observation;
      const z = teacher.predict(o, 1).policy;
      expect(driver.act(o)).toBe(z[1]! > z[0]! ? 1 : 0);
      const p = driver.probabilities(o);
      expect(p[0]! + p[1]!).toBeCloseTo(1, 6);
      expect(driver.actBatch(o, 1)).toBeInstanceOf(Int32Array);
    } finally {
      trainer.dispose();
    }
  });
});
