/**
 * A large teacher's cost per TensorFlow.js backend, side by side in one run: one PPO minibatch
 * update (forward, backward, global-norm clipping, Adam: the tfjs learner, as PPO runs it) and one
 * batched rollout forward, on each backend asked for that starts here. Two teachers:
 * - `conv`: a convolutional torso over a 21 x 21 grid of 4 channels (a GridSensor2D's layout) and
 *   8 other numbers, 16 3x3 filters, then 32 3x3 filters at stride 2, then 256 units, per head;
 * - `mlp`: a 512 x 512 relu MLP per head on 256 numbers.
 * Both well above 100k parameters, both with 5 discrete actions.
 *
 * Backends: `--backends` (default wasm,webgpu). In Node, `webgpu` runs on the `webgpu` package
 * (Dawn; `npm install webgpu @tensorflow/tfjs-backend-webgpu`), and needs a GPU with a Vulkan
 * driver: where it cannot start, its row says why and its figures are null. WebGL is a browser's
 * backend and is not measured here. Every backend gets the same weights, the same minibatch and
 * the same number of updates after `--warmup` unmeasured ones (shader compilation, kernel
 * selection); figures are medians of wall-clock milliseconds, each update read back (its stats)
 * before the next starts, so a GPU's queued work is inside the time. The backends run one after
 * the other, not interleaved: a GPU backend cannot share the process's tensors with another.
 *
 * The last line is one JSON object: teacher_params per teacher, and per backend and teacher the
 * update and forward medians, with webgpu's speedup over wasm where both ran.
 *   npm run bench:gpu [-- --backends wasm,cpu,webgpu --batch 2048 --updates 8 --warmup 2]
 */
import { parseArgs } from 'node:util';
import * as tf from '@tensorflow/tfjs';
import { discrete, type Space } from 'phaser-distill';
import { defaultPpoConfig } from 'phaser-distill/train';
import { runBackend } from '../src/run/backend.js';
import { Minibatch } from '../src/train/learner.js';
import { ActorCritic, type NetworkConfig } from '../src/train/networks.js';
import { TfjsLearner } from '../src/train/tfjs-learner.js';
import type { BackendName } from '../src/train/backend.js';

const { values } = parseArgs({
  options: {
    backends: { type: 'string', default: 'wasm,webgpu' },
    batch: { type: 'string', default: '512' },
    rows: { type: 'string', default: '128' },
    updates: { type: 'string', default: '4' },
    warmup: { type: 'string', default: '1' },
  },
});
const BACKENDS = values.backends.split(',').map((b) => b.trim()) as BackendName[];
const BATCH = Number(values.batch);
const ROWS = Number(values.rows);
const UPDATES = Number(values.updates);
const WARMUP = Number(values.warmup);

interface Teacher {
  name: 'conv' | 'mlp';
  obsSize: number;
  network: NetworkConfig;
}

const GRID = { offset: 0, height: 21, width: 21, channels: 4 };
const TEACHERS: Teacher[] = [
  {
    name: 'conv',
    obsSize: GRID.height * GRID.width * GRID.channels + 8,
    network: { ...defaultPpoConfig.network, actorHidden: [256], criticHidden: [256], activation: 'relu', conv: { grid: GRID, layers: [{ filters: 16, kernel: 3, stride: 1 }, { filters: 32, kernel: 3, stride: 2 }] } },
  },
  { name: 'mlp', obsSize: 256, network: { ...defaultPpoConfig.network, actorHidden: [512, 512], criticHidden: [512, 512], activation: 'relu' } },
];
const SPACE: Space = discrete(5);

/** A seeded stream of numbers in [0, 1), so every backend gets the same data. */
function stream(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
}

/** A minibatch of `n` made-up but well-formed samples: grid cells one-hot like a GridSensor2D's. */
function minibatch(t: Teacher, n: number): Minibatch {
  const next = stream(7);
  const D = t.obsSize;
  const obs = new Float32Array(n * D);
  for (let i = 0; i < n; i++) {
    if (t.network.conv) {
      const cells = GRID.height * GRID.width;
      for (let c = 0; c < cells; c++) obs[i * D + c * GRID.channels + Math.floor(next() * GRID.channels)] = 1;
      for (let k = cells * GRID.channels; k < D; k++) obs[i * D + k] = 2 * next() - 1;
    } else {
      for (let k = 0; k < D; k++) obs[i * D + k] = 2 * next() - 1;
    }
  }
  const act = Float32Array.from({ length: n }, () => Math.floor(next() * 5));
  const logp = new Float32Array(n).fill(Math.log(1 / 5));
  const adv = Float32Array.from({ length: n }, () => 2 * next() - 1);
  const ret = Float32Array.from({ length: n }, () => next());
  const val = Float32Array.from({ length: n }, () => next());
  const mb = new Minibatch(n, D, 1, SPACE);
  mb.fill(Int32Array.from({ length: n }, (_, i) => i), obs, act, logp, adv, ret, val, true, null);
  return mb;
}

