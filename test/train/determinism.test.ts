import { beforeAll, describe, expect, it } from 'vitest';
import { SyncVectorEnv } from '../../src/env/index.js';
import { PpoTrainer, defaultPpoConfig, initBackend, type PpoMetrics } from '../../src/train/index.js';
import { BalanceEnv } from '../../games/balance/balance.js';

beforeAll(async () => {
  expect(await initBackend('cpu')).toBe('cpu');
});

function run(seed: number): Omit<PpoMetrics, 'charts/SPS'>[] {
  const config = { ...defaultPpoConfig, numEnvs: 4, numSteps: 32, totalTimesteps: 4 * 32 * 4, seed, engine: 'tfjs' as const };
  const t = new PpoTrainer(new SyncVectorEnv(Array.from({ length: 4 }, () => new BalanceEnv())), config);
  const out: Omit<PpoMetrics, 'charts/SPS'>[] = [];
  while (!t.done) {
    const { 'charts/SPS': _wallClock, ...rest } = t.iterate().metrics;
    out.push(rest);
  }
  t.dispose();
  return out;
}

describe('determinism', () => {
  it('gives identical metrics for the same seed on the cpu backend (tfjs engine; engines.test.ts has the fused one), and different ones for another seed', () => {
    const a = run(11);
    expect(run(11)).toEqual(a);
    expect(run(12)).not.toEqual(a);
  });
});
