/**
 * The messages between the training page (main.ts) and its worker (train-worker.ts). The worker
 * owns the env, the trainer and TensorFlow.js; the page owns the screen and only ever holds plain
 * data: episodes, metrics, policy files and checkpoint bytes.
 */
import type { PolicyFile } from 'phaser-distill';
import type { BackendName, BackendProbe, CheckpointFiles, PpoMetrics, TrainingEpisode } from 'phaser-distill/train';

export type ToWorker =
  /** Train a Balance teacher with the default PPO config and this budget. */
  | { type: 'train'; backend: BackendName | 'auto'; totalTimesteps: number }
  /** Stop training after the iteration under way. */
  | { type: 'stop' }
  /** Distil the trained teacher into a student of `hidden` units. */
  | { type: 'distill'; hidden: number }
  /** Send the teacher's checkpoint files. */
  | { type: 'checkpoint' }
  /** Take up a saved teacher (its checkpoint files, from IndexedDB): it plays, and can be distilled or saved again. */
  | { type: 'load'; files: CheckpointFiles };

export type FromWorker =
  /** With 'auto': the probe of candidate `index` (from 0) of `of` has started. */
  | { type: 'probing'; backend: BackendName; index: number; of: number }
  /** A saved teacher is loaded: its iteration and steps when it was saved. */
  | { type: 'loaded'; iteration: number; steps: number }
  /** The backend training runs on; with 'auto', what the probe measured on each candidate. */
  | { type: 'backend'; backend: BackendName; probe: BackendProbe[] | null }
  /** A backend failed during training and 'auto' goes on with the next. */
  | { type: 'fallback'; backend: BackendName; message: string }
  /**
   * One iteration done. `started` and `ended` are its bounds on the shared clock
   * (performance.timeOrigin + performance.now(), in ms), so the page can tell what it drew meanwhile.
   */
  | { type: 'progress'; metrics: PpoMetrics; episodes: TrainingEpisode[]; numIterations: number; stepsPerSecond: number; started: number; ended: number }
  /** The teacher's actor as it stands, in the student file format, for the page's game to play. */
  | { type: 'snapshot'; policy: PolicyFile; iteration: number }
  /** Training ended: the budget was spent, or a stop arrived. Steps per second over the whole run. */
  | { type: 'trained'; steps: number; seconds: number; stepsPerSecond: number; stopped: boolean }
  | { type: 'distilling'; round: number; epoch: number; agreement: number }
  /** The student (int8) and its held-out agreement with the teacher. */
  | { type: 'distilled'; student: PolicyFile; agreement: number | null }
  | { type: 'checkpoint'; files: CheckpointFiles }
  | { type: 'error'; message: string };

/** Now on the clock page and worker share. */
export const sharedNow = (): number => performance.timeOrigin + performance.now();
