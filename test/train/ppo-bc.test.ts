/**
 * Behaviour cloning beside PPO: the strength's linear annealing, exactly, in the function and in
 * the trainer's metrics; a learning test (PPO + BC from an expert's demo reaches the target on
 * TrapEnv at least as soon as PPO alone, same seed); BC pre-training; the run config's keys.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { SyncVectorEnv } from '../../src/env/index.js';
import { PpoTrainer, bcStrengthAt, defaultPpoConfig, initBackend, type BcConfig, type PpoConfig } from '../../src/train/index.js';
import { parseRunConfig } from '../../src/config/run-config.js';
import { ConfigError } from '../../src/config/errors.js';
import { TrapEnv } from '../helpers/tiny-envs.js';
import { demoOf } from '../helpers/demos.js';

beforeAll(async () => {
  await initBackend('wasm');
});

/** TrapEnv's expert: the target when there is one, else the first choice that is not the trap. */
const trapExpert = (o: Float32Array) => {
  const target = [0, 1, 2, 3].find((a) => o[a] === 1);
  return target ?? [0, 1, 2, 3].find((a) => o[4 + a] !== 1)!;
};
const bc: BcConfig = { demos: 'trap.demo', strength: 1, steps: 0, batchSize: 128, pretrainEpochs: 0 };

/** Trains on 8 TrapEnvs until the mean of the last 40 episodes reaches `target`; the step it did (Infinity if never). */
async function trapRun(config: Partial<PpoConfig>, steps: number, target: number): Promise<number> {
  const demo = demoOf(new TrapEnv(false), trapExpert, 20, 500);
  const trainer = new PpoTrainer(new SyncVectorEnv(Array.from({ length: 8 }, () => new TrapEnv(false))), { ...defaultPpoConfig, totalTimesteps: steps, learningRate: 3e-3, entCoef: 0.01, seed: 7, ...config }, { demo });
  const returns: number[] = [];
  let reachedAt = Infinity;
  await trainer.train(({ episodes }) => {
    for (const e of episodes) {
      returns.push(e.return);
      if (returns.length >= 40 && reachedAt === Infinity && returns.slice(-40).reduce((a, b) => a + b, 0) / 40 >= target) reachedAt = e.step;
    }
    return reachedAt === Infinity;
  });
  trainer.dispose();
  return reachedAt;
}

describe('BC beside PPO', () => {
  it('anneals the strength linearly to 0 over steps, exactly; steps 0 keeps it', () => {
    const s = { strength: 0.5, steps: 1000 };
    expect([0, 250, 500, 999, 1000, 5000].map((t) => bcStrengthAt(s, t))).toEqual([0.5, 0.375, 0.25, 0.5 * (1 - 999 / 1000), 0, 0]);
    expect(bcStrengthAt({ strength: 2, steps: 0 }, 1e9)).toBe(2);
  });

  it("the trainer weighs each iteration's BC loss by the strength at the steps before its rollout", async () => {
    const demo = demoOf(new TrapEnv(false), trapExpert, 5, 1);
    const config: PpoConfig = { ...defaultPpoConfig, numEnvs: 2, numSteps: 16, totalTimesteps: 2 * 16 * 4, bc: { ...bc, strength: 0.8, steps: 64 } };
    const trainer = new PpoTrainer(new SyncVectorEnv([new TrapEnv(false), new TrapEnv(false)]), config, { demo });
    const strengths: number[] = [];
    const losses: number[] = [];
    await trainer.train(({ metrics }) => void (strengths.push(metrics['charts/bc_strength']), losses.push(metrics['losses/bc_loss'])));
    trainer.dispose();
    expect(strengths).toEqual([0.8, 0.8 * (1 - 32 / 64), 0, 0]);
    expect(losses[0]).toBeGreaterThan(0);
    // Past the annealing no BC minibatch is drawn.
    expect(losses.slice(2)).toEqual([0, 0]);
  });

  it('refuses bc without a demo, and a demo of other spaces', () => {
    const env = () => new SyncVectorEnv([new TrapEnv(false)]);
    const config: PpoConfig = { ...defaultPpoConfig, numEnvs: 1, bc };
    expect(() => new PpoTrainer(env(), config)).toThrow(/config\.bc is set \(demos 'trap\.demo'\) but no demo was given/);
    const other = demoOf(new TrapEnv(false), trapExpert, 1, 1);
    expect(() => new PpoTrainer(env(), config, { demo: { ...other, observationSpace: { ...other.observationSpace, shape: [9], low: Array(9).fill(0), high: Array(9).fill(1) } } })).toThrow(/bc\.demos 'trap\.demo'.*observation shape \[9\]/);
  });

  it('learns at least as fast with a BC loss from an expert demo as without, same seed', async () => {
    const steps = 8 * 64 * 30;
    const without = await trapRun({}, steps, 9);
    const withBc = await trapRun({ bc: { ...bc, strength: 1, steps: 8000 } }, steps, 9);
    const pretrained = await trapRun({ bc: { ...bc, strength: 0.5, steps: 4000, pretrainEpochs: 20 } }, steps, 9);
    console.log(`TrapEnv (best about 10), mean of 40 episodes reaches 9: PPO at ${without} steps, PPO + BC at ${withBc}, BC pre-training + PPO + BC at ${pretrained}`);
    expect(withBc).toBeLessThan(steps);
    expect(withBc).toBeLessThanOrEqual(without);
    expect(pretrained).toBeLessThanOrEqual(without);
  });

  it("the run config's bc keys are parsed strictly, a mistyped one named", () => {
    const parse = (b: unknown) => parseRunConfig({ game: 'g', env: 'games/balance/env.ts', train: { ppo: { bc: b } } }, 'test.yaml', process.cwd());
    const problems = (b: unknown) => {
      try {
        parse(b);
        return '';
      } catch (e) {
        expect(e).toBeInstanceOf(ConfigError);
        return (e as Error).message;
      }
    };
    expect(problems({ demos: 'runs', strenght: 1 })).toMatch(/config\.train\.ppo\.bc\.strenght: unknown key/);
    expect(problems({ demos: 'runs', steps: -1 })).toMatch(/config\.train\.ppo\.bc\.steps/);
    expect(problems({ strength: 1 })).toMatch(/config\.train\.ppo\.bc\.demos/);
    expect(problems({ demos: 'no/such.demo' })).toMatch(/config\.train\.ppo\.bc\.demos: no such file or folder/);
    expect(parse({ demos: 'games' }).train.ppo.bc).toEqual({ demos: 'games', strength: 1, steps: 0, batchSize: 256, pretrainEpochs: 0 });
    expect(parse(null).train.ppo.bc).toBeNull();
  });
});
