/**
 * `phaser-distill sweep <sweep.yaml>`: the coordinator of a sweep. It owns the plan and the report;
 * the runs themselves are carried out by `runSweepJob` (runner.ts) wherever they go:
 *
 * - by default on a local pool of `--parallel` child processes, a run that crashes or is killed
 *   tried once more, from its checkpoint;
 * - with `--queue redis://...`, as BullMQ jobs taken by `phaser-distill worker` processes;
 * - with `--index i`, run i alone, here (a CI matrix entry or a Kubernetes Indexed Job);
 * - `--plan` lists the runs, `--report` gathers the finished ones without running anything.
 *
 * Re-running a sweep skips finished runs and resumes interrupted ones; the report is written at
 * the end of every mode that runs more than one run, and by `--report`.
 */
import { mkdirSync } from 'node:fs';
import os from 'node:os';
import { join, relative } from 'node:path';
import { ConfigError, EXIT } from '../config/errors.js';
import { writeJson } from '../run/files.js';
import { loadSweep, type Sweep } from './plan.js';
import { gatherSweep, settingLabel, writeSweepReport } from './report.js';
import { runSweepJob, stagesLeft, type SweepJob, type SweepRunResult } from './runner.js';

type Log = (line: string) => void;

export interface SweepOptions {
  plan?: boolean;
  index?: number;
  report?: boolean;
  /** Runs at once on the local pool; one per core by default. */
  parallel?: number;
  /** A Redis URL: the runs go on its BullMQ queue instead of the local pool. */
  queue?: string;
  log?: Log;
  /** The bin the runs' commands run (the package's own by default). */
  bin?: string;
}

/** The job that carries out run `index` of `sweep`. */
export function jobOf(sweep: Sweep, index: number): SweepJob {
  const run = sweep.runs[index]!;
  return { sweep: sweep.id, index, slot: join(sweep.out, 'runs', run.id), config: run.config, stages: sweep.stages };
}

export async function runSweep(path: string, options: SweepOptions = {}): Promise<number> {
  const log = options.log ?? ((l: string) => console.log(l));
  const modes = [options.plan, options.index !== undefined, options.report, options.queue !== undefined].filter(Boolean).length;
  if (modes > 1) throw new ConfigError('sweep: give one of --plan, --index, --report and --queue');
  if (options.parallel !== undefined && (options.index !== undefined || options.queue !== undefined || options.plan || options.report)) throw new ConfigError('sweep: --parallel is for the local pool (no --plan, --index, --report or --queue)');
  const sweep = loadSweep(path);
  const where = relative(process.cwd(), sweep.out) || '.';

  if (options.plan) {
    log(`sweep ${sweep.name}: ${sweep.runs.length} run${sweep.runs.length === 1 ? '' : 's'} into ${where} (plan ${sweep.id}; stages ${sweep.stages.join(', ')})`);
    const width = String(sweep.runs.length - 1).length;
    for (const r of sweep.runs) log(`  ${String(r.index).padStart(width)}  ${r.id}  ${settingLabel(r.overrides)}  seed ${r.seed}`);
    return EXIT.ok;
  }
  mkdirSync(sweep.out, { recursive: true });
  writeJson(join(sweep.out, 'sweep.json'), {
    name: sweep.name, id: sweep.id, file: sweep.file, stages: sweep.stages, metric: sweep.metric,
    runs: sweep.runs.map(({ index, id, seed, overrides }) => ({ index, id, seed, overrides })),
  });
  if (options.report) return report(sweep, log);

  const { signal, stopped, release } = stopOnSignals(log);
  try {
    if (options.index !== undefined) {
      const i = options.index;
      if (!Number.isInteger(i) || i < 0 || i >= sweep.runs.length) throw new ConfigError(`--index: ${i} is not a run of ${path} (it has ${sweep.runs.length}: 0 to ${sweep.runs.length - 1})`);
      const result = await runSweepJob(jobOf(sweep, i), { tries: 2, log, signal, bin: options.bin });
      log(`run ${i} (${sweep.runs[i]!.id}): ${result.message}${result.status === 'finished' ? `. Gather the finished runs with: phaser-distill sweep ${path} --report` : ''}`);
      return stopped() ?? exitOf([result]);
    }
    const todo = sweep.runs.map((r) => jobOf(sweep, r.index)).filter((job) => {
      const left = stagesLeft(job).length > 0;
      if (!left) log(`run ${job.index} (${sweep.runs[job.index]!.id}): finished already`);
      return left;
    });
    let results: Pick<SweepRunResult, 'status'>[];
    if (options.queue !== undefined) {
      const { runOnQueue } = await import('./queue.js');
      const queued = await runOnQueue(options.queue, todo, { log, signal });
      results = queued.map((q) => ({ status: q.state === 'completed' ? 'finished' : 'failed' }));
    } else {
      const parallel = options.parallel ?? os.availableParallelism();
      if (!Number.isInteger(parallel) || parallel < 1) throw new ConfigError(`--parallel: ${parallel} is not a positive whole number`);
      log(`sweep ${sweep.name}: ${todo.length} of ${sweep.runs.length} runs to do, ${Math.min(parallel, todo.length)} at a time, into ${where}`);
      results = await pool(todo, parallel, (job) => runSweepJob(job, { tries: 2, log, signal, bin: options.bin }), signal);
    }
    const code = report(sweep, log);
    return stopped() ?? (results.some((r) => r.status === 'config') ? EXIT.usage : code);
  } finally {
    release();
  }
}

