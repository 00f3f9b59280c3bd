/**
 * Parallel rollouts in Node: a vector env whose envs are split into `numWorkers` shares stepped at
 * the same time: the first by this thread and each other share by
 * a worker thread of its own (for scene envs, with its own headless Phaser game). The learner and
 * the action sampling stay in this thread; the rollout forwards of each share's envs run in the
 * thread that steps them (`forwardWith`: the trainer's rollout net, its weights in shared memory),
 * so they are shared out with the env steps. Observations, actions, rewards, masks and the forwards'
 * outputs move through shared memory (rollout-memory.ts); a step is one command to every worker
 * and one wait.
 *
 * The episode bookkeeping stays here, in one AutoReset over all the envs: an episode that ends has
 * its next seed drawn in env order, as a single-threaded vector env draws it, and then the shares
 * that own those envs restart them (a second command, only at steps where an episode ended). So the
 * same seed gives the same episodes, and the same training, whatever the number of workers.
 *
 * A share that fails (its env throws, its module fails to load, its thread exits) is reported as
 * `worker k (envs a..b) failed: <error>` (worker 0 is this thread's share): the step throws a
 * RolloutWorkerFailed, once the other workers have finished the step, and closes them. A thread
 * that does not answer within the step limit (stuck in a loop, or ended out of memory: its heap
 * is limited, so that ends the thread alone, not the process) is named the same way by the
 * watchdog and terminated. This thread's own share cannot be watched from this thread.
 *
 * While the worker threads step, this thread may do other work once its own share is stepped
 * (`workWhileStepping`: train.ppo.overlap runs the update there, in pieces, while the threads
 * collect the next rollout); `ownEnvs` makes its share smaller to leave it more time for that.
 */
import { getHeapStatistics } from 'node:v8';
import { MessageChannel, Worker, receiveMessageOnPort, type MessagePort } from 'node:worker_threads';
import { choiceCount, flatSize, type BoxSpace, type EnvBatch, type Space, type VectorEnv, type VectorStepResult } from '../env/index.js';
import { AutoReset } from '../env/vector-env.js';
import { ConfigError, RunFailed } from '../config/errors.js';
import { makeGameEnv } from '../config/env-module.js';
import type { ForwardingEnv, RolloutNet } from '../train/rollout-net.js';
import {
  ATTACH, CLOSE, EnvShare, IDLE, RESTART, STEP, allocateRolloutMemory, asEnvBatch, workerShare, type RolloutMemory, type RolloutSizes,
} from './rollout-memory.js';
import { describeError, type RolloutAttach, type RolloutStart, type RolloutWorkerData, type RolloutWorkerMessage } from './rollout-worker.js';

/** A rollout worker failed: the message names it, its envs and its error. */
export class RolloutWorkerFailed extends RunFailed {
  override name = 'RolloutWorkerFailed';
}

/**
 * A thread's entry: bin/rollout-worker.mjs, which sets up what the command line sets up before an
 * env module loads. From the source (src/parallel/) and from the build (dist/) it is at different depths.
 */
function workerEntry(): URL {
  const at = (path: string) => new URL(path, import.meta.url);
  return at(import.meta.url.endsWith('.ts') ? '../../bin/rollout-worker.mjs' : '../bin/rollout-worker.mjs');
}

/** A worker thread and its share: envs `first` .. `first + count - 1`. */
interface Thread {
  worker: Worker;
  first: number;
  count: number;
  /** The port its error arrives on, read synchronously while this thread waits. */
  errors: MessagePort;
}

type Ready = Extract<RolloutWorkerMessage, { type: 'ready' }>;

const shareName = (k: number, first: number, count: number) => `worker ${k} (envs ${first}..${first + count - 1})`;
/** How long close() waits for the threads to close their envs before terminating them anyway. */
const CLOSE_WAIT_MS = 5000;
/** How long a step may take a worker thread by default before the watchdog names it (train.workerStepLimit). */
export const DEFAULT_STEP_LIMIT_MS = 30_000;

export interface WorkerVectorEnvOptions {
  /** Milliseconds a thread may take to answer a step or a restart; past it the env fails, naming the thread and its envs. */
  stepLimitMs?: number;
  /**
   * Envs this thread steps (its share, envs 0 .. ownEnvs - 1); the worker threads split the rest
   * as evenly as possible. By default every share is as even as can be. A smaller share leaves
   * this thread time for other work while the threads step (train.ppo.overlap's update). The
   * split changes no number of the run.
   */
  ownEnvs?: number;
}

/**
 * A worker thread's heap: the same limit as this thread's, but set, so that a thread that runs out
 * of memory is ended alone (Node ends a thread with resource limits) instead of aborting the
 * process; the watchdog then names it.
 */
