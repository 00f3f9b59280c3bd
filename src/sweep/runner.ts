/**
 * One sweep run, carried out as child processes of the phaser-distill bin: the worker's function of
 * a job (the local pool, `sweep --index` and a queue worker all call `runSweepJob`). Everything it
 * needs is in the job and in the run's own folder, `{sweep}/runs/{id}/`, which is the run's state:
 *
 * - `run-config.json`: the run's config, every path absolute (written by the first attempt; a later
 *   one refuses a folder that holds a run of another config);
 * - `attempt-N.log`: each attempt's output; `attempts.jsonl`: a row as each command starts and ends;
 * - the run folder `train` made (`{game}__{name}__{seed}__{time}/`).
 *
 * An attempt looks at the folder and does what is left: a finished teacher (summary.json) is not
 * trained again; a run folder with a checkpoint is resumed (`train --resume`, which drops the rows
 * written after that checkpoint); one without (killed before its first checkpoint) is set aside as
 * `.abandoned` and the run starts afresh. A crash costs at most one checkpoint interval.
 */
import { spawn } from 'node:child_process';
import { appendFileSync, closeSync, existsSync, mkdirSync, openSync, readFileSync, readdirSync, renameSync, statSync } from 'node:fs';
import { hostname } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { readJsonl, writeFileAtomic } from '../run/files.js';
import type { Stage } from './plan.js';

/** What a worker needs to carry out run `index` of a sweep: the job's data. */
export interface SweepJob {
  /** The sweep's plan id (Sweep.id). */
  sweep: string;
  index: number;
  /** The run's folder, absolute: `{sweep}/runs/{id}`. */
  slot: string;
  /** The run's config, every path absolute; its runsDir is `slot`. */
  config: Record<string, unknown>;
  stages: Stage[];
}

/**
 * - finished: every stage is done (a missed target return counts: the report says so);
 * - failed: a command crashed, was killed, or exited 1 without finishing (worth another attempt);
 * - config: the config or the folder is wrong (exit 2): another attempt would fail the same way;
 * - interrupted: stopped on request (`signal`), with a checkpoint where training was going on.
 */
export type SweepRunStatus = 'finished' | 'failed' | 'config' | 'interrupted';

export interface SweepRunResult {
  index: number;
  status: SweepRunStatus;
  /** What happened, in one line. */
  message: string;
  /** The run folder `train` made, once there is one. */
  runDir: string | null;
  /** Attempts this call made. */
  attempts: number;
}

export interface SweepRunOptions {
  /** Attempts this call makes: a failed attempt is followed by one that resumes from the checkpoint. */
  tries?: number;
  log?: (line: string) => void;
  /** Aborting stops the command running: reason 'lost' kills it at once (another worker has the job), anything else asks it to stop with a checkpoint (SIGTERM). */
  signal?: AbortSignal;
  /** The bin to run; the package's own by default. */
  bin?: string;
}

/** Seconds and exit of one command, as attempts.jsonl records it. */
interface AttemptRow {
  attempt: number;
  stage: Stage;
  args: string[];
  host: string;
  pid?: number;
  started: number;
  ended?: number;
  exit?: number | null;
  signal?: string | null;
}

/** The package's bin: the first folder above this module with a package.json, then bin/ (the same from src/ and dist/). */
export function defaultBin(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  while (!existsSync(join(dir, 'package.json'))) {
    const up = dirname(dir);
    if (up === dir) throw new Error(`cannot find the phaser-distill package above ${fileURLToPath(import.meta.url)}`);
    dir = up;
  }
  return join(dir, 'bin', 'phaser-distill.mjs');
}

/** The run folder in a slot that `train` made and that is not set aside, if any (the newest, should there be several). */
export function findRunDir(slot: string): string | null {
  if (!existsSync(slot)) return null;
  const dirs = readdirSync(slot, { withFileTypes: true })
    .filter((e) => e.isDirectory() && e.name.includes('__') && !e.name.endsWith('.abandoned') && existsSync(join(slot, e.name, 'config.json')))
    .map((e) => e.name)
    .sort();
  return dirs.length ? join(slot, dirs.at(-1)!) : null;
}

