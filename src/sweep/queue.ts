/**
 * Sweeps on a BullMQ queue in Redis. The coordinator (`sweep --queue redis://...`) puts one job per
 * unfinished run on the queue, waits for all of them and writes the report; workers
 * (`phaser-distill worker --queue redis://...`, on any number of machines) take jobs and carry each
 * out with `runSweepJob` in child processes, so a run that crashes fails its job, not the worker.
 *
 * A worker that dies stops renewing its jobs' locks; after `lockDuration` another worker's stalled
 * check puts the job back on the queue (up to MAX_STALLS times), and the next attempt resumes the
 * run from its last checkpoint in the run's folder. That folder is the run's state, so every worker
 * must see the sweep folder at the same path (one machine, or shared storage mounted alike); the
 * job carries the run's config, not its checkpoints.
 */
import { hostname } from 'node:os';
import { Queue, UnrecoverableError, WaitingError, Worker, type Job } from 'bullmq';
import { ConfigError, RunFailed } from '../config/errors.js';
import { runSweepJob, stagesLeft, type SweepJob, type SweepRunResult } from './runner.js';

/** The queue every sweep's jobs go on; job ids start with the sweep's plan id. */
export const QUEUE_NAME = 'phaser-distill-sweeps';
/** Times a job may go back to the queue because its worker died, before it counts as failed. */
export const MAX_STALLS = 3;
/** Times a run's job may vanish from the queue (Redis lost its data) and be put back from its run folder. */
export const MAX_REPLANS = 3;
/** Attempts of a job whose run fails (a crash, a kill of the run alone, exit 1 without finishing): the second resumes from the checkpoint. */
export const ATTEMPTS = 2;

type Log = (line: string) => void;

/** BullMQ's connection options for a `redis://host:port[/db]` (or `rediss://`) URL. */
function connection(url: string) {
  if (!/^rediss?:\/\/[^/\s]+/.test(url)) throw new ConfigError(`--queue: '${url}' is not a Redis URL (redis://host:port)`);
  // Workers block on Redis; BullMQ wants ioredis to retry their commands without limit.
  return { url, maxRetriesPerRequest: null };
}

/** Resolves once the queue or worker has reached Redis; a RunFailed naming the URL if it has not in `ms`. */
async function reachRedis(client: { waitUntilReady(): Promise<unknown> }, url: string, ms = 15_000): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, fail) => {
    timer = setTimeout(() => fail(new RunFailed(`cannot reach Redis at ${url} (no answer in ${ms / 1000} s): is redis-server running there?`)), ms);
  });
  try {
    await Promise.race([client.waitUntilReady(), timeout]);
  } finally {
    clearTimeout(timer);
  }
}

/** Logs a connection error once until the connection is back, instead of once per retry. */
function onceErrors(log: Log, what: string): (e: Error) => void {
  let last = '';
  return (e) => {
    if (e.message === last) return;
    last = e.message;
    log(`${what}: ${e.message}`);
  };
}

export interface QueuedRun {
  index: number;
  state: 'completed' | 'failed' | 'unknown';
  reason: string | null;
}

/**
 * Puts each run on the queue (job id `{sweep id}-{index}`, so a second coordinator adds nothing),
 * then waits until each job has completed or failed. A failed job of an earlier coordinator is
 * retried; a completed one whose run folder is not finished (moved away) is added afresh.
 */
