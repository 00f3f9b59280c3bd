/**
 * The training page's worker: it trains the Balance teacher (the bare simulation, no Phaser) with
 * PPO on TensorFlow.js, distils students and serialises checkpoints, off the page's thread, so the
 * page keeps drawing the game and the curve while it trains. It answers the page's messages
 * (protocol.ts) and posts progress, policy snapshots, the student and the checkpoint files.
 */
import { SyncVectorEnv, flatSize, policyOutputCount } from 'phaser-distill';
import {
  PpoTrainer, defaultDistillConfig, defaultPpoConfig, distill, initBackend, probeShapeOf, readRunRecord, restoreCheckpoint, serializeCheckpoint, teacherFromTrainer,
  type BackendName, type BackendProbe, type CheckpointFiles,
} from 'phaser-distill/train';
import wasmPlain from '@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm.wasm?url';
import wasmSimd from '@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm-simd.wasm?url';
import wasmThreaded from '@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm-threaded-simd.wasm?url';
import { BalanceEnv } from '../balance/balance.js';
import { sharedNow, type FromWorker, type ToWorker } from './protocol.js';

/** The worker's global scope, typed with what this file uses (the project's types are the page's, DOM). */
const scope = self as unknown as {
  postMessage(message: FromWorker): void;
  onmessage: ((e: MessageEvent<ToWorker>) => void) | null;
};
const post = (message: FromWorker) => scope.postMessage(message);

const wasmPaths = { 'tfjs-backend-wasm.wasm': wasmPlain, 'tfjs-backend-wasm-simd.wasm': wasmSimd, 'tfjs-backend-wasm-threaded-simd.wasm': wasmThreaded };
/** The WebGPU backend, loaded (a chunk of its own) only if WebGPU is tried. */
const webgpu = () => import('@tensorflow/tfjs-backend-webgpu');
/** The game plays a fresh snapshot of the teacher about this often. */
const SNAPSHOT_MS = 500;

let trainer: PpoTrainer | null = null;
let stopRequested = false;

/**
 * Lets queued messages (a stop) in between iterations. A message channel, not setTimeout: nested
 * timeouts are clamped to 4 ms.
 */
const channel = new MessageChannel();
const yieldQueue: (() => void)[] = [];
channel.port1.onmessage = () => yieldQueue.shift()?.();
const yieldToMessages = () => new Promise<void>((resolve) => {
  yieldQueue.push(resolve);
  channel.port2.postMessage(null);
});

const makeEnv = (n: number) => new SyncVectorEnv(Array.from({ length: n }, () => new BalanceEnv()));

scope.onmessage = (e) => {
  const m = e.data;
  const fail = (error: unknown) => post({ type: 'error', message: (error as Error).message ?? String(error) });
  if (m.type === 'train') train(m.backend, m.totalTimesteps).catch(fail);
  else if (m.type === 'stop') stopRequested = true;
  else if (m.type === 'distill') distilStudent(m.hidden).catch(fail);
  else if (m.type === 'checkpoint') sendCheckpoint().catch(fail);
  else if (m.type === 'load') loadSaved(m.files).catch(fail);
};

/** A saved teacher becomes the worker's trainer again, as training left it. */
async function loadSaved(files: CheckpointFiles): Promise<void> {
  await initBackend('wasm', { wasmPaths });
  const record = readRunRecord(files);
  trainer?.dispose();
  trainer = new PpoTrainer(makeEnv(record.config.numEnvs), { ...defaultPpoConfig, ...record.config });
  await restoreCheckpoint(trainer, files);
  postSnapshot(trainer);
  post({ type: 'loaded', iteration: trainer.iteration, steps: trainer.globalStep });
}

async function train(wanted: BackendName | 'auto', totalTimesteps: number): Promise<void> {
  const config = { ...defaultPpoConfig, totalTimesteps };
  const spaces = new BalanceEnv();
  const probe = probeShapeOf(config, flatSize(spaces.observationSpace), policyOutputCount(spaces.actionSpace));
  const failed: BackendName[] = [];
  // A stop that comes during the probe ends the run before its first iteration.
  stopRequested = false;
  // With 'auto', a backend that starts but fails during training gives way to the next fastest.
  for (;;) {
    let measured: BackendProbe[] | null = null;
    const backend = await initBackend(wanted, { wasmPaths, webgpu, exclude: failed, probe, onProbe: (r) => (measured = r), onProbeStart: (backend, index, of) => post({ type: 'probing', backend, index, of }) });
    post({ type: 'backend', backend, probe: measured });
    try {
      await run(config);
      return;
    } catch (e) {
      trainer?.dispose();
      trainer = null;
      if (wanted !== 'auto') throw e;
      failed.push(backend);
      post({ type: 'fallback', backend, message: (e as Error).message });
    }
  }
}

async function run(config: typeof defaultPpoConfig): Promise<void> {
  trainer?.dispose();
  trainer = new PpoTrainer(makeEnv(config.numEnvs), config);
  const t = trainer;
  postSnapshot(t);
  let lastSnapshot = performance.now();
  const t0 = performance.now();
  while (!t.done && !stopRequested) {
    const started = sharedNow();
    const { metrics, episodes } = t.iterate();
    const ended = sharedNow();
    const stepsPerSecond = metrics.global_step / ((performance.now() - t0) / 1000);
    post({ type: 'progress', metrics, episodes, numIterations: t.derived.numIterations, stepsPerSecond, started, ended });
    if (performance.now() - lastSnapshot >= SNAPSHOT_MS || t.done) {
      postSnapshot(t);
      lastSnapshot = performance.now();
    }
    await yieldToMessages();
  }
  const seconds = (performance.now() - t0) / 1000;
  post({ type: 'trained', steps: t.globalStep, seconds, stepsPerSecond: seconds > 0 ? t.globalStep / seconds : 0, stopped: !t.done });
}

function postSnapshot(t: PpoTrainer): void {
  post({ type: 'snapshot', policy: teacherFromTrainer(t).policyFile({ role: 'teacher', iteration: t.iteration }), iteration: t.iteration });
}

async function distilStudent(hiddenUnits: number): Promise<void> {
  if (!trainer) throw new Error('distil: train a teacher first');
  const hidden = [hiddenUnits];
  const env = makeEnv(8);
  try {
    const distilled = await distill({ name: 'balance', env, teacher: teacherFromTrainer(trainer) }, { ...defaultDistillConfig, hidden }, (m) => {
      post({ type: 'distilling', round: m.round, epoch: m.epoch, agreement: m['fidelity/held_out_agreement'] });
    });
    const student = distilled.toPolicyFile(0, 'int8', { game: 'balance', madeIn: 'browser' });
    const agreement = distilled.keptAgreement;
    distilled.dispose();
    post({ type: 'distilled', student, agreement });
  } finally {
    env.close();
  }
}

async function sendCheckpoint(): Promise<void> {
  if (!trainer) throw new Error('checkpoint: train a teacher first');
  const files = await serializeCheckpoint(trainer);
  post({ type: 'checkpoint', files });
}
