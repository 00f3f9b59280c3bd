/**
 * Trains a PPO teacher for Balance in a Web Worker (train-worker.ts) on the backend the user picks
 * (auto: the worker times a short training-shaped probe on each backend that starts and picks the
 * fastest), while this thread keeps drawing: the learning curve, and the Balance scene played by
 * the latest snapshot of the teacher. Then the worker distils a student, which plays in the scene;
 * teacher and student go to IndexedDB and the student downloads. This thread never loads
 * TensorFlow.js: policies play through the student runtime.
 */
import Phaser from 'phaser';
import { EPISODE_END, loadStudentPolicy, phaserConfig, type EpisodeEndEvent, type PolicyFile } from 'phaser-distill';
import type { BackendName, BackendProbe, CheckpointFiles, TrainingEpisode } from 'phaser-distill/train';
import { BALANCE, BALANCE_AGENT, type BalanceScene } from '../balance/scene.js';
import { drawCurve } from './curve-plot.js';
import { loadFiles, saveFiles } from './idb.js';
import type { FromWorker, ToWorker } from './protocol.js';

const $ = <T extends HTMLElement>(id: string) => document.getElementById(id) as T;
const startButton = $<HTMLButtonElement>('start');
const stopButton = $<HTMLButtonElement>('stop');
const saveButton = $<HTMLButtonElement>('save');
const distillButton = $<HTMLButtonElement>('distill');
const playButton = $<HTMLButtonElement>('play');
const downloadButton = $<HTMLButtonElement>('download');
const loadButton = $<HTMLButtonElement>('load');
const backendSelect = $<HTMLSelectElement>('backend');
const status = $<HTMLDivElement>('status');
const playStatus = $<HTMLDivElement>('play-status');
const canvas = $<HTMLCanvasElement>('curve');

/** What the page has done so far; browser tests and bench/browser-train.ts read it. */
export interface TrainingState {
  phase: 'idle' | 'training' | 'done' | 'loaded' | 'distilling' | 'distilled' | 'error';
  /** Training runs started on this page load. */
  runs: number;
  /** With 'auto': the backends whose probe has started, in order (the wait's progress). */
  probing: string[];
  backend: BackendName | null;
  /** With 'auto': each candidate's probe, as the worker measured it. */
  probe: BackendProbe[] | null;
  iterations: number;
  steps: number;
  /** Training steps per second in the worker, over the run so far. */
  stepsPerSecond: number;
  episodes: TrainingEpisode[];
  error: string | null;
  /** Intervals between this thread's animation frames while training, in ms. */
  frameMs: number[];
  /** Animation frames this thread drew while the worker was inside an iteration. */
  framesDuringIterations: number;
  /** Teacher snapshots the game has played. */
  snapshots: number;
  /** Held-out agreement of the distilled student with the teacher. */
  studentAgreement: number | null;
  /** Lengths of the episodes the student has played in the scene. */
  played: number[];
}
const state: TrainingState = {
  phase: 'idle', runs: 0, probing: [], backend: null, probe: null, iterations: 0, steps: 0, stepsPerSecond: 0, episodes: [], error: null,
  frameMs: [], framesDuringIterations: 0, snapshots: 0, studentAgreement: null, played: [],
};
(window as unknown as { trainingState: TrainingState }).trainingState = state;

const worker = new Worker(new URL('./train-worker.ts', import.meta.url), { type: 'module' });
const send = (m: ToWorker) => worker.postMessage(m);
let student: PolicyFile | null = null;
let totalTimesteps = 0;
let numIterations = 0;
let waitingForCheckpoint: ((files: CheckpointFiles | null) => void) | null = null;

// ---- drawing: one animation-frame loop for the page's own work --------------------------------
let curveDirty = true;
/** Frame times on the shared clock, kept until an iteration that ended after them is counted. */
let frameTimes: number[] = [];
let lastFrame: number | null = null;
const frame = (now: number) => {
  if (state.phase === 'training') {
    if (lastFrame !== null) state.frameMs.push(now - lastFrame);
    frameTimes.push(performance.timeOrigin + now);
    lastFrame = now;
  } else lastFrame = null;
  if (curveDirty) {
    drawCurve(canvas, state.episodes, totalTimesteps || Number($<HTMLInputElement>('steps').value));
    curveDirty = false;
  }
  requestAnimationFrame(frame);
};
requestAnimationFrame(frame);