const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[s.length >> 1]! : (s[s.length / 2 - 1]! + s[s.length / 2]!) / 2;
};

interface Row {
  backend: string;
  teacher: string;
  params: number;
  update_ms: number | null;
  forward_ms: number | null;
  error?: string;
}

/** Times `updates` minibatch updates and rollout forwards of `t` on the active backend. */
function measure(t: Teacher, backend: string): Row {
  const net = new ActorCritic(t.obsSize, SPACE, t.network, 1);
  const learner = new TfjsLearner(net, defaultPpoConfig, [5], 1);
  const params = net.actor.params.reduce((n, p) => n + p.size, 0) + net.critic.params.reduce((n, p) => n + p.size, 0);
  try {
    const mb = minibatch(t, BATCH);
    const rows = mb.obs.subarray(0, Math.min(ROWS, BATCH) * t.obsSize);
    const updates: number[] = [];
    const forwards: number[] = [];
    for (let k = 0; k < WARMUP + UPDATES; k++) {
      const t0 = performance.now();
      learner.update(mb, null, 0, 3e-4); // reads its stats back: the update has finished
      const t1 = performance.now();
      net.forward(rows, rows.length / t.obsSize); // reads its outputs back
      const t2 = performance.now();
      if (k >= WARMUP) {
        updates.push(t1 - t0);
        forwards.push(t2 - t1);
      }
    }
    return { backend, teacher: t.name, params, update_ms: +median(updates).toFixed(2), forward_ms: +median(forwards).toFixed(2) };
  } finally {
    learner.dispose();
    net.dispose();
  }
}

const rows: Row[] = [];
for (const backend of BACKENDS) {
  let started: string;
  try {
    started = await runBackend(backend);
  } catch (e) {
    const error = (e as Error).message.split('\n')[0]!;
    console.log(`${backend}: did not start (${error})`);
    for (const t of TEACHERS) rows.push({ backend, teacher: t.name, params: 0, update_ms: null, forward_ms: null, error });
    continue;
  }
  for (const t of TEACHERS) {
    const row = measure(t, started);
    rows.push(row);
    console.log(`${started} ${t.name}: ${row.params.toLocaleString('en')} params, update of ${BATCH} samples ${row.update_ms} ms, forward of ${ROWS} rows ${row.forward_ms} ms`);
  }
}

console.log('\n| backend | teacher | params | update ms (median) | forward ms (median) |\n| --- | --- | ---: | ---: | ---: |');
for (const r of rows) console.log(`| ${r.backend} | ${r.teacher} | ${r.params || '-'} | ${r.update_ms ?? `- (${r.error})`} | ${r.forward_ms ?? '-'} |`);

const find = (backend: string, teacher: string) => rows.find((r) => r.backend === backend && r.teacher === teacher);
const speedup = (teacher: string) => {
  const w = find('wasm', teacher)?.update_ms;
  const g = find('webgpu', teacher)?.update_ms;
  return w && g ? +(w / g).toFixed(2) : null;
};
const params = Object.fromEntries(TEACHERS.map((t) => [t.name, rows.find((r) => r.teacher === t.name && r.params > 0)?.params ?? null]));
console.log(JSON.stringify({
  batch: BATCH, forward_rows: ROWS, updates: UPDATES,
  teacher_params: params,
  backends: Object.fromEntries(BACKENDS.map((b) => [b, Object.fromEntries(TEACHERS.map((t) => {
    const r = find(b, t.name)!;
    return [t.name, r.error ? { error: r.error } : { update_ms: r.update_ms, forward_ms: r.forward_ms }];
  }))])),
  webgpu_update_speedup_over_wasm: { conv: speedup('conv'), mlp: speedup('mlp') },
  tfjs_version: tf.version.tfjs,
}));
