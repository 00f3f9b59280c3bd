/**
 * Parallel rollouts (train.ppo.numWorkers): the same seed trains the same way whatever the number
 * of workers, on Balance (bare simulations) and Pong (headless scenes, a game per worker); a worker
 * that fails stops the run with its error and its last checkpoint; bad numWorkers are refused.
 */
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadRunConfig } from '../../src/config/run-config.js';
import { ConfigError, EXIT } from '../../src/config/errors.js';
import { makeGameEnv } from '../../src/config/env-module.js';
import { runTrain } from '../../src/run/train.js';
import { RolloutWorkerFailed, WorkerVectorEnv } from '../../src/parallel/worker-vector-env.js';
import type { VectorEnv } from '../../src/env/index.js';
import { checkpointProblem, defaultPpoConfig, initBackend, type PpoConfig } from '../../src/train/index.js';
import { trainedRun, type TrainedRun } from '../helpers/trained-run.js';
import { RolloutNet } from '../../src/train/rollout-net.js';
import { Rng } from '../../src/env/index.js';

const dir = mkdtempSync(join(tmpdir(), 'pd-workers-'));
// The env modules written here are ES modules, as a game's are (tsx loads them in the worker threads).
writeFileSync(join(dir, 'package.json'), '{ "type": "module" }\n');
afterAll(() => rmSync(dir, { recursive: true, force: true }));
beforeAll(async () => {
  await initBackend('wasm');
});

const balance = resolve('games/balance/env.ts');
const pong = resolve('games/pong/env.ts');

/** A short run of `env`, every metric but the wall-clock one and every episode. */
function train(env: VectorEnv, numSteps: number, iterations: number, settings: Partial<PpoConfig> = {}): Promise<TrainedRun> {
  const config = { ...defaultPpoConfig, numEnvs: env.numEnvs, numSteps, totalTimesteps: env.numEnvs * numSteps * iterations, seed: 5, ...settings };
  // Worker threads run their envs' forwards, except with normalizeObservation (all envs' statistics come first).
  return trainedRun(env, config, (trainer) => expect(trainer.envForwards).toBe(env instanceof WorkerVectorEnv && !config.normalizeObservation));
}

describe('parallel rollouts', () => {
  it('train Balance the same way with 1, 2 and 3 workers (5 envs: shares of 2, 2 and 1)', async () => {
    const one = await train(await makeGameEnv(balance, 5), 64, 4);
    // Episodes end often on Balance: the seeds of their restarts are drawn in the main thread.
    expect(one.episodes.length).toBeGreaterThan(20);
    for (const workers of [2, 3]) {
      const env = await WorkerVectorEnv.create(balance, 5, workers);
      expect(env.numWorkers).toBe(workers);
      expect(await train(env, 64, 4), `${workers} workers`).toEqual(one);
    }
  });

  it("run each share's rollout forwards in the thread that steps it, to the same bits as this thread's forward, restarts included", async () => {
    const env = await WorkerVectorEnv.create(balance, 5, 2);
    try {
      const make = (shared: boolean) => new RolloutNet([4, 16, 16, 2], [4, 16, 16, 1], 'tanh', false, 5, { shared });
      const net = make(true);
      const here = make(false);
      const rng = new Rng(9);
      const weights = [[4, 16], [16], [16, 16], [16], [16, 2], [2], [4, 16], [16], [16, 16], [16], [16, 1], [1]].map((shape) => Float32Array.from({ length: shape.reduce((a, b) => a * b) }, () => rng.normal() * 0.5));
      net.load(weights);
      here.load(weights);
      // A net whose buffer is not shared cannot be attached to.
      expect(env.forwardWith(here)).toBe(false);
      expect(env.forwardWith(net)).toBe(true);
      let obs = env.reset(3);
      let restarts = 0;
      for (let t = 0; t < 200; t++) {
        const expected = here.forward(obs, 5);
        const got = net.rows(5);
        expect(got.policy).toEqual(expected.policy);
        expect(got.value).toEqual(expected.value);
        // Random pushes end Balance's episodes every few dozen steps: restarted envs are forwarded anew.
        const r = env.step(Float32Array.from({ length: 5 }, () => rng.int(2)));
        restarts += r.terminated.reduce((a, b) => a + b, 0) + r.truncated.reduce((a, b) => a + b, 0);
        obs = r.observations;
      }
      expect(restarts).toBeGreaterThan(10);
      // A forward on other weights gives other rows: the comparison above can fail.
      here.load(weights.map((w) => w.map((x) => x * 1.5)));
      expect(here.forward(obs, 5).value).not.toEqual(net.rows(5).value);
    } finally {
      env.close();
    }
  });

  it('train the same way with 1 and 2 workers with normalizeObservation, whose forwards stay in this thread', async () => {
    const one = await train(await makeGameEnv(balance, 4), 64, 3, { normalizeObservation: true });
    expect(await train(await WorkerVectorEnv.create(balance, 4, 2), 64, 3, { normalizeObservation: true })).toEqual(one);
  });

  it('keep action masks, truncations and final observations the same with 2 workers (TrapEnv, masked)', async () => {
    const trap = join(dir, 'trap-env.ts');
    writeFileSync(trap, [
      `import { SyncVectorEnv } from ${JSON.stringify(resolve('src/env/index.ts'))};`,
      `import { TrapEnv } from ${JSON.stringify(resolve('test/helpers/tiny-envs.ts'))};`,
      'export const makeVectorEnv = ({ numEnvs }: { numEnvs: number }) => new SyncVectorEnv(Array.from({ length: numEnvs }, () => new TrapEnv(true)));',
    ].join('\n'));
    const single = await makeGameEnv(trap, 4);
    const env = await WorkerVectorEnv.create(trap, 4, 2);
    single.reset(3);
    env.reset(3);
    expect(env.actionMasks).not.toBeNull();
    expect(env.actionMasks).toEqual(single.actionMasks);
    const one = await train(single, 64, 2);
    expect(one.episodes.some((e) => e.length === 20)).toBe(true);
    expect(await train(env, 64, 2)).toEqual(one);
  });

  it('train Pong scenes the same way with 1 and 2 workers (a headless game each)', async () => {
    const one = await train(await makeGameEnv(pong, 4), 128, 2);
    expect(one.episodes.length).toBeGreaterThan(0);
    expect(await train(await WorkerVectorEnv.create(pong, 4, 2), 128, 2)).toEqual(one);
  });
});

