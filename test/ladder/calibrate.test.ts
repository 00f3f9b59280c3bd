import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { playLevel, runCalibrate, strengthOf, strictlyOrdered } from '../../src/ladder/calibrate.js';
import { SyncVectorEnv, box, discrete, type Env } from '../../src/env/index.js';
import { LevelPolicy } from '../../src/policy/difficulty.js';
import { loadStudentPolicy } from '../../src/policy/index.js';
import { buildPolicyFile } from '../../src/distill/export.js';
import { decodeLadderFile } from '../../src/policy/difficulty.js';

const dir = mkdtempSync(join(tmpdir(), 'pd-cal-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** A hand-set linear Balance controller: push towards the side the pole falls to. */
function balanceController(): unknown {
  return buildPolicyFile({
    observationSpace: box([4], -1e6, 1e6),
    actionSpace: discrete(2),
    observationNormalization: null,
    // Kernel [inputs, outputs]: logit 1 (push right) grows with x, x', theta and theta'; logit 0 stays 0.
    layers: [{ inputs: 4, outputs: 2, kernel: Float32Array.of(0, 0.1, 0, 0.5, 0, 10, 0, 2), bias: new Float32Array(2), activation: 'linear' }],
    logStd: null,
  });
}

describe('calibrate', () => {
  it('computes Wilson intervals for point rates and normal ones for returns', () => {
    const rate = strengthOf({ returns: [0], won: 80, lost: 20 }, 'point_win_rate');
    expect(rate.mean).toBe(0.8);
    expect(rate.low).toBeCloseTo(0.711, 2);
    expect(rate.high).toBeCloseTo(0.867, 2);
    const ret = strengthOf({ returns: [1, 2, 3, 4], won: 0, lost: 0 }, 'episode_return');
    expect(ret.mean).toBe(2.5);
    expect(ret.high - ret.mean).toBeCloseTo((1.96 * Math.sqrt(5 / 3)) / 2, 6);
    expect(strictlyOrdered([{ mean: 1, low: 0, high: 2, episodes: 1 }, { mean: 3, low: 2.5, high: 4, episodes: 1 }])).toBe(true);
    expect(strictlyOrdered([{ mean: 1, low: 0, high: 2, episodes: 1 }, { mean: 3, low: 1.5, high: 4, episodes: 1 }])).toBe(false);
  });

  it('counts an equal share of episodes from every env, so short episodes are not favoured', () => {
    // Env 0's episodes last 1 step and score +1; env 1's last 10 and score -1. The first 20
    // episodes to end would be 19 of env 0's and 1 of env 1's (mean 0.8); a fair count is 10 each.
    const timed = (length: number, reward: number): Env => {
      let t = 0;
      return {
        observationSpace: box([4], -1e6, 1e6),
        actionSpace: discrete(2),
        reset: () => ((t = 0), { observation: new Float32Array(4), info: {} }),
        step: () => {
          t += 1;
          return { observation: new Float32Array(4), reward: t === length ? reward : 0, terminated: t === length, truncated: false, info: {} };
        },
      };
    };
    const env = new SyncVectorEnv([timed(1, 1), timed(10, -1)]);
    const policy = loadStudentPolicy(balanceController());
    const o = playLevel(env, (i) => new LevelPolicy(policy, { temperature: 0, reactionDelay: 0, actionNoise: 0 }, env.actionSpace, i), 20, 0);
    expect(o.returns).toHaveLength(20);
    expect(o.returns.filter((r) => r > 0)).toHaveLength(10);
    expect(strengthOf(o, 'episode_return').mean).toBe(0);
    expect([o.won, o.lost]).toEqual([10, 10]);
  });

  it('measures levels of a real controller on Balance and writes a strictly ordered ladder', async () => {
    writeFileSync(join(dir, 'controller.json'), JSON.stringify(balanceController()));
    const config = join(dir, 'ladder.yaml');
    writeFileSync(config, [
      'game: balance', `env: ${resolve('games/balance/env.ts')}`, 'agent: cart', 'metric: episode_return', 'numEnvs: 4',
      'episodes: { min: 8, max: 64 }', 'out: ./ladder.json', 'levels:',
      '  - { name: clumsy, policy: controller.json, actionNoise: 0.9 }',
      '  - { name: shaky, policy: controller.json, actionNoise: 0.4 }',
      '  - { name: steady, policy: controller.json }',
    ].join('\n'));
    const result = await runCalibrate(config, () => undefined);
    expect(result.ordered).toBe(true);
    const ladder = decodeLadderFile(JSON.parse(readFileSync(join(dir, 'ladder.json'), 'utf8')));
    const means = ladder.levels.map((l) => l.strength!.mean);
    expect(means[2]).toBeGreaterThan(400);
    expect(means[0]).toBeLessThan(means[1]!);
  });

  it('rejects an unknown key in the ladder config, naming it', async () => {
    const config = join(dir, 'bad.yaml');
    writeFileSync(config, 'game: g\nenv: x.ts\nagent: a\nmetric: episode_return\nout: l.json\nlevels: [{ name: a, policy: p, noise: 1 }, { name: b, policy: p }]\n');
    await expect(runCalibrate(config, () => undefined)).rejects.toThrow(/config\.levels\.0\.noise: unknown key/);
  });

  it('refuses a skill below 1 without a weaker policy, and a weaker policy at skill 1', async () => {
    const config = join(dir, 'blend.yaml');
    const write = (level: string) => writeFileSync(config, `game: g\nenv: x.ts\nagent: a\nmetric: episode_return\nout: l.json\nlevels: [${level}, { name: b, policy: p }]\n`);
    write('{ name: a, policy: p, skill: 0.5 }');
    await expect(runCalibrate(config, () => undefined)).rejects.toThrow(/config\.levels\.0\.weaker: a skill below 1 blends in a weaker policy/);
    write('{ name: a, policy: p, weaker: q }');
    await expect(runCalibrate(config, () => undefined)).rejects.toThrow(/config\.levels\.0\.skill: a weaker policy plays only at a skill below 1/);
  });
});
