/**
 * The `phaser-distill` command line (the commands and their flags are in commands.ts). `bin/phaser-distill.mjs` calls `main`.
 *
 * Exit codes: 0 done; 1 the run's target return was not reached, a ladder is not strictly ordered, or it failed; 2 a usage or config
 * error (or a demo file that cannot be read); 130 interrupted by Ctrl+C (143 by SIGTERM, 129 by SIGHUP), with a checkpoint saved.
 *
 * Each command's module is loaded when the command runs, so `--help` and `init` need no
 * TensorFlow.js, and a missing package is named instead of crashing at start.
 */
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { DemoFileError } from '../demo/demo-file.js';
import { ConfigError, EXIT, RunFailed } from '../config/errors.js';
import { COMMANDS, commandUsage, commandsWithFlag, globalUsage } from './commands.js';

/** A usage error: the message says what is wrong, then the command's usage (not the whole list). */
class UsageError extends Error {
  constructor(message: string, readonly command?: string) {
    super(message);
  }
}

export interface MainOptions {
  /** Loaded before a game's env module (the bin passes the headless host's entry). */
  envPreload?: () => Promise<unknown>;
}

export async function main(argv: string[], options: MainOptions = {}): Promise<number> {
  const [command, ...rest] = argv;
  if (command === undefined) {
    console.error(globalUsage());
    return EXIT.usage;
  }
  if (command === '--version' || command === '-v') {
    if (rest.length) return usageError(new UsageError(`--version takes no arguments (got ${rest.join(' ')})`));
    console.log(version());
    return EXIT.ok;
  }
  if (command === '--help' || command === '-h') {
    console.log(globalUsage());
    return EXIT.ok;
  }
  try {
    if (!(command in COMMANDS)) {
      throw new UsageError(command.startsWith('-') ? `'${command}' is not a command: the option goes after one (phaser-distill <command> ${command} ...)` : `unknown command '${command}'`);
    }
    const { values, positionals } = parseCommand(command, rest);
    if (values.help) {
      console.log(commandUsage(command));
      return EXIT.ok;
    }
    if (options.envPreload) (await import('../config/env-module.js')).setEnvPreload(options.envPreload);
    return await runCommand(command, values, positionals);
  } catch (e) {
    if (e instanceof UsageError) return usageError(e);
    if (e instanceof ConfigError) {
      console.error(`config error in ${e.message}`);
      return EXIT.usage;
    }
    // A demo file that is damaged, missing, or of another agent: the message names the file and the field or difference.
    if (e instanceof DemoFileError) {
      console.error(e.message);
      return EXIT.usage;
    }
    if (e instanceof RunFailed) {
      console.error(e.message);
      return 1;
    }
    if (e instanceof MissingPackage) {
      console.error(e.message);
      return EXIT.usage;
    }
    console.error(e instanceof Error ? (e.stack ?? e.message) : String(e));
    return 1;
  }
}

type Values = Record<string, string | boolean | undefined>;

function usageError(e: UsageError): number {
  const more = e.command ? `${commandUsage(e.command)}` : `${globalUsage()}`;
  console.error(`phaser-distill${e.command ? ` ${e.command}` : ''}: ${e.message}\n\n${more}`);
  return EXIT.usage;
}

/** The command's flags and positionals; a flag it does not take is a UsageError naming the flag (and the commands that do take it). */
function parseCommand(command: string, args: string[]): { values: Values; positionals: string[] } {
  const own = { ...COMMANDS[command]!.flags, help: { type: 'boolean' as const, doc: '' } };
  const spec = Object.fromEntries(Object.entries(own).map(([name, f]) => [name, { type: f.type, ...(name === 'help' ? { short: 'h' } : {}) }]));
  // First loosely, to name a stray flag ourselves; parseArgs's own message suggests '--' and names no command.
  const { tokens } = parseArgs({ args, options: spec, strict: false, allowPositionals: true, tokens: true });
  for (const t of tokens) {
    if (t.kind !== 'option' || t.name in own) continue;
    const elsewhere = commandsWithFlag(t.name);
    throw new UsageError(elsewhere.length
      ? `${t.rawName} does not apply to ${command} (it is an option of ${elsewhere.join(', ')})`
      : `unknown option ${t.rawName}`, command);
  }
  if (args.includes('--help') || args.includes('-h')) return { values: { help: true }, positionals: [] };
  try {
    const { values, positionals } = parseArgs({ args, options: spec, strict: true, allowPositionals: true });
    return { values: values as Values, positionals };
  } catch (e) {
    const m = /Option '(-[\w-]+)(?:, )?(--[\w-]+)?.*argument missing/.exec((e as Error).message);
    if (m) throw new UsageError(`${m[2] ?? m[1]} needs a value`, command);
    const noValue = /Option '(--[\w-]+)' does not take an argument/.exec((e as Error).message);
    if (noValue) throw new UsageError(`${noValue[1]} takes no value`, command);
    throw new UsageError((e as Error).message, command);
  }
}

