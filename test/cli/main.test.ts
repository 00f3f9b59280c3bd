/**
 * The command line as a user meets it: `help <command>` and `<command> --help` print that command's
 * usage; `--version`; a flag that is unknown or belongs to another command is an error naming it
 * (exit 2, with that command's usage, not the whole list); `config` prints the resolved config,
 * which parses back to itself; `export --onnx` takes a student file or a teacher folder.
 */
import { copyFileSync, cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { afterAll, afterEach, describe, expect, it, vi } from 'vitest';
import { parse } from 'yaml';
import { main } from '../../src/cli/main.js';
import { COMMANDS, globalUsage } from '../../src/cli/commands.js';
import { resolvedConfig } from '../../src/cli/config.js';
import { loadRunConfig, parseRunConfig } from '../../src/config/run-config.js';
import { defaultDistillConfig, defaultPpoConfig } from '../../src/train/index.js';

const dir = mkdtempSync(join(tmpdir(), 'pd-cli-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
afterEach(() => vi.restoreAllMocks());

/** Runs the command line; what it printed to stdout and stderr, and its exit code. */
async function cli(...argv: string[]): Promise<{ code: number; out: string; err: string }> {
  const out: string[] = [];
  const err: string[] = [];
  vi.spyOn(console, 'log').mockImplementation((...a) => void out.push(a.join(' ')));
  vi.spyOn(console, 'error').mockImplementation((...a) => void err.push(a.join(' ')));
  const code = await main(argv);
  vi.restoreAllMocks();
  return { code, out: out.join('\n'), err: err.join('\n') };
}

describe('help and version', () => {
  it('--version prints the package.json version alone', async () => {
    const pkg = JSON.parse(readFileSync(resolve('package.json'), 'utf8')) as { version: string };
    const r = await cli('--version');
    expect(r).toEqual({ code: 0, out: pkg.version, err: '' });
  });

  it.each(Object.keys(COMMANDS))('help %s and %s --help print that command\'s usage, with each of its flags', async (name) => {
    const a = await cli('help', name);
    const b = await cli(name, '--help');
    expect(a.code).toBe(0);
    expect(b).toEqual(a);
    expect(a.out).toMatch(new RegExp(`^usage: phaser-distill ${name}\\b`));
    for (const flag of Object.keys(COMMANDS[name]!.flags)) expect(a.out).toContain(`--${flag}`);
    // Not the global list: another command's summary is absent.
    const other = Object.entries(COMMANDS).find(([n]) => n !== name)!;
    expect(a.out).not.toContain(other[1].summary);
  });

  it('-h after a command and before its arguments is that command\'s help too', async () => {
    const r = await cli('export', '-h', '--run', 'x');
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/^usage: phaser-distill export --run/);
  });

  it('no command prints the list of commands (exit 2); --help prints it (exit 0)', async () => {
    expect(await cli()).toEqual({ code: 2, out: '', err: globalUsage() });
    expect(await cli('--help')).toEqual({ code: 0, out: globalUsage(), err: '' });
    for (const name of Object.keys(COMMANDS)) expect(globalUsage()).toContain(`  ${name} `);
  });

  it('help of a command that does not exist names it (exit 2)', async () => {
    const r = await cli('help', 'trian');
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/^phaser-distill: unknown command 'trian'/);
  });
});

describe('wrong arguments say what is wrong', () => {
  it('an unknown flag is named, with the command\'s usage only', async () => {
    const r = await cli('run', 'x.yaml', '--no-exprot');
    expect(r.code).toBe(2);
    expect(r.err.split('\n')[0]).toBe('phaser-distill run: unknown option --no-exprot');
    expect(r.err).toContain('usage: phaser-distill run <config>');
    expect(r.err).not.toContain(COMMANDS.sweep!.summary);
  });

  it('a flag of another command is an error naming the commands it belongs to', async () => {
    const r = await cli('train', 'x.yaml', '--run', 'runs/a');
    expect(r.code).toBe(2);
    expect(r.err.split('\n')[0]).toBe('phaser-distill train: --run does not apply to train (it is an option of distill, eval, export)');
    const q = await cli('run', 'x.yaml', '--queue', 'redis://h:1');
    expect(q.err.split('\n')[0]).toBe('phaser-distill run: --queue does not apply to run (it is an option of sweep, worker)');
  });

  it.each([
    [['distill', 'a.yaml'], 'phaser-distill distill: needs --run'],
    [['distill', '--run', 'r'], 'phaser-distill distill: missing the <config>'],
    [['run', 'a.yaml', 'b.yaml'], "phaser-distill run: takes one <config>; got 2: 'a.yaml' 'b.yaml'"],
    [['train', 'a.yaml', '--resume', 'r'], "phaser-distill train: --resume continues a run with the run's own config: give the run folder alone, not 'a.yaml'"],
    [['export', '--run', 'r', '--teacher', '--out', 'o', '--layout', 'godot'], 'phaser-distill export: --layout is for ONNX files: add --onnx'],
    [['export', '--run', 'r', '--teacher', '--student', 's', '--out', 'o'], 'phaser-distill export: give --student or --teacher, not both'],
    [['export', 's.json', '--out', 'o'], 'phaser-distill export: a student or teacher file is exported with --onnx (to copy it, copy the file)'],
    [['export', 's.json', '--run', 'r', '--onnx', '--out', 'o'], "phaser-distill export: --run picks from a run folder; a file given as 's.json' needs none"],
    [['sweep', 's.yaml', '--plan', '--report'], 'phaser-distill sweep: give one of --plan, --index, --report and --queue (got --plan and --report)'],
    [['sweep', 's.yaml', '--parallel', 'two'], "phaser-distill sweep: --parallel: 'two' is not a whole number"],
    [['worker', '--queue'], 'phaser-distill worker: --queue needs a value'],
    [['init', '--force=yes'], 'phaser-distill init: --force takes no value'],
    [['--run', 'x'], "phaser-distill: '--run' is not a command: the option goes after one (phaser-distill <command> --run ...)"],
    [['trian', 'x.yaml'], "phaser-distill: unknown command 'trian'"],
  ])('%j: exit 2, "%s"', async (argv, first) => {
    const r = await cli(...argv);
    expect(r.code).toBe(2);
    expect(r.err.split('\n')[0]).toBe(first);
  });
});

describe('config', () => {
  const config = join(dir, 'game', 'run.yaml');
  mkdirSync(dirname(config), { recursive: true });
  writeFileSync(join(dir, 'game', 'env.ts'), 'export function makeVectorEnv() {}\n');
  writeFileSync(config, 'game: tiny\nenv: env.ts\ntrain:\n  ppo:\n    numEnvs: 4\n    network: { actorHidden: [8] }\ndistill:\n  students: [{ name: s4, hidden: [4] }]\n  config: { rounds: 2 }\n');

  it('prints every key with its default, the file\'s own values kept', async () => {
    const r = await cli('config', config);
    expect(r.code).toBe(0);
    const printed = parse(r.out) as Record<string, any>;
    for (const [key, value] of Object.entries(defaultPpoConfig)) {
      if (key === 'seed') continue;
      expect(printed.train.ppo, key).toHaveProperty(key);
      if (!['numEnvs', 'network'].includes(key)) expect(printed.train.ppo[key], key).toEqual(value);
    }
    expect(printed.train.ppo.numEnvs).toBe(4);
    expect(printed.train.ppo.network).toEqual({ ...defaultPpoConfig.network, actorHidden: [8] });
    expect(printed.distill.config.rounds).toBe(2);
    expect(printed.distill.config.stepsPerRound).toBe(defaultDistillConfig.stepsPerRound);
    expect(printed).toMatchObject({ name: 'run', seed: 1, runsDir: 'runs', backend: 'auto', train: { checkpointEvery: 25 }, eval: { episodes: 100 } });
  });

  it('what it prints is a config that resolves to itself (so nothing printed is a key the schema refuses)', async () => {
    const r = await cli('config', config, '--json');
    const printed = JSON.parse(r.out);
    expect(resolvedConfig(parseRunConfig(printed, 'printed', dirname(config)))).toEqual(printed);
    expect(printed).toEqual(resolvedConfig(loadRunConfig(config)));
  });

  it('a config with an unknown key is refused, naming it (exit 2)', async () => {
    const bad = join(dir, 'game', 'bad.yaml');
    writeFileSync(bad, 'game: tiny\nenv: env.ts\ntrain: { ppo: { numEnv: 4 } }\n');
    const r = await cli('config', bad);
    expect(r.code).toBe(2);
    expect(r.err).toContain('config.train.ppo.numEnv: unknown key');
  });

  it('a convolutional torso is checked against the game\'s observation when training starts: one past it is refused, naming the key (exit 2)', async () => {
    const conv = join(dir, 'game', 'conv.yaml');
    const torso = '{ grid: { offset: 1, height: 2, width: 2, channels: 1 }, layers: [{ filters: 4, kernel: 2 }] }';
    writeFileSync(conv, `game: balance\nenv: ${resolve('games/balance/env.ts')}\nbackend: wasm\nrunsDir: ${join(dir, 'conv-runs')}\ntrain: { ppo: { numEnvs: 2, network: { conv: ${torso} } } }\n`);
    const r = await cli('train', conv);
    expect(r.code).toBe(2);
    // Balance observes 4 numbers: a 2 x 2 grid from offset 1 needs 5.
    expect(r.err).toContain(`${conv}: config.train.ppo.network.conv.grid: 2 x 2 x 1 = 4 numbers from offset 1 reach past the observation's 4`);
    expect(existsSync(join(dir, 'conv-runs'))).toBe(false);
    writeFileSync(conv, `game: balance\nenv: ${resolve('games/balance/env.ts')}\ntrain: { ppo: { network: { conv: { grid: { height: 2, width: 2, channels: 1 }, layers: [{ filter: 4, kernel: 2 }] } } } }\n`);
    const typo = await cli('config', conv);
    expect(typo.code).toBe(2);
    expect(typo.err).toContain('config.train.ppo.network.conv.layers.0');
  });
});

describe('export --onnx from a file', () => {
  // A run folder made of the shipped Balance teacher and student, so the file and the run export can be compared.
  const run = join(dir, 'run');
  cpSync('assets/teachers/balance', join(run, 'teacher'), { recursive: true });
  mkdirSync(join(run, 'students'), { recursive: true });
  copyFileSync('assets/policies/balance/s16-int8.json', join(run, 'students', 's16-int8.json'));

  it('a student file gives the bytes the run folder\'s export gives', async () => {
    expect((await cli('export', '--run', run, '--student', 's16-int8', '--onnx', '--layout', 'mlagents', '--out', join(dir, 'a.onnx'))).code).toBe(0);
    expect((await cli('export', join(run, 'students', 's16-int8.json'), '--onnx', '--layout', 'mlagents', '--out', join(dir, 'b.onnx'))).code).toBe(0);
    expect(readFileSync(join(dir, 'b.onnx')).length).toBeGreaterThan(100);
    expect(readFileSync(join(dir, 'b.onnx'))).toEqual(readFileSync(join(dir, 'a.onnx')));
  });

  it('a teacher folder, or its model.json, gives the bytes the run folder\'s export gives', async () => {
    expect((await cli('export', '--run', run, '--teacher', '--onnx', '--out', join(dir, 't1.onnx'))).code).toBe(0);
    expect((await cli('export', join(run, 'teacher'), '--onnx', '--out', join(dir, 't2.onnx'))).code).toBe(0);
    expect((await cli('export', join(run, 'teacher', 'model.json'), '--onnx', '--out', join(dir, 't3.onnx'))).code).toBe(0);
    expect(readFileSync(join(dir, 't2.onnx'))).toEqual(readFileSync(join(dir, 't1.onnx')));
    expect(readFileSync(join(dir, 't3.onnx'))).toEqual(readFileSync(join(dir, 't1.onnx')));
  });

  it('a file that is not a policy, and a folder that is not a teacher, are named (exit 2)', async () => {
    writeFileSync(join(dir, 'junk.json'), '{"format": "nope"}');
    const junk = await cli('export', join(dir, 'junk.json'), '--onnx', '--out', join(dir, 'x.onnx'));
    expect(junk.code).toBe(2);
    expect(junk.err).toContain(join(dir, 'junk.json'));
    const folder = await cli('export', join(run, 'students'), '--onnx', '--out', join(dir, 'x.onnx'));
    expect(folder.code).toBe(2);
    expect(folder.err).toContain('not a teacher folder (it lacks model.json, weights.bin, run.json)');
  });
});
