/**
 * `train.alternate`: two or more behaviours of one scene, each training its own policy in one run,
 * a side at a time (ML-Agents' ghost trainer for asymmetric games, its `team_change`). Turn k
 * trains behaviour k mod n for `teamChange` env steps, from its own checkpoint; meanwhile every
 * other behaviour is driven by its own latest policy (exported in the student runtime at the end of
 * its last turn), or, before its first turn, by the config's `train.drivers` entry for it (or the
 * env module's own driver); with `window` > 1, by its newest snapshots (one a turn), the scenes
 * shared out among them. Each behaviour runs `train.ppo.totalTimesteps` steps in all.
 *
 * The run folder holds the whole config, `alternate.json` (the turns done), and one ordinary run
 * folder per behaviour, `{run}/{behavior}/`: its config (train.behavior, and train.drivers naming
 * the others' latest policies), checkpoints, metrics, episodes, `policy.json` (its latest policy)
 * and, once its last turn ends, `teacher/`. A turn is an ordinary run of the trainer stopped at its
 * step, so a resume goes on from the behaviour's newest checkpoint in the turn it was in.
 */
import { existsSync, mkdirSync, readdirSync, readFileSync, realpathSync, rmSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { teacherFromTrainer, type PpoTrainer } from '../train/index.js';
import { ppoConfigOf, type RunConfig } from '../config/run-config.js';
import { makeRunEnv } from '../config/env-module.js';
import { ConfigError, EXIT } from '../config/errors.js';
import { newRunDir, readJson, writeFileAtomic, writeJson } from './files.js';
import type { TrainOptions, TrainOutcome, TrainSource } from './train.js';

/** The file that says how many turns are done. */
export const ALTERNATE_FILE = 'alternate.json';
/** A behaviour's latest policy, in its folder: what drives it while another behaviour learns. */
export const LATEST_POLICY = 'policy.json';
/** The folder of a behaviour's policy at the end of each of its turns (train.alternate.window plays the newest). */
export const SNAPSHOTS = 'snapshots';

interface AlternateState {
  /** Turns finished; the next turn is this one. */
  turn: number;
}

/** One turn of the schedule: who learns, and up to which of its own steps. */
export interface Turn {
  behavior: string;
  untilStep: number;
}

/** The turns of a run: round r gives each behaviour, in order, its steps up to (r + 1) x teamChange (the last clipped to totalTimesteps). */
export function alternateTurns(behaviors: readonly string[], teamChange: number, totalTimesteps: number): Turn[] {
  const turns: Turn[] = [];
  for (let r = 0; r * teamChange < totalTimesteps; r++) {
    for (const behavior of behaviors) turns.push({ behavior, untilStep: Math.min(totalTimesteps, (r + 1) * teamChange) });
  }
  return turns;
}

/**
 * The config of `behavior`'s own run inside the alternating run `runDir`: it trains, the others
 * drive by their latest policies (by the config's drivers before they have any, or with no run yet).
 */
export function behaviorConfig(config: RunConfig, behavior: string, runDir: string | null): RunConfig {
  const alternate = config.train.alternate!;
  const drivers: Record<string, string | string[]> = { ...config.train.drivers };
  for (const other of alternate.behaviors) {
    if (runDir === null) break;
    const latest = join(runDir, other, LATEST_POLICY);
    if (other === behavior || !existsSync(latest)) continue;
    // The window: the newest snapshots the other side's turns ended with, the latest first.
    const kept = alternate.window > 1 ? snapshotsOf(join(runDir, other)).slice(0, alternate.window) : [];
    drivers[other] = kept.length > 1 ? kept.map((f) => realpathSync(f)) : realpathSync(latest);
  }
  delete drivers[behavior];
  const { alternate: _, ...train } = config.train;
  return { ...config, name: `${config.name}-${behavior}`, train: { ...train, behavior, ...(Object.keys(drivers).length ? { drivers } : {}) } };
}

/**
 * The behaviours' run folders of an alternating run, each with its config (the given one, training
 * that behaviour, the others driven by their latest policies): what `distill`, `eval` and `run` work
 * on, one teacher each. `runDir` may also be one behaviour's folder (`{run}/prey`).
 */
export function behaviorRuns(config: RunConfig, runDir: string): { behavior: string; config: RunConfig; runDir: string }[] {
  const behaviors = config.train.alternate!.behaviors;
  const trimmed = runDir.replace(/\/+$/, '');
  const own = behaviors.find((b) => basename(trimmed) === b && existsSync(join(dirname(trimmed), ALTERNATE_FILE)));
  const top = own ? dirname(trimmed) : trimmed;
  if (!existsSync(join(top, ALTERNATE_FILE))) throw new ConfigError(`--run: ${runDir}: not an alternating run of ${behaviors.join(', ')} (no ${ALTERNATE_FILE}); the config has train.alternate`);
  return (own ? [own] : behaviors).map((b) => ({ behavior: b, config: behaviorConfig(config, b, top), runDir: join(top, b) }));
}

/** A behaviour's snapshots (`snapshots/turn-K.json`, one a turn of its), newest first. */
function snapshotsOf(dir: string): string[] {
  const at = join(dir, SNAPSHOTS);
  if (!existsSync(at)) return [];
  const turn = (f: string) => Number(/^turn-(\d+)\.json$/.exec(f)?.[1] ?? NaN);
  return readdirSync(at).filter((f) => Number.isInteger(turn(f))).sort((a, b) => turn(b) - turn(a)).map((f) => join(at, f));
}

/** Makes each behaviour's env once, so a behaviour the game lacks, or a driver that does not fit, is refused before any folder is made. */
async function checkBehaviors(config: RunConfig): Promise<void> {
  const { behaviors } = config.train.alternate!;
  const numEnvs = ppoConfigOf(config).numEnvs;
  for (const [i, behavior] of behaviors.entries()) {
    const own = behaviorConfig(config, behavior, null);
    try {
      (await makeRunEnv(own, numEnvs)).close();
    } catch (e) {
      if (e instanceof ConfigError) throw new ConfigError(e.message.replace(/^config\.train\.behavior:/, `config.train.alternate.behaviors.${i}:`));
      throw new ConfigError(`config.train.alternate.behaviors.${i}: the env module ${config.envPath} could not make an env of '${behavior}': ${(e as Error).message}`);
    }
  }
}

/**
 * Runs (or resumes, with `resumeDir`) an alternating run, one turn at a time, each turn an
 * ordinary run of `trainOne` in the learning behaviour's folder, stopped at the turn's step.
 */
export async function runAlternate(config: RunConfig, resumeDir: string | null, options: TrainOptions, trainOne: (source: TrainSource, options: TrainOptions) => Promise<TrainOutcome>): Promise<TrainOutcome> {
  const log = options.log ?? ((l: string) => console.log(l));
  const { behaviors, teamChange } = config.train.alternate!;
  const turns = alternateTurns(behaviors, teamChange, ppoConfigOf(config).totalTimesteps);
  let runDir: string;
  let state: AlternateState;
  if (resumeDir === null) {
    await checkBehaviors(config);
    runDir = newRunDir(config);
    writeJson(join(runDir, 'config.json'), { ...config, runDir: realpathSync(runDir) });
    state = { turn: 0 };
    writeJson(join(runDir, ALTERNATE_FILE), state);
  } else {
    runDir = resumeDir;
    state = readJson<AlternateState>(join(runDir, ALTERNATE_FILE));
    if (!Number.isInteger(state?.turn) || state.turn < 0 || state.turn > turns.length) throw new ConfigError(`${join(runDir, ALTERNATE_FILE)}: turn: expected 0 to ${turns.length}, got ${JSON.stringify(state?.turn)}`);
    log(`resuming the alternating run ${runDir} at turn ${state.turn + 1} of ${turns.length}`);
  }
  log(`alternating run: ${behaviors.join(', ')} learn in turn, ${teamChange} steps a turn, ${turns.length} turns; run folder ${runDir}`);
  let outcome: TrainOutcome | null = null;
  for (; state.turn < turns.length; state.turn++) {
    const { behavior, untilStep } = turns[state.turn]!;
    const dir = join(runDir, behavior);
    const own = behaviorConfig(config, behavior, runDir);
    const playedBy = (b: string) => {
      const d = own.train.drivers?.[b];
      if (Array.isArray(d)) return existsSync(join(runDir, b, LATEST_POLICY)) ? `its ${d.length} newest policies` : d.join(', ');
      return existsSync(join(runDir, b, LATEST_POLICY)) ? 'its latest policy' : d && d !== 'scripted' ? d : "the env module's own driver";
    };
    const others = behaviors.filter((b) => b !== behavior).map((b) => `${b} plays ${playedBy(b)}`);
    log(`turn ${state.turn + 1}/${turns.length}: ${behavior} learns to its step ${untilStep}; ${others.join(', ')}`);
    const turnOptions: TrainOptions = {
      ...options,
      untilStep,
      // The side's latest policy, for the other sides' turns, written once its checkpoint is.
      afterTraining: (trainer: PpoTrainer) => writeFileAtomic(join(dir, LATEST_POLICY), JSON.stringify(teacherFromTrainer(trainer).policyFile({ role: 'alternate', behavior, step: trainer.globalStep }))),
    };
    const started = existsSync(join(dir, 'checkpoints')) && readdirSync(join(dir, 'checkpoints')).some((f) => f.startsWith('step-') && !f.endsWith('.damaged'));
    if (started) {
      // The others' latest policies changed since this side's last turn: its config names them now.
      const path = join(dir, 'config.json');
      const saved = JSON.parse(readFileSync(path, 'utf8')) as RunConfig & { runDir?: string };
      writeJson(path, { ...saved, train: own.train });
      outcome = await trainOne({ resumeDir: dir }, turnOptions);
    } else {
      // A first turn killed before its first checkpoint left nothing to resume: it starts again.
      rmSync(dir, { recursive: true, force: true });
      outcome = await trainOne({ config: own, runDir: dir }, turnOptions);
    }
    if (outcome.interrupted && !outcome.reachedUntil) {
      log(`the alternating run stopped in turn ${state.turn + 1} (${behavior}). Resume with: phaser-distill train --resume ${runDir}`);
      return { ...outcome, runDir, config };
    }
    // The turn's end joins the side's snapshots (the window plays the newest), then the turn is done.
    mkdirSync(join(dir, SNAPSHOTS), { recursive: true });
    writeFileAtomic(join(dir, SNAPSHOTS, `turn-${String(state.turn + 1).padStart(4, '0')}.json`), readFileSync(join(dir, LATEST_POLICY)));
    writeJson(join(runDir, ALTERNATE_FILE), { turn: state.turn + 1 });
  }
  const summaries = Object.fromEntries(behaviors.map((b) => [b, existsSync(join(runDir, b, 'summary.json')) ? readJson<unknown>(join(runDir, b, 'summary.json')) : null]));
  writeJson(join(runDir, 'summary.json'), { game: config.game, name: config.name, seed: config.seed, alternate: config.train.alternate, behaviors: summaries });
  log(`teachers saved to ${behaviors.map((b) => join(runDir, b, 'teacher')).join(', ')}`);
  const last = outcome ?? { exitCode: EXIT.ok, curve: readJson<{ curve: TrainOutcome['curve'] }>(join(runDir, behaviors.at(-1)!, 'summary.json')).curve, interrupted: false };
  return { exitCode: last.exitCode, runDir, config, curve: last.curve, interrupted: false };
}