/** Exactly `n` positionals, described as `what`; otherwise a UsageError saying how many came. */
function expect(command: string, positionals: string[], n: number, what: string): void {
  if (positionals.length === n) return;
  if (n === 0) throw new UsageError(`takes no ${positionals.length === 1 ? 'argument' : 'arguments'} besides its options (got ${positionals.map((p) => `'${p}'`).join(' ')})`, command);
  if (positionals.length < n) throw new UsageError(`missing the ${what}`, command);
  throw new UsageError(`takes one ${what}; got ${positionals.length}: ${positionals.map((p) => `'${p}'`).join(' ')}`, command);
}

function need(command: string, values: Values, flag: string): string {
  const v = values[flag];
  if (typeof v !== 'string') throw new UsageError(`needs --${flag}`, command);
  return v;
}

async function runCommand(command: string, values: Values, positionals: string[]): Promise<number> {
  const str = (k: string) => values[k] as string | undefined;
  switch (command) {
    case 'help': {
      if (positionals.length === 0) {
        console.log(globalUsage());
        return EXIT.ok;
      }
      expect(command, positionals, 1, 'command');
      if (!(positionals[0]! in COMMANDS)) throw new UsageError(`unknown command '${positionals[0]}'`);
      console.log(commandUsage(positionals[0]!));
      return EXIT.ok;
    }
    case 'init': {
      if (positionals.length > 1) expect(command, positionals, 1, 'folder');
      const { runInit } = await import('./init.js');
      return runInit(positionals[0] ?? '.', { force: Boolean(values.force) });
    }
    case 'train': {
      const { runTrain } = await load(command, () => import('../run/train.js'));
      if (values.resume !== undefined) {
        if (positionals.length) throw new UsageError(`--resume continues a run with the run's own config: give the run folder alone, not '${positionals.join(' ')}'`, command);
        return (await runTrain({ resumeDir: str('resume')! })).exitCode;
      }
      expect(command, positionals, 1, '<config>');
      return (await runTrain({ config: positionals[0]! })).exitCode;
    }
    case 'run': {
      expect(command, positionals, 1, '<config>');
      const { runAll } = await load(command, () => import('../run/distill.js'));
      return (await runAll(positionals[0]!, { exportResults: !values['no-export'] })).exitCode;
    }
    case 'distill':
    case 'eval': {
      expect(command, positionals, 1, '<config>');
      const run = need(command, values, 'run');
      const [{ loadRunConfig }, { runDistill, runEval }] = await load(command, () => Promise.all([import('../config/run-config.js'), import('../run/distill.js')]));
      const config = loadRunConfig(positionals[0]!);
      if (command === 'distill') await runDistill(config, run);
      else await runEval(config, run);
      return EXIT.ok;
    }
    case 'export': {
      const out = need(command, values, 'out');
      if (values.layout !== undefined && !values.onnx) throw new UsageError('--layout is for ONNX files: add --onnx', command);
      // ONNX's package is an optional peer: named, with its install line, before any work.
      if (values.onnx) await load(command, () => import('onnx-proto'));
      if (positionals.length > 0) {
        expect(command, positionals, 1, '<student file | teacher folder>');
        for (const f of ['run', 'student', 'teacher']) if (values[f] !== undefined) throw new UsageError(`--${f} picks from a run folder; a file given as '${positionals[0]}' needs none`, command);
        if (!values.onnx) throw new UsageError(`a student or teacher file is exported with --onnx (to copy it, copy the file)`, command);
        const { exportFileOnnx } = await load(command, () => import('./export-file.js'));
        return await exportFileOnnx(positionals[0]!, str('layout') ?? 'plain', out);
      }
      const run = str('run');
      if (run === undefined) throw new UsageError('needs --run <run folder>, or a student or teacher file', command);
      if (Boolean(values.student) === Boolean(values.teacher)) throw new UsageError(values.teacher ? 'give --student or --teacher, not both' : 'needs --student <name-dtype> or --teacher', command);
      const { runExport, runOnnxExport } = await load(command, () => import('../run/distill.js'));
      const what = values.student ? { student: str('student')! } : { teacher: true as const };
      return values.onnx ? await runOnnxExport(run, what, str('layout') ?? 'plain', out) : runExport(run, what, out);
    }
    case 'config': {
      expect(command, positionals, 1, '<config>');
      const { printConfig } = await load(command, () => import('./config.js'));
      return printConfig(positionals[0]!, { json: Boolean(values.json) });
    }
    case 'calibrate': {
      expect(command, positionals, 1, '<ladder config>');
      const { runCalibrate } = await load(command, () => import('../ladder/calibrate.js'));
      return (await runCalibrate(positionals[0]!)).ordered ? EXIT.ok : EXIT.targetMissed;
    }
    case 'demo': {
      expect(command, positionals, 1, '<file or folder>');
      const { runDemo } = await import('./demo.js');
      return runDemo(positionals[0]!);
    }
    case 'imitate': {
      expect(command, positionals, 1, '<config>');
      const { runImitate } = await load(command, () => import('../run/imitate.js'));
      await runImitate(positionals[0]!, str('demos'));
      return EXIT.ok;
    }
    case 'sweep': {
      expect(command, positionals, 1, '<sweep.yaml>');
      const modes = ['plan', 'index', 'report', 'queue'].filter((f) => values[f] !== undefined);
      if (modes.length > 1) throw new UsageError(`give one of --plan, --index, --report and --queue (got ${modes.map((m) => `--${m}`).join(' and ')})`, command);
      if (values.parallel !== undefined && modes.length) throw new UsageError(`--parallel is for the local pool; it does not go with --${modes[0]}`, command);
      const index = wholeNumber(command, '--index', str('index'));
      const parallel = wholeNumber(command, '--parallel', str('parallel'));
      const { runSweep } = await load(command, () => import('../sweep/sweep.js'));
      // BullMQ is loaded where a package that is missing can be named.
      if (values.queue !== undefined) await load(command, () => import('../sweep/queue.js'));
      return await runSweep(positionals[0]!, { plan: values.plan as boolean | undefined, report: values.report as boolean | undefined, queue: str('queue'), index, parallel });
    }
    case 'worker': {
      expect(command, positionals, 0, '');
      const queue = need(command, values, 'queue');
      const concurrency = wholeNumber(command, '--concurrency', str('concurrency'));
      const lockDuration = wholeNumber(command, '--lock-duration', str('lock-duration'));
      const [{ runSweepWorker }] = await load(command, () => Promise.all([import('../sweep/sweep.js'), import('../sweep/queue.js')]));
      return await runSweepWorker({ queue, concurrency, lockDuration });
    }
  }
  throw new UsageError(`unknown command '${command}'`);
}

