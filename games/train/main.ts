/**
 * Trains a PPO teacher in the page on the backend the user picks (auto: webgpu, webgl, wasm, cpu,
 * the first that starts), one iteration per animation frame so the page never freezes, with a live
 * learning curve. The teacher can be saved to IndexedDB.
 */
import { SyncVectorEnv } from 'phaser-distill';
import { PpoTrainer, defaultPpoConfig, initBackend, serializeCheckpoint, type BackendName, type TrainingEpisode } from 'phaser-distill/train';
import wasmPlain from '@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm.wasm?url';
import wasmSimd from '@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm-simd.wasm?url';
import wasmThreaded from '@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm-threaded-simd.wasm?url';
import { BalanceEnv } from '../balance/balance.js';
import { drawCurve } from './curve-plot.js';
import { saveFiles } from './idb.js';

const $ = <T extends HTMLElement>(id: string) => document.getElementById(id) as T;
const startButton = $<HTMLButtonElement>('start');
const stopButton = $<HTMLButtonElement>('stop');
const saveButton = $<HTMLButtonElement>('save');
const status = $<HTMLDivElement>('status');
const canvas = $<HTMLCanvasElement>('curve');

/** What the page has done so far; browser tests read it. */
export interface TrainingState {
  phase: 'idle' | 'training' | 'done' | 'error';
  backend: BackendName | null;
  iterations: number;
  steps: number;
  episodes: TrainingEpisode[];
  error: string | null;
}
const state: TrainingState = { phase: 'idle', backend: null, iterations: 0, steps: 0, episodes: [], error: null };
(window as unknown as { trainingState: TrainingState }).trainingState = state;

let trainer: PpoTrainer | null = null;
let stopRequested = false;
const nextFrame = () => new Promise<void>((r) => requestAnimationFrame(() => r()));

const wasmPaths = { 'tfjs-backend-wasm.wasm': wasmPlain, 'tfjs-backend-wasm-simd.wasm': wasmSimd, 'tfjs-backend-wasm-threaded-simd.wasm': wasmThreaded };

startButton.onclick = async () => {
  startButton.disabled = true;
  $<HTMLSelectElement>('backend').disabled = true;
  const wanted = $<HTMLSelectElement>('backend').value as BackendName | 'auto';
  const failed: BackendName[] = [];
  // With 'auto', a backend that starts but fails during training gives way to the next one.
  for (;;) {
    try {
      await train(await initBackend(wanted, { wasmPaths, exclude: failed }));
      return;
    } catch (e) {
      trainer?.dispose();
      trainer = null;
      if (wanted !== 'auto' || state.backend === null || failed.includes(state.backend)) {
        state.phase = 'error';
        state.error = (e as Error).message;
        status.textContent = `error: ${state.error}`;
        return;
      }
      failed.push(state.backend);
      console.warn(`training on ${state.backend} failed (${(e as Error).message}); falling back`);
      state.backend = null;
    }
  }
};

async function train(backend: BackendName): Promise<void> {
  state.phase = 'training';
  state.backend = backend;
  state.iterations = 0;
  state.steps = 0;
  state.episodes = [];
  const totalTimesteps = Number($<HTMLInputElement>('steps').value);
  const config = { ...defaultPpoConfig, totalTimesteps };
  trainer = new PpoTrainer(new SyncVectorEnv(Array.from({ length: config.numEnvs }, () => new BalanceEnv())), config);
  stopButton.disabled = false;
  const t0 = performance.now();
  while (!trainer.done && !stopRequested) {
    const { metrics, episodes } = trainer.iterate();
    state.iterations = metrics.iteration;
    state.steps = metrics.global_step;
    state.episodes.push(...episodes);
    const last = state.episodes.slice(-10);
    const mean = last.length ? last.reduce((a, e) => a + e.return, 0) / last.length : 0;
    status.textContent = `backend ${backend} | iteration ${metrics.iteration}/${trainer.derived.numIterations} | ${metrics.global_step} steps | ${Math.round(metrics.global_step / ((performance.now() - t0) / 1000))} steps/s | mean of last 10 episodes ${mean.toFixed(1)}`;
    drawCurve(canvas, state.episodes, totalTimesteps);
    await nextFrame();
  }
  state.phase = 'done';
  saveButton.disabled = false;
  stopButton.disabled = true;
}

stopButton.onclick = () => {
  stopRequested = true;
};

saveButton.onclick = async () => {
  if (!trainer) return;
  const files = await serializeCheckpoint(trainer);
  await saveFiles(`teacher/${$<HTMLSelectElement>('game').value}`, files);
  status.textContent += '\nsaved the teacher to IndexedDB';
};
