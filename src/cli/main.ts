/**
 * The `phaser-distill` command line (see USAGE).
 *
 * Exit codes: 0 done; 1 the run's target return was not reached, a ladder is not strictly ordered, or it failed; 2 a usage or config
 * error; 130 interrupted (Ctrl+C), with a checkpoint saved.
 */
import { parseArgs } from 'node:util';
import { ConfigError } from './config.js';
import { runCalibrate } from './calibrate.js';
import { loadRunConfig } from './config.js';
import { runAll, runDistill, runEval, runExport } from './distill-command.js';
import { EXIT, runTrain } from './train-command.js';

const USAGE = `usage:
  phaser-distill run <config> [--no-export]            train, distil, evaluate, copy results to the config's export paths
  phaser-distill train <config>                        train a PPO teacher
  phaser-distill train --resume <run folder>           continue an interrupted run
  phaser-distill distill <config> --run <run folder>   distil the run's teacher into the config's students
  phaser-distill eval <config> --run <run folder>      evaluate teacher and students; write the report
  phaser-distill export --run <run folder> (--student <name-dtype> | --teacher) --out <path>
  phaser-distill calibrate <ladder config>             measure difficulty levels, write a ladder file
(<config> is YAML or JSON)`;

function usage(): number {
  console.error(USAGE);
  return EXIT.usage;
}

export async function main(argv: string[]): Promise<number> {
  const [command, ...rest] = argv;
  let parsed;
  try {
    parsed = parseArgs({ args: rest, allowPositionals: true, options: {
        resume: { type: 'string' }, run: { type: 'string' }, 'no-export': { type: 'boolean' }, student: { type: 'string' }, teacher: { type: 'boolean' }, out: { type: 'string' },
        help: { type: 'boolean', short: 'h' },
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
      case 'train': {
        if (values.resume && positionals.length === 0) return (await runTrain({ resumeDir: values.resume })).exitCode;
        if (!values.resume && positionals.length === 1) return (await runTrain({ config: positionals[0]! })).exitCode;
        return usage();
      }
      case 'run': {
        if (positionals.length !== 1) return usage();
        return (await runAll(positionals[0]!, { exportResults: !values['no-export'] })).exitCode;
      }
      case 'distill':
      case 'eval': {
        if (positionals.length !== 1 || !values.run) return usage();
        const config = loadRunConfig(positionals[0]!);
        if (command === 'distill') await runDistill(config, values.run);
        else await runEval(config, values.run);
        return EXIT.ok;
      }
      case 'export': {
        if (positionals.length !== 0 || !values.run || !values.out || Boolean(values.student) === Boolean(values.teacher)) return usage();
        return runExport(values.run, values.student ? { student: values.student } : { teacher: true }, values.out);
      }
      case 'calibrate': {
        if (positionals.length !== 1) return usage();
        return (await runCalibrate(positionals[0]!)).ordered ? EXIT.ok : EXIT.targetMissed;
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
    console.error(e instanceof Error ? (e.stack ?? e.message) : String(e));
    return 1;
  }
}

process.exitCode = await main(process.argv.slice(2));
