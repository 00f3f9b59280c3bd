/**
 * The `phaser-distill` command line (see USAGE). `bin/phaser-distill.mjs` calls `main`.
 *
 * Exit codes: 0 done; 1 the run's target return was not reached, a ladder is not strictly ordered, or it failed; 2 a usage or config
 * error (or a demo file that cannot be read); 130 interrupted by Ctrl+C (143 by SIGTERM, 129 by SIGHUP), with a checkpoint saved.
 *
 * Each command's module is loaded when the command runs, so `--help` and `init` need no
 * TensorFlow.js, and a missing package is named instead of crashing at start.
 */
import { parseArgs } from 'node:util';
import { DemoFileError } from '../demo/demo-file.js';
import { ConfigError, EXIT, RunFailed } from '../config/errors.js';

const USAGE = `usage:
  phaser-distill init [folder] [--force]               scaffold a small game that learns (scene, env module, config, page)
  phaser-distill run <config> [--no-export]            train, distil, evaluate, copy results to the config's export paths
  phaser-distill train <config>                        train a PPO teacher
  phaser-distill train --resume <run folder>           continue an interrupted run
  phaser-distill distill <config> --run <run folder>   distil the run's teacher into the config's students
  phaser-distill eval <config> --run <run folder>      evaluate teacher and students; write a new report
  phaser-distill export --run <run folder> (--student <name-dtype> | --teacher) --out <path> [--onnx [--layout plain|mlagents|godot]]
  phaser-distill calibrate <ladder config>             measure difficulty levels, write a ladder file
  phaser-distill demo <file or folder>                 read recorded play (a .demo file, or a folder of them merged): episodes, returns, spaces
  phaser-distill imitate <config> [--demos <file or folder>]  clone the config's imitate students from recorded play; evaluate them
  phaser-distill sweep <sweep.yaml> [--parallel N]     run a grid or random search over config keys and seeds on a local pool; write its report
  phaser-distill sweep <sweep.yaml> --queue redis://host:port   put the runs on a BullMQ queue for workers; wait; write the report
  phaser-distill sweep <sweep.yaml> --plan | --index <i> | --report   list the runs | run run i alone (a CI matrix, an Indexed Job) | gather the finished ones
  phaser-distill worker --queue redis://host:port [--concurrency N] [--lock-duration ms]   take sweep runs from the queue
(<config> is YAML or JSON)`;

function usage(): number {
  console.error(USAGE);
  return EXIT.usage;
}

export interface MainOptions {
  /** Loaded before a game's env module (the bin passes the headless host's entry). */
  envPreload?: () => Promise<unknown>;
}

