/**
 * The two learning engines as a run sees them: what `auto` picks, a checkpoint written by one
 * engine resuming on the other (weights and Adam's state carried exactly, the run going on as
 * the same checkpoint resumed on the writer's engine does, to float32 rounding), and determinism on the fused engine.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { SyncVectorEnv } from '../../src/env/index.js';
import { PpoTrainer, chooseEngine, defaultPpoConfig, initBackend, restoreCheckpoint, serializeCheckpoint, type PpoConfig, type PpoMetrics } from '../../src/train/index.js';
import { BalanceEnv } from '../../games/balance/balance.js';
import { MatchEnv } from '../helpers/tiny-envs.js';

beforeAll(async () => {
  await initBackend('wasm');
});

const config: PpoConfig = { ...defaultPpoConfig, numEnvs: 4, numSteps: 32, totalTimesteps: 4 * 32 * 6, normalizeObservation: true, normalizeReward: true };
const balance = (c: PpoConfig) => new PpoTrainer(new SyncVectorEnv(Array.from({ length: c.numEnvs }, () => new BalanceEnv())), c);
const without = ({ 'charts/SPS': _wallClock, ...rest }: PpoMetrics) => rest;

describe('engines', () => {
  it("'auto' picks fused for small networks on a CPU backend, tfjs for wide ones; an explicit engine is kept", () => {
    expect(chooseEngine('auto', defaultPpoConfig.network)).toBe('fused');
    expect(chooseEngine('auto', { actorHidden: [64, 2048], criticHidden: [64] })).toBe('tfjs');
    expect(chooseEngine('auto', { actorHidden: [1024], criticHidden: [64] })).toBe('fused');
    expect(chooseEngine('tfjs', defaultPpoConfig.network)).toBe('tfjs');
    expect(chooseEngine('fused', { actorHidden: [4096], criticHidden: [4096] })).toBe('fused');
    const t = balance({ ...config, engine: 'auto' });
    expect(t.learner.engine).toBe('fused');
    t.dispose();
  });

  for (const [from, to] of [['fused', 'tfjs'], ['tfjs', 'fused']] as const) {
    it(`resume a ${from} checkpoint on the ${to} engine: same weights and Adam state, and the run goes on as it would have`, async () => {
      const writer = balance({ ...config, engine: from });
      for (let i = 0; i < 3; i++) writer.iterate();
      const files = await serializeCheckpoint(writer);
      const reader = balance({ ...config, engine: to, seed: 99 });
      await restoreCheckpoint(reader, files);
      expect(reader.learner.engine).toBe(to);
      expect(reader.learner.getWeights().map((w) => Array.from(w))).toEqual(writer.learner.getWeights().map((w) => Array.from(w)));
      const adamOf = async (t: PpoTrainer) => (await t.learner.optimizerWeights()).map((w) => [w.name.replace(/^.*\//, ''), Array.from(w.data)]);
      const saved = await adamOf(writer);
      expect(saved.length).toBe(1 + 2 * writer.net.params.length);
      expect(await adamOf(reader)).toEqual(saved);
      expect(reader.getState()).toEqual(writer.getState());

      // A resume restarts the envs: the same checkpoint resumed on the writer's engine is the run
      // to match. Same steps, schedule and episodes; losses equal to float32 rounding.
      const same = balance({ ...config, engine: from, seed: 98 });
      await restoreCheckpoint(same, files);
      for (let i = 0; i < 2; i++) {
        const a = without(same.iterate().metrics);
        const b = without(reader.iterate().metrics);
        expect(b.global_step).toBe(a.global_step);
        expect(b['charts/learning_rate']).toBe(a['charts/learning_rate']);
        expect(b['charts/episodic_return']).toBe(a['charts/episodic_return']);
        for (const key of ['losses/value_loss', 'losses/policy_loss', 'losses/entropy', 'losses/approx_kl'] as const) {
          expect(Math.abs(b[key] - a[key]), key).toBeLessThan(1e-3 * Math.max(1e-3, Math.abs(a[key])));
        }
      }
      same.dispose();
      writer.dispose();
      reader.dispose();
    });
  }

  it('gives identical metrics for the same seed on the fused engine, and different ones for another seed', () => {
    const run = (seed: number) => {
      const t = new PpoTrainer(new SyncVectorEnv([new MatchEnv(), new MatchEnv()]), { ...config, numEnvs: 2, engine: 'fused', seed });
      const out = [];
      while (!t.done) out.push(without(t.iterate().metrics));
      t.dispose();
      return out;
    };
    const a = run(5);
    expect(a.length).toBe(12);
    expect(run(5)).toEqual(a);
    expect(run(6)).not.toEqual(a);
  });
});
