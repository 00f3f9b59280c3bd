/**
 * A sweep on a real BullMQ queue in a real Redis (Debian's redis-server, started here on 127.0.0.1
 * on a free port and stopped afterwards): 6 runs of Balance (3 learning rates x 2 seeds) over 2
 * worker processes, one of which is killed (SIGKILL, its whole process group, its run's command
 * included) once its run has written a checkpoint. A replacement worker joins; the killed run's job
 * goes back to the queue when its lock runs out, and its next attempt resumes from the checkpoint.
 */
import { spawn, spawnSync, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { SweepReport } from '../../src/sweep/report.js';

const dir = mkdtempSync(join(tmpdir(), 'pd-sweep-queue-'));
const bin = resolve('bin/phaser-distill.mjs');
/** Kept short so a dead worker's job is back on the queue within seconds. */
const LOCK_MS = 4000;
const ITERATIONS = 24;
const EVERY = 4;
const BATCH = 512;

/** A process and everything it has printed so far. */
interface Proc {
  child: ChildProcessWithoutNullStreams;
  output: () => string;
  exited: Promise<number | null>;
}

const started: Proc[] = [];

/** Starts the bin with `args`, in a process group of its own when `group` (so the group can be killed whole). */
function start(args: string[], group = false): Proc {
  const child = spawn(process.execPath, [bin, ...args], { detached: group, stdio: ['pipe', 'pipe', 'pipe'] });
  let out = '';
  child.stdout.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr.on('data', (d: Buffer) => (out += d.toString()));
  const proc = { child, output: () => out, exited: new Promise<number | null>((done) => child.on('exit', (code, signal) => done(code ?? (signal ? -1 : null)))) };
  started.push(proc);
  return proc;
}

function groupAlive(pid: number): boolean {
  try {
    process.kill(-pid, 0);
    return true;
  } catch {
    return false;
  }
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

let redis: ReturnType<typeof spawn> | null = null;
/** Every redis-server started, stopped after the file's tests. */
const servers: ReturnType<typeof spawn>[] = [];

/**
 * Starts redis-server on 127.0.0.1 on a free port, with nothing saved to disk; returns its URL.
 * Where it is not installed, the test fails saying so: nothing is skipped.
 */
async function startRedis(): Promise<string> {
  if (spawnSync('redis-server', ['--version']).error) {
    throw new Error('redis-server is not installed: the sweep queue test runs a real one. Install it (as root: apt-get update && apt-get install -y redis-server; .ci/run does)');
  }
  const port = await new Promise<number>((done) => {
    const server = createServer().listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => done(port));
    });
  });
  redis = spawn('redis-server', ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'], { stdio: ['ignore', 'pipe', 'pipe'] });
  servers.push(redis);
  let out = '';
  await new Promise<void>((done, fail) => {
    redis!.stdout!.on('data', (d: Buffer) => {
      out += d.toString();
      if (out.includes('Ready to accept connections')) done();
    });
    redis!.on('exit', (code) => fail(new Error(`redis-server exited (${code}) before it was ready:\n${out}`)));
  });
  return `redis://127.0.0.1:${port}`;
}

afterAll(async () => {
  for (const p of started) if (p.child.exitCode === null && p.child.signalCode === null) {
    try {
      process.kill(p.child.spawnargs.includes('worker') ? -p.child.pid! : p.child.pid!, 'SIGKILL');
    } catch {
      // Gone already.
    }
  }
  for (const server of servers) {
    if (server.exitCode !== null) continue;
    const gone = new Promise((done) => server.on('exit', done));
    server.kill('SIGTERM');
    await gone;
  }
  rmSync(dir, { recursive: true, force: true });
});