export async function runOnQueue(url: string, jobs: SweepJob[], options: { log: Log; signal: AbortSignal; pollMs?: number }): Promise<QueuedRun[]> {
  const { log, signal } = options;
  const queue = new Queue<SweepJob, SweepRunResult>(QUEUE_NAME, { connection: connection(url) });
  queue.on('error', onceErrors(log, `queue ${url}`));
  try {
    await reachRedis(queue, url);
    const add = (job: SweepJob) => queue.add('run', job, { jobId: `${job.sweep}-${job.index}`, attempts: ATTEMPTS, backoff: { type: 'fixed', delay: 1000 }, removeOnComplete: false, removeOnFail: false });
    /** Times each run's job was found gone and put back. */
    const replans = new Map<number, number>();
    const ids = new Map<string, number>();
    for (const job of jobs) {
      const jobId = `${job.sweep}-${job.index}`;
      ids.set(jobId, job.index);
      const existing = await queue.getJob(jobId);
      const state = existing ? await existing.getState() : null;
      if (existing && state === 'failed') {
        // A failed run gets its attempts again (one more from its checkpoint), as a new run would.
        await existing.retry('failed', { resetAttemptsMade: true, resetAttemptsStarted: true });
        log(`run ${job.index}: its job had failed (${existing.failedReason}); back on the queue`);
        continue;
      }
      if (existing && state === 'completed') await existing.remove();
      else if (existing) continue;
      await add(job);
    }
    log(`${jobs.length} run${jobs.length === 1 ? '' : 's'} on the queue ${QUEUE_NAME} at ${url}; waiting for workers (phaser-distill worker --queue ${url})`);
    // What each job looked like at the last look: a stall or a failed attempt shows in its counters
    // even when another worker took it again between two looks.
    const seen = new Map<string, { state: string; stalls: number; fails: number; by: string | undefined }>();
    const done = new Map<number, QueuedRun>();
    while (done.size < ids.size && !signal.aborted) {
      for (const [jobId, index] of ids) {
        if (done.has(index)) continue;
        const job = await queue.getJob(jobId);
        if (!job) {
          // Gone from the queue: Redis lost its data (a flush, a restart with nothing saved). The
          // run folders are the runs' state: the plan is made again from this run's folder.
          const data = jobs.find((j) => j.index === index)!;
          const times = replans.get(index) ?? 0;
          seen.delete(jobId);
          if (stagesLeft(data).length === 0) {
            done.set(index, { index, state: 'completed', reason: null });
            log(`run ${index}: its job is gone from the queue (did Redis lose its data?); its run folder is finished`);
          } else if (times < MAX_REPLANS) {
            replans.set(index, times + 1);
            await add(data);
            log(`run ${index}: its job is gone from the queue (did Redis lose its data?); put back from its run folder, it resumes from its checkpoint`);
          } else {
            done.set(index, { index, state: 'unknown', reason: `its job vanished from the queue ${times + 1} times` });
            log(`run ${index}: failed: its job vanished from the queue ${times + 1} times`);
          }
          continue;
        }
        const now = { state: job ? await job.getState() : 'unknown', stalls: job?.stalledCounter ?? 0, fails: job?.attemptsMade ?? 0, by: job?.processedBy };
        const before = seen.get(jobId);
        seen.set(jobId, now);
        // attemptsMade also counts the attempt that completes a job or fails it for good: those are said below.
        const back = before && now.state !== 'completed' && now.state !== 'failed';
        if (back && now.stalls > before.stalls) log(`run ${index}: back on the queue (its worker stopped renewing the job's lock: it died); the next attempt resumes from its checkpoint`);
        else if (back && now.fails > before.fails) log(`run ${index}: back on the queue (its attempt failed: ${job?.failedReason}); the next attempt resumes from its checkpoint`);
        else if (back && before.state === 'active' && ['waiting', 'prioritized', 'delayed'].includes(now.state)) log(`run ${index}: back on the queue (its worker was stopped and saved a checkpoint)`);
        const again = now.stalls + now.fails > 0 ? ` (again: ${now.stalls} worker${now.stalls === 1 ? '' : 's'} died on it, ${now.fails} failed attempt${now.fails === 1 ? '' : 's'})` : '';
        if (now.state === 'active' && (before?.state !== 'active' || now.stalls !== before.stalls || now.fails !== before.fails || now.by !== before.by)) log(`run ${index}: taken by ${now.by ?? 'a worker'}${again}`);
        if (now.state === 'completed') {
          done.set(index, { index, state: 'completed', reason: null });
          const data = jobs.find((j) => j.index === index)!;
          if (stagesLeft(data).length === 0) log(`run ${index}: finished`);
          else log(`run ${index}: its job completed, but ${data.slot} holds no finished run: do the workers see the sweep folder at this path (shared storage)?`);
        } else if (now.state === 'failed' || now.state === 'unknown') {
          const reason = job?.failedReason ?? 'the job is gone from the queue';
          done.set(index, { index, state: now.state, reason });
          log(`run ${index}: failed: ${reason}`);
        }
      }
      if (done.size < ids.size) await new Promise((resolve) => setTimeout(resolve, options.pollMs ?? 1000));
    }
    return [...done.values()];
  } finally {
    await queue.close();
  }
}

