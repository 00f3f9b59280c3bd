/**
 * `phaser-distill train <config>` and `train --resume <run folder>`: trains a PPO teacher on the
 * config's game, with a progress bar, metrics (JSONL + CSV), checkpoints every few iterations, on
 * Ctrl+C, SIGTERM or SIGHUP and at the end, and a learning-curve summary. The final teacher goes to
 * `{run}/teacher/`. A resume starts from the newest whole, finite checkpoint and drops the rows
 * written after it, and any row a kill or a full disk cut short; a loss or a weight that turns NaN
 * stops the run with nothing saved after it, and so does a rollout worker that fails (numWorkers > 1).
 */
import { cpSync, existsSync, readFileSync, realpathSync, renameSync, rmSync } from 'node:fs';
import os from 'node:os';
import { dirname, isAbsolute, join, relative, resolve } from 'node:path';
import {
  METRIC_COLUMNS, MetricsWriter, PpoTrainer, checkpointProblem, loadGoodCheckpoint, restoreCheckpoint, saveCheckpointDir, serializeCheckpoint,
  type CheckpointFiles, type TrainingEpisode,
} from '../train/index.js';
import { runBackend } from './backend.js';
import { NetworkError } from '../train/networks.js';
import { teacherView, type VectorEnv } from '../env/index.js';
import { loadRunConfig, parseRunConfig, ppoConfigOf, type RunConfig } from '../config/run-config.js';
import { readDemosToLearn } from './demos.js';
import { ConfigError, EXIT, RunFailed } from '../config/errors.js';
import { formatCurve, learningCurveSvg, summarizeCurve, type CurveSummary } from './curve.js';
import { makeRunEnv } from '../config/env-module.js';
import { ALTERNATE_FILE, runAlternate } from './alternate.js';
import { Progress } from './progress.js';
import { RolloutWorkerFailed, WorkerVectorEnv } from '../parallel/worker-vector-env.js';
import { SELF_PLAY_COLUMNS, selfPlaySummary, startSelfPlay, type RunSelfPlay } from './self-play.js';
import { appendJsonl, filterLines, makeDir, newRunDir, readJsonl, writeFileAtomic, writeJson } from './files.js';

/** Losses that are finite in every healthy update; one that is not means the weights are lost. */
const FINITE_LOSSES = ['losses/value_loss', 'losses/policy_loss', 'losses/entropy', 'losses/approx_kl'] as const;

/** The signals that stop a run the way Ctrl+C does. */
const STOP_SIGNALS = ['SIGINT', 'SIGTERM', 'SIGHUP'] as const;
type Signal = (typeof STOP_SIGNALS)[number];

export interface TrainOutcome {
  exitCode: number;
  runDir: string;
  /** The run's config, as saved in `{run}/config.json`. */
  config: RunConfig;
  curve: CurveSummary;
  interrupted: boolean;
  /** The run stopped because it reached `untilStep` (a side's turn of train.alternate ended), with a checkpoint. */
  reachedUntil?: boolean;
}

export interface TrainOptions {
  /** Stop after this many iterations of this invocation (tests use it to simulate a kill). */
  maxIterations?: number;
  /** Stop, with a checkpoint, at the first iteration that ends at or past this env step (train.alternate's turns). */
  untilStep?: number;
  /** Called with the trainer whenever this invocation stops with a checkpoint saved (train.alternate exports the side's latest policy). */
  afterTraining?: (trainer: PpoTrainer) => void | Promise<void>;
  log?: (line: string) => void;
}

/**
 * What a run starts from: a config file (or a parsed config, which train.alternate gives each
 * behaviour's run, in the folder `runDir` names), or a run folder to resume.
 */
export type TrainSource = { config: string | RunConfig; runDir?: string } | { resumeDir: string };

/** `dir`, made if missing (with its parents). */
function madeDir(dir: string): string {
  makeDir(dir);
  return dir;
}

/** File system faults that are the machine's, not the program's: said in a line, with the way back (resume). */
const DISK_FAULTS = new Set(['ENOSPC', 'EDQUOT', 'EROFS', 'EIO', 'EMFILE', 'ENFILE']);

