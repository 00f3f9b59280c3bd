/**
 * Sweep faults on a real BullMQ queue (Debian's redis-server on a free port, appending to a file so
 * that a restart keeps the queue): a sweep of 2 Balance runs over a worker process, and once a run
 * has a checkpoint, one fault: the worker SIGKILLed with its run (a new worker joins), Redis
 * restarted, or Redis's data lost (FLUSHALL). A good outcome: the coordinator exits 0 and every run
 * finishes with all its steps; a run not finished is a run lost.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { SweepReport } from '../../src/sweep/report.js';

const root = fileURLToPath(new URL('../..', import.meta.url));
const bin = join(root, 'bin/phaser-distill.mjs');
const BATCH = 512;
const ITERATIONS = 12;

export interface SweepFaultStats {
  sweep_scenarios: number;
  sweep_runs: number;
  sweep_runs_lost: number;
  sweep_coordinator_failures: number;
  examples: string[];
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function freePort(): Promise<number> {
  return new Promise((done) => {
    const server = createServer().listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => done(port));
    });
  });
}

async function startRedis(port: number, data: string): Promise<ChildProcess> {
  const redis = spawn('redis-server', ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'yes', '--appendfsync', 'always', '--dir', data], { stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  await new Promise<void>((done, fail) => {
    redis.stdout!.on('data', (d: Buffer) => {
      out += d.toString();
      if (out.includes('Ready to accept connections')) done();
    });
    redis.on('exit', (code) => fail(new Error(`redis-server exited (${code}) before it was ready:\n${out}`)));
  });
  return redis;
}

async function stop(p: ChildProcess, signal: NodeJS.Signals = 'SIGTERM'): Promise<void> {
  if (p.exitCode !== null || p.signalCode !== null) return;
  const gone = new Promise((done) => p.on('exit', done));
  p.kill(signal);
  await gone;
}

export async function sweepFaultStats(dir: string): Promise<SweepFaultStats> {
  const stats: SweepFaultStats = { sweep_scenarios: 0, sweep_runs: 0, sweep_runs_lost: 0, sweep_coordinator_failures: 0, examples: [] };
  if (spawnSync('redis-server', ['--version']).error) {
    stats.examples.push('redis-server is not installed: no sweep scenario ran');
    return stats;
  }
  writeFileSync(join(dir, 'sweep-base.yaml'), `game: balance\nenv: ${join(root, 'games/balance/env.ts')}\nbackend: wasm\ntrain:\n  ppo: { totalTimesteps: ${ITERATIONS * BATCH}, numEnvs: 4, numSteps: 128 }\n  checkpointEvery: 2\n`);
  for (const scenario of ['worker SIGKILL', 'Redis restart', 'Redis data loss'] as const) {
    stats.sweep_scenarios += 1;
    const tag = scenario.replace(/\W+/g, '-').toLowerCase();
    const data = join(dir, `redis-${tag}`);
    mkdirSync(data);
    const port = await freePort();
    const url = `redis://127.0.0.1:${port}`;
    let redis = await startRedis(port, data);
    const out = join(dir, `sweep-${tag}`);
    writeFileSync(join(dir, `${tag}.yaml`), `base: sweep-base.yaml\nout: ${out}\ngrid:\n  train.ppo.learningRate: [0.001]\nseeds: [1, 2]\n`);
    const procs: ChildProcess[] = [];
    const start = (args: string[], group = false) => {
      const p = spawn(process.execPath, [bin, ...args], { detached: group, stdio: ['ignore', 'pipe', 'pipe'] });
      let text = '';
      p.stdout!.on('data', (d: Buffer) => (text += d.toString()));
      p.stderr!.on('data', (d: Buffer) => (text += d.toString()));
      procs.push(p);
      return { p, text: () => text };
    };
    const worker = () => start(['worker', '--queue', url, '--lock-duration', '4000'], true);
    let w = worker();
    const sweep = start(['sweep', join(dir, `${tag}.yaml`), '--queue', url]);
    const exited = new Promise<number | null>((done) => sweep.p.on('exit', (code) => done(code)));
    try {
      const checkpointed = () => existsSync(join(out, 'runs')) && readdirSync(join(out, 'runs')).some((slot) => readdirSync(join(out, 'runs', slot)).some((f) => f.startsWith('balance__') && existsSync(join(out, 'runs', slot, f, 'checkpoints', 'latest'))));
      while (!checkpointed() && sweep.p.exitCode === null) await sleep(100);
      if (scenario === 'worker SIGKILL') {
        process.kill(-w.p.pid!, 'SIGKILL');
        w = worker();
      } else if (scenario === 'Redis restart') {
        await stop(redis);
        await sleep(1000);
        redis = await startRedis(port, data);
      } else {
        spawnSync('redis-cli', ['-p', String(port), 'FLUSHALL']);
      }
      const timeout = setTimeout(() => sweep.p.kill('SIGKILL'), 300_000);
      const code = await exited;
      clearTimeout(timeout);
      if (code !== 0) {
        stats.sweep_coordinator_failures += 1;
        stats.examples.push(`${scenario}: the coordinator exited ${code}\n${sweep.text().slice(-800)}`);
      }
      const report = existsSync(join(out, 'report.json')) ? (JSON.parse(readFileSync(join(out, 'report.json'), 'utf8')) as SweepReport) : null;
      const finished = report ? report.runs.filter((r) => r.status === 'finished' && r.steps === ITERATIONS * BATCH).length : 0;
      stats.sweep_runs += 2;
      stats.sweep_runs_lost += 2 - finished;
    } finally {
      for (const p of procs) {
        if (p.exitCode === null && p.signalCode === null) {
          try {
            process.kill(p === sweep.p ? p.pid! : -p.pid!, 'SIGKILL');
          } catch {
            // Gone already.
          }
        }
      }
      await stop(redis);
    }
  }
  return stats;
}
