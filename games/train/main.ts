/**
 * Trains a PPO teacher in the page on the backend the user picks (auto: webgpu, webgl, wasm, cpu,
 * the first that starts), one iteration per animation frame so the page never freezes, with a live
 * learning curve; then distils a student, plays it in the Balance scene, saves teacher and student
 * to IndexedDB and downloads the student file.
 */
import Phaser from 'phaser';
import { EPISODE_END, SyncVectorEnv, loadStudentPolicy, phaserConfig, type EpisodeEndEvent, type PolicyFile } from 'phaser-distill';
import {
  PpoTrainer, defaultDistillConfig, defaultPpoConfig, distill, initBackend, serializeCheckpoint, teacherFromTrainer,
  type BackendName, type TrainingEpisode,
} from 'phaser-distill/train';
import wasmPlain from '@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm.wasm?url';
import wasmSimd from '@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm-simd.wasm?url';
import wasmThreaded from '@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm-threaded-simd.wasm?url';
import { BalanceEnv } from '../balance/balance.js';
import { BALANCE, BALANCE_AGENT, type BalanceScene } from '../balance/scene.js';
import { drawCurve } from './curve-plot.js';
import { saveFiles } from './idb.js';

const $ = <T extends HTMLElement>(id: string) => document.getElementById(id) as T;
const startButton = $<HTMLButtonElement>('start');
const stopButton = $<HTMLButtonElement>('stop');
const saveButton = $<HTMLButtonElement>('save');
const distillButton = $<HTMLButtonElement>('distill');
const playButton = $<HTMLButtonElement>('play');
const downloadButton = $<HTMLButtonElement>('download');
const status = $<HTMLDivElement>('status');
const canvas = $<HTMLCanvasElement>('curve');

/** What the page has done so far; browser tests read it. */
export interface TrainingState {
  phase: 'idle' | 'training' | 'done' | 'distilling' | 'distilled' | 'error';
  backend: BackendName | null;
  iterations: number;
  steps: number;
  episodes: TrainingEpisode[];
  error: string | null;
  /** Held-out agreement of the distilled student with the teacher. */
  studentAgreement: number | null;
  /** Lengths of the episodes the student has played in the scene. */
  played: number[];
}
const state: TrainingState = { phase: 'idle', backend: null, iterations: 0, steps: 0, episodes: [], error: null, studentAgreement: null, played: [] };
(window as unknown as { trainingState: TrainingState }).trainingState = state;

let trainer: PpoTrainer | null = null;
let student: PolicyFile | null = null;
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
  distillButton.disabled = false;
  stopButton.disabled = true;
}

distillButton.onclick = async () => {
  if (!trainer) return;
  distillButton.disabled = true;
  state.phase = 'distilling';
  const hidden = [Math.max(1, Math.round(Number($<HTMLInputElement>('hidden').value)))];
  const env = new SyncVectorEnv(Array.from({ length: 8 }, () => new BalanceEnv()));
  try {
    const distilled = await distill({ name: 'balance', env, teacher: teacherFromTrainer(trainer) }, { ...defaultDistillConfig, hidden }, async (m) => {
      status.textContent = `distilling a ${hidden[0]}-unit student: round ${m.round}, epoch ${m.epoch}, held-out agreement ${(100 * m['fidelity/held_out_agreement']).toFixed(1)}%`;
      await nextFrame();
    });
    state.studentAgreement = distilled.keptAgreement;
    student = distilled.toPolicyFile(0, 'int8', { game: 'balance', madeIn: 'browser' });
    distilled.dispose();
    state.phase = 'distilled';
    status.textContent = `student ready: ${hidden[0]} hidden units, int8, held-out agreement ${(100 * (state.studentAgreement ?? 0)).toFixed(1)}%`;
    playButton.disabled = false;
    downloadButton.disabled = false;
  } catch (e) {
    state.phase = 'error';
    state.error = (e as Error).message;
    status.textContent = `error: ${state.error}`;
  } finally {
    env.close();
  }
};

let game: Phaser.Game | null = null;
playButton.onclick = () => {
  if (!student) return;
  const policy = loadStudentPolicy(student, { source: 'the distilled student' });
  game?.destroy(true);
  state.played = [];
  game = new Phaser.Game(phaserConfig(BALANCE, { type: Phaser.AUTO, parent: 'game', backgroundColor: '#10141c' }));
  game.events.once(Phaser.Core.Events.READY, () => {
    const scene = game!.scene.getScene('balance') as BalanceScene;
    scene.ai.use(BALANCE_AGENT, policy);
    scene.sys.events.on(EPISODE_END, (e: EpisodeEndEvent) => {
      state.played.push(e.return);
      $('play-status').textContent = `the student kept the pole up for ${state.played.map((r) => r.toFixed(0)).join(', ')} steps`;
    });
  });
};

downloadButton.onclick = () => {
  if (!student) return;
  const url = URL.createObjectURL(new Blob([JSON.stringify(student)], { type: 'application/json' }));
  const a = Object.assign(document.createElement('a'), { href: url, download: 'balance-student.json' });
  a.click();
  URL.revokeObjectURL(url);
};

stopButton.onclick = () => {
  stopRequested = true;
};

saveButton.onclick = async () => {
  if (!trainer) return;
  const game = $<HTMLSelectElement>('game').value;
  await saveFiles(`teacher/${game}`, await serializeCheckpoint(trainer));
  if (student) await saveFiles(`student/${game}`, { 'student.json': new TextEncoder().encode(JSON.stringify(student)) });
  status.textContent += `\nsaved the teacher${student ? ' and the student' : ''} to IndexedDB`;
};