// ---- the game: Balance, played by you until training starts, then by the teacher's snapshots ---
type Driver = 'human' | 'teacher' | 'student';
let driver: Driver = 'human';
const game = new Phaser.Game(phaserConfig(BALANCE, { type: Phaser.AUTO, parent: 'game', backgroundColor: '#10141c' }));
let scene: BalanceScene | null = null;
game.events.once(Phaser.Core.Events.READY, () => {
  scene = game.scene.getScene('balance') as BalanceScene;
  scene.ai.use(BALANCE_AGENT, 'human');
  playStatus.textContent = 'you push the cart (left / right arrows) until training starts; then the teacher plays as it learns';
  scene.sys.events.on(EPISODE_END, (e: EpisodeEndEvent) => {
    if (driver !== 'student') return;
    state.played.push(e.return);
    playStatus.textContent = `the student kept the pole up for ${state.played.map((r) => r.toFixed(0)).join(', ')} steps`;
  });
});

function playSnapshot(policy: PolicyFile, iteration: number): void {
  if (!scene || driver === 'student') return;
  driver = 'teacher';
  scene.ai.use(BALANCE_AGENT, loadStudentPolicy(policy, { source: `the teacher at iteration ${iteration}` }));
  state.snapshots += 1;
  playStatus.textContent = `the teacher plays as of iteration ${iteration}`;
}

// ---- the worker's messages ----------------------------------------------------------------------
const fail = (message: string) => {
  state.phase = 'error';
  state.error = message;
  status.textContent = `error: ${message}`;
  // The page can try again: a new run, or another backend.
  idleControls(false);
  waitingForCheckpoint?.(null);
  waitingForCheckpoint = null;
};

/** Between runs: Train, the backend and Load are free again; Save and Distil need a teacher. */
function idleControls(haveTeacher: boolean): void {
  startButton.disabled = false;
  backendSelect.disabled = false;
  loadButton.disabled = false;
  stopButton.disabled = true;
  saveButton.disabled = !haveTeacher;
  distillButton.disabled = !haveTeacher;
}

/** The probe's wait, said as it goes: which backend is being timed, and for how long so far. */
let probeStarted = 0;
let probeTimer: ReturnType<typeof setInterval> | null = null;
function showProbing(): void {
  if (!state.probing.length) return;
  const seconds = ((performance.now() - probeStarted) / 1000).toFixed(0);
  status.textContent = `choosing the fastest backend: timing ${state.probing[state.probing.length - 1]} (${state.probing.length} of ${probeOf}), ${seconds} s so far; tried ${state.probing.slice(0, -1).join(', ') || 'none yet'}`;
}
let probeOf = 0;
const stopProbeTimer = () => {
  if (probeTimer !== null) clearInterval(probeTimer);
  probeTimer = null;
};

const describeProbe = (probe: BackendProbe[]) =>
  probe.map((p) => (p.stepMs === null ? `${p.backend} did not start` : `${p.backend} ${p.stepMs.toFixed(1)} ms`)).join(', ');

worker.onmessage = (e: MessageEvent<FromWorker>) => {
  const m = e.data;
  switch (m.type) {
    case 'probing':
      if (m.index === 0) {
        probeStarted = performance.now();
        stopProbeTimer();
        probeTimer = setInterval(showProbing, 500);
      }
      state.probing.push(m.backend);
      probeOf = m.of;
      showProbing();
      break;
    case 'backend':
      stopProbeTimer();
      state.backend = m.backend;
      state.probe = m.probe;
      status.textContent = `${m.probe ? `auto timed one training step on each backend: ${describeProbe(m.probe)}; chose ${m.backend}` : `backend ${m.backend}`}; first iteration under way...`;
      break;
    case 'loaded':
      state.phase = 'loaded';
      state.iterations = m.iteration;
      state.steps = m.steps;
      status.textContent = `loaded the saved teacher (trained ${m.steps} steps, ${m.iteration} iterations): it plays above; distil it, or train a new one`;
      idleControls(true);
      break;
    case 'fallback':
      console.warn(`training on ${m.backend} failed (${m.message}); falling back`);
      state.episodes = [];
      curveDirty = true;
      break;
    case 'progress': {
      state.iterations = m.metrics.iteration;
      state.steps = m.metrics.global_step;
      state.stepsPerSecond = m.stepsPerSecond;
      numIterations = m.numIterations;
      state.episodes.push(...m.episodes);
      curveDirty = true;
      const inside = frameTimes.filter((t) => t >= m.started && t <= m.ended).length;
      state.framesDuringIterations += inside;
      frameTimes = frameTimes.filter((t) => t > m.ended);
      showProgress();
      break;
    }
    case 'snapshot':
      playSnapshot(m.policy, m.iteration);
      break;
    case 'trained':
      state.phase = 'done';
      state.stepsPerSecond = m.stepsPerSecond;
      showProgress();
      status.textContent += `\n${m.stopped ? 'stopped' : 'done'}: ${m.steps} steps in ${m.seconds.toFixed(1)} s`;
      summary = status.textContent;
      // Train again (another budget, another backend), save, or distil.
      idleControls(true);
      break;
    case 'distilling':
      status.textContent = `${summary}${summary ? '\n' : ''}distilling a student: round ${m.round}, epoch ${m.epoch}, held-out agreement ${(100 * m.agreement).toFixed(1)}%`;
      break;
    case 'distilled':
      student = m.student;
      state.studentAgreement = m.agreement;
      state.phase = 'distilled';
      status.textContent = `${summary}${summary ? '\n' : ''}student ready: ${m.student.layers[0]!.outputs} hidden units, int8, held-out agreement ${(100 * (m.agreement ?? 0)).toFixed(1)}%`;
      playButton.disabled = false;
      downloadButton.disabled = false;
      idleControls(true);
      break;
    case 'checkpoint':
      waitingForCheckpoint?.(m.files);
      waitingForCheckpoint = null;
      break;
    case 'error':
      fail(m.message);
      break;
  }
};
worker.onerror = (e) => fail(e.message || 'the training worker failed to load');

