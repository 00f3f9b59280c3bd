/**
 * Damaged self-play checkpoints: a real self-play run on headless Pong (a checkpoint every
 * iteration), then, one damage at a time on a copy of the run folder, the latest checkpoint's
 * `selfplay.json` is broken (a non-number Elo, a rating of 1e308, negative or impossible counts, a
 * broken or foreign snapshot policy, a cut generator state, the file cut short, ...) and the run is
 * resumed as `train --resume` resumes it. A good outcome: the damaged checkpoint is passed over,
 * named, and the run resumes from the one before it. A resume that throws is a failed resume; one
 * that takes the damaged checkpoint is a bad accept.
 */
import { cpSync, readFileSync, realpathSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { runTrain } from '../../src/run/train.js';

const root = fileURLToPath(new URL('../..', import.meta.url));

export interface SelfPlayDamageStats {
  selfplay_damages: number;
  selfplay_fell_back: number;
  selfplay_failed_resumes: number;
  selfplay_bad_accepts: number;
  examples: string[];
}

/* eslint-disable @typescript-eslint/no-explicit-any */
const DAMAGES: [string, (s: any) => unknown][] = [
  ['a non-number Elo', (s) => (s.elo = '1200')],
  ['a null Elo', (s) => (s.elo = null)],
  ['a rating of 1e308', (s) => (s.ratings[0].elo = 1e308)],
  ['a negative game count', (s) => (s.games = -3)],
  ['negative wins', (s) => (s.ratings[0].won = -1)],
  ['more games rated than played', (s) => (s.ratings[0].lost = s.games + 5)],
  ['a broken snapshot policy', (s) => (s.snapshots[0].file.layers[0].weights = 'AAAA')],
  ['a snapshot that is no policy', (s) => (s.snapshots[0].file = 'x')],
  ['a snapshot of other spaces', (s) => (s.snapshots[0].file.actionSpace = { type: 'discrete', n: 7 })],
  ['a renamed snapshot', (s) => (s.snapshots[0].name = 'snapshot@99')],
  ['a generator state cut short', (s) => s.rng.pop()],
  ['a fractional step count', (s) => (s.steps = 1.5)],
  ['no ratings', (s) => delete s.ratings],
  ['duplicate ratings', (s) => s.ratings.push({ ...s.ratings[0] })],
  ['more snapshots than the window', (s) => s.snapshots.push(...s.snapshots, ...s.snapshots, ...s.snapshots)],
  ['a current opponent not in the pool', (s) => (s.current = 'nobody')],
  ['not an object', () => [1, 2, 3]],
];

export async function selfPlayDamageStats(dir: string): Promise<SelfPlayDamageStats> {
  const stats: SelfPlayDamageStats = { selfplay_damages: 0, selfplay_fell_back: 0, selfplay_failed_resumes: 0, selfplay_bad_accepts: 0, examples: [] };
  const config = join(dir, 'selfplay.json');
  writeFileSync(config, JSON.stringify({
    game: 'pong', env: join(root, 'games/pong/env.ts'), name: 'sp', runsDir: join(dir, 'sp-runs'), backend: 'wasm',
    train: { ppo: { totalTimesteps: 8 * 64 * 8, numEnvs: 8, numSteps: 64, numMinibatches: 2, updateEpochs: 2, learningRate: 0.0005 }, checkpointEvery: 1, selfPlay: { saveSteps: 512, swapSteps: 256, window: 3, opponents: [{ name: 'scripted', policy: 'scripted' }] } },
  }));
  const first = await runTrain({ config }, { maxIterations: 2, log: () => undefined });
  const latest = readFileSync(join(first.runDir, 'checkpoints', 'latest'), 'utf8').trim();
  const text = readFileSync(join(first.runDir, 'checkpoints', latest, 'selfplay.json'), 'utf8');
  const cases: [string, (path: string) => void][] = [
    ...DAMAGES.map(([what, damage]): [string, (path: string) => void] => [what, (path) => {
      const state = JSON.parse(text) as unknown;
      const replaced = damage(state);
      writeFileSync(path, JSON.stringify(Array.isArray(replaced) ? replaced : state));
    }]),
    ['the file cut short', (path) => writeFileSync(path, text.slice(0, text.length >> 1))],
    ['an empty file', (path) => writeFileSync(path, '')],
  ];
  for (const [k, [what, damage]] of cases.entries()) {
    stats.selfplay_damages += 1;
    // A copy per damage; its runDir confirmed, as a moved run folder's must be.
    const copy = join(dir, `sp-damage-${k}`);
    cpSync(first.runDir, copy, { recursive: true });
    const saved = JSON.parse(readFileSync(join(copy, 'config.json'), 'utf8')) as Record<string, unknown>;
    writeFileSync(join(copy, 'config.json'), JSON.stringify({ ...saved, runDir: realpathSync(copy) }));
    damage(join(copy, 'checkpoints', latest, 'selfplay.json'));
    const lines: string[] = [];
    try {
      await runTrain({ resumeDir: copy }, { maxIterations: 1, log: (l) => lines.push(l) });
    } catch (e) {
      stats.selfplay_failed_resumes += 1;
      if (stats.examples.length < 10) stats.examples.push(`${what}: the resume failed: ${(e as Error).stack ?? String(e)}`);
      continue;
    }
    if (lines.some((l) => l.startsWith(`skipped checkpoint ${latest}: `)) && lines.some((l) => l.startsWith('resuming from step-'))) stats.selfplay_fell_back += 1;
    else {
      stats.selfplay_bad_accepts += 1;
      if (stats.examples.length < 10) stats.examples.push(`${what}: resumed from the damaged checkpoint`);
    }
  }
  return stats;
}