/** Whether a run folder holds a checkpoint `train --resume` can start from. */
function hasCheckpoint(runDir: string): boolean {
  const dir = join(runDir, 'checkpoints');
  return existsSync(dir) && readdirSync(dir).some((f) => /^step-\d+$/.test(f));
}

/** The stages a run still has to do, judged from its folder alone. */
export function stagesLeft(job: Pick<SweepJob, 'slot' | 'stages' | 'config'>): Stage[] {
  const runDir = findRunDir(job.slot);
  const done = (stage: Stage): boolean => {
    if (!runDir) return false;
    if (stage === 'train') return existsSync(join(runDir, 'summary.json'));
    if (stage === 'distill') return studentFiles(job.config).every((f) => existsSync(join(runDir, 'students', f)));
    return readdirSync(runDir).some((f) => /^report(-\d+)?$/.test(f) && existsSync(join(runDir, f, 'report.json')));
  };
  return job.stages.filter((s) => !done(s));
}

function studentFiles(config: Record<string, unknown>): string[] {
  const distill = config.distill as { students: { name: string }[]; dtypes?: string[] } | undefined;
  if (!distill) return [];
  return distill.students.flatMap((s) => (distill.dtypes ?? ['float32', 'int8']).map((d) => `${s.name}-${d}.json`));
}

/** Carries out one sweep run: whatever its folder says is left, in child processes, `tries` times at most. */
export async function runSweepJob(job: SweepJob, options: SweepRunOptions = {}): Promise<SweepRunResult> {
  const log = options.log ?? ((l: string) => console.log(l));
  const tries = options.tries ?? 1;
  const bin = options.bin ?? defaultBin();
  mkdirSync(job.slot, { recursive: true });
  const configPath = join(job.slot, 'run-config.json');
  const configText = JSON.stringify(job.config, null, 2) + '\n';
  if (!existsSync(configPath)) writeFileAtomic(configPath, configText);
  else if (readFileSync(configPath, 'utf8') !== configText) {
    return { index: job.index, status: 'config', message: `${configPath} holds another config than run ${job.index} of this sweep: the sweep file changed since the run started. Give the sweep a new out folder, or move this one away`, runDir: findRunDir(job.slot), attempts: 0 };
  }

  let result: SweepRunResult = { index: job.index, status: 'finished', message: 'finished already', runDir: findRunDir(job.slot), attempts: 0 };
  for (let t = 0; t < tries; t++) {
    if (stagesLeft(job).length === 0) return { ...result, status: 'finished', runDir: findRunDir(job.slot) };
    if (t > 0) log(`run ${job.index}: attempt failed (${result.message}); trying again, from its checkpoint`);
    result = await attempt(job, configPath, bin, log, options.signal);
    result.attempts = t + 1;
    if (result.status !== 'failed' || options.signal?.aborted) break;
  }
  return result;
}