/** The package's version, from the package.json above this file (src/cli/ in a checkout, dist/ installed). */
export function version(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (;;) {
    try {
      const pkg = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) as { name?: string; version?: string };
      if (pkg.name === 'phaser-distill' && pkg.version) return pkg.version;
    } catch {
      // no package.json here: look further up
    }
    const up = dirname(dir);
    if (up === dir) return 'unknown';
    dir = up;
  }
}

class MissingPackage extends Error {}

/** A flag's whole number, or undefined when the flag is not given; a UsageError naming the flag otherwise. */
function wholeNumber(command: string, flag: string, value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  if (!/^\d+$/.test(value)) throw new UsageError(`${flag}: '${value}' is not a whole number`, command);
  return Number(value);
}

/** Loads a command's modules; a package they need that is not installed is named, with the line that installs it. */
async function load<T>(command: string, importer: () => Promise<T>): Promise<T> {
  try {
    return await importer();
  } catch (e) {
    const missing = /Cannot find (?:package|module) '([^']+)'/.exec((e as Error).message)?.[1];
    // A package is named bare; a missing file (a path) is some other fault.
    if ((e as { code?: string }).code !== 'ERR_MODULE_NOT_FOUND' || !missing || /^([./]|[A-Za-z]:)/.test(missing)) throw e;
    const name = missing.startsWith('@') ? missing.split('/').slice(0, 2).join('/') : missing.split('/')[0]!;
    const hint = name.startsWith('@tensorflow/') ? 'npm install @tensorflow/tfjs @tensorflow/tfjs-backend-wasm'
      : name === 'bullmq' || name === 'ioredis' ? 'npm install bullmq ioredis' : `npm install ${name}`;
    throw new MissingPackage(`phaser-distill ${command} needs the package '${name}', which is not installed here. Install it with:\n  ${hint}`);
  }
}
