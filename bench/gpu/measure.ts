/**
 * What bench:gpu measures, on whichever TensorFlow.js backend is active (in Node or in a page): one
 * PPO minibatch update of a large teacher (the tfjs learner, as PPO runs it: forward, backward,
 * global-norm clipping, Adam) and one batched rollout forward, medians after unmeasured warm-ups.
 */
import { Rng, discrete, type Space } from '../../src/env/index.js';
import { Minibatch } from '../../src/train/learner.js';
import { ActorCritic, type NetworkConfig } from '../../src/train/networks.js';
import { defaultPpoConfig } from '../../src/train/ppo.js';
import { TfjsLearner } from '../../src/train/tfjs-learner.js';

export interface Teacher {
  name: 'conv' | 'mlp';
  obsSize: number;
  network: NetworkConfig;
}

const GRID = { offset: 0, height: 21, width: 21, channels: 4 };

/** The two teachers: a conv torso over a 21 x 21 x 4 grid and 8 other numbers, and a 512 x 512 MLP on 256 numbers. */
export const TEACHERS: Teacher[] = [
  {
    name: 'conv',
    obsSize: GRID.height * GRID.width * GRID.channels + 8,
    network: { ...defaultPpoConfig.network, actorHidden: [256], criticHidden: [256], activation: 'relu', conv: { grid: GRID, layers: [{ filters: 16, kernel: 3, stride: 1 }, { filters: 32, kernel: 3, stride: 2 }] } },
  },
  { name: 'mlp', obsSize: 256, network: { ...defaultPpoConfig.network, actorHidden: [512, 512], criticHidden: [512, 512], activation: 'relu' } },
];
const SPACE: Space = discrete(5);

export interface Options {
  batch: number;
  rows: number;
  updates: number;
  warmup: number;
}

export interface Row {
  backend: string;
  teacher: string;
  params: number;
  update_ms: number | null;
  forward_ms: number | null;
  error?: string;
}

/** A minibatch of `n` made-up but well-formed samples: grid cells one-hot like a GridSensor2D's. */
function minibatch(t: Teacher, n: number): Minibatch {
  // Seeded, so every backend gets the same data.
  const rng = new Rng(7);
  const next = () => rng.float();
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

export const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[s.length >> 1]! : (s[s.length / 2 - 1]! + s[s.length / 2]!) / 2;
};

/** Times minibatch updates and rollout forwards of `t` on the active backend (named `backend`). */
export function measure(t: Teacher, backend: string, o: Options): Row {
  const net = new ActorCritic(t.obsSize, SPACE, t.network, 1);
  const learner = new TfjsLearner(net, defaultPpoConfig, [5], 1);
  const params = net.params.reduce((n, p) => n + p.size, 0);
  try {
    const mb = minibatch(t, o.batch);
    const rows = mb.obs.subarray(0, Math.min(o.rows, o.batch) * t.obsSize);
    const updates: number[] = [];
    const forwards: number[] = [];
    for (let k = 0; k < o.warmup + o.updates; k++) {
      const t0 = performance.now();
      learner.update(mb, null, 0, 3e-4); // reads its stats back: the update has finished
      const t1 = performance.now();
      net.forward(rows, rows.length / t.obsSize); // reads its outputs back
      const t2 = performance.now();
      if (k >= o.warmup) {
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