export async function main(argv: string[], options: MainOptions = {}): Promise<number> {
  const [command, ...rest] = argv;
  if (options.envPreload) (await import('../config/env-module.js')).setEnvPreload(options.envPreload);
  let parsed;
  try {
    parsed = parseArgs({ args: rest, allowPositionals: true, options: {
        resume: { type: 'string' }, run: { type: 'string' }, 'no-export': { type: 'boolean' }, student: { type: 'string' }, teacher: { type: 'boolean' }, out: { type: 'string' },
        onnx: { type: 'boolean' }, layout: { type: 'string' }, demos: { type: 'string' },
        plan: { type: 'boolean' }, index: { type: 'string' }, report: { type: 'boolean' }, parallel: { type: 'string' }, queue: { type: 'string' }, concurrency: { type: 'string' }, 'lock-duration': { type: 'string' },
        force: { type: 'boolean' }, help: { type: 'boolean', short: 'h' },
      } });
  } catch (e) {
    console.error(`${(e as Error).message}\n${USAGE}`);
    return EXIT.usage;
  }
  const { values, positionals } = parsed;
  if (!command || command === '--help' || command === '-h' || values.help) {
    console.log(USAGE);
    return command ? EXIT.ok : EXIT.usage;
  }
  try {
    switch (command) {
      case 'init': {
        if (positionals.length > 1) return usage();
        const { runInit } = await import('./init.js');
        return runInit(positionals[0] ?? '.', { force: Boolean(values.force) });
      }
      case 'train': {
        const { runTrain } = await load(command, () => import('../run/train.js'));
        if (values.resume && positionals.length === 0) return (await runTrain({ resumeDir: values.resume })).exitCode;
        if (!values.resume && positionals.length === 1) return (await runTrain({ config: positionals[0]! })).exitCode;
        return usage();
      }
      case 'run': {
        if (positionals.length !== 1) return usage();
        const { runAll } = await load(command, () => import('../run/distill.js'));
        return (await runAll(positionals[0]!, { exportResults: !values['no-export'] })).exitCode;
      }
      case 'distill':
      case 'eval': {
        if (positionals.length !== 1 || !values.run) return usage();
        const [{ loadRunConfig }, { runDistill, runEval }] = await load(command, () => Promise.all([import('../config/run-config.js'), import('../run/distill.js')]));
        const config = loadRunConfig(positionals[0]!);
        if (command === 'distill') await runDistill(config, values.run);
        else await runEval(config, values.run);
        return EXIT.ok;
      }
      case 'export': {
        if (positionals.length !== 0 || !values.run || !values.out || Boolean(values.student) === Boolean(values.teacher) || (values.layout && !values.onnx)) return usage();
        const { runExport, runOnnxExport } = await load(command, () => import('../run/distill.js'));
        const what = values.student ? { student: values.student } : { teacher: true as const };
        return values.onnx ? await runOnnxExport(values.run, what, values.layout ?? 'plain', values.out) : runExport(values.run, what, values.out);
      }
      case 'calibrate': {
        if (positionals.length !== 1) return usage();
        const { runCalibrate } = await load(command, () => import('../ladder/calibrate.js'));
        return (await runCalibrate(positionals[0]!)).ordered ? EXIT.ok : EXIT.targetMissed;
      }
      case 'demo': {
        if (positionals.length !== 1) return usage();
        const { runDemo } = await import('./demo.js');
        return runDemo(positionals[0]!);
      }
      case 'imitate': {
        if (positionals.length !== 1) return usage();
        const { runImitate } = await load(command, () => import('../run/imitate.js'));
        await runImitate(positionals[0]!, values.demos);
        return EXIT.ok;
      }
      case 'sweep': {
        if (positionals.length !== 1) return usage();
        const { runSweep } = await load(command, () => import('../sweep/sweep.js'));
        // BullMQ is loaded where a package that is missing can be named.
        if (values.queue !== undefined) await load(command, () => import('../sweep/queue.js'));
        return await runSweep(positionals[0]!, {
          plan: values.plan, report: values.report, queue: values.queue,
          index: wholeNumber('--index', values.index), parallel: wholeNumber('--parallel', values.parallel),
        });
      }
      case 'worker': {
        if (positionals.length !== 0 || !values.queue) return usage();
        const [{ runSweepWorker }] = await load(command, () => Promise.all([import('../sweep/sweep.js'), import('../sweep/queue.js')]));
        return await runSweepWorker({ queue: values.queue, concurrency: wholeNumber('--concurrency', values.concurrency), lockDuration: wholeNumber('--lock-duration', values['lock-duration']) });
      }
      default:
        console.error(`unknown command '${command}'\n${USAGE}`);
        return EXIT.usage;
    }
  } catch (e) {
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

class MissingPackage extends Error {}

/** A flag's whole number, or undefined when the flag is not given; a ConfigError naming the flag otherwise. */
function wholeNumber(flag: string, value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  if (!/^\d+$/.test(value)) throw new ConfigError(`${flag}: '${value}' is not a whole number`);
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
    const hint = name.startsWith('@tensorflow/') ? 'npm install @tensorflow/tfjs @tensorflow/tfjs-backend-wasm' : `npm install ${name}`;
    throw new MissingPackage(`phaser-distill ${command} needs the package '${name}', which is not installed here. Install it with:\n  ${hint}`);
  }
}
