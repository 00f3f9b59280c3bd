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
import { CHECKSUMS_FILE, checkSelfPlayState, crc32Hex, defaultSelfPlayConfig, loadCheckpointDir, type SelfPlayState } from '../../src/train/index.js';

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

  it('checks a saved self-play state like weights: 12 damages each refused naming the field; a damaged latest falls back to the older checkpoint', async () => {
    const cfg = config('damaged', { saveSteps: 512, swapSteps: 256, window: 3, opponents: [{ name: 'scripted', policy: 'scripted' }] });
    const first = await runTrain({ config: cfg }, { maxIterations: 2, log: () => undefined });
    const ckpt = join(first.runDir, 'checkpoints');
    const latest = readFileSync(join(ckpt, 'latest'), 'utf8').trim();
    const text = readFileSync(join(ckpt, latest, 'selfplay.json'), 'utf8');
    const good = JSON.parse(text) as SelfPlayState;
    const saved = JSON.parse(readFileSync(join(first.runDir, 'config.json'), 'utf8')) as { train: { selfPlay: { window: number } } };
    const spConfig = { ...defaultSelfPlayConfig, window: saved.train.selfPlay.window };
    const env = { observationSpace: good.snapshots[0]!.file.observationSpace, actionSpace: good.snapshots[0]!.file.actionSpace };
    expect(checkSelfPlayState(good, spConfig, env)).toBe(good);
    const damages: [string, (s: any) => void, RegExp][] = [
      ['a non-number Elo', (s) => (s.elo = '1200'), /^self-play state \(selfplay\.json\): elo: /],
      ['a 1e308 rating', (s) => (s.ratings[0].elo = 1e308), /ratings\[0\]\.elo: expected a rating within/],
      ['a negative game count', (s) => (s.games = -3), /games: expected a whole number >= 0/],
      ['negative wins', (s) => (s.ratings[0].won = -1), /ratings\[0\]\.won/],
      ['more games rated than played', (s) => (s.ratings[0].lost = s.games + 5), /games: expected at least/],
      ['a broken snapshot policy', (s) => (s.snapshots[0].file.layers[0].weights = 'AAAA'), /snapshots\[0\]\.file: not a policy file .*weights/],
      ['a snapshot that is not a policy', (s) => (s.snapshots[0].file = 'x'), /snapshots\[0\]\.file: not a policy file/],
      ['a snapshot of other spaces', (s) => (s.snapshots[0].file.actionSpace = { type: 'discrete', n: 7 }), /snapshots\[0\]\.file/],
      ['a renamed snapshot', (s) => (s.snapshots[0].name = 'snapshot@99'), /snapshots\[0\]\.name/],
      ['a generator state cut short', (s) => s.rng.pop(), /rng: expected 5 numbers/],
      ['a fractional step count', (s) => (s.steps = 1.5), /steps: expected a whole number/],
      ['a missing ratings list', (s) => delete s.ratings, /ratings: expected an array/],
      ['duplicate ratings', (s) => s.ratings.push({ ...s.ratings[0] }), /ratings\[\d+\]\.name/],
      ['too many snapshots', (s) => s.snapshots.push(...s.snapshots, ...s.snapshots, ...s.snapshots), /snapshots: expected an array of at most 3/],
    ];
    expect(() => checkSelfPlayState(good, spConfig, { ...env, actionSpace: { type: 'discrete', n: 7 } })).toThrow(/snapshots\[0\]\.file: plays other spaces than the game's/);
    for (const [what, damage, message] of damages) {
      const state = JSON.parse(text) as SelfPlayState;
      damage(state);
      expect(() => checkSelfPlayState(state, spConfig, env), what).toThrow(message);
    }

    // Damaged as it was written (its checksum agrees, so the state check itself must catch it), the
    // latest checkpoint is passed over for the older one, with the reason logged.
    const broken = JSON.parse(text) as SelfPlayState;
    broken.snapshots[0]!.file.layers[0]!.weights = 'AAAA';
    /** Writes a checkpoint's selfplay.json, and its checksum to match: damage done before the write. */
    const writeState = (folder: string, state: unknown) => {
      const bytes = new TextEncoder().encode(JSON.stringify(state));
      writeFileSync(join(ckpt, folder, 'selfplay.json'), bytes);
      const sumsPath = join(ckpt, folder, CHECKSUMS_FILE);
      const sums = JSON.parse(readFileSync(sumsPath, 'utf8')) as { crc32: Record<string, string> };
      expect(sums.crc32['selfplay.json']).toBeDefined();
      sums.crc32['selfplay.json'] = crc32Hex(bytes);
      writeFileSync(sumsPath, JSON.stringify(sums));
    };
    writeState(latest, broken);
    const lines: string[] = [];
    const resumed = await runTrain({ resumeDir: first.runDir }, { maxIterations: 1, log: (l) => lines.push(l) });
    expect(resumed.interrupted).toBe(true);
    expect(lines.find((l) => l.startsWith(`skipped checkpoint ${latest}`))).toMatch(/snapshots\[0\]\.file: not a policy file/);
    expect(lines.find((l) => l.startsWith('resuming from '))).toMatch(/step-0+512/);
    // The damaged one is kept aside, not deleted.
    expect(readdirSync(ckpt)).toContain(`${latest}.damaged`);
    // A non-number Elo in every checkpoint: no stack trace, a RunFailed naming each reason.
    for (const f of readdirSync(ckpt).filter((f) => /^step-\d+$/.test(f))) writeState(f, { ...good, elo: 'high' });
    await expect(runTrain({ resumeDir: first.runDir }, { maxIterations: 1, log: () => undefined })).rejects.toThrow(/no checkpoint to resume from .*elo: expected a rating/);
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