function workerHeapMb(): number {
  return Math.max(64, Math.floor(getHeapStatistics().heap_size_limit / (1 << 20)));
}

export class WorkerVectorEnv implements VectorEnv, ForwardingEnv {
  readonly observationSpace: BoxSpace;
  readonly actionSpace: Space;
  /** Self-play's opponent seat is not handed across threads: none. */
  readonly opponent = null;
  private readonly episodes: AutoReset;
  private readonly obsRows: Float32Array[];
  private readonly maskRows: Uint8Array[];
  /** The worker threads' indices in `threads` (all of them), for a command to all. */
  private readonly all: number[];
  /** Set once a share has failed: every later call throws it again. */
  private failure: RolloutWorkerFailed | null = null;
  /** The thread whose failure stopped the env (-1: this thread's share, or none). */
  /** Threads that reported a failure: they have left their loop and answer no command. */
  private readonly failedThreads = new Set<number>();
  private closed = false;
  /** What this thread does while the other threads step (workWhileStepping); null for nothing. */
  private work: (() => boolean) | null = null;

  /**
   * Makes this thread's share of `numEnvs` envs from the env module at `envPath` and starts
   * `numWorkers - 1` threads that each make theirs (split as evenly as possible, the first shares
   * taking one more).
   */
  static async create(envPath: string, numEnvs: number, numWorkers: number, options: WorkerVectorEnvOptions = {}): Promise<WorkerVectorEnv> {
    const stepLimitMs = options.stepLimitMs ?? DEFAULT_STEP_LIMIT_MS;
    if (!(stepLimitMs > 0)) throw new Error(`WorkerVectorEnv: stepLimitMs must be above 0, got ${stepLimitMs}`);
    if (!Number.isInteger(numWorkers) || numWorkers < 1 || numWorkers > numEnvs) throw new Error(`WorkerVectorEnv: numWorkers must be an integer from 1 to numEnvs (${numEnvs}), got ${numWorkers}`);
    const ownEnvs = options.ownEnvs;
    if (ownEnvs !== undefined && (!Number.isInteger(ownEnvs) || ownEnvs < 1 || ownEnvs > numEnvs - (numWorkers - 1))) throw new Error(`WorkerVectorEnv: ownEnvs must be an integer from 1 to ${numEnvs - (numWorkers - 1)} (numEnvs ${numEnvs}, at least one for each of the ${numWorkers - 1} worker threads), got ${ownEnvs}`);
    const split = (k: number): { first: number; count: number } => {
      if (ownEnvs === undefined) return workerShare(numEnvs, numWorkers, k);
      if (k === 0) return { first: 0, count: ownEnvs };
      const share = workerShare(numEnvs - ownEnvs, numWorkers - 1, k - 1);
      return { first: ownEnvs + share.first, count: share.count };
    };
    const threads: Thread[] = [];
    /** The other end of each thread's error port, handed over with the shared memory. */
    const theirPorts: MessagePort[] = [];
    const ready: Promise<Ready>[] = [];
    for (let k = 1; k < numWorkers; k++) {
      const { first, count } = split(k);
      const worker = new Worker(workerEntry(), { workerData: { envPath, worker: k, first, count } satisfies RolloutWorkerData, resourceLimits: { maxOldGenerationSizeMb: workerHeapMb() } });
      const { port1, port2 } = new MessageChannel();
      threads.push({ worker, first, count, errors: port1 });
      theirPorts.push(port2);
      ready.push(
        new Promise((resolve, reject) => {
          const failed = (why: string) => reject(new RolloutWorkerFailed(`${shareName(k, first, count)} failed: ${why}`));
          worker.once('message', (m: RolloutWorkerMessage) => (m.type === 'ready' ? resolve(m) : failed(m.error)));
          worker.once('error', (e) => failed(describeError(e)));
          worker.once('exit', (code) => failed(`the worker thread exited (code ${code}) before its envs were made`));
        }),
      );
    }
    const allReady = Promise.all(ready);
    // Awaited below, unless this thread's share fails first: then its rejection is of no more use.
    allReady.catch(() => undefined);
    const stopAll = () => threads.forEach((t) => void t.worker.terminate());
    // This thread's share loads while the threads load theirs; its errors are those of a run with one worker.
    const own = split(0);
    let batch: EnvBatch;
    try {
      const env = await makeGameEnv(envPath, own.count);
      try {
        if (env.numEnvs !== own.count) throw new Error(`makeVectorEnv({ numEnvs: ${own.count} }) made ${env.numEnvs} envs`);
        // A privileged teacher's view is not carried through the shared rollout memory (yet).
        if (env.privileged) throw new ConfigError('config.train.ppo.numWorkers: the agent declares a privileged view (spec.privileged), which parallel rollouts do not carry; train its teacher with numWorkers 1');
        batch = asEnvBatch(env);
      } catch (e) {
        env.close();
        throw e;
      }
    } catch (e) {
      stopAll();
      throw e;
    }
    let spaces: Ready[];
    try {
      spaces = await allReady;
    } catch (e) {
      stopAll();
      batch.close();
      throw e;
    }
    const { observationSpace, actionSpace } = batch;
    const other = spaces.findIndex((s) => JSON.stringify(s.observationSpace) !== JSON.stringify(observationSpace) || JSON.stringify(s.actionSpace) !== JSON.stringify(actionSpace));
    if (other >= 0) {
      stopAll();
      batch.close();
      throw new RolloutWorkerFailed(`${shareName(other + 1, threads[other]!.first, threads[other]!.count)} made envs of other spaces than worker 0's`);
    }
    const sizes: RolloutSizes = { numEnvs, numWorkers, obsSize: flatSize(observationSpace), actSize: flatSize(actionSpace), choices: choiceCount(actionSpace) };
    const memory = allocateRolloutMemory(sizes);
    threads.forEach((t, j) => {
      t.worker.removeAllListeners();
      // From here a failure is reported through the shared memory; an 'error' event with no listener would end the process.
      t.worker.on('error', () => undefined);
      // A vector env left open does not keep the process alive.
      t.worker.unref();
      t.worker.postMessage({ memory, sizes, errors: theirPorts[j]! } satisfies RolloutStart, [theirPorts[j]!]);
    });
    return new WorkerVectorEnv(new EnvShare(batch, memory, sizes, own.first, own.count), threads, memory, sizes, observationSpace, actionSpace, stepLimitMs);
  }

