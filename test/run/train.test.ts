import { copyFileSync, existsSync, mkdtempSync, readdirSync, readFileSync, realpathSync, renameSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { loadRunConfig, ppoConfigOf } from '../../src/config/run-config.js';
import { ConfigError, EXIT, RunFailed } from '../../src/config/errors.js';
import { newRunDir } from '../../src/run/files.js';
import { runTrain } from '../../src/run/train.js';
import { checkpointProblem, checksumProblem, defaultPpoConfig, loadCheckpointDir, type CheckpointFiles } from '../../src/train/index.js';

/** A checkpoint folder's files. */
function readCheckpoint(folder: string): CheckpointFiles {
  return Object.fromEntries(readdirSync(folder).map((f) => [f, new Uint8Array(readFileSync(join(folder, f)))]));
}

const dir = mkdtempSync(join(tmpdir(), 'pd-cli-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const envModule = resolve('games/balance/env.ts');

function writeConfig(name: string, body: string): string {
  const path = join(dir, name);
  writeFileSync(path, body);
  return path;
}

describe('run configs', () => {
  it('parse YAML and JSON, filling PPO defaults', () => {
    const yaml = loadRunConfig(writeConfig('a.yaml', `game: balance\nenv: ${envModule}\ntrain:\n  ppo:\n    numEnvs: 4\n    network: { actorHidden: [32] }\n`));
    const ppo = ppoConfigOf(yaml);
    expect(ppo.numEnvs).toBe(4);
    expect(ppo.network.actorHidden).toEqual([32]);
    expect(ppo.network.criticHidden).toEqual(defaultPpoConfig.network.criticHidden);
    expect(ppo.learningRate).toBe(defaultPpoConfig.learningRate);
    const json = loadRunConfig(writeConfig('a.json', JSON.stringify({ game: 'balance', env: envModule, seed: 4 })));
    expect(ppoConfigOf(json).seed).toBe(4);
  });

  it('reject unknown and mistyped keys, naming their path', () => {
    const bad = writeConfig('bad.yaml', `game: balance\nenv: x.ts\ntrain:\n  ppo:\n    learningRat: 0.1\n    gamma: 2\n    network: { activation: sigmoid }\n  colour: red\n`);
    expect(() => loadRunConfig(bad)).toThrow(ConfigError);
    let message = '';
    try {
      loadRunConfig(bad);
    } catch (e) {
      message = (e as Error).message;
    }
    expect(message).toMatch(/config\.train\.ppo\.learningRat: unknown key/);
    expect(message).toMatch(/config\.train\.ppo\.gamma: .*1/);
    expect(message).toMatch(/config\.train\.ppo\.network\.activation/);
    expect(message).toMatch(/config\.train\.colour: unknown key/);
    expect(() => loadRunConfig(writeConfig('nogame.yaml', `env: x.ts\n`))).toThrow(/config\.game/);
    expect(() => loadRunConfig(join(dir, 'missing.yaml'))).toThrow(/cannot read/);
  });

  it('reject keys that pass the schema but cannot work together, naming their path', () => {
    writeFileSync(join(dir, 'a-file'), 'not a folder');
    const bad = writeConfig('beyond.yaml', `game: balance\nenv: ${envModule}\nrunsDir: ${join(dir, 'a-file')}\nbackend: webgl\ntrain:\n  ppo: { numEnvs: 2, numSteps: 4, numMinibatches: 16, totalTimesteps: 6 }\n`);
    let message = '';
    try {
      loadRunConfig(bad);
    } catch (e) {
      expect(e).toBeInstanceOf(ConfigError);
      message = (e as Error).message;
    }
    expect(message).toContain(`config.runsDir: ${join(dir, 'a-file')} is a file, not a folder`);
    expect(message).toContain('config.backend: webgl runs only in a browser');
    expect(message).toContain('config.train.ppo.numMinibatches: 16 is more than the batch of 8 steps (numEnvs 2 x numSteps 4)');
    expect(message).toContain('config.train.ppo.totalTimesteps: 6 is less than one batch of 8 steps (numEnvs 2 x numSteps 4): no iteration would run');
  });

  it('read a JSON or YAML file that starts with a byte-order mark', () => {
    const json = writeConfig('bom.json', '\uFEFF' + JSON.stringify({ game: 'balance', env: envModule, seed: 6 }));
    expect(loadRunConfig(json).seed).toBe(6);
    const yaml = writeConfig('bom.yaml', `\uFEFFgame: balance\nenv: ${envModule}\nseed: 7\n`);
    expect(loadRunConfig(yaml).seed).toBe(7);
  });

  it('refuses a YAML key written twice in one mapping, naming its path', () => {
    const twice = writeConfig('twice.yaml', `game: balance\nenv: ${envModule}\ntrain:\n  ppo: { numEnvs: 2 }\n  targetReturn: 5\n  ppo: { numEnvs: 4 }\n`);
    expect(() => loadRunConfig(twice)).toThrow(/config\.train\.ppo: the key is written twice/);
  });

  it('reads a config of 100k stray keys in one pass, listing the first 20 and counting the rest', () => {
    const keys = Array.from({ length: 100_000 }, (_, i) => `k${i}: ${i}`).join('\n');
    const wide = writeConfig('wide.yaml', `game: balance\nenv: ${envModule}\n${keys}\n`);
    let message = '';
    try {
      loadRunConfig(wide);
    } catch (e) {
      expect(e).toBeInstanceOf(ConfigError);
      message = (e as Error).message;
    }
    const lines = message.split('\n');
    expect(lines.filter((l) => / config\.k\d+: unknown key$/.test(l))).toHaveLength(20);
    expect(lines.at(-1)).toBe('  ... and 99980 more');
  });
});

describe('phaser-distill train', () => {
  const small = (target: number) =>
    writeConfig(`small-${target}.yaml`, `game: balance\nenv: ${envModule}\nname: t${target}\nrunsDir: ${join(dir, 'runs')}\nbackend: wasm\ntrain:\n  ppo: { totalTimesteps: 4096, numEnvs: 4, numSteps: 128 }\n  checkpointEvery: 2\n  targetReturn: ${target}\n`);
  const quiet = () => undefined;

  it('writes a run folder with metrics, checkpoints, the teacher and a curve, and exits 0 on reaching the target', async () => {
    const out = await runTrain({ config: small(15) }, { log: quiet });
    expect(out.exitCode).toBe(EXIT.ok);
    expect(out.runDir).toMatch(/balance__t15__1__\d{4}-\d\d-\d\dT\d\d-\d\d-\d\d$/);
    for (const f of ['config.json', 'metrics.jsonl', 'metrics.csv', 'episodes.jsonl', 'summary.json', 'teacher/model.json', 'teacher/weights.bin', 'checkpoints/latest']) {
      expect(existsSync(join(out.runDir, f)), f).toBe(true);
    }
    const csv = readFileSync(join(out.runDir, 'metrics.csv'), 'utf8').trim().split('\n');
    expect(csv[0]).toMatch(/^global_step,iteration,charts\/episodic_return/);
    expect(csv).toHaveLength(1 + 8);
    expect(out.curve.first_step_at_target).not.toBeNull();
  });

  it('gives runs of one config started in the same second folders of their own', async () => {
    const config = loadRunConfig(small(21));
    const now = new Date('2026-12-01T10:00:00Z');
    const dirs = [newRunDir(config, now), newRunDir(config, now), newRunDir(config, now)];
    expect(dirs[0]).toMatch(/balance__t21__1__2026-12-01T10-00-00$/);
    expect(dirs.slice(1)).toEqual([`${dirs[0]}-2`, `${dirs[0]}-3`]);
    for (const d of dirs) expect(existsSync(d)).toBe(true);
  });

  it('exits 1 when the target return is not reached', async () => {
    const out = await runTrain({ config: small(499) }, { log: quiet });
    expect(out.exitCode).toBe(EXIT.targetMissed);
  });

  it('resumes an interrupted run where its checkpoint left it, without duplicated rows', async () => {
    const first = await runTrain({ config: small(16) }, { log: quiet, maxIterations: 3 });
    expect(first.exitCode).toBe(EXIT.interrupted);
    const stepsBefore = readFileSync(join(first.runDir, 'metrics.jsonl'), 'utf8').trim().split('\n').length;
    expect(stepsBefore).toBe(3);
    const resumed = await runTrain({ resumeDir: first.runDir }, { log: quiet });
    expect(resumed.runDir).toBe(first.runDir);
    const rows = readFileSync(join(first.runDir, 'metrics.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l) as { iteration: number });
    expect(rows.map((r) => r.iteration)).toEqual([1, 2, 3, 4, 5, 6, 7, 8]);
    expect(existsSync(join(first.runDir, 'teacher', 'model.json'))).toBe(true);
  });

  it('resumes a run whose last metrics and episode rows were cut short, dropping them and saying so', async () => {
    const first = await runTrain({ config: small(17) }, { log: quiet, maxIterations: 2 });
    // As a full disk leaves an append: the start of a row and no newline.
    for (const [file, cut] of [['metrics.jsonl', '{"global_step":1536,"iter'], ['episodes.jsonl', '{"step":15'], ['metrics.csv', '1536,3,']] as const) {
      writeFileSync(join(first.runDir, file), readFileSync(join(first.runDir, file), 'utf8') + cut);
    }
    const lines: string[] = [];
    const resumed = await runTrain({ resumeDir: first.runDir }, { log: (l) => lines.push(l) });
    expect(resumed.exitCode).toBe(EXIT.ok);
    for (const file of ['metrics.jsonl', 'episodes.jsonl', 'metrics.csv']) expect(lines).toContain(`dropped 1 cut-short line from ${file} (a write interrupted by a kill or a full disk)`);
    const rows = readFileSync(join(first.runDir, 'metrics.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l) as { iteration: number });
    expect(rows.map((r) => r.iteration)).toEqual([1, 2, 3, 4, 5, 6, 7, 8]);
    const csv = readFileSync(join(first.runDir, 'metrics.csv'), 'utf8').trim().split('\n');
    expect(csv).toHaveLength(1 + 8);
    expect(new Set(csv.slice(1).map((l) => l.split(',').length))).toEqual(new Set([csv[0]!.split(',').length]));
    for (const l of readFileSync(join(first.runDir, 'episodes.jsonl'), 'utf8').trim().split('\n')) expect(() => JSON.parse(l)).not.toThrow();
  });
});

describe('resuming from damaged checkpoints, and training that diverges', () => {
  const quiet = () => undefined;
  const config = (name: string, env = envModule, extra = '') =>
    writeConfig(`${name}.yaml`, `game: balance\nenv: ${env}\nname: ${name}\nrunsDir: ${join(dir, 'runs')}\nbackend: wasm\ntrain:\n  ppo: { totalTimesteps: 8192, numEnvs: 4, numSteps: 128${extra} }\n  checkpointEvery: 1\n`);
  const ckpt = (runDir: string, step: number) => join(runDir, 'checkpoints', `step-${String(step).padStart(9, '0')}`);

  it('passes over a cut, a NaN or a dangling latest checkpoint to the newest whole one, says why, and sets the damaged ones aside', async () => {
    const first = await runTrain({ config: config('damaged') }, { log: quiet, maxIterations: 3 });
    for (const step of [512, 1024, 1536]) expect(checkpointProblem(readCheckpoint(ckpt(first.runDir, step)))).toBeNull();
    expect(checkpointProblem((await loadCheckpointDir(join(first.runDir, 'checkpoints')))!)).toBeNull();
    // The newest is cut short; the one before holds a NaN weight.
    const cut = join(ckpt(first.runDir, 1536), 'weights.bin');
    writeFileSync(cut, readFileSync(cut).subarray(0, 1000));
    const nan = join(ckpt(first.runDir, 1024), 'weights.bin');
    const bytes = new Uint8Array(readFileSync(nan));
    new DataView(bytes.buffer).setFloat32(40, Number.NaN, true);
    writeFileSync(nan, bytes);
    const lines: string[] = [];
    const resumed = await runTrain({ resumeDir: first.runDir }, { log: (l) => lines.push(l), maxIterations: 1 });
    expect(lines).toContain('resuming from step-000000512, the newest whole checkpoint');
    expect(lines).toContain(`resuming ${first.runDir} at step 512 (iteration 1)`);
    expect(lines.find((l) => l.startsWith('skipped checkpoint step-000001536: weights.bin: 1000 bytes, too few'))).toBeDefined();
    expect(lines.find((l) => /^skipped checkpoint step-000001024: weights.bin: weight '.*' holds NaN at index \d+$/.test(l))).toBeDefined();
    expect(existsSync(ckpt(first.runDir, 1536) + '.damaged') && existsSync(ckpt(first.runDir, 1024) + '.damaged')).toBe(true);
    expect(resumed.interrupted).toBe(true);
    // The run goes on from there: its metrics hold iterations 1 and 2 once each.
    const rows = readFileSync(join(first.runDir, 'metrics.jsonl'), 'utf8').trim().split('\n').map((l) => (JSON.parse(l) as { iteration: number }).iteration);
    expect(rows).toEqual([1, 2]);

    // A latest that points at nothing is passed over too.
    writeFileSync(join(first.runDir, 'checkpoints', 'latest'), 'step-000099999');
    const again: string[] = [];
    await runTrain({ resumeDir: first.runDir }, { log: (l) => again.push(l), maxIterations: 1 });
    expect(again).toContain('skipped checkpoint latest: points at step-000099999, which does not exist');
    expect(again).toContain(`resuming ${first.runDir} at step 1024 (iteration 2)`);
  });

  it('catches a zero-filled weights.bin by its checksum and resumes from the checkpoint before it', async () => {
    const first = await runTrain({ config: config('zeroed') }, { log: quiet, maxIterations: 2 });
    const weights = join(ckpt(first.runDir, 1024), 'weights.bin');
    writeFileSync(weights, new Uint8Array(readFileSync(weights).length));
    // Finite and the right length: only the checksum tells.
    const files = readCheckpoint(ckpt(first.runDir, 1024));
    expect(checkpointProblem(files)).toBeNull();
    expect(checksumProblem(files)).toMatch(/^weights\.bin: CRC-32 [0-9a-f]{8}, where checksums\.json says "[0-9a-f]{8}": the file changed after it was written$/);
    delete files['checksums.json'];
    expect(checksumProblem(files)).toBe('checksums.json is missing (run.json says the checkpoint was saved with it)');
    const lines: string[] = [];
    await runTrain({ resumeDir: first.runDir }, { log: (l) => lines.push(l), maxIterations: 1 });
    expect(lines.find((l) => l.startsWith('skipped checkpoint step-000001024: weights.bin: CRC-32'))).toBeDefined();
    expect(lines).toContain(`resuming ${first.runDir} at step 512 (iteration 1)`);
  });

  it('refuses a damaged config.json, a full disk and a moved run folder with a line naming the file, and resumes once they are fixed', async () => {
    const first = await runTrain({ config: config('faults') }, { log: quiet, maxIterations: 1 });
    const saved = join(first.runDir, 'config.json');
    const whole = readFileSync(saved, 'utf8');
    writeFileSync(saved, whole.slice(0, 40));
    await expect(runTrain({ resumeDir: first.runDir }, { log: quiet })).rejects.toThrow(ConfigError);
    await expect(runTrain({ resumeDir: first.runDir }, { log: quiet })).rejects.toThrow(new RegExp(`^${saved.replace(/[.\\]/g, '\\$&')}: not the run's config \\(not JSON: .*\\); the run's config is damaged$`));
    writeFileSync(saved, whole);

    // A full disk where the run writes its curve: a RunFailed naming the file and ENOSPC; resuming afterwards works.
    const curveTmp = join(first.runDir, `curve.svg.tmp-${process.pid}`);
    symlinkSync('/dev/full', curveTmp);
    await expect(runTrain({ resumeDir: first.runDir }, { log: quiet, maxIterations: 1 })).rejects.toThrow(/curve\.svg\.tmp-\d+: ENOSPC \(write\): the disk is full; the run stopped, and its last checkpoint stands\. Resume with: phaser-distill train --resume /);
    rmSync(curveTmp);
    expect((await runTrain({ resumeDir: first.runDir }, { log: quiet, maxIterations: 1 })).interrupted).toBe(true);

    // Moved (or sent): its env module is shown and must be confirmed before it runs.
    const moved = `${first.runDir}-moved`;
    renameSync(first.runDir, moved);
    const message = /runDir: this run folder was made at .* and is now at .*-moved\. Resuming it runs the env module its config\.json names, .*games\/balance\/env\.ts\. If you trust that module, confirm it: set "runDir"/;
    await expect(runTrain({ resumeDir: moved }, { log: quiet, maxIterations: 1 })).rejects.toThrow(message);
    const confirmed = { ...(JSON.parse(whole) as Record<string, unknown>), runDir: realpathSync(moved) };
    writeFileSync(join(moved, 'config.json'), JSON.stringify(confirmed));
    const lines: string[] = [];
    expect((await runTrain({ resumeDir: moved }, { log: (l) => lines.push(l), maxIterations: 1 })).interrupted).toBe(true);
    expect(lines).toContain(`env module: ${envModule} (from ${join(moved, 'config.json')})`);
    // An env module that came inside the run folder never runs.
    copyFileSync(envModule, join(moved, 'env.ts'));
    writeFileSync(join(moved, 'config.json'), JSON.stringify({ ...confirmed, envPath: join(moved, 'env.ts') }));
    await expect(runTrain({ resumeDir: moved }, { log: quiet, maxIterations: 1 })).rejects.toThrow(/envPath: .*env\.ts lies inside the run folder/);
  });

  it('refuses a runsDir under /proc at once, and a learning rate above 1, naming the key', async () => {
    await expect(runTrain({ config: writeConfig('proc.yaml', `game: balance\nenv: ${envModule}\nrunsDir: /proc/pd-nowhere/runs\nbackend: wasm\n`) }, { log: quiet })).rejects.toThrow(/^config\.runsDir: \/proc\/pd-nowhere\/runs: cannot be made \(ENOENT/);
    expect(() => loadRunConfig(config('lr', envModule, ', learningRate: 1e9'))).toThrow(/config\.train\.ppo\.learningRate: .*at most 1/);
  });

  it('with no whole checkpoint left, stops with the reasons and no stack trace', async () => {
    const first = await runTrain({ config: config('none-left') }, { log: quiet, maxIterations: 1 });
    writeFileSync(join(ckpt(first.runDir, 512), 'run.json'), '{"version": 1, "conf');
    await expect(runTrain({ resumeDir: first.runDir }, { log: quiet })).rejects.toThrow(RunFailed);
    await expect(runTrain({ resumeDir: first.runDir }, { log: quiet })).rejects.toThrow(/no checkpoint to resume from \(step-000000512: .*JSON/);
  });

  it('stops a run whose losses turn NaN, saving nothing after, and keeps the last good checkpoint', async () => {
    // Balance whose rewards turn NaN after 1,500 steps of each env.
    const env = join(dir, 'nan-env.ts');
    writeFileSync(env, [
      `import { SyncVectorEnv } from ${JSON.stringify(resolve('src/env/index.ts'))};`,
      `import { BalanceEnv } from ${JSON.stringify(resolve('games/balance/balance.ts'))};`,
      'class Poisoned extends BalanceEnv { n = 0; override step(a: number) { const r = super.step(a); return ++this.n > 1500 ? { ...r, reward: Number.NaN } : r; } }',
      'export const makeVectorEnv = ({ numEnvs }: { numEnvs: number }) => new SyncVectorEnv(Array.from({ length: numEnvs }, () => new Poisoned()));',
    ].join('\n'));
    const lines: string[] = [];
    const out = await runTrain({ config: config('nan', env) }, { log: (l) => lines.push(l) });
    expect(out.exitCode).toBe(EXIT.targetMissed);
    expect(out.interrupted).toBe(true);
    const message = lines.find((l) => l.startsWith('training diverged: losses/'));
    expect(message, lines.join('\n')).toMatch(/is NaN at iteration \d+\. Nothing from that point on was saved; the last good checkpoint is .*step-\d+\. Lower train\.ppo\.learningRate/);
    const latest = readFileSync(join(out.runDir, 'checkpoints', 'latest'), 'utf8');
    expect(checkpointProblem(await readCheckpoint(join(out.runDir, 'checkpoints', latest)))).toBeNull();
    expect(existsSync(join(out.runDir, 'teacher'))).toBe(false);
  });
});

describe('the phaser-distill command', () => {
  // Ctrl+C; a container stop or a CI cancel; a closed terminal.
  it.each([['SIGINT', 130], ['SIGTERM', 143], ['SIGHUP', 129]] as const)('saves a checkpoint and exits 128 + n on %s, and the run resumes from it', async (signal, code) => {
    const { spawn } = await import('node:child_process');
    const config = writeConfig(`long-${signal}.yaml`, `game: balance\nenv: ${envModule}\nname: ${signal.toLowerCase()}\nrunsDir: ${join(dir, 'runs')}\nbackend: wasm\ntrain:\n  ppo: { totalTimesteps: 10000000 }\n  checkpointEvery: 1000\n`);
    const child = spawn(process.execPath, ['bin/phaser-distill.mjs', 'train', config], { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    child.stderr.on('data', (d: Buffer) => (out += d.toString()));
    const exited = new Promise<number | null>((done) => child.on('exit', done));
    try {
      // Interrupt once training has made progress (a progress line has been drawn); a child that
      // exits first fails the test instead of leaving it waiting.
      await new Promise<void>((done, fail) => {
        const poll = setInterval(() => {
          if (/steps\/s/.test(out)) {
            clearInterval(poll);
            child.kill(signal);
            done();
          }
        }, 100);
        void exited.then((code) => {
          clearInterval(poll);
          fail(new Error(`train exited (${code}) before it drew progress:\n${out}`));
        });
      });
      expect(await exited).toBe(code);
    } finally {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
    }
    const runDir = /run folder: (\S+)/.exec(out)![1]!;
    expect(out).toMatch(/Resume with: phaser-distill train --resume/);
    const latest = readFileSync(join(runDir, 'checkpoints', 'latest'), 'utf8');
    const step = Number(latest.replace('step-', ''));
    expect(step).toBeGreaterThan(0);
    // checkpointEvery is 1000 iterations: this checkpoint is the one the signal made it write, at once.
    expect(step).toBeLessThan(1000 * 512);
    // The run resumes from it.
    const lines: string[] = [];
    const resumed = await runTrain({ resumeDir: runDir }, { log: (l) => lines.push(l), maxIterations: 1 });
    expect(lines).toContain(`resuming ${runDir} at step ${step} (iteration ${step / 512})`);
    expect(resumed.interrupted).toBe(true);
  });

  it('exits 2 naming config.env and the file when the env module is missing, and leaves no run folder', async () => {
    const { spawnSync } = await import('node:child_process');
    const runs = join(dir, 'runs-missing-env');
    const typo = writeConfig('typo-env.yaml', `game: balance\nenv: ./balance-env.ts\nrunsDir: ${runs}\n`);
    const r = spawnSync(process.execPath, ['bin/phaser-distill.mjs', 'train', typo], { encoding: 'utf8' });
    expect(r.status, r.stderr).toBe(2);
    expect(r.stderr).toContain(`config.env: no such file ${join(dir, 'balance-env.ts')}`);
    expect(r.stderr).not.toMatch(/\n\s+at /);
    expect(existsSync(runs)).toBe(false);
  });

  it('a module that does not export makeVectorEnv is a config error, and leaves no run folder', async () => {
    const runs = join(dir, 'runs-no-export');
    writeFileSync(join(dir, 'no-export.ts'), 'export const makeEnv = () => null;\n');
    const config = writeConfig('no-export.yaml', `game: balance\nenv: ./no-export.ts\nrunsDir: ${runs}\nbackend: wasm\n`);
    await expect(runTrain({ config }, { log: () => undefined })).rejects.toThrow(/config\.env: .*no-export\.ts must export makeVectorEnv\(\{ numEnvs \}\) \(it exports makeEnv\)/);
    expect(existsSync(runs)).toBe(false);
  });

  it('exits 2 with the key path on a bad config, and on bad usage', async () => {
    const { spawnSync } = await import('node:child_process');
    const bad = writeConfig('typo.yaml', `game: balance\nenv: x.ts\ntrian: {}\n`);
    const r = spawnSync(process.execPath, ['bin/phaser-distill.mjs', 'train', bad], { encoding: 'utf8' });
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(/config\.trian: unknown key/);
    expect(spawnSync(process.execPath, ['bin/phaser-distill.mjs', 'fly'], { encoding: 'utf8' }).status).toBe(2);
  });
});
