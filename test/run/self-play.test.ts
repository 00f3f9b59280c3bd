/**
 * `phaser-distill train` with `train.selfPlay` on real headless Pong: the pool's state in every
 * checkpoint, the same Elo after `--resume` as before it, Elo in the metrics and the curve, and the
 * config's self-play keys parsed strictly.
 */
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { loadRunConfig } from '../../src/config/run-config.js';
import { ConfigError } from '../../src/config/errors.js';
import { runTrain } from '../../src/run/train.js';
import { loadCheckpointDir, type SelfPlayState } from '../../src/train/index.js';

const dir = mkdtempSync(join(tmpdir(), 'pd-selfplay-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function config(name: string, selfPlay: Record<string, unknown>, env = 'games/pong/env.ts'): string {
  const path = join(dir, `${name}.json`);
  writeFileSync(path, JSON.stringify({
    game: 'pong', env: resolve(env), name, runsDir: join(dir, 'runs'),
    train: { ppo: { totalTimesteps: 8 * 64 * 8, numEnvs: 8, numSteps: 64, numMinibatches: 2, updateEpochs: 2, learningRate: 0.0005 }, checkpointEvery: 1, selfPlay },
  }));
  return path;
}

const metricsRows = (runDir: string) => readFileSync(join(runDir, 'metrics.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l) as Record<string, number>);

describe('train with self-play', () => {
  it('keeps the pool and Elo in every checkpoint, and a resumed run starts from the same Elo', async () => {
    const cfg = config('elo', { saveSteps: 1024, swapSteps: 256, window: 3, opponents: [{ name: 'scripted', policy: 'scripted' }] });
    // Stopped after 5 of 8 iterations, as a kill would leave it (a checkpoint every iteration).
    const first = await runTrain({ config: cfg }, { maxIterations: 5, log: () => undefined });
    expect(first.interrupted).toBe(true);
    const saved = JSON.parse(new TextDecoder().decode((await loadCheckpointDir(join(first.runDir, 'checkpoints')))!['selfplay.json']!)) as SelfPlayState;
    expect(saved.steps).toBe(5 * 8 * 64);
    expect(saved.games).toBeGreaterThan(0);
    expect(saved.elo).not.toBe(1200);
    expect(saved.snapshots.map((s) => s.name)).toEqual(['snapshot@0', 'snapshot@1024', 'snapshot@2048'].slice(-3));
    const before = metricsRows(first.runDir);
    expect(before.at(-1)!['self-play/elo']).toBe(saved.elo);
    expect(before.at(-1)!['self-play/games']).toBe(saved.games);

    const lines: string[] = [];
    const second = await runTrain({ resumeDir: first.runDir }, { log: (l) => lines.push(l) });
    expect(second.exitCode).toBe(0);
    const resumed = lines.find((l) => l.startsWith('resuming '))!;
    expect(resumed).toContain(`learner Elo ${saved.elo.toFixed(1)}`);
    const rows = metricsRows(first.runDir);
    expect(rows.map((r) => r.iteration)).toEqual([1, 2, 3, 4, 5, 6, 7, 8]);
    // Elo goes on from where the checkpoint left it: each game after the resume moves it by at most K = 16.
    const next = rows[5]!;
    expect(Math.abs(next['self-play/elo']! - saved.elo)).toBeLessThanOrEqual(16 * (next['self-play/games']! - saved.games) + 1e-9);
    const csv = readFileSync(join(first.runDir, 'metrics.csv'), 'utf8').trim().split('\n');
    expect(csv[0]!.split(',').slice(-2)).toEqual(['self-play/elo', 'self-play/games']);
    expect(csv).toHaveLength(9);
    const summary = JSON.parse(readFileSync(join(first.runDir, 'summary.json'), 'utf8')) as { selfPlay: { elo: number; pool: { name: string }[] } };
    expect(summary.selfPlay.elo).toBe(rows.at(-1)!['self-play/elo']);
    expect(summary.selfPlay.pool.map((p) => p.name)).toContain('scripted');
    const svg = readFileSync(join(first.runDir, 'curve.svg'), 'utf8');
    expect(svg).toContain('learner Elo (self-play)');
    expect(svg.match(/<polyline/g)).toHaveLength(2);
  });

  it('refuses self-play on a game with no opponent, leaving no run folder', async () => {
    const cfg = config('balance', {}, 'games/balance/env.ts');
    await expect(runTrain({ config: cfg }, { log: () => undefined })).rejects.toThrow(ConfigError);
    await expect(runTrain({ config: cfg }, { log: () => undefined })).rejects.toThrow(/config.train.selfPlay: .*no opponent to hand over/);
    const runs = existsSync(join(dir, 'runs')) ? readdirSync(join(dir, 'runs')) : [];
    expect(runs.filter((r) => r.includes('__balance__'))).toEqual([]);
  });

  it('reads and checks a frozen opponent before the run starts: a file that is no policy, or one of other spaces, is a config error naming the key', async () => {
    const garbled = join(dir, 'garbled.json');
    writeFileSync(garbled, 'not json');
    await expect(runTrain({ config: config('garbled', { opponents: [{ name: 'old', policy: garbled }] }) }, { log: () => undefined })).rejects.toThrow(/config\.train\.selfPlay\.opponents\.0\.policy: .*garbled\.json is not a policy file/);
    const balanceStudent = resolve('assets/policies/balance/s8-int8.json');
    const other = runTrain({ config: config('other', { opponents: [{ name: 'scripted', policy: 'scripted' }, { name: 'old', policy: balanceStudent }] }) }, { log: () => undefined });
    await expect(other).rejects.toThrow(ConfigError);
    await expect(runTrain({ config: config('other', { opponents: [{ name: 'old', policy: balanceStudent }] }) }, { log: () => undefined })).rejects.toThrow(/opponents\.0\.policy: .*plays other spaces than the game's \(observation \[4\]/);
    const runs = existsSync(join(dir, 'runs')) ? readdirSync(join(dir, 'runs')) : [];
    expect(runs.filter((r) => r.includes('__garbled__') || r.includes('__other__'))).toEqual([]);
  });

  it('parses the self-play keys strictly, naming a mistyped key and a missing policy file', () => {
    expect(() => loadRunConfig(config('typo', { saveStep: 100 }))).toThrow(/config\.train\.selfPlay\.saveStep: unknown key/);
    expect(() => loadRunConfig(config('ratio', { playAgainstLatestModelRatio: 2 }))).toThrow(/config\.train\.selfPlay\.playAgainstLatestModelRatio/);
    expect(() => loadRunConfig(config('missing', { opponents: [{ name: 'old', policy: 'nowhere.json' }] }))).toThrow(/config\.train\.selfPlay\.opponents\.0\.policy: no such file/);
    const ok = loadRunConfig(config('frozen', { opponents: [{ name: 'old', policy: resolve('assets/policies/pong/s8-int8.json') }, { name: 'scripted', policy: 'scripted' }] }));
    expect(ok.train.selfPlay).toMatchObject({ saveSteps: 20000, swapSteps: 2000, window: 10, playAgainstLatestModelRatio: 0.5, initialElo: 1200, eloK: 16 });
  });
});
