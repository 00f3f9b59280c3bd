/**
 * Two behaviours each training their own policy in one run (`train.alternate`, ML-Agents'
 * team_change) and the config's choice of the other behaviours' drivers (`train.drivers`), on real
 * headless Hunt: the sides switch at teamChange, each side's checkpoint resumes where a kill left
 * it (nothing lost, nothing twice), the side that waits plays the other's latest policy, and bad
 * keys are config errors that name the key and leave no run folder.
 */
import { existsSync, mkdtempSync, readdirSync, readFileSync, realpathSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { loadRunConfig } from '../../src/config/run-config.js';
import { makeRunEnv } from '../../src/config/env-module.js';
import { ConfigError } from '../../src/config/errors.js';
import { runTrain } from '../../src/run/train.js';
import { runAll, runDistill, runEval } from '../../src/run/distill.js';
import { alternateTurns } from '../../src/run/alternate.js';

const dir = mkdtempSync(join(tmpdir(), 'pd-alternate-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const runsDir = join(dir, 'runs');
const huntEnv = resolve('games/hunt/env.ts');

// 12 envs x 16 steps: a batch of 192 steps; a turn is two iterations, each side 768 steps in all.
const PPO = { totalTimesteps: 768, numEnvs: 12, numSteps: 16, numMinibatches: 2, updateEpochs: 2, learningRate: 0.001 };

function config(name: string, train: Record<string, unknown>, more: Record<string, unknown> = {}): string {
  const path = join(dir, `${name}.json`);
  writeFileSync(path, JSON.stringify({ game: 'hunt', env: huntEnv, name, runsDir, train: { ppo: PPO, checkpointEvery: 1, ...train }, ...more }));
  return path;
}

const rows = (runDir: string) => readFileSync(join(runDir, 'metrics.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l) as { global_step: number; iteration: number });
const runs = () => (existsSync(runsDir) ? readdirSync(runsDir) : []);

/** A policy file for Hunt's 9 actions that always takes `action` (0 stays put), over `inputs` observation numbers. */
function stayPolicy(inputs: number, action = 0): string {
  const b64 = (a: number[]) => Buffer.from(new Float32Array(a).buffer).toString('base64');
  const bias = Array.from({ length: 9 }, (_, k) => (k === action ? 10 : 0));
  const path = join(dir, `always-${action}-${inputs}.json`);
  writeFileSync(path, JSON.stringify({
    format: 'phaser-distill.student', version: 1,
    observationSpace: { type: 'box', shape: [inputs], low: Array(inputs).fill(-2), high: Array(inputs).fill(2) },
    actionSpace: { type: 'discrete', n: 9 }, observationNormalization: null,
    layers: [{ inputs, outputs: 9, activation: 'linear', dtype: 'float32', weights: b64(Array(inputs * 9).fill(0)), bias: b64(bias) }],
    meta: { role: 'test' },
  }));
  return path;
}

describe('train.alternate', () => {
  /** The run the switching test makes, for distill and eval after it. */
  let both = '';

  it('plans turns of teamChange steps a side, the last one clipped', () => {
    expect(alternateTurns(['hunter', 'prey'], 300, 768)).toEqual([
      { behavior: 'hunter', untilStep: 300 }, { behavior: 'prey', untilStep: 300 },
      { behavior: 'hunter', untilStep: 600 }, { behavior: 'prey', untilStep: 600 },
      { behavior: 'hunter', untilStep: 768 }, { behavior: 'prey', untilStep: 768 },
    ]);
  });

  it('switches sides at teamChange, and each side resumes from its own checkpoint after a kill', async () => {
    const cfg = config('both', { alternate: { behaviors: ['hunter', 'prey'], teamChange: 384, window: 2 } });
    const lines: string[] = [];
    const log = (l: string) => lines.push(l);
    // Killed after one iteration of each invocation: in the hunters' first turn, the prey's first, the hunters' second.
    const first = await runTrain({ config: cfg }, { maxIterations: 1, log });
    expect(first.interrupted).toBe(true);
    const runDir = first.runDir;
    both = runDir;
    expect(rows(join(runDir, 'hunter')).map((r) => r.global_step)).toEqual([192]);
    expect(existsSync(join(runDir, 'prey'))).toBe(false);
    const second = await runTrain({ resumeDir: runDir }, { maxIterations: 1, log });
    expect(second.interrupted).toBe(true);
    // The hunters finished their turn at 384; the prey learnt one iteration of its own.
    expect(rows(join(runDir, 'hunter')).map((r) => r.global_step)).toEqual([192, 384]);
    expect(rows(join(runDir, 'prey')).map((r) => r.global_step)).toEqual([192]);
    // While the prey learns, the hunters play their latest policy, exported at the end of their turn.
    const preyConfig = JSON.parse(readFileSync(join(runDir, 'prey', 'config.json'), 'utf8')) as { train: { behavior: string; drivers: Record<string, string> } };
    expect(preyConfig.train.behavior).toBe('prey');
    expect(preyConfig.train.drivers.hunter).toMatch(/hunter\/policy\.json$/);
    expect((JSON.parse(readFileSync(join(runDir, 'hunter', 'policy.json'), 'utf8')) as { meta: { step: number } }).meta.step).toBe(384);
    await runTrain({ resumeDir: runDir }, { maxIterations: 1, log });
    const done = await runTrain({ resumeDir: runDir }, { log });
    expect(done.exitCode).toBe(0);
    expect(done.interrupted).toBe(false);
    // Every iteration of each side once, in order: nothing lost and nothing trained twice across the kills.
    expect(rows(join(runDir, 'hunter')).map((r) => r.global_step)).toEqual([192, 384, 576, 768]);
    expect(rows(join(runDir, 'prey')).map((r) => r.global_step)).toEqual([192, 384, 576, 768]);
    // Each invocation goes on in the turn the last one stopped in; a turn ends at teamChange and the other side's begins.
    const t = (k: number, b: string, step: number) => `turn ${k}/4: ${b} learns to its step ${step}`;
    expect(lines.filter((l) => l.startsWith('turn ')).map((l) => l.slice(0, l.indexOf(';')))).toEqual([
      t(1, 'hunter', 384), t(1, 'hunter', 384), t(2, 'prey', 384), t(2, 'prey', 384), t(3, 'hunter', 768), t(3, 'hunter', 768), t(4, 'prey', 768),
    ]);
    // One teacher folder per behaviour, and the hunters' second turn played the prey's latest policy.
    for (const b of ['hunter', 'prey']) expect(existsSync(join(runDir, b, 'teacher', 'model.json'))).toBe(true);
    const hunterConfig = JSON.parse(readFileSync(join(runDir, 'hunter', 'config.json'), 'utf8')) as { train: { drivers: Record<string, string> } };
    expect(hunterConfig.train.drivers.prey).toMatch(/prey\/policy\.json$/);
    // A snapshot at the end of each side's turn; with window 2, the prey's last turn played the hunters' two newest.
    expect(readdirSync(join(runDir, 'hunter', 'snapshots'))).toEqual(['turn-0001.json', 'turn-0003.json']);
    const preyLast = JSON.parse(readFileSync(join(runDir, 'prey', 'config.json'), 'utf8')) as { train: { drivers: Record<string, string[]> } };
    expect(preyLast.train.drivers.hunter).toEqual([join(runDir, 'hunter', 'snapshots', 'turn-0003.json'), join(runDir, 'hunter', 'snapshots', 'turn-0001.json')].map((p) => realpathSync(p)));
    expect(JSON.parse(readFileSync(join(runDir, 'alternate.json'), 'utf8'))).toEqual({ turn: 4 });
    // One side's folder is not resumed on its own: it would train past its turns.
    await expect(runTrain({ resumeDir: join(runDir, 'prey') }, { log })).rejects.toThrow(/resume the run itself/);
  }, 120_000);

  it('distils and evaluates each behaviour\'s teacher in its own folder, or one behaviour\'s given its folder', async () => {
    expect(both).not.toBe('');
    const cfg = loadRunConfig(config('both', { alternate: { behaviors: ['hunter', 'prey'], teamChange: 384 } }, {
      distill: { numEnvs: 12, students: [{ name: 's4', hidden: [4] }], dtypes: ['float32'], config: { rounds: 1, stepsPerRound: 240, epochsPerRound: 2 } },
      eval: { episodes: 3, numEnvs: 12, latencyMs: 10 },
    }));
    const quiet = () => undefined;
    const written = await runDistill(cfg, both, quiet);
    expect(written).toEqual([join(both, 'hunter', 'students', 's4-float32.json'), join(both, 'prey', 'students', 's4-float32.json')]);
    // Each student plays its own behaviour's spaces: the hunters' 13 numbers, the prey's 11.
    const shape = (f: string) => (JSON.parse(readFileSync(f, 'utf8')) as { observationSpace: { shape: number[] } }).observationSpace.shape;
    expect(written.map(shape)).toEqual([[13], [11]]);
    await runEval(cfg, both, quiet);
    for (const b of ['hunter', 'prey']) expect(existsSync(join(both, b, 'report', 'report.json'))).toBe(true);
    await runEval(cfg, join(both, 'prey'), quiet);
    expect(existsSync(join(both, 'prey', 'report-2'))).toBe(true);
    expect(existsSync(join(both, 'hunter', 'report-2'))).toBe(false);
  }, 120_000);

  it('run: trains both sides, distils and evaluates each, and exports each into a folder of its name', async () => {
    const out = join(dir, 'exported');
    const cfg = config('run-both', { alternate: { behaviors: ['hunter', 'prey'], teamChange: 384 }, ppo: { ...PPO, totalTimesteps: 384 } }, {
      distill: { numEnvs: 12, students: [{ name: 's4', hidden: [4] }], dtypes: ['int8'], config: { rounds: 1, stepsPerRound: 240, epochsPerRound: 2 } },
      eval: { episodes: 3, numEnvs: 12, latencyMs: 10 },
      export: { students: join(out, 'students'), teacher: join(out, 'teacher') },
    });
    const result = await runAll(cfg, { log: () => undefined });
    expect(result.exitCode).toBe(0);
    for (const b of ['hunter', 'prey']) {
      expect(existsSync(join(out, 'students', b, 's4-int8.json'))).toBe(true);
      expect(existsSync(join(out, 'teacher', b, 'model.json'))).toBe(true);
      expect(existsSync(join(result.runDir, b, 'report', 'report.json'))).toBe(true);
    }
  }, 120_000);

  it('refuses a behaviour the game lacks, a listed-twice one and teamChange <= 0, naming the key and making no run folder', async () => {
    const before = runs();
    await expect(runTrain({ config: config('wolf', { alternate: { behaviors: ['hunter', 'wolf'], teamChange: 384 } }) }, { log: () => undefined })).rejects.toThrow(/config\.train\.alternate\.behaviors\.1: .*'wolf'/);
    expect(() => loadRunConfig(config('zero', { alternate: { behaviors: ['hunter', 'prey'], teamChange: 0 } }))).toThrow(/config\.train\.alternate\.teamChange/);
    expect(() => loadRunConfig(config('twice', { alternate: { behaviors: ['prey', 'prey'], teamChange: 384 } }))).toThrow(/config\.train\.alternate\.behaviors\.1: 'prey' is listed twice/);
    expect(() => loadRunConfig(config('both-keys', { behavior: 'prey', alternate: { behaviors: ['hunter', 'prey'], teamChange: 384 } }))).toThrow(ConfigError);
    expect(runs()).toEqual(before);
  }, 60_000);
});

describe('train.drivers', () => {
  it('drives the other behaviour with the policy file it names, in place of the env module\'s script', async () => {
    // The prey trains; the hunters stay put under the named policy, and chase under the module's script.
    const still = await makeRunEnv({ envPath: huntEnv, baseDir: dir, train: { behavior: 'prey', drivers: { hunter: stayPolicy(13) } } }, 2);
    const chasing = await makeRunEnv({ envPath: huntEnv, baseDir: dir, train: { behavior: 'prey', drivers: { hunter: 'scripted' } } }, 2);
    try {
      expect(still.observationSpace.shape).toEqual([11]);
      const moved = (env: typeof still) => {
        const start = env.reset(3).slice();
        let obs: Float32Array = start;
        for (let t = 0; t < 20; t++) obs = env.step(new Float32Array([0, 0])).observations;
        // The prey stays too: only the hunters can change their offsets from it.
        return Math.max(...Array.from(obs, (v, i) => Math.abs(v - start[i]!)));
      };
      expect(moved(still)).toBe(0);
      expect(moved(chasing)).toBeGreaterThan(0.05);
    } finally {
      still.close();
      chasing.close();
    }
  }, 60_000);

  it('shares the scenes out among a list of policies', async () => {
    // Scene 0's hunters stay put, scene 1's head east: only scene 1's prey sees its hunters move.
    const env = await makeRunEnv({ envPath: huntEnv, baseDir: dir, train: { behavior: 'prey', drivers: { hunter: [stayPolicy(13), stayPolicy(13, 1)] } } }, 2);
    try {
      const start = env.reset(3).slice();
      let obs: Float32Array = start;
      for (let t = 0; t < 20; t++) obs = env.step(new Float32Array([0, 0])).observations;
      const moved = (i: number) => Math.max(...Array.from(obs.subarray(11 * i, 11 * (i + 1)), (v, k) => Math.abs(v - start[11 * i + k]!)));
      expect(moved(0)).toBe(0);
      expect(moved(1)).toBeGreaterThan(0.05);
    } finally {
      env.close();
    }
  }, 60_000);

  it('learns: the prey (train.behavior) against the shipped hunters (train.drivers) goes from always caught to escaping', async () => {
    // 24 prey a scene each, 100 iterations (153,600 steps); the prey's return is -1 when caught, 0 when it escapes.
    const cfg = config('prey-learns', { behavior: 'prey', drivers: { hunter: resolve('assets/policies/hunt/s16-float32.json') }, ppo: { numEnvs: 24, numSteps: 64, numMinibatches: 4, updateEpochs: 4, learningRate: 0.001, totalTimesteps: 24 * 64 * 100 } });
    const run = await runTrain({ config: cfg }, { log: () => undefined });
    expect(run.exitCode).toBe(0);
    const returns = readFileSync(join(run.runDir, 'episodes.jsonl'), 'utf8').trim().split('\n').map((l) => (JSON.parse(l) as { return: number }).return);
    const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
    // Measured: every one of the first 50 caught, 47% of the last 100 escaped.
    expect(mean(returns.slice(0, 50))).toBeLessThan(-0.9);
    expect(mean(returns.slice(-100))).toBeGreaterThan(-0.8);
  }, 120_000);

  it('refuses a policy of other spaces, a missing file and the trained behaviour, naming the key, before a run folder', async () => {
    const before = runs();
    const wrong = config('wrong', { behavior: 'prey', drivers: { hunter: stayPolicy(11) } });
    await expect(runTrain({ config: wrong }, { log: () => undefined })).rejects.toThrow(/config\.train\.drivers\.hunter: .*other spaces/);
    expect(() => loadRunConfig(config('missing', { drivers: { prey: 'nowhere.json' } }))).toThrow(/config\.train\.drivers\.prey: no such file/);
    expect(() => loadRunConfig(config('self', { behavior: 'prey', drivers: { prey: 'scripted' } }))).toThrow(/config\.train\.drivers\.prey: 'prey' is the behaviour this run trains/);
    expect(runs()).toEqual(before);
  }, 60_000);

  it('refuses an env module that drops train.behavior or train.drivers, before a run folder, rather than train the wrong side', async () => {
    // Hunt's hunters, whatever it is asked for: the prey would never train, the prey's driver never drive.
    const deaf = join(dir, 'deaf-env.ts');
    writeFileSync(deaf, `import { createSceneVectorEnv } from 'phaser-distill/node';\nimport { HUNT, PREY, fleePrey } from '${resolve('games/hunt/scene.ts')}';\nexport const makeVectorEnv = ({ numEnvs }: { numEnvs: number }) => createSceneVectorEnv(HUNT, { envs: numEnvs, drivers: { [PREY]: fleePrey } });\n`);
    const before = runs();
    const side = join(dir, 'deaf-side.json');
    writeFileSync(side, JSON.stringify({ game: 'hunt', env: deaf, name: 'deaf-side', runsDir, train: { ppo: PPO, behavior: 'prey' } }));
    await expect(runTrain({ config: side }, { log: () => undefined })).rejects.toThrow(/config\.train\.behavior: the env module .* made an env of 'hunter', not 'prey': its makeVectorEnv must pass what it is given/);
    const driver = join(dir, 'deaf-driver.json');
    writeFileSync(driver, JSON.stringify({ game: 'hunt', env: deaf, name: 'deaf-driver', runsDir, train: { ppo: PPO, drivers: { prey: stayPolicy(11) } } }));
    await expect(runTrain({ config: driver }, { log: () => undefined })).rejects.toThrow(/config\.train\.drivers\.prey: the env module .* did not hand this driver to its scenes/);
    expect(runs()).toEqual(before);
  }, 60_000);
});
