/**
 * A rollout worker: a thread that owns a share of a parallel vector env's envs (for scene envs,
 * its own headless Phaser game). It loads the run's env module, makes its envs with
 * `makeVectorEnv({ numEnvs: share })`, and then only steps them and restarts the ones it is told to,
 * with the seeds it is given, through shared memory (rollout-memory.ts). The episode bookkeeping
 * (seeds, returns, final observations) stays with the main thread's WorkerVectorEnv.
 *
 * bin/rollout-worker.mjs starts it, after the set-up the command line makes (TypeScript env
 * modules, the headless host's globals).
 */
import { parentPort, receiveMessageOnPort, workerData, type MessagePort } from 'node:worker_threads';
import type { EnvBatch, VectorEnv } from '../env/index.js';
import { makeGameEnv } from '../config/env-module.js';
import { RolloutNet, type RolloutNetSpec } from '../train/rollout-net.js';
import { ATTACH, CLOSE, EnvShare, FAILED, IDLE, RESTART, STEP, asEnvBatch, waitWhile, type RolloutMemory, type RolloutSizes } from './rollout-memory.js';

/** What a worker is started with. */
export interface RolloutWorkerData {
  envPath: string;
  worker: number;
  /** Its envs: `count` of them, from global index `first`. */
  first: number;
  count: number;
}

/** Messages from a worker while it starts (on its parentPort). */
export type RolloutWorkerMessage =
  | { type: 'ready'; observationSpace: VectorEnv['observationSpace']; actionSpace: VectorEnv['actionSpace'] }
  | { type: 'failed'; error: string };

/** What the main thread posts on a worker's error port before ATTACH: the trainer's rollout net. */
export interface RolloutAttach {
  spec: RolloutNetSpec;
  buffer: SharedArrayBuffer;
}

/** The main thread's answer to 'ready': the shared memory, and the port the worker reports a failure on (and is sent the rollout net on). */
export interface RolloutStart {
  memory: RolloutMemory;
  sizes: RolloutSizes;
  errors: MessagePort;
}

/** An error as the main thread reports it: its stack (which starts with its message), or its text. */
export function describeError(e: unknown): string {
  return e instanceof Error ? (e.stack ?? `${e.name}: ${e.message}`) : String(e);
}

/** The worker's life: load the envs, say ready, then run commands until CLOSE (or a failure). */
export async function runRolloutWorker(): Promise<void> {
  const port = parentPort!;
  const { envPath, worker: k, first, count } = workerData as RolloutWorkerData;
  let batch: EnvBatch;
  try {
    const env = await makeGameEnv(envPath, count);
    if (env.numEnvs !== count) throw new Error(`makeVectorEnv({ numEnvs: ${count} }) made ${env.numEnvs} envs`);
    batch = asEnvBatch(env);
  } catch (e) {
    port.postMessage({ type: 'failed', error: describeError(e) } satisfies RolloutWorkerMessage);
    return;
  }
  const start = new Promise<RolloutStart>((resolve) => port.once('message', resolve));
  port.postMessage({ type: 'ready', observationSpace: batch.observationSpace, actionSpace: batch.actionSpace } satisfies RolloutWorkerMessage);
  const { memory, sizes, errors } = await start;
  serve(new EnvShare(batch, memory, sizes, first, count), memory.control, k, errors);
}

/** Runs the main thread's commands on the share, synchronously, until CLOSE or a failure. */
function serve(share: EnvShare, control: Int32Array, k: number, errors: MessagePort): void {
  let over = false;
  const fail = (e: unknown) => {
    if (over) return;
    over = true;
    errors.postMessage(describeError(e));
    Atomics.store(control, k, FAILED);
    Atomics.notify(control, k);
  };
  // An env module that ends the thread (process.exit) or throws outside a command is a failure too:
  // the main thread is waiting on this worker's word and must not wait for ever.
  process.on('exit', (code) => fail(new Error(`the worker thread exited (code ${code}) during the run`)));
  process.on('uncaughtException', (e) => {
    fail(e);
    process.exit(1);
  });
  for (;;) {
    waitWhile(control, k, IDLE);
    const command = Atomics.load(control, k);
    try {
      if (command === STEP) share.step();
      else if (command === RESTART) share.restart();
      else if (command === CLOSE) share.close();
      else if (command === ATTACH) share.net = attach(errors);
      else throw new Error(`unknown command ${command}`);
    } catch (e) {
      fail(e);
      return;
    }
    if (command === CLOSE) over = true;
    Atomics.store(control, k, IDLE);
    Atomics.notify(control, k);
    if (over) return;
  }
}

/** The rollout net the main thread posted before ATTACH. */
function attach(port: MessagePort): RolloutNet {
  const posted = receiveMessageOnPort(port)?.message as RolloutAttach | undefined;
  if (!posted) throw new Error('ATTACH: no rollout net was posted');
  return RolloutNet.attach(posted.spec, posted.buffer);
}
