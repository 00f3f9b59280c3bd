/**
 * `phaser-distill sweep`: the plan (grid x seeds, seeded random search), the strict sweep file,
 * `--plan`, `--index` and `--report`, and the local pool, which tries a run killed mid-way once
 * more from its checkpoint. Real runs of Balance with tiny budgets, through the bin; the queue and
 * its workers are in queue.test.ts.
 */
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { ConfigError, EXIT } from '../../src/config/errors.js';
import { jobOf, runSweep } from '../../src/sweep/sweep.js';
import { runSweepJob } from '../../src/sweep/runner.js';
import { loadSweep } from '../../src/sweep/plan.js';
import type { SweepReport } from '../../src/sweep/report.js';

const dir = mkdtempSync(join(tmpdir(), 'pd-sweep-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const envModule = resolve('games/balance/env.ts');
const bin = resolve('bin/phaser-distill.mjs');

function write(name: string, body: string): string {
  const path = join(dir, name);
  writeFileSync(path, body);
  return path;
}

/** A base config of Balance: `iterations` PPO iterations of 512 steps, a checkpoint every `every`. */
function base(name: string, iterations: number, every: number, extra = ''): string {
  return write(name, `game: balance\nenv: ${envModule}\nbackend: wasm\ntrain:\n  ppo: { totalTimesteps: ${512 * iterations}, numEnvs: 4, numSteps: 128 }\n  checkpointEvery: ${every}\n  targetReturn: 20\n${extra}`);
}

/** The message of the ConfigError `fn` throws. */
function configError(fn: () => unknown): string {
  try {
    fn();
  } catch (e) {
    expect(e).toBeInstanceOf(ConfigError);
    return (e as Error).message;
  }
  throw new Error('no ConfigError');
}

describe('sweep plans', () => {
  base('plan-base.yaml', 8, 2);

  it('expand a grid times seeds, the last grid key changing fastest and the seed fastest of all, into named runs with their own folders', () => {
    const file = write('grid.yaml', `base: plan-base.yaml\nout: ${join(dir, 'grid-out')}\ngrid:\n  train.ppo.learningRate: [0.0003, 0.001]\n  train.ppo.network.actorHidden: [[16], [32, 32]]\nseeds: [1, 2]\n`);
    const sweep = loadSweep(file);
    expect(sweep.name).toBe('grid');
    expect(sweep.runs).toHaveLength(8);
    expect(sweep.runs.map((r) => r.id)).toEqual([
      '000-learningRate-0.0003_actorHidden-16_seed-1', '001-learningRate-0.0003_actorHidden-16_seed-2',
      '002-learningRate-0.0003_actorHidden-32x32_seed-1', '003-learningRate-0.0003_actorHidden-32x32_seed-2',
      '004-learningRate-0.001_actorHidden-16_seed-1', '005-learningRate-0.001_actorHidden-16_seed-2',
      '006-learningRate-0.001_actorHidden-32x32_seed-1', '007-learningRate-0.001_actorHidden-32x32_seed-2',
    ]);
    const run = sweep.runs[6]!;
    expect(run.overrides).toEqual({ 'train.ppo.learningRate': 0.001, 'train.ppo.network.actorHidden': [32, 32] });
    const config = run.config as { seed: number; name: string; runsDir: string; env: string; train: { ppo: { learningRate: number; network: { actorHidden: number[] }; totalTimesteps: number } } };
    expect(config.seed).toBe(1);
    expect(config.name).toBe('run-006');
    expect(config.runsDir).toBe(join(dir, 'grid-out', 'runs', run.id));
    expect(config.env).toBe(envModule);
    expect(config.train.ppo).toMatchObject({ learningRate: 0.001, network: { actorHidden: [32, 32] }, totalTimesteps: 4096 });
    // The same file is the same plan; another grid is another.
    expect(loadSweep(file).id).toBe(sweep.id);
    expect(loadSweep(write('grid2.yaml', readFileSync(file, 'utf8').replace('0.001]', '0.002]'))).id).not.toBe(sweep.id);
  });

  it('draw a seeded random search the same way every time, within its ranges and choices, times the grid', () => {
    const body = (seed: number) => `base: plan-base.yaml\ngrid:\n  train.ppo.numMinibatches: [4, 8]\nrandom:\n  count: 5\n  seed: ${seed}\n  params:\n    train.ppo.learningRate: { logUniform: [0.0001, 0.01] }\n    train.ppo.entCoef: { uniform: [0, 0.05] }\n    train.ppo.network.activation: { choice: [tanh, relu] }\n`;
    const a = loadSweep(write('random-a.yaml', body(7)));
    const b = loadSweep(write('random-b.yaml', body(7)));
    const c = loadSweep(write('random-c.yaml', body(8)));
    expect(a.runs).toHaveLength(10);
    expect(a.runs.map((r) => r.overrides)).toEqual(b.runs.map((r) => r.overrides));
    expect(a.runs.map((r) => r.overrides)).not.toEqual(c.runs.map((r) => r.overrides));
    // Each grid point gets the same 5 draws.
    expect(a.runs.slice(5).map((r) => r.overrides['train.ppo.learningRate'])).toEqual(a.runs.slice(0, 5).map((r) => r.overrides['train.ppo.learningRate']));
    for (const r of a.runs) {
      const o = r.overrides as Record<string, number | string>;
      expect(o['train.ppo.learningRate']).toBeGreaterThanOrEqual(0.0001);
      expect(o['train.ppo.learningRate']).toBeLessThanOrEqual(0.01);
      expect(o['train.ppo.entCoef']).toBeGreaterThanOrEqual(0);
      expect(o['train.ppo.entCoef']).toBeLessThanOrEqual(0.05);
      expect(['tanh', 'relu']).toContain(o['train.ppo.network.activation']);
      expect(r.seed).toBe(1);
    }
    // The out folder defaults to sweeps/{name} under the working directory.
    expect(a.out).toBe(resolve('sweeps', 'random-a'));
  });

  it('are parsed strictly: an unknown or mistyped sweep key, a run-config key that does not exist, a value the run config refuses, and keys the sweep owns are each named', () => {
    const unknown = configError(() => loadSweep(write('typo.yaml', 'base: plan-base.yaml\ngird: {}\nseeds: [one]\nrandom: { count: 2, params: { train.ppo.entCoef: { uniform: [1, 0], choice: [1] } } }\n')));
    expect(unknown).toContain('sweep.gird: unknown key');
    expect(unknown).toMatch(/sweep\.seeds\.0: /);
    expect(unknown).toMatch(/sweep\.random\.params\.train\.ppo\.entCoef: give exactly one of uniform/);

    const owned = configError(() => loadSweep(write('owned.yaml', 'base: plan-base.yaml\ngrid:\n  seed: [3]\nrandom: { count: 1, params: { runsDir: { choice: [x] } } }\n')));
    expect(owned).toContain("sweep.grid.seed: the sweep sets each run's seed: list them under 'seeds'");
    expect(owned).toContain('sweep.random.params.runsDir: each run goes to its own folder in the sweep folder (set out instead)');
    const keys = configError(() => loadSweep(write('keys.yaml', 'base: plan-base.yaml\ngrid:\n  train.ppo.learningRat: [0.1]\n  train.ppo.gamma: [0.9, 2]\n')));
    expect(keys).toContain('sweep.grid.train.ppo.learningRat = 0.1 (run 0): config.train.ppo.learningRat: unknown key');
    expect(keys).toMatch(/sweep\.grid\.train\.ppo\.gamma = 2 \(run 1\): config\.train\.ppo\.gamma: .*1/);
    // Each problem once, not once per run.
    expect(keys.match(/learningRat: unknown key/g)).toHaveLength(1);

    const inline = configError(() => loadSweep(write('inline.yaml', `base: { game: balance, env: ${envModule}, trian: {} }\nstages: [distill]\nmetric: teacher_return\n`)));
    expect(inline).toContain("sweep.stages: every run trains its teacher first: list 'train'");
    expect(inline).toContain("sweep.stages: 'distill' needs a distill section in the base config");
    expect(inline).toContain("sweep.metric: teacher_return needs 'eval' in sweep.stages");
    const inlineKey = configError(() => loadSweep(write('inline2.yaml', `base: { game: balance, env: ${envModule}, trian: {} }\n`)));
    expect(inlineKey).toMatch(/\(sweep\.base\): config\.trian: unknown key/);
  });

  it('--plan lists the runs (index, folder name, overrides, seed) and exits 0', async () => {
    const file = write('listed.yaml', `base: plan-base.yaml\nout: ${join(dir, 'listed-out')}\ngrid: { train.ppo.learningRate: [0.0003, 0.001, 0.003] }\nseeds: [1, 2]\n`);
    const lines: string[] = [];
    expect(await runSweep(file, { plan: true, log: (l) => lines.push(l) })).toBe(EXIT.ok);
    expect(lines[0]).toMatch(/^sweep listed: 6 runs into .*listed-out \(plan listed-[0-9a-f]{10}; stages train\)$/);
    expect(lines.slice(1)).toEqual([
      '  0  000-learningRate-0.0003_seed-1  train.ppo.learningRate=0.0003  seed 1',
      '  1  001-learningRate-0.0003_seed-2  train.ppo.learningRate=0.0003  seed 2',
      '  2  002-learningRate-0.001_seed-1  train.ppo.learningRate=0.001  seed 1',
      '  3  003-learningRate-0.001_seed-2  train.ppo.learningRate=0.001  seed 2',
      '  4  004-learningRate-0.003_seed-1  train.ppo.learningRate=0.003  seed 1',
      '  5  005-learningRate-0.003_seed-2  train.ppo.learningRate=0.003  seed 2',
    ]);
    // Nothing is run or written.
    expect(existsSync(join(dir, 'listed-out'))).toBe(false);
  });
});

describe('phaser-distill sweep', () => {
  it('--index i runs run i alone, through every stage; --report then gathers it and counts the others as not started', async () => {
    base('index-base.yaml', 8, 4, [
      'distill: { numEnvs: 4, students: [{ name: s4, hidden: [4] }], dtypes: [float32], config: { rounds: 1, stepsPerRound: 200, epochsPerRound: 2 } }',
      'eval: { episodes: 4, numEnvs: 4, latencyMs: 10 }',
      '',
    ].join('\n'));
    const file = write('index.yaml', `base: index-base.yaml\nout: ${join(dir, 'index-out')}\ngrid: { train.ppo.learningRate: [0.0003, 0.003] }\nseeds: [1, 2]\nstages: [train, distill, eval]\nmetric: teacher_return\n`);
    const lines: string[] = [];
    expect(await runSweep(file, { index: 2, log: (l) => lines.push(l) })).toBe(EXIT.ok);
    const slots = readdirSync(join(dir, 'index-out', 'runs'));
    expect(slots).toEqual(['002-learningRate-0.003_seed-1']);
    expect(lines.filter((l) => /^run 2: (train|distill|eval) /.test(l)).map((l) => l.split(' ')[2])).toEqual(['train', 'distill', 'eval']);
    // Run again, it finds the run finished and runs nothing.
    const again: string[] = [];
    expect(await runSweep(file, { index: 2, log: (l) => again.push(l) })).toBe(EXIT.ok);
    expect(again).toEqual([expect.stringMatching(/^run 2 \(002-learningRate-0.003_seed-1\): finished already/)]);

    const gathered: string[] = [];
    expect(await runSweep(file, { report: true, log: (l) => gathered.push(l) })).toBe(EXIT.targetMissed);
    const report = JSON.parse(readFileSync(join(dir, 'index-out', 'report.json'), 'utf8')) as SweepReport;
    expect(report.runs.map((r) => r.status)).toEqual(['not started', 'not started', 'finished', 'not started']);
    const run = report.runs[2]!;
    expect(run).toMatchObject({ steps: 4096, attempts: 1, resumed: false, seed: 1, overrides: { 'train.ppo.learningRate': 0.003 } });
    expect(run.teacher_return).not.toBeNull();
    expect(run.metric).toBe(run.teacher_return);
    expect(report.settings.find((s) => s.setting === 'train.ppo.learningRate=0.003')).toMatchObject({ runs: 2, finished: 1, metric_mean: run.teacher_return });
    const md = readFileSync(join(dir, 'index-out', 'report.md'), 'utf8');
    expect(md).toContain('4 runs, 1 finished (0 incomplete, 3 not started)');
    expect(md).toMatch(/\| 2 \| 002-learningRate-0\.003_seed-1 \| train\.ppo\.learningRate=0\.003 \| 1 \| finished \| 4096 \|/);
    for (const f of ['metric.svg', 'curves.svg']) expect(readFileSync(join(dir, 'index-out', f), 'utf8')).toMatch(/^<svg/);
    expect(gathered[0]).toMatch(/^sweep index: 1 of 4 runs finished/);
    expect(await runSweep(file, { index: 4, log: () => undefined }).catch((e: Error) => e.message)).toBe(`--index: 4 is not a run of ${file} (it has 4: 0 to 3)`);
    // A base config changed under a run's folder: the run is refused (exit 2), not resumed with another config.
    writeFileSync(join(dir, 'index-base.yaml'), readFileSync(join(dir, 'index-base.yaml'), 'utf8').replace('checkpointEvery: 4', 'checkpointEvery: 2'));
    const refused: string[] = [];
    expect(await runSweep(file, { index: 2, log: (l) => refused.push(l) })).toBe(EXIT.usage);
    expect(refused.at(-1)).toMatch(/run-config\.json holds another config than run 2 of this sweep: the sweep file changed since the run started/);
  });

  it('on the local pool, tries a run whose command was killed mid-way once more, from its checkpoint, and reports both runs', async () => {
    base('pool-base.yaml', 32, 4);
    const out = join(dir, 'pool-out');
    const file = write('pool.yaml', `base: pool-base.yaml\nout: ${out}\ngrid: { train.ppo.learningRate: [0.001] }\nseeds: [1, 2]\n`);
    const sweep = spawn(process.execPath, [bin, 'sweep', file, '--parallel', '2'], { stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    sweep.stdout.on('data', (d: Buffer) => (output += d.toString()));
    sweep.stderr.on('data', (d: Buffer) => (output += d.toString()));
    const exited = new Promise<number | null>((done) => sweep.on('exit', done));
    let killed: { slot: string; pid: number } | null = null;
    try {
      // Kill the first run's train command (the run alone: a crash) once it has written a checkpoint.
      const slot = join(out, 'runs', '000-learningRate-0.001_seed-1');
      while (!killed && sweep.exitCode === null) {
        await new Promise((r) => setTimeout(r, 100));
        const rows = existsSync(join(slot, 'attempts.jsonl')) ? readFileSync(join(slot, 'attempts.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l) as { pid: number }) : [];
        const runDir = existsSync(slot) ? readdirSync(slot).find((f) => f.startsWith('balance__')) : undefined;
        if (rows.length && runDir && existsSync(join(slot, runDir, 'checkpoints', 'latest')) && !existsSync(join(slot, runDir, 'summary.json'))) {
          process.kill(rows[0]!.pid, 'SIGKILL');
          killed = { slot, pid: rows[0]!.pid };
        }
      }
      expect(await exited, output).toBe(EXIT.ok);
    } finally {
      if (sweep.exitCode === null) sweep.kill('SIGKILL');
    }
    expect(killed, `the run finished before it could be killed:\n${output}`).not.toBeNull();
    expect(output).toMatch(/run 0: attempt failed \(train was killed by SIGKILL: see .*attempt-1\.log\); trying again, from its checkpoint/);
    expect(output).toMatch(/run 0: train --resume \(from its checkpoint\) \(attempt 2/);
    expect(readFileSync(join(killed!.slot, 'attempt-2.log'), 'utf8')).toMatch(/^resuming .* at step \d+ \(iteration \d+\)$/m);
    const report = JSON.parse(readFileSync(join(out, 'report.json'), 'utf8')) as SweepReport;
    expect(report.runs.map((r) => [r.status, r.steps, r.attempts, r.resumed])).toEqual([['finished', 16384, 2, true], ['finished', 16384, 1, false]]);
  });

  it('says a run stopped for a lost lock was killed at once, not stopped with a checkpoint', async () => {
    base('lost-base.yaml', 8, 2);
    const sweep = loadSweep(write('lost.yaml', `base: lost-base.yaml\nout: ${join(dir, 'lost-out')}\nseeds: [1]\n`));
    const stopped = new AbortController();
    stopped.abort('lost');
    const result = await runSweepJob(jobOf(sweep, 0), { signal: stopped.signal, log: () => undefined });
    expect(result.status).toBe('interrupted');
    expect(result.message).toBe('stopped (lost) during train, killed at once (SIGKILL) as another worker may hold the run; it resumes from its last checkpoint');
    expect(result.message).not.toContain('with a checkpoint');
  });
});