  private constructor(private readonly own: EnvShare, private readonly threads: Thread[], private readonly m: RolloutMemory, private readonly sizes: RolloutSizes, observationSpace: BoxSpace, actionSpace: Space, private readonly stepLimitMs: number) {
    const { numEnvs: n, obsSize: D, choices: C } = sizes;
    this.observationSpace = observationSpace;
    this.actionSpace = actionSpace;
    // Restarts are the shares' to make, after each step's results are recorded.
    this.episodes = new AutoReset(n, D, this.actionSpace, null);
    this.obsRows = Array.from({ length: n }, (_, i) => m.observations.subarray(i * D, (i + 1) * D));
    this.maskRows = Array.from({ length: n }, (_, i) => m.masks.subarray(i * C, (i + 1) * C));
    this.all = threads.map((_, j) => j);
  }

  get numEnvs(): number {
    return this.sizes.numEnvs;
  }

  /** Shares stepped at once: this thread's and one per worker thread. */
  get numWorkers(): number {
    return this.sizes.numWorkers;
  }

  get actionMasks(): Uint8Array | null {
    return this.episodes.masks;
  }

  reset(seed: number): Float32Array {
    this.assertUsable();
    this.episodes.reset(seed);
    this.restartEnded();
    return this.episodes.observations();
  }

  step(actions: ArrayLike<number>): VectorStepResult {
    this.assertUsable();
    const { numEnvs: n, actSize: A } = this.sizes;
    if (!this.episodes.started) throw new Error('WorkerVectorEnv: call reset(seed) before step()');
    if (actions.length !== n * A) throw new Error(`WorkerVectorEnv.step: expected ${n * A} action numbers (${n} envs x ${A}), got ${actions.length}`);
    const m = this.m;
    m.actions.set(actions);
    this.command(STEP, this.all, () => this.own.step());
    this.episodes.begin();
    for (let i = 0; i < n; i++) {
      this.episodes.record(i, m.rewards[i]!, m.gameRewards[i]!, this.obsRows[i]!, m.terminated[i] === 1, m.truncated[i] === 1, m.masked[i] ? this.maskRows[i] : null);
    }
    this.restartEnded();
    return this.episodes.end();
  }

  /**
   * Has every share run the rollout forwards of its envs on `net` (made `shared`), in its own
   * thread, after each step and restart: the trainer then reads them from `net.rows` instead of
   * running them all in this thread. False (and nothing changes) if `net` is not shared.
   */
  forwardWith(net: RolloutNet): boolean {
    this.assertUsable();
    if (!(net.buffer instanceof SharedArrayBuffer)) return false;
    if (net.spec.maxRows < this.sizes.numEnvs) throw new Error(`WorkerVectorEnv.forwardWith: a net of ${net.spec.maxRows} rows for ${this.sizes.numEnvs} envs`);
    for (const t of this.threads) t.errors.postMessage({ spec: net.spec, buffer: net.buffer } satisfies RolloutAttach);
    this.command(ATTACH, this.all, () => (this.own.net = net));
    return true;
  }

  workWhileStepping(work: (() => boolean) | null): void {
    this.work = work;
  }

