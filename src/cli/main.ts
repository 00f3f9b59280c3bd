/**
 * The `phaser-distill` command line.
 *
 *   phaser-distill train <config.yaml|json>    train a PPO teacher
 *   phaser-distill train --resume <run folder>  continue an interrupted run
 *   phaser-distill calibrate <ladder.yaml>      measure difficulty levels, write a ladder file
 *
 * Exit codes: 0 done; 1 the run's target return was not reached, a ladder is not strictly ordered, or it failed; 2 a usage or config
 * error; 130 interrupted (Ctrl+C), with a checkpoint saved.
 */
import { parseArgs } from 'node:util';
import { ConfigError } from './config.js';
import { runCalibrate } from './calibrate.js';
import { EXIT, runTrain } from './train-command.js';

const USAGE = `usage:
  phaser-distill train <config.yaml|config.json>
  phaser-distill train --resume <run folder>
  phaser-distill calibrate <ladder config.yaml>`;

export async function main(argv: string[]): Promise<number> {
  const [command, ...rest] = argv;
  let parsed;
  try {
    parsed = parseArgs({ args: rest, allowPositionals: true, options: { resume: { type: 'string' }, help: { type: 'boolean', short: 'h' } } });
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
        console.error(USAGE);
        return EXIT.usage;
      }
      case 'calibrate': {
        if (positionals.length !== 1) {
          console.error(USAGE);
          return EXIT.usage;
        }
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