/** Gathers the runs' folders into the report; exit 0 if every run is finished, 1 otherwise. */
function report(sweep: Sweep, log: Log): number {
  const r = gatherSweep(sweep);
  const files = writeSweepReport(sweep, r);
  const finished = r.runs.filter((x) => x.status === 'finished').length;
  const best = [...r.settings].filter((s) => s.metric_mean !== null).sort((a, b) => b.metric_mean! - a.metric_mean!)[0];
  log(`sweep ${sweep.name}: ${finished} of ${r.runs.length} runs finished${best ? `; best setting by ${r.metric}: ${best.setting} (${best.metric_mean!.toFixed(1)} over ${best.finished} run${best.finished === 1 ? '' : 's'})` : ''}`);
  for (const x of r.runs.filter((x) => x.status !== 'finished')) log(`  run ${x.index} (${x.id}): ${x.status}${x.last_exit ? `, last command: ${x.last_exit}` : ''}`);
  log(`report: ${files.join(', ')}`);
  return finished === r.runs.length ? EXIT.ok : EXIT.targetMissed;
}

function exitOf(results: Pick<SweepRunResult, 'status'>[]): number {
  if (results.some((r) => r.status === 'config')) return EXIT.usage;
  return results.every((r) => r.status === 'finished') ? EXIT.ok : EXIT.targetMissed;
}

/** Carries out `jobs`, `parallel` at a time, starting no new one once `signal` is aborted. */
async function pool<T, R>(jobs: T[], parallel: number, work: (job: T) => Promise<R>, signal: AbortSignal): Promise<R[]> {
  const results: R[] = [];
  let next = 0;
  const lane = async () => {
    while (next < jobs.length && !signal.aborted) results.push(await work(jobs[next++]!));
  };
  await Promise.all(Array.from({ length: Math.min(parallel, jobs.length) }, lane));
  return results;
}

/**
 * Ctrl+C, SIGTERM and SIGHUP abort `signal`: the runs in progress stop with a checkpoint (their
 * commands get SIGTERM), no new one starts, and the sweep exits 128 + the signal's number.
 */
function stopOnSignals(log: Log): { signal: AbortSignal; stopped: () => number | null; release: () => void } {
  const controller = new AbortController();
  let by: NodeJS.Signals | null = null;
  const on = (s: NodeJS.Signals) => {
    if (by) return;
    by = s;
    log(`${s}: stopping the runs in progress with a checkpoint; run the sweep again to go on`);
    controller.abort('stop');
  };
  const signals = ['SIGINT', 'SIGTERM', 'SIGHUP'] as const;
  for (const s of signals) process.on(s, on);
  return {
    signal: controller.signal,
    stopped: () => (by ? 128 + os.constants.signals[by as NodeJS.Signals] : null),
    release: () => {
      for (const s of signals) process.removeListener(s, on);
    },
  };
}

/** `phaser-distill worker --queue redis://... [--concurrency n] [--lock-duration ms]`. */
export async function runSweepWorker(options: { queue: string; concurrency?: number; lockDuration?: number; log?: Log; bin?: string }): Promise<number> {
  for (const [flag, v] of [['--concurrency', options.concurrency], ['--lock-duration', options.lockDuration]] as const) {
    if (v !== undefined && (!Number.isInteger(v) || v < 1)) throw new ConfigError(`${flag}: ${v} is not a positive whole number`);
  }
  const { runWorker } = await import('./queue.js');
  return runWorker({ url: options.queue, concurrency: options.concurrency, lockDuration: options.lockDuration, log: options.log, bin: options.bin });
}