describe('train.ppo.numWorkers on the command line', () => {
  const quiet = () => undefined;
  const config = (name: string, env: string, ppo: string, extra = '') =>
    writeConfig(`${name}.yaml`, `game: balance\nenv: ${env}\nname: ${name}\nrunsDir: ${join(dir, 'runs')}\nbackend: wasm\ntrain:\n  ppo: { ${ppo} }\n${extra}`);
  function writeConfig(name: string, body: string): string {
    writeFileSync(join(dir, name), body);
    return join(dir, name);
  }
  /** An env module of Balance whose envs misbehave as `misstep` says after 300 steps, in worker threads only (or, with `where`, where it says). */
  function misbehaving(name: string, misstep: string, atLoad = '', where = '!isMainThread'): string {
    const path = join(dir, `${name}.ts`);
    writeFileSync(path, [
      "import { isMainThread } from 'node:worker_threads';",
      `import { SyncVectorEnv } from ${JSON.stringify(resolve('src/env/index.ts'))};`,
      `import { BalanceEnv } from ${JSON.stringify(resolve('games/balance/balance.ts'))};`,
      atLoad,
      `class Misbehaving extends BalanceEnv { n = 0; override step(a: number) { if (${where} && ++this.n > 300) { ${misstep} } return super.step(a); } }`,
      'export const makeVectorEnv = ({ numEnvs }: { numEnvs: number }) => new SyncVectorEnv(Array.from({ length: numEnvs }, () => new Misbehaving()));',
    ].join('\n'));
    return path;
  }

  it('gives the same metrics and episodes with 1 and 2 workers', async () => {
    const runs = [];
    for (const w of [1, 2]) runs.push(await runTrain({ config: config(`same-${w}`, balance, `totalTimesteps: 2048, numEnvs: 4, numSteps: 64, numWorkers: ${w}`) }, { log: quiet }));
    const read = (runDir: string) => ({
      metrics: readFileSync(join(runDir, 'metrics.jsonl'), 'utf8').trim().split('\n').map((l) => {
        const { 'charts/SPS': _wallClock, ...rest } = JSON.parse(l) as Record<string, unknown>;
        return rest;
      }),
      episodes: readFileSync(join(runDir, 'episodes.jsonl'), 'utf8'),
    });
    expect(runs.map((r) => r.exitCode)).toEqual([EXIT.ok, EXIT.ok]);
    expect(read(runs[1]!.runDir)).toEqual(read(runs[0]!.runDir));
  });

  it('stops a run whose worker throws, naming the worker, its envs and the error, and keeps its last checkpoint', async () => {
    const env = misbehaving('throws', "throw new Error('the cart fell off the table');");
    const lines: string[] = [];
    // 4 envs, 2 workers: worker 1 steps envs 2 and 3, and throws at their 301st step (iteration 5 of 64 steps).
    const out = await runTrain({ config: config('throws', env, 'totalTimesteps: 4096, numEnvs: 4, numSteps: 64, numWorkers: 2', '  checkpointEvery: 2\n') }, { log: (l) => lines.push(l) });
    expect(out.exitCode).toBe(EXIT.targetMissed);
    expect(out.interrupted).toBe(true);
    const text = lines.join('\n');
    expect(text).toMatch(/^worker 1 \(envs 2\.\.3\) failed: Error: the cart fell off the table\n\s+at /m);
    expect(text).toMatch(/the run stopped at step \d+; its last checkpoint is .*step-000001024\. Fix what failed and resume \(phaser-distill train --resume /);
    const ckpt = join(out.runDir, 'checkpoints');
    expect(readFileSync(join(ckpt, 'latest'), 'utf8')).toBe('step-000001024');
    expect(readdirSync(ckpt).filter((f) => f.startsWith('step-'))).toEqual(['step-000000512', 'step-000001024']);
    const files = Object.fromEntries(readdirSync(join(ckpt, 'step-000001024')).map((f) => [f, new Uint8Array(readFileSync(join(ckpt, 'step-000001024', f)))]));
    expect(checkpointProblem(files)).toBeNull();
    expect(existsSync(join(out.runDir, 'teacher'))).toBe(false);
  });

  it('stops a run whose worker thread exits, rather than wait for it', async () => {
    const env = misbehaving('exits', 'process.exit(7);');
    const lines: string[] = [];
    const out = await runTrain({ config: config('exits', env, 'totalTimesteps: 4096, numEnvs: 4, numSteps: 64, numWorkers: 2') }, { log: (l) => lines.push(l) });
    expect(out.exitCode).toBe(EXIT.targetMissed);
    expect(lines.join('\n')).toMatch(/^worker 1 \(envs 2\.\.3\) failed: Error: the worker thread exited \(code 7\) during the run/m);
  });

  it("reports an env of the main thread's own share that throws as worker 0's", async () => {
    const env = misbehaving('throws-here', "throw new Error('the pole snapped');", '', 'isMainThread');
    const lines: string[] = [];
    const out = await runTrain({ config: config('throws-here', env, 'totalTimesteps: 4096, numEnvs: 4, numSteps: 64, numWorkers: 2') }, { log: (l) => lines.push(l) });
    expect(out.exitCode).toBe(EXIT.targetMissed);
    expect(lines.join('\n')).toMatch(/^worker 0 \(envs 0\.\.1\) failed: Error: the pole snapped\n/m);
  });

  it('stops, rather than hang, when every share fails at the same step (in a child process, so a hang fails the test instead of freezing the suite)', () => {
    const env = misbehaving('all-throw', "throw new Error('every cart fell');", '', 'true');
    const path = config('all-throw', env, 'totalTimesteps: 4096, numEnvs: 6, numSteps: 64, numWorkers: 3');
    const run = spawnSync(process.execPath, [resolve('bin/phaser-distill.mjs'), 'train', path], { encoding: 'utf8', timeout: 120_000, killSignal: 'SIGKILL' });
    expect(run.signal, `${run.stdout}\n${run.stderr}`).toBeNull();
    expect(run.status, `${run.stdout}\n${run.stderr}`).toBe(EXIT.targetMissed);
    // The main thread's share fails first, as do both threads': the first is reported.
    expect(run.stdout + run.stderr).toMatch(/worker 0 \(envs 0\.\.1\) failed: Error: every cart fell/);
  });

  it('names a worker stuck in an endless loop, and one out of memory, and stops the run with its last checkpoint (the watchdog; in child processes)', () => {
    // Worker 1 (envs 2..3) hangs, or fills its heap, at its envs' 301st step (iteration 5 of 64 steps); train.workerStepLimit is 2 s.
    const faults: [string, string, RegExp][] = [
      ['hangs', 'for (;;) {}', /worker 1 \(envs 2\.\.3\) failed: no answer to a step within 2 s \(train\.workerStepLimit\): its env is stuck/],
      ['oom', 'const a: number[][] = []; for (;;) a.push(new Array(1e5).fill(Math.random()));', /worker 1 \(envs 2\.\.3\) failed: no answer to a step within 2 s .*\(out of memory\?\)/],
    ];
    for (const [name, misstep, message] of faults) {
      const env = misbehaving(name, misstep);
      const path = config(name, env, 'totalTimesteps: 4096, numEnvs: 4, numSteps: 64, numWorkers: 2', '  checkpointEvery: 2\n  workerStepLimit: 2\n');
      // A small heap for the process, so its workers' (limited to the same) fills in a moment.
      const run = spawnSync(process.execPath, ['--max-old-space-size=256', resolve('bin/phaser-distill.mjs'), 'train', path], { encoding: 'utf8', timeout: 120_000, killSignal: 'SIGKILL' });
      const out = `${run.stdout}\n${run.stderr}`;
      expect(run.signal, out).toBeNull();
      expect(run.status, out).toBe(EXIT.targetMissed);
      expect(out).toMatch(message);
      expect(out).toMatch(/its last checkpoint is .*step-000001024\. Fix what failed and resume/);
    }
  });

  it('ends a run whose worker is stuck with a checkpoint and exit 143 when SIGTERM comes (in a child process)', async () => {
    const marker = join(dir, 'stuck.marker');
    const env = misbehaving('stuck', `mark(${JSON.stringify(marker)}, 'x'); for (;;) {}`, "import { writeFileSync as mark } from 'node:fs';");
    const path = config('stuck', env, 'totalTimesteps: 4096, numEnvs: 4, numSteps: 64, numWorkers: 2', '  checkpointEvery: 2\n  workerStepLimit: 20\n');
    const child = spawn(process.execPath, [resolve('bin/phaser-distill.mjs'), 'train', path], { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    child.stdout.on('data', (d) => (out += d));
    child.stderr.on('data', (d) => (out += d));
    const ended = new Promise<{ code: number | null; signal: string | null }>((done) => child.on('exit', (code, signal) => done({ code, signal })));
    while (!existsSync(marker)) await new Promise((r) => setTimeout(r, 100));
    child.kill('SIGTERM');
    // Within the step limit (20 s) and its wind-down: the test's own bound, not a measurement.
    const killer = setTimeout(() => child.kill('SIGKILL'), 60_000);
    const { code, signal } = await ended;
    clearTimeout(killer);
    expect(signal, out).toBeNull();
    expect(code, out).toBe(143);
    expect(out).toMatch(/worker 1 \(envs 2\.\.3\) failed: no answer to a step within 20 s/);
    expect(out).toMatch(/\(and SIGTERM came meanwhile\); its last checkpoint is .*step-000001024/);
  });

  it('refuses to start when a worker cannot make its envs, with its error, and leaves no run folder', async () => {
    const runs = join(dir, 'runs-no-start');
    const env = misbehaving('no-start', '', "if (!isMainThread) throw new Error('no cart in this thread');");
    const path = writeConfig('no-start.yaml', `game: balance\nenv: ${env}\nrunsDir: ${runs}\nbackend: wasm\ntrain:\n  ppo: { numEnvs: 4, numWorkers: 2 }\n`);
    const started = runTrain({ config: path }, { log: quiet });
    await expect(started).rejects.toThrow(RolloutWorkerFailed);
    await expect(started).rejects.toThrow(/^worker 1 \(envs 2\.\.3\) failed: .*no cart in this thread/);
    expect(existsSync(runs)).toBe(false);
  });

  it('fails as a run with one worker does when the main thread cannot load the env module', async () => {
    const runs = join(dir, 'runs-no-start-here');
    const env = misbehaving('no-start-here', '', "if (isMainThread) throw new Error('no cart in the main thread');");
    const path = writeConfig('no-start-here.yaml', `game: balance\nenv: ${env}\nrunsDir: ${runs}\nbackend: wasm\ntrain:\n  ppo: { numEnvs: 4, numWorkers: 2 }\n`);
    const started = runTrain({ config: path }, { log: quiet });
    await expect(started).rejects.toThrow(/^the env module .*no-start-here\.ts failed to load: Error: no cart in the main thread/);
    await expect(started).rejects.not.toThrow(RolloutWorkerFailed);
    expect(existsSync(runs)).toBe(false);
  });

  it('refuses numWorkers that are not whole, more than numEnvs, or with self-play', () => {
    const refusal = (ppo: string, extra = '') => {
      try {
        loadRunConfig(config('bad', balance, ppo, extra));
      } catch (e) {
        expect(e).toBeInstanceOf(ConfigError);
        return (e as Error).message;
      }
      return 'accepted';
    };
    expect(refusal('numWorkers: 0')).toMatch(/config\.train\.ppo\.numWorkers: .*(>0|positive|greater than 0)/i);
    expect(refusal('numWorkers: 1.5')).toMatch(/config\.train\.ppo\.numWorkers: .*int/i);
    expect(refusal('numEnvs: 4, numWorkers: 5')).toContain('config.train.ppo.numWorkers: 5 is more than numEnvs (4); each worker steps a share of the envs');
    expect(refusal('numEnvs: 4, numWorkers: 2', '  selfPlay: {}\n')).toContain('config.train.ppo.numWorkers: self-play needs numWorkers 1');
    expect(refusal('numEnvs: 5, numWorkers: 2')).toBe('accepted');
  });
});