/** One attempt: the stages left, one command each, logged to the next attempt-N.log. */
async function attempt(job: SweepJob, configPath: string, bin: string, log: (line: string) => void, signal?: AbortSignal): Promise<SweepRunResult> {
  const n = readdirSync(job.slot).filter((f) => /^attempt-\d+\.log$/.test(f)).length + 1;
  const logPath = join(job.slot, `attempt-${n}.log`);
  const fail = (status: SweepRunStatus, message: string): SweepRunResult => ({ index: job.index, status, message, runDir: findRunDir(job.slot), attempts: 1 });
  for (const stage of stagesLeft(job)) {
    let runDir = findRunDir(job.slot);
    let args: string[];
    if (stage === 'train') {
      if (runDir && !hasCheckpoint(runDir)) {
        // Killed before its first checkpoint: nothing to resume; kept aside, not deleted.
        renameSync(runDir, `${runDir}.abandoned`);
        appendFileSync(logPath, `# ${runDir} has no checkpoint to resume from: set aside as ${runDir}.abandoned\n`);
        runDir = null;
      }
      args = runDir ? ['train', '--resume', runDir] : ['train', configPath];
    } else {
      if (!runDir) return fail('failed', `no run folder in ${job.slot} to ${stage}`);
      args = [stage, configPath, '--run', runDir];
    }
    log(`run ${job.index}: ${args[0]}${args[1] === '--resume' ? ' --resume (from its checkpoint)' : ''} (attempt ${n}, log ${logPath})`);
    const row: AttemptRow = { attempt: n, stage, args, host: hostname(), started: Date.now() };
    const { code, signal: killedBy, pid } = await runChild(bin, args, logPath, signal, (p) => appendJsonlRow(job.slot, { ...row, pid: p }));
    appendJsonlRow(job.slot, { ...row, pid, ended: Date.now(), exit: code, signal: killedBy });
    if (signal?.aborted) {
      // A lost lock kills the command at once (another worker may have the run): no checkpoint is made then.
      const how = signal.reason === 'lost' ? ', killed at once (SIGKILL) as another worker may hold the run; it resumes from its last checkpoint' : stage === 'train' ? ', with a checkpoint' : '';
      return fail('interrupted', `stopped (${String(signal.reason ?? 'stop')}) during ${stage}${how}`);
    }
    if (code === 2) return fail('config', `${args.join(' ')} exited 2 (a config error): see ${logPath}`);
    const finishedTraining = stage === 'train' && code === 1 && findRunDir(job.slot) !== null && existsSync(join(findRunDir(job.slot)!, 'summary.json'));
    if (code !== 0 && !finishedTraining) return fail('failed', `${args[0]} ${killedBy ? `was killed by ${killedBy}` : `exited ${code}`}: see ${logPath}`);
  }
  const left = stagesLeft(job);
  if (left.length) return fail('failed', `${left.join(', ')} left undone after a clean exit: see ${logPath}`);
  return { index: job.index, status: 'finished', message: 'finished', runDir: findRunDir(job.slot), attempts: 1 };
}

function appendJsonlRow(slot: string, row: AttemptRow): void {
  appendFileSync(join(slot, 'attempts.jsonl'), JSON.stringify(row) + '\n');
}

/**
 * Runs the bin with `args`, its output appended to `logPath`. The child shares this process's group
 * (killing the group kills the run too) and has an IPC channel: if this process dies, the bin sees
 * the channel close and stops as on SIGTERM, with a checkpoint, so no orphan trains on.
 */
function runChild(bin: string, args: string[], logPath: string, signal: AbortSignal | undefined, started: (pid: number | undefined) => void): Promise<{ code: number | null; signal: string | null; pid: number | undefined }> {
  const fd = openSync(logPath, 'a');
  appendFileSync(fd, `# phaser-distill ${args.join(' ')}  (${new Date().toISOString()}, ${hostname()})\n`);
  const child = spawn(process.execPath, [bin, ...args], { stdio: ['ignore', fd, fd, 'ipc'], env: { ...process.env, PHASER_DISTILL_PARENT_WATCH: '1' } });
  closeSync(fd);
  started(child.pid);
  const onAbort = () => child.kill(signal?.reason === 'lost' ? 'SIGKILL' : 'SIGTERM');
  signal?.addEventListener('abort', onAbort, { once: true });
  if (signal?.aborted) onAbort();
  return new Promise((done) => {
    child.on('error', (e) => {
      appendFileSync(logPath, `# could not start: ${e.message}\n`);
      done({ code: null, signal: null, pid: child.pid });
    });
    child.on('exit', (code, killedBy) => {
      signal?.removeEventListener('abort', onAbort);
      done({ code, signal: killedBy, pid: child.pid });
    });
  });
}

/** Seconds a run's commands have taken in all, from attempts.jsonl; a command killed with its worker counts until its log's last write. */
export function runSeconds(slot: string): number {
  const rows = readJsonl<AttemptRow>(join(slot, 'attempts.jsonl'));
  let ms = 0;
  const ended = new Set(rows.filter((r) => r.ended !== undefined).map((r) => `${r.attempt}:${r.stage}:${r.started}`));
  for (const r of rows) {
    if (r.ended !== undefined) ms += r.ended - r.started;
    else if (!ended.has(`${r.attempt}:${r.stage}:${r.started}`)) {
      const logPath = join(slot, `attempt-${r.attempt}.log`);
      if (existsSync(logPath)) ms += Math.max(0, statSync(logPath).mtimeMs - r.started);
    }
  }
  return ms / 1000;
}