function showProgress(): void {
  const last = state.episodes.slice(-10);
  const mean = last.length ? last.reduce((a, e) => a + e.return, 0) / last.length : 0;
  const chosen = state.probe ? `auto timed one training step on each backend: ${describeProbe(state.probe)}; chose ${state.backend}` : `backend ${state.backend}`;
  status.textContent = `${chosen} (in a worker)\niteration ${state.iterations}/${numIterations} | ${state.steps} steps | ${Math.round(state.stepsPerSecond)} steps/s | mean of last 10 episodes ${mean.toFixed(1)}`;
}

// ---- the buttons --------------------------------------------------------------------------------
let summary = '';
startButton.onclick = () => {
  for (const b of [startButton, backendSelect, loadButton, saveButton, distillButton]) b.disabled = true;
  const backend = backendSelect.value as BackendName | 'auto';
  totalTimesteps = Number($<HTMLInputElement>('steps').value);
  summary = '';
  // A new run: the game follows the new teacher's snapshots, whoever drove it before.
  driver = 'human';
  Object.assign(state, { phase: 'training', runs: state.runs + 1, probing: [], backend: null, probe: null, error: null, iterations: 0, steps: 0, stepsPerSecond: 0, episodes: [], frameMs: [], framesDuringIterations: 0 });
  frameTimes = [];
  curveDirty = true;
  stopButton.disabled = false;
  status.textContent = backend === 'auto' ? 'auto: timing each backend on a short probe...' : `starting ${backend}...`;
  send({ type: 'train', backend, totalTimesteps });
};

stopButton.onclick = () => send({ type: 'stop' });

distillButton.onclick = () => {
  distillButton.disabled = true;
  state.phase = 'distilling';
  send({ type: 'distill', hidden: Math.max(1, Math.round(Number($<HTMLInputElement>('hidden').value))) });
};

playButton.onclick = () => {
  if (!student || !scene) return;
  const s = scene;
  state.played = [];
  s.ai.use(BALANCE_AGENT, loadStudentPolicy(student, { source: 'the distilled student' }));
  // The student's record starts with a fresh episode.
  s.events.once(Phaser.Scenes.Events.CREATE, () => (driver = 'student'));
  s.scene.restart();
  playStatus.textContent = 'the student plays';
};

downloadButton.onclick = () => {
  if (!student) return;
  const url = URL.createObjectURL(new Blob([JSON.stringify(student)], { type: 'application/json' }));
  const a = Object.assign(document.createElement('a'), { href: url, download: 'balance-student.json' });
  a.click();
  URL.revokeObjectURL(url);
};

saveButton.onclick = async () => {
  const name = $<HTMLSelectElement>('game-select').value;
  // One save at a time; an error from the worker ends the wait with nothing to save.
  saveButton.disabled = true;
  const files = await new Promise<CheckpointFiles | null>((resolve) => {
    waitingForCheckpoint = resolve;
    send({ type: 'checkpoint' });
  });
  if (!files) return;
  saveButton.disabled = false;
  await saveFiles(`teacher/${name}`, files);
  if (student) await saveFiles(`student/${name}`, { 'student.json': new TextEncoder().encode(JSON.stringify(student)) });
  status.textContent += `\nsaved the teacher${student ? ' and the student' : ''} in this browser (IndexedDB): Load brings the teacher back, after a reload too`;
};

loadButton.onclick = async () => {
  const name = $<HTMLSelectElement>('game-select').value;
  const files = await loadFiles(`teacher/${name}`);
  if (!files) {
    status.textContent = 'no teacher is saved in this browser yet: train one, then Save';
    return;
  }
  for (const b of [startButton, backendSelect, loadButton, saveButton, distillButton]) b.disabled = true;
  status.textContent = 'loading the saved teacher...';
  driver = 'human';
  summary = '';
  send({ type: 'load', files });
};

// For the console and for tests: window.game.
Object.assign(window, { game });