export interface WorkerOptions {
  url: string;
  /** Runs carried out at once. */
  concurrency?: number;
  /** Milliseconds a job's lock lasts without renewal: a dead worker's job goes back to the queue this long after its last renewal (stalled checks run as often). */
  lockDuration?: number;
  log?: Log;
  bin?: string;
}

/**
 * Takes jobs until SIGINT, SIGTERM or SIGHUP: then each run in progress is stopped with a
 * checkpoint, its job goes back to the queue for another worker, and the worker exits 128 + the
 * signal's number.
 */
export async function runWorker(options: WorkerOptions): Promise<number> {
  const log = options.log ?? ((l: string) => console.log(l));
  const name = `${hostname()}-${process.pid}`;
  const lockDuration = options.lockDuration ?? 30_000;
  const active = new Map<string, AbortController>();
  const processor = async (job: Job<SweepJob, SweepRunResult>, token?: string): Promise<SweepRunResult> => {
    const controller = new AbortController();
    active.set(job.id!, controller);
    const { index, sweep } = job.data;
    log(`worker ${name}: run ${index} of ${sweep} started (job ${job.id}, attempt ${job.attemptsMade + 1}, ${job.stalledCounter} stall${job.stalledCounter === 1 ? '' : 's'})`);
    try {
      const result = await runSweepJob(job.data, { tries: 1, signal: controller.signal, log: (l) => log(`worker ${name}: ${l}`), bin: options.bin });
      log(`worker ${name}: run ${index} of ${sweep} ${result.status}: ${result.message}`);
      if (result.status === 'finished') return result;
      if (result.status === 'config') throw new UnrecoverableError(result.message);
      if (result.status === 'interrupted' && controller.signal.reason !== 'lost') {
        // Stopped with a checkpoint because this worker is stopping: back to the queue, no attempt spent.
        await job.moveToWait(token);
        throw new WaitingError();
      }
      throw new Error(result.message);
    } finally {
      active.delete(job.id!);
    }
  };
  const worker = new Worker<SweepJob, SweepRunResult>(QUEUE_NAME, processor, {
    connection: connection(options.url),
    name,
    concurrency: options.concurrency ?? 1,
    lockDuration,
    stalledInterval: lockDuration,
    maxStalledCount: MAX_STALLS,
    autorun: false,
  });
  worker.on('error', onceErrors(log, `worker ${name}`));
  // Another worker took the job (this one's lock ran out): stop the run at once, before two train in one folder.
  worker.on('lockRenewalFailed', (ids: string[]) => {
    for (const id of ids) {
      log(`worker ${name}: lost the lock of job ${id}; stopping its run`);
      active.get(id)?.abort('lost');
    }
  });
  let stoppedBy: NodeJS.Signals | null = null;
  const stop = (signal: NodeJS.Signals) => {
    if (stoppedBy) return;
    stoppedBy = signal;
    log(`worker ${name}: ${signal}: stopping ${active.size} run${active.size === 1 ? '' : 's'} with a checkpoint; their jobs go back to the queue`);
    for (const c of active.values()) c.abort('stop');
    void worker.close();
  };
  const signals = ['SIGINT', 'SIGTERM', 'SIGHUP'] as const;
  for (const s of signals) process.on(s, stop);
  try {
    await reachRedis(worker, options.url);
    log(`worker ${name}: taking runs from ${QUEUE_NAME} at ${options.url} (concurrency ${options.concurrency ?? 1}, lock ${lockDuration} ms)`);
    await worker.run();
  } finally {
    for (const s of signals) process.removeListener(s, stop);
    await worker.close();
  }
  const { constants } = await import('node:os');
  return stoppedBy ? 128 + constants.signals[stoppedBy as NodeJS.Signals] : 0;
}