describe('a sweep on a BullMQ queue in Redis', () => {
  it('6 runs over 2 workers, one worker killed mid-run: all 6 finish, the killed run resumes from its checkpoint with no step trained twice beyond one checkpoint interval, and the report lists all 6', async () => {
    const url = await startRedis();
    writeFileSync(join(dir, 'base.yaml'), `game: balance\nenv: ${resolve('games/balance/env.ts')}\nbackend: wasm\ntrain:\n  ppo: { totalTimesteps: ${ITERATIONS * BATCH}, numEnvs: 4, numSteps: 128 }\n  checkpointEvery: ${EVERY}\n`);
    const out = join(dir, 'out');
    const file = join(dir, 'lr.yaml');
    writeFileSync(file, `base: base.yaml\nout: ${out}\ngrid:\n  train.ppo.learningRate: [0.0003, 0.001, 0.003]\nseeds: [1, 2]\n`);
    const worker = () => start(['worker', '--queue', url, '--lock-duration', String(LOCK_MS)], true);
    const workers = [worker(), worker()];
    const sweep = start(['sweep', file, '--queue', url]);

    /** The run a worker is carrying out now, from its log: started and not yet ended. */
    const current = (w: Proc): number | null => {
      let run: number | null = null;
      for (const line of w.output().split('\n')) {
        const s = /: run (\d+) of \S+ started/.exec(line);
        if (s) run = Number(s[1]);
        const e = /: run (\d+) of \S+ (finished|failed|config|interrupted):/.exec(line);
        if (e && Number(e[1]) === run) run = null;
      }
      return run;
    };
    const slotOf = (index: number) => {
      const name = existsSync(join(out, 'runs')) ? readdirSync(join(out, 'runs')).find((f) => f.startsWith(`${String(index).padStart(3, '0')}-`)) : undefined;
      return name ? join(out, 'runs', name) : null;
    };
    const runDirOf = (slot: string) => join(slot, readdirSync(slot).find((f) => f.startsWith('balance__') && !f.endsWith('.abandoned'))!);
    const latestStep = (runDir: string) => Number(readFileSync(join(runDir, 'checkpoints', 'latest'), 'utf8').replace('step-', ''));
    // A row the kill cut short is no step.
    const steps = (runDir: string) => readFileSync(join(runDir, 'metrics.jsonl'), 'utf8').split('\n').flatMap((l) => {
      try {
        return [(JSON.parse(l) as { global_step: number }).global_step];
      } catch {
        return [];
      }
    });

    // Kill a worker whose run has a checkpoint in the first half of its training and has trained
    // past it (rows after the checkpoint, which the resume must drop).
    let killed: { worker: Proc; run: number; slot: string; runDir: string } | null = null;
    while (!killed && sweep.child.exitCode === null) {
      await sleep(100);
      for (const w of workers) {
        const run = current(w);
        const slot = run === null ? null : slotOf(run);
        if (run === null || !slot) continue;
        const runDir = readdirSync(slot).some((f) => f.startsWith('balance__')) ? runDirOf(slot) : null;
        if (!runDir || !existsSync(join(runDir, 'checkpoints', 'latest')) || latestStep(runDir) > (ITERATIONS * BATCH) / 2) continue;
        // One or two iterations past it: the next checkpoint is two or more iterations away, far from this instant.
        const past = (steps(runDir).at(-1)! - latestStep(runDir)) / BATCH;
        if (past < 1 || past > EVERY - 2) continue;
        process.kill(-w.child.pid!, 'SIGKILL');
        killed = { worker: w, run, slot, runDir };
        break;
      }
    }
    expect(killed, `no run was caught with a checkpoint in its first half:\n${sweep.output()}`).not.toBeNull();
    const { worker: dead, run, slot, runDir } = killed!;
    await dead.exited;
    while (groupAlive(dead.child.pid!)) await sleep(50);
    // What the kill left: the newest checkpoint, and the metrics rows written up to the kill.
    const checkpoint = latestStep(runDir);
    const atKill = steps(runDir);
    const killedAt = atKill.at(-1)!;
    workers.push(worker());

    expect(await sweep.exited, sweep.output()).toBe(0);
    const log = sweep.output();
    expect(log).toContain(`run ${run}: back on the queue (its worker stopped renewing the job's lock: it died); the next attempt resumes from its checkpoint`);
    expect(log).toMatch(new RegExp(`run ${run}: taken by \\S+ \\(again: 1 worker died on it, 0 failed attempts\\)`));

    // The killed run resumed from that checkpoint, in a second attempt, on another worker.
    const second = readFileSync(join(slot, 'attempt-2.log'), 'utf8');
    expect(second).toContain(`resuming ${runDir} at step ${checkpoint} (iteration ${checkpoint / BATCH})`);
    expect(existsSync(join(slot, 'attempt-3.log'))).toBe(false);
    const resumer = workers.find((w) => w !== dead && new RegExp(`run ${run}: train --resume`).test(w.output()));
    expect(resumer, workers.map((w) => w.output()).join('\n---\n')).toBeDefined();
    // Steps lost: those trained after the checkpoint and before the kill, at most one checkpoint interval.
    expect(checkpoint).toBeGreaterThan(0);
    expect(killedAt).toBeGreaterThan(checkpoint);
    expect(killedAt - checkpoint).toBeLessThanOrEqual(EVERY * BATCH);
    // Those rows were dropped on resuming, then trained once: every step once, in order, to the end.
    expect(steps(runDir)).toEqual(Array.from({ length: ITERATIONS }, (_, k) => (k + 1) * BATCH));
    expect(atKill).toEqual(Array.from({ length: killedAt / BATCH }, (_, k) => (k + 1) * BATCH));
    console.log(`sweep kill test: run ${run} killed with its worker at step ${killedAt}; resumed from the checkpoint at step ${checkpoint}; ${killedAt - checkpoint} steps (${(killedAt - checkpoint) / BATCH} of ${EVERY} iterations between checkpoints) trained again`);

    // All 6 finished; the report lists all 6.
    const report = JSON.parse(readFileSync(join(out, 'report.json'), 'utf8')) as SweepReport;
    expect(report.runs).toHaveLength(6);
    for (const r of report.runs) {
      expect(r.status, `run ${r.index}`).toBe('finished');
      expect(r.steps).toBe(ITERATIONS * BATCH);
      expect(existsSync(join(out, r.run_dir!, 'summary.json'))).toBe(true);
      expect([r.attempts, r.resumed]).toEqual(r.index === run ? [2, true] : [1, false]);
    }
    expect(report.settings.map((s) => [s.setting, s.finished])).toEqual([
      ['train.ppo.learningRate=0.0003', 2], ['train.ppo.learningRate=0.001', 2], ['train.ppo.learningRate=0.003', 2],
    ]);
    const md = readFileSync(join(out, 'report.md'), 'utf8');
    expect(md).toContain('6 runs, 6 finished.');
    expect(md.split('\n').filter((l) => /^\| \d \| \d{3}-learningRate-/.test(l))).toHaveLength(6);

    // The workers left stop on SIGTERM with nothing in progress: exit 143.
    for (const w of workers.filter((w) => w !== dead)) {
      w.child.kill('SIGTERM');
      expect(await w.exited, w.output()).toBe(143);
    }
  });

  it('Redis loses its data mid-sweep (FLUSHALL): the coordinator puts the lost jobs back from the run folders and every run finishes', async () => {
    const url = await startRedis();
    const port = url.split(':').at(-1)!;
    const base = join(dir, 'flush-base.yaml');
    writeFileSync(base, `game: balance\nenv: ${resolve('games/balance/env.ts')}\nbackend: wasm\ntrain:\n  ppo: { totalTimesteps: ${12 * BATCH}, numEnvs: 4, numSteps: 128 }\n  checkpointEvery: 2\n`);
    const out = join(dir, 'flush-out');
    const file = join(dir, 'flush.yaml');
    writeFileSync(file, `base: flush-base.yaml\nout: ${out}\ngrid:\n  train.ppo.learningRate: [0.001]\nseeds: [1, 2]\n`);
    const worker = start(['worker', '--queue', url, '--lock-duration', String(LOCK_MS)], true);
    const sweep = start(['sweep', file, '--queue', url]);
    // Once a run has a checkpoint, Redis forgets everything.
    const hasCheckpoint = () => existsSync(join(out, 'runs')) && readdirSync(join(out, 'runs')).some((slot) => readdirSync(join(out, 'runs', slot)).some((f) => f.startsWith('balance__') && existsSync(join(out, 'runs', slot, f, 'checkpoints', 'latest'))));
    while (!hasCheckpoint() && sweep.child.exitCode === null) await sleep(100);
    expect(spawnSync('redis-cli', ['-p', port, 'FLUSHALL'], { encoding: 'utf8' }).stdout.trim()).toBe('OK');
    expect(await sweep.exited, sweep.output()).toBe(0);
    expect(sweep.output()).toMatch(/run \d: its job is gone from the queue \(did Redis lose its data\?\); put back from its run folder, it resumes from its checkpoint/);
    const report = JSON.parse(readFileSync(join(out, 'report.json'), 'utf8')) as SweepReport;
    expect(report.runs.map((r) => r.status)).toEqual(['finished', 'finished']);
    for (const r of report.runs) expect(r.steps).toBe(12 * BATCH);
    worker.child.kill('SIGTERM');
    expect(await worker.exited, worker.output()).toBe(143);
  });
});
