import { beforeAll, describe, expect, it } from 'vitest';
import type { Env } from '../../src/env/index.js';
import { defaultPpoConfig, initBackend, type PpoConfig } from '../../src/train/index.js';
import { trainTeacher } from '../helpers/teachers.js';
import { BalanceEnv } from '../../games/balance/balance.js';
import { MatchEnv, SignEnv } from '../helpers/tiny-envs.js';

beforeAll(async () => {
  await initBackend('wasm');
});

/**
 * Trains until the budget is spent or the mean return of the last `window` episodes reaches
 * `target`; returns the best such mean seen.
 */
async function bestRollingReturn(make: () => Env, overrides: Partial<PpoConfig>, window: number, target: number): Promise<number> {
  const { trainer, best } = await trainTeacher(make, overrides, window, target);
  trainer.dispose();
  return best;
}

describe('PPO learns', () => {
  it('a tiny discrete env (random 5, best 10)', async () => {
    const score = await bestRollingReturn(() => new SignEnv(), { totalTimesteps: 8 * 64 * 15, learningRate: 3e-3 }, 40, 9.5);
    expect(score).toBeGreaterThanOrEqual(9.5);
  });

  it('a tiny continuous env (random about -10.7, best 0)', async () => {
    const network = { ...defaultPpoConfig.network, initLogStd: -0.5 };
    const score = await bestRollingReturn(() => new MatchEnv(), { totalTimesteps: 8 * 64 * 80, learningRate: 3e-3, gamma: 0.9, network }, 40, -1);
    expect(score).toBeGreaterThanOrEqual(-1);
  });

  it('Balance (CartPole-v1) to a mean of 475 over 10 episodes within 100k steps', async () => {
    const score = await bestRollingReturn(() => new BalanceEnv(), { totalTimesteps: 100_000, seed: 3 }, 10, 475);
    expect(score).toBeGreaterThanOrEqual(475);
  });
});