/**
 * Starts a new run from a config file, or resumes the run in `resumeDir`. A full disk (or another
 * fault of the machine's file system) is a RunFailed naming the file and the fault; the run's last
 * checkpoint stands and a resume goes on from it.
 */
export async function runTrain(source: TrainSource, options: TrainOptions = {}): Promise<TrainOutcome> {
  try {
    return await trainRun(source, options);
  } catch (e) {
    const err = e as NodeJS.ErrnoException;
    if (!err?.code || !DISK_FAULTS.has(err.code)) throw e;
    const where = 'resumeDir' in source ? ` Resume with: phaser-distill train --resume ${source.resumeDir}` : ' Resume the run folder it made with phaser-distill train --resume <run folder>.';
    throw new RunFailed(`${err.path ?? 'a run file'}: ${err.code} (${err.syscall ?? 'write'}): ${err.code === 'ENOSPC' || err.code === 'EDQUOT' ? 'the disk is full' : 'the file system refused a write'}; the run stopped, and its last checkpoint stands.${where}`);
  }
}

/**
 * The saved config of a run folder being resumed, checked: a damaged config.json is a ConfigError
 * naming it. Its env module is shown, and is code that resuming runs: one inside the run folder is
 * refused, and a folder made elsewhere (its `runDir` is not where it is now: someone sent it, or it
 * was moved) resumes only once its module is confirmed by setting `runDir` to the folder's path.
 */
function resumedConfig(runDir: string, log: (line: string) => void): RunConfig {
  const path = join(runDir, 'config.json');
  let saved: unknown;
  try {
    saved = JSON.parse(readFileSync(path, 'utf8'));
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    throw new ConfigError(code === 'ENOENT' || code === 'ENOTDIR' ? `--resume: ${runDir}: not a run folder (no config.json)` : `${path}: not the run's config (${code ?? `not JSON: ${(e as Error).message}`}); the run's config is damaged`);
  }
  if (typeof saved !== 'object' || saved === null || Array.isArray(saved)) throw new ConfigError(`${path}: expected the run's config (an object)`);
  const { envPath, baseDir, runDir: madeAt, ...rest } = saved as Record<string, unknown>;
  if (typeof envPath !== 'string' || !isAbsolute(envPath)) throw new ConfigError(`${path}: envPath: expected the absolute path of the game's env module, got ${JSON.stringify(envPath)}`);
  if (typeof baseDir !== 'string' || !isAbsolute(baseDir)) throw new ConfigError(`${path}: baseDir: expected the absolute path of the config's folder, got ${JSON.stringify(baseDir)}`);
  const config = { ...parseRunConfig(rest, path, baseDir), envPath };
  const here = realpathSync(runDir);
  const module = existsSync(envPath) ? realpathSync(envPath) : envPath;
  const rel = relative(here, module);
  if (!rel.startsWith('..') && !isAbsolute(rel)) throw new ConfigError(`${path}: envPath: ${envPath} lies inside the run folder: resuming runs the game's env module, never code that came with a run folder`);
  if (madeAt !== undefined && madeAt !== here) {
    throw new ConfigError(`${path}: runDir: this run folder was made at ${String(madeAt)} and is now at ${here}. Resuming it runs the env module its config.json names, ${envPath}. If you trust that module, confirm it: set "runDir" in ${path} to "${here}", and resume again.`);
  }
  log(`env module: ${envPath} (from ${path})`);
  return config;
}