  /** Closes every share's envs and ends the threads. */
  close(): void {
    if (this.closed) return;
    this.closed = true;
    // Each thread still in its loop (its word IDLE: not one that failed) is told to close its
    // envs; this thread closes its own meanwhile. The wait is bounded: closing is best effort, and
    // the threads are terminated after it whatever they did.
    const control = this.m.control;
    const told = this.all.filter((j) => !this.failedThreads.has(j) && Atomics.compareExchange(control, j + 1, IDLE, CLOSE) === IDLE);
    for (const j of told) Atomics.notify(control, j + 1);
    try {
      this.own.close();
    } catch {
      // A share that fails as it closes has nothing left to lose.
    }
    const deadline = Date.now() + CLOSE_WAIT_MS;
    for (const j of told) {
      while (Atomics.load(control, j + 1) === CLOSE && Date.now() < deadline) Atomics.wait(control, j + 1, CLOSE, Math.max(1, deadline - Date.now()));
    }
    for (const t of this.threads) t.worker.terminate().catch(() => undefined);
  }

  /** Has the shares start the episodes whose seeds the bookkeeping drew, and records their first observations. */
  private restartEnded(): void {
    const restarts = this.episodes.restarts;
    if (restarts.length === 0) return;
    const m = this.m;
    const threads = new Set<number>();
    let own = false;
    for (const { env, seed } of restarts) {
      m.restart[env] = 1;
      m.seeds[env] = seed;
      const j = this.threads.findIndex((t) => env >= t.first && env < t.first + t.count);
      if (j < 0) own = true;
      else threads.add(j);
    }
    this.command(RESTART, [...threads], own ? () => this.own.restart() : null);
    for (const { env } of restarts) {
      m.restart[env] = 0;
      this.episodes.start(env, { observation: this.obsRows[env]!, mask: m.masked[env] ? this.maskRows[env] : null });
    }
    restarts.length = 0;
  }

  /**
   * Gives the worker threads `threads` the command, runs this thread's part meanwhile, and waits
   * until each has run it. A failure is reported once every other share has finished.
   */
  private command(command: number, threads: number[], ownPart: (() => void) | null): void {
    const control = this.m.control;
    for (const j of threads) {
      Atomics.store(control, j + 1, command);
      Atomics.notify(control, j + 1);
    }
    let ownError: string | null = null;
    try {
      ownPart?.();
    } catch (e) {
      ownError = describeError(e);
    }
    // This thread's other work (the update, with train.ppo.overlap) fills the wait; an error of
    // it is thrown once the threads have answered, so that the env stays usable.
    let workError: unknown = null;
    let working = this.work !== null && (command === STEP || command === RESTART);
    while (working && ownError === null && threads.some((j) => Atomics.load(control, j + 1) === command)) {
      try {
        working = this.work!();
      } catch (e) {
        workError = e;
        working = false;
      }
    }
    // Every thread that failed is known before any failure is reported: close() must not wait on one.
    // The watchdog: a thread that has not answered by the deadline is stuck (an endless loop) or
    // was ended with no JavaScript left to report it (out of memory); either way it is named. The
    // wait is in slices, and it bounds how long a SIGTERM waits for the run to stop.
    const deadline = Date.now() + this.stepLimitMs;
    let hung: number | undefined;
    for (const j of threads) {
      while (Atomics.load(control, j + 1) === command) {
        const left = deadline - Date.now();
        if (left <= 0) break;
        Atomics.wait(control, j + 1, command, Math.min(left, 1000));
      }
      const word = Atomics.load(control, j + 1);
      if (word === command) hung ??= j;
      if (word !== IDLE) this.failedThreads.add(j);
    }
    if (ownError !== null) this.fail(shareName(0, this.own.first, this.own.count), ownError);
    if (hung !== undefined) {
      const t = this.threads[hung]!;
      const what = command === STEP ? 'a step' : command === RESTART ? 'a restart' : 'the rollout net';
      this.fail(shareName(hung + 1, t.first, t.count), `no answer to ${what} within ${this.stepLimitMs / 1000} s (train.workerStepLimit): its env is stuck (an endless loop?) or its thread was ended (out of memory?); the thread is stopped`);
    }
    const failed = threads.find((j) => this.failedThreads.has(j));
    if (failed !== undefined) {
      const t = this.threads[failed]!;
      this.fail(shareName(failed + 1, t.first, t.count), (receiveMessageOnPort(t.errors)?.message as string | undefined) ?? 'it reported no error');
    }
    if (workError !== null) throw workError;
  }

  private fail(share: string, error: string): never {
    this.failure ??= new RolloutWorkerFailed(`${share} failed: ${error}`);
    this.close();
    throw this.failure;
  }

  private assertUsable(): void {
    if (this.failure) throw this.failure;
    if (this.closed) throw new Error('WorkerVectorEnv: the env was closed');
  }
}
