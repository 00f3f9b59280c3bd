/**
 * train.ppo.overlap: the worker threads collect the next rollout while this thread updates on the
 * last one. An overlapped run on Balance learns, is interrupted and resumes from its checkpoint;
 * it is the same run whatever the timing and the split of the envs; it is refused where it cannot
 * work.
 */
import { mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadRunConfig } from '../../src/config/run-config.js';
import { ConfigError, EXIT } from '../../src/config/errors.js';
import { makeGameEnv } from '../../src/config/env-module.js';
import { runTrain } from '../../src/run/train.js';
import { WorkerVectorEnv } from '../../src/parallel/worker-vector-env.js';
import type { VectorEnv } from '../../src/env/index.js';
import { PpoTrainer, defaultPpoConfig, initBackend, type PpoConfig, type PpoMetrics, type TrainingEpisode } from '../../src/train/index.js';
import { trainedRun, type TrainedRun } from '../helpers/trained-run.js';

const dir = mkdtempSync(join(tmpdir(), 'pd-overlap-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
beforeAll(async () => {
  await initBackend('wasm');
});

const balance = resolve('games/balance/env.ts');
const quiet = () => undefined;

function writeConfig(name: string, ppo: string, extra = ''): string {
  const path = join(dir, `${name}.yaml`);
  writeFileSync(path, `game: balance\nenv: ${balance}\nname: ${name}\nrunsDir: ${join(dir, 'runs')}\nbackend: wasm\nseed: 2\ntrain:\n  ppo: { ${ppo} }\n${extra}`);
  return path;
}

/** A short run of `env` (6 iterations of 64 steps), every metric but the wall-clock one and every episode. */
function train(env: VectorEnv, settings: Partial<PpoConfig>): Promise<TrainedRun> {
  return trainedRun(env, { ...defaultPpoConfig, numEnvs: env.numEnvs, numSteps: 64, totalTimesteps: env.numEnvs * 64 * 6, seed: 5, ...settings });
}

describe('train.ppo.overlap', () => {
  it('learns Balance (a 10-episode mean of 475) with 2 workers, interrupted and resumed from its checkpoint, its rows counting the steps trained on', async () => {
    const path = writeConfig('learns', 'totalTimesteps: 102400, numEnvs: 8, numWorkers: 2, overlap: true', '  checkpointEvery: 5\n  targetReturn: 475\n');
    const first = await runTrain({ config: path }, { log: quiet, maxIterations: 12 });
    expect(first.exitCode).toBe(EXIT.interrupted);
    // The rollout collected during the 12th update is not in the checkpoint: it holds 12 iterations' steps.
    const checkpoints = readdirSync(join(first.runDir, 'checkpoints'));
    expect(checkpoints).toContain('step-000006144');
    const lines: string[] = [];
    const resumed = await runTrain({ resumeDir: first.runDir }, { log: (l) => lines.push(l) });
    expect(lines.join('\n')).toContain('nor the rollout collected ahead during its update');
    expect(resumed.exitCode).toBe(EXIT.ok);
    const rows = readFileSync(join(first.runDir, 'metrics.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l) as PpoMetrics);
    expect(rows.map((r) => r.iteration)).toEqual(Array.from({ length: 200 }, (_, i) => i + 1));
    expect(rows.map((r) => r.global_step)).toEqual(rows.map((r) => r.iteration * 512));
    // Each episode is stamped with a step of the rollout it ended in, at most its iteration's global_step.
    const episodes = readFileSync(join(first.runDir, 'episodes.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l) as TrainingEpisode);
    const returns = episodes.map((e) => e.return);
    let best = -Infinity;
    for (let i = 10; i <= returns.length; i++) best = Math.max(best, returns.slice(i - 10, i).reduce((a, b) => a + b, 0) / 10);
    expect(best).toBeGreaterThanOrEqual(475);
    expect(Math.max(...episodes.map((e) => e.step))).toBeLessThanOrEqual(200 * 512);
  }, 180_000);

  it('is the same run whatever the timing and the split of the envs (2 and 3 workers, a small share here), and not the run without it', async () => {
    const two = await train(await WorkerVectorEnv.create(balance, 5, 2), { overlap: true, numWorkers: 2 });
    expect(two.episodes.length).toBeGreaterThan(20);
    expect(two.metrics.map((m) => m.global_step)).toEqual([1, 2, 3, 4, 5, 6].map((i) => i * 320));
    expect(await train(await WorkerVectorEnv.create(balance, 5, 3), { overlap: true, numWorkers: 3 })).toEqual(two);
    expect(await train(await WorkerVectorEnv.create(balance, 5, 2, { ownEnvs: 1 }), { overlap: true, numWorkers: 2 })).toEqual(two);
    const plain = await train(await WorkerVectorEnv.create(balance, 5, 2), { numWorkers: 2 });
    // The first rollout is the same (the same weights); the second was collected on the weights from before the first update.
    expect(plain.metrics[0]).toEqual(two.metrics[0]);
    expect(plain.metrics[1]).not.toEqual(two.metrics[1]);
    // The tfjs engine updates in whole minibatches: the same holds.
    const tfjs = { overlap: true, engine: 'tfjs' as const, totalTimesteps: 5 * 64 * 3 };
    const tfjsTwo = await train(await WorkerVectorEnv.create(balance, 5, 2), { ...tfjs, numWorkers: 2 });
    expect(tfjsTwo.metrics).toHaveLength(3);
    expect(await train(await WorkerVectorEnv.create(balance, 5, 3), { ...tfjs, numWorkers: 3 })).toEqual(tfjsTwo);
  }, 120_000);

  it('is refused without worker threads, with a convolutional torso, and a share of no envs', async () => {
    const refusal = (ppo: string) => {
      try {
        loadRunConfig(writeConfig('bad', ppo));
      } catch (e) {
        expect(e).toBeInstanceOf(ConfigError);
        return (e as Error).message;
      }
      return 'accepted';
    };
    expect(refusal('numEnvs: 4, overlap: true')).toContain('config.train.ppo.overlap: needs numWorkers 2 or more (worker threads collect the next rollout while this thread updates), got numWorkers 1');
    expect(refusal('numEnvs: 4, numWorkers: 2, overlap: true, network: { conv: { grid: { offset: 0, width: 2, height: 2, channels: 1 }, layers: [{ filters: 2, kernel: 2 }] } }')).toContain('config.train.ppo.overlap: runs MLPs only');
    expect(refusal('numEnvs: 4, overlap: yes')).toMatch(/config\.train\.ppo\.overlap: .*boolean/i);
    expect(refusal('numEnvs: 4, numWorkers: 2, overlap: true')).toBe('accepted');
    const env = await makeGameEnv(balance, 4);
    try {
      expect(() => new PpoTrainer(env, { ...defaultPpoConfig, numEnvs: 4, numWorkers: 2, overlap: true })).toThrow('PpoTrainer: overlap needs numWorkers 2 or more (the envs stepped by worker threads while this thread updates), got numWorkers 2 and a vector env without worker threads');
    } finally {
      env.close();
    }
    await expect(WorkerVectorEnv.create(balance, 4, 2, { ownEnvs: 4 })).rejects.toThrow('WorkerVectorEnv: ownEnvs must be an integer from 1 to 3 (numEnvs 4, at least one for each of the 1 worker threads), got 4');
  });
});