async function trainRun(source: TrainSource, options: TrainOptions = {}): Promise<TrainOutcome> {
  const log = options.log ?? ((l: string) => console.log(l));
  let config: RunConfig;
  if ('config' in source) {
    config = typeof source.config === 'string' ? loadRunConfig(source.config) : source.config;
  } else {
    config = resumedConfig(source.resumeDir, log);
  }
  // Several behaviours, each its own policy, in turn: one run of each behaviour's, a turn at a time.
  if (config.train.alternate) return runAlternate(config, 'resumeDir' in source ? source.resumeDir : null, options, trainRun);
  // One behaviour's folder of an alternating run trains only in its turns.
  if ('resumeDir' in source && options.untilStep === undefined && existsSync(join(dirname(resolve(source.resumeDir)), ALTERNATE_FILE))) {
    throw new ConfigError(`--resume: ${source.resumeDir} is one behaviour's folder of an alternating run; resume the run itself: phaser-distill train --resume ${dirname(resolve(source.resumeDir))}`);
  }
  const configName = 'config' in source ? (typeof source.config === 'string' ? source.config : join(source.runDir ?? '.', 'config.json')) : join(source.resumeDir, 'config.json');

  const backend = await runBackend(config.backend);
  const ppo = ppoConfigOf(config);
  // numWorkers > 1: the envs are stepped in shares by worker threads and this one (parallel rollouts).
  const gameEnv: VectorEnv = ppo.numWorkers > 1 ? await WorkerVectorEnv.create(config.envPath, ppo.numEnvs, ppo.numWorkers, { stepLimitMs: config.train.workerStepLimit * 1000 }) : await makeRunEnv(config, ppo.numEnvs);
  // With self-play the opponent seat is played from a pool of the learner's snapshots.
  let selfPlay: RunSelfPlay | null = null;
  try {
    if (config.train.selfPlay) selfPlay = startSelfPlay(gameEnv, config, (): PpoTrainer => trainer);
  } catch (e) {
    gameEnv.close();
    throw e;
  }
  if (selfPlay && gameEnv.privileged) {
    gameEnv.close();
    throw new ConfigError('config.train.selfPlay: the agent declares a privileged view (spec.privileged), and self-play\'s opponent plays on the student\'s view; drop one of them');
  }
  // An agent with a privileged view trains its teacher on that view (the student's observation and more).
  const env: VectorEnv = selfPlay?.env ?? (gameEnv.privileged ? teacherView(gameEnv) : gameEnv);
  // BC beside PPO learns from the demos the config names (merged if a folder), refused if of other spaces.
  const demo = ppo.bc ? readDemosToLearn(resolve(config.baseDir, ppo.bc.demos)).demo : undefined;
  let trainer: PpoTrainer;
  try {
    trainer = new PpoTrainer(env, ppo, { demo });
  } catch (e) {
    env.close();
    // A network that does not fit the game's observation is the config's fault: name its key.
    if (e instanceof NetworkError) throw new ConfigError(`${configName}: config.train.ppo.${e.message}`);
    throw e;
  }
  /** What a checkpoint restores: the trainer, and self-play's pool and ratings. */
  const restore = async (files: CheckpointFiles) => {
    await restoreCheckpoint(trainer, files);
    selfPlay?.restore(files);
  };
  // The run folder is made once the game and the trainer have started: a run that cannot start leaves nothing behind.
  const runDir = 'config' in source ? (source.runDir ? madeDir(source.runDir) : newRunDir(config)) : source.resumeDir;
  // Where the folder was made: a resume from anywhere else asks for its env module to be confirmed.
  if ('config' in source) writeJson(join(runDir, 'config.json'), { ...config, runDir: realpathSync(runDir) });
  const ckptDir = join(runDir, 'checkpoints');
  const episodesPath = join(runDir, 'episodes.jsonl');

  if ('resumeDir' in source) {
    // The newest checkpoint that is whole and finite; damaged ones are set aside as step-N.damaged.
    const { found, skipped } = await loadGoodCheckpoint(ckptDir, restore);
    if (!found) {
      trainer.dispose();
      env.close();
      throw new RunFailed(`${runDir}: no checkpoint to resume from${skipped.length ? ` (${skipped.map((s) => `${s.name}: ${s.why}`).join('; ')})` : ''}`);
    }
    for (const s of skipped) {
      log(`skipped checkpoint ${s.name}: ${s.why}`);
      if (s.name === 'latest') continue;
      // A folder set aside by an earlier resume gives way to this one.
      rmSync(join(ckptDir, `${s.name}.damaged`), { recursive: true, force: true });
      renameSync(join(ckptDir, s.name), join(ckptDir, `${s.name}.damaged`));
    }
    if (skipped.length) log(`resuming from ${found.name}, the newest whole checkpoint`);
    // Rows written after that checkpoint belong to the lost part of the run; a row cut short (a
    // kill or a full disk in the middle of an append) is dropped and said.
    const step = trainer.globalStep;
    const columns = METRIC_COLUMNS.length + (selfPlay ? SELF_PLAY_COLUMNS.length : 0);
    const csvRow = (l: string) => {
      if (l.split(',').length !== columns) throw new Error('a cut row');
      return Number(l.split(',')[0]) <= step;
    };
    const cutShort = {
      'episodes.jsonl': filterLines(episodesPath, (l) => (JSON.parse(l) as TrainingEpisode).step <= step),
      'metrics.jsonl': filterLines(join(runDir, 'metrics.jsonl'), (l) => (JSON.parse(l) as { global_step: number }).global_step <= step),
      'metrics.csv': filterLines(join(runDir, 'metrics.csv'), (l, i) => (i === 0 && l.startsWith('global_step,')) || csvRow(l)),
    };
    for (const [file, torn] of Object.entries(cutShort)) if (torn) log(`dropped ${torn} cut-short line${torn > 1 ? 's' : ''} from ${file} (a write interrupted by a kill or a full disk)`);
    log(`resuming ${runDir} at step ${step} (iteration ${trainer.iteration})${selfPlay ? `, learner Elo ${selfPlay.env.elo.toFixed(1)}` : ''}`);
    log(`(the episodes in progress at the checkpoint were not saved${ppo.overlap ? ', nor the rollout collected ahead during its update' : ''}: the resumed run starts fresh ones, so it is not step for step the run an uninterrupted one would have been)`);
  }
  log(`training ${config.game} teacher: ${trainer.derived.numIterations} iterations, ${ppo.totalTimesteps} steps, ${ppo.numEnvs} envs${ppo.numWorkers > 1 ? ` stepped by ${ppo.numWorkers} workers` : ''}${ppo.overlap ? ' (each rollout collected during the last update)' : ''}, backend ${backend}`);
  log(`run folder: ${runDir}`);

  if (selfPlay) log(`self-play: the opponent '${selfPlay.env.env.opponent!.agent}' is played from a pool of the learner's snapshots${config.train.selfPlay!.opponents.length ? ` and ${config.train.selfPlay!.opponents.map((o) => o.name).join(', ')}` : ''}`);
  const metrics = await MetricsWriter.open(runDir, selfPlay ? SELF_PLAY_COLUMNS : []);
  const episodes = readJsonl<TrainingEpisode>(episodesPath);
  const progress = new Progress(ppo.totalTimesteps, process.stderr, trainer.globalStep);
  // The last checkpoint written, so the final save does not write the same step twice.
  let last: { step: number; path: string } | null = null;
  // Why training cannot go on (a loss or a weight that is not finite), once it cannot.
  let diverged: string | null = null;
  /** Saves a checkpoint unless its weights are not finite; then nothing is written and `diverged` says why. */
  const checkpoint = async (): Promise<string | null> => {
    if (last?.step === trainer.globalStep) return last.path;
    const files = await serializeCheckpoint(trainer);
    selfPlay?.save(files);
    const problem = checkpointProblem(files);
    if (problem) {
      diverged = `the weights at step ${trainer.globalStep} are not finite (${problem})`;
      return null;
    }
    last = { step: trainer.globalStep, path: await saveCheckpointDir(ckptDir, files, trainer.globalStep) };
    return last.path;
  };
  // Ctrl+C, and the signals a container stop, a CI cancel or a closed terminal send: each stops at
  // the end of the iteration with a checkpoint, and the exit code is 128 + the signal's number.
  let stoppedBy: Signal | null = null;
  const onSignal = (signal: Signal) => {
    stoppedBy = signal;
  };
  for (const s of STOP_SIGNALS) process.once(s, onSignal);
  let ran = 0;
  // A rollout worker that failed (numWorkers > 1), with its error: the run stops as a diverged one does.
  let workerFailed: string | null = null;
  const reached = () => options.untilStep !== undefined && trainer.globalStep >= options.untilStep;
  try {
    // A turn resumed after its last checkpoint (killed before the turn was marked done) has nothing left to train.
    if (!reached()) await trainer.train(async ({ metrics: m, episodes: ended }) => {
      metrics.write(m, selfPlay?.metrics() ?? {});
      appendJsonl(episodesPath, ended);
      episodes.push(...ended);
      ran += 1;
      const recent = episodes.slice(-10);
      progress.update(m.global_step, recent.length ? recent.reduce((a, e) => a + e.return, 0) / recent.length : null);
      const loss = FINITE_LOSSES.find((k) => !Number.isFinite(m[k]));
      if (loss) diverged = `${loss} is ${m[loss]} at iteration ${m.iteration}`;
      else if (m.iteration % config.train.checkpointEvery === 0) await checkpoint();
      if (diverged) return false;
      // An iteration runs without yielding: let the event loop turn, so a Ctrl+C lands now and not
      // at the next checkpoint's file I/O.
      await new Promise((resolve) => setImmediate(resolve));
      if (stoppedBy) return false;
      if (options.maxIterations !== undefined && ran >= options.maxIterations) return false;
      if (reached()) return false;
    });
  } catch (e) {
    if (!(e instanceof RolloutWorkerFailed)) throw e;
    workerFailed = e.message;
    // A signal sent while a stuck worker held this thread up lands now, and is said.
    await new Promise((resolve) => setImmediate(resolve));
  } finally {
    for (const s of STOP_SIGNALS) process.removeListener(s, onSignal);
    progress.finish();
  }

  // After a worker's failure the trainer is part way through an iteration: its last checkpoint stands.
  const saved = diverged || workerFailed ? null : await checkpoint();
  const curve = summarizeCurve(episodes, ppo.totalTimesteps, config.train.targetReturn ?? null);
  log(formatCurve(curve));
  if (selfPlay) log(selfPlay.describe());
  // curve.svg: the return and, with self-play, the learner's Elo against steps, over the whole run (resumes included).
  writeFileAtomic(join(runDir, 'curve.svg'), learningCurveSvg(config.game, readJsonl<Record<string, number | null>>(join(runDir, 'metrics.jsonl'))));
  // Assigned in callbacks, which the compiler's narrowing does not follow.
  const lastGood = last as { path: string } | null;
  if (workerFailed) {
    log(`${workerFailed}\nthe run stopped at step ${trainer.globalStep}${stoppedBy ? ` (and ${stoppedBy} came meanwhile)` : ''}; its last checkpoint is ${lastGood ? lastGood.path : 'the one it started from, if any'}. Fix what failed and resume (phaser-distill train --resume ${runDir}).`);
    trainer.dispose();
    env.close();
    return { exitCode: stoppedBy ? 128 + os.constants.signals[stoppedBy as Signal] : EXIT.targetMissed, runDir, config, curve, interrupted: true };
  }
  if (diverged || !saved) {
    log(`training diverged: ${diverged}. Nothing from that point on was saved; the last good checkpoint is ${lastGood ? lastGood.path : 'the one the run started from, if any'}. Lower train.ppo.learningRate and resume (phaser-distill train --resume ${runDir}) or start again.`);
    trainer.dispose();
    env.close();
    return { exitCode: EXIT.targetMissed, runDir, config, curve, interrupted: true };
  }
  await options.afterTraining?.(trainer);
  if (!stoppedBy && !trainer.done && reached()) {
    trainer.dispose();
    env.close();
    return { exitCode: EXIT.interrupted, runDir, config, curve, interrupted: true, reachedUntil: true };
  }
  if (stoppedBy || !trainer.done) {
    log(`stopped at step ${trainer.globalStep}${stoppedBy ? ` by ${stoppedBy}` : ''}; checkpoint saved. Resume with: phaser-distill train --resume ${runDir}`);
    trainer.dispose();
    env.close();
    return { exitCode: stoppedBy ? 128 + os.constants.signals[stoppedBy] : EXIT.interrupted, runDir, config, curve, interrupted: true };
  }
  const teacherDir = join(runDir, 'teacher');
  rmSync(teacherDir, { recursive: true, force: true });
  cpSync(saved, teacherDir, { recursive: true });
  writeJson(join(runDir, 'summary.json'), { game: config.game, name: config.name, seed: config.seed, backend, steps: trainer.globalStep, curve, ...(selfPlay ? { selfPlay: selfPlaySummary(selfPlay.env) } : {}) });
  log(`teacher saved to ${teacherDir}`);
  trainer.dispose();
  env.close();
  const missed = curve.target !== null && curve.first_step_at_target === null;
  if (missed) log(`the target return ${curve.target} was not reached`);
  return { exitCode: missed ? EXIT.targetMissed : EXIT.ok, runDir, config, curve, interrupted: false };
}
