/**
 * Picks the TensorFlow.js backend. In Node: wasm (SIMD, one thread) and then cpu, since wasm
 * threads cannot start there and tfjs-node cannot be installed. In the browser: webgpu, webgl,
 * wasm, cpu, the first that initialises; or, given a probe, the one that trains the chosen
 * network fastest (with no GPU, WebGL runs on a software rasteriser and wasm wins).
 *
 * The WebGPU backend is an optional peer, and this file never names it: a bare import here would
 * either break a bundle without it or, hidden from the bundler, stay bare in the built page (where
 * the browser cannot resolve it). Whoever wants WebGPU hands initBackend its loader,
 * `webgpu: () => import('@tensorflow/tfjs-backend-webgpu')`, which their own bundler resolves, or
 * imports the package before training.
 */
import * as tf from '@tensorflow/tfjs';
import { setWasmPaths } from '@tensorflow/tfjs-backend-wasm';
import { discrete } from '../env/index.js';
import { ActorCritic, type NetworkConfig } from './networks.js';
import type { PpoConfig } from './ppo.js';

export type BackendName = 'webgpu' | 'webgl' | 'wasm' | 'cpu';

const isNode = typeof process !== 'undefined' && typeof process.versions?.node === 'string';

/** The order `initBackend('auto')` tries, here. */
export function backendOrder(): BackendName[] {
  return isNode ? ['wasm', 'cpu'] : ['webgpu', 'webgl', 'wasm', 'cpu'];
}

/**
 * Some backends initialise and then fail at the first real work (WebGPU on a software adapter
 * cannot map buffers of the sizes training uses): run a small training-shaped computation, with a
 * gradient and a read back, before trusting one.
 */
function smokeTest(): void {
  // tidy: the variable keeps its own copy, and the initial tensor would otherwise leak.
  const w = tf.tidy(() => tf.variable(tf.tensor2d(Float32Array.from({ length: 8 * 16 }, (_, i) => (i % 5) / 5 - 0.4), [8, 16])));
  const optimizer = tf.train.adam(1e-3);
  try {
    for (let step = 0; step < 3; step++) {
      tf.tidy(() => {
        const x = tf.tensor2d(Float32Array.from({ length: 64 * 8 }, (_, i) => ((i + step) % 7) / 7), [64, 8]);
        const loss = optimizer.minimize(() => tf.mean(tf.square(tf.tanh(tf.matMul(x, w)))), true)!;
        if (!Number.isFinite(loss.dataSync()[0]!)) throw new Error('the smoke test computed a non-finite loss');
      });
    }
  } finally {
    w.dispose();
    optimizer.dispose();
  }
}

/**
 * Initialises `preferred`, or with 'auto' the first backend of `backendOrder()` that starts.
 * A named backend that fails is an error, so a run never silently trains somewhere else.
 */
export interface BackendOptions {
  /**
   * Where the browser fetches the wasm binaries: a folder URL ending in '/', or one URL per file
   * name (with Vite: `import simd from '@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm-simd.wasm?url'`).
   * Node reads them from the package and needs nothing.
   */
  wasmPaths?: string | Record<string, string>;
  /** Backends 'auto' must not pick (one that already failed at training, say). */
  exclude?: BackendName[];
  /**
   * With 'auto': start every candidate, time this training-shaped probe on each (probeBackends)
   * and pick the fastest, instead of the first that starts.
   */
  probe?: ProbeShape;
  /** With `probe`: what was measured, every candidate, before the choice is made. */
  onProbe?: (results: BackendProbe[]) => void;
  /** With `probe`: called as each candidate starts its probe (a page shows the wait's progress). */
  onProbeStart?: (backend: BackendName, index: number, of: number) => void;
  /**
   * Loads the WebGPU backend, where it has not been imported already: in a page,
   * `() => import('@tensorflow/tfjs-backend-webgpu')`, so that the page's bundler resolves it.
   * Without either, 'webgpu' does not start, and says why.
   */
  webgpu?: () => Promise<unknown>;
}

/** Why 'webgpu' cannot start when its backend was neither imported nor given a loader. */
export const WEBGPU_NOT_LOADED = "the WebGPU backend is not loaded: install @tensorflow/tfjs-backend-webgpu and pass initBackend(..., { webgpu: () => import('@tensorflow/tfjs-backend-webgpu') }), or import it before training";

export async function initBackend(preferred: BackendName | 'auto' = 'auto', options: BackendOptions = {}): Promise<BackendName> {
  if (options.wasmPaths) setWasmPaths(options.wasmPaths as Parameters<typeof setWasmPaths>[0]);
  // Quiet the tfjs-node advertisement and skip debug-only checks.
  if (isNode) tf.env().set('PROD', true);
  const candidates = preferred === 'auto' ? backendOrder().filter((b) => !options.exclude?.includes(b)) : [preferred];
  if (preferred === 'auto' && options.probe) {
    const results = await probeBackends(options.probe, candidates, options.onProbeStart, options.webgpu);
    options.onProbe?.(results);
    const best = fastest(results);
    if (best && (await tf.setBackend(best))) return best;
    throw new Error(`no TensorFlow.js backend could start (${results.map((r) => `${r.backend}: ${r.error ?? 'did not initialise'}`).join('; ')})`);
  }
  const errors: string[] = [];
  for (const name of candidates) {
    if (tf.getBackend() === name) return name;
    const error = await startBackend(name, options.webgpu);
    if (error === null) return name;
    errors.push(`${name}: ${error}`);
  }
  throw new Error(`no TensorFlow.js backend could start (${errors.join('; ')})`);
}

/** Makes `name` the active backend and smoke-tests it; returns why it failed, or null. */
async function startBackend(name: BackendName, loadWebgpu?: () => Promise<unknown>): Promise<string | null> {
  try {
    if (name === 'webgpu' && !tf.findBackendFactory('webgpu')) {
      if (!loadWebgpu) return WEBGPU_NOT_LOADED;
      await loadWebgpu();
      // The package registers its backend only where navigator.gpu exists.
      if (!tf.findBackendFactory('webgpu')) return 'WebGPU is not available here (no navigator.gpu)';
    }
    if (!(await tf.setBackend(name))) return 'did not initialise';
    await tf.ready();
    smokeTest();
    return null;
  } catch (e) {
    return (e as Error).message;
  }
}

/**
 * What one PPO iteration asks of a backend, scaled down to one Adam step: the actor-critic's
 * sizes, the minibatch an Adam step sees, and the rollout forwards (numEnvs rows each, read back
 * for sampling) that training runs per Adam step. probeShapeOf makes it from a PPO config.
 */
export interface ProbeShape {
  obsSize: number;
  /** Policy outputs: logits of every branch, or box means. */
  outputs: number;
  network: Pick<NetworkConfig, 'actorHidden' | 'criticHidden' | 'activation'>;
  /** Rows of one Adam step: PPO's minibatch size. */
  minibatch: number;
  /** Rows of one rollout forward: the number of envs. */
  forwardBatch: number;
  /** Rollout forwards per Adam step: numSteps / (numMinibatches x updateEpochs). */
  forwardsPerUpdate: number;
}

/** The probe of a PPO config's iteration, for an env with `obsSize` inputs and `outputs` policy outputs. */
export function probeShapeOf(config: Pick<PpoConfig, 'network' | 'numEnvs' | 'numSteps' | 'numMinibatches' | 'updateEpochs'>, obsSize: number, outputs: number): ProbeShape {
  const updates = config.numMinibatches * config.updateEpochs;
  return {
    obsSize,
    outputs,
    network: config.network,
    minibatch: Math.max(1, Math.floor((config.numEnvs * config.numSteps) / config.numMinibatches)),
    forwardBatch: config.numEnvs,
    forwardsPerUpdate: config.numSteps / updates,
  };
}

/** One backend's probe; the times are means over the timed rounds, in ms. */
export interface BackendProbe {
  backend: BackendName;
  /** One Adam step on a minibatch: forward, clipped-surrogate and value losses, gradients, global-norm clip, update, loss read back. Null if the backend failed. */
  updateMs: number | null;
  /** One rollout forward of both heads, read back. */
  forwardMs: number | null;
  /** updateMs + forwardsPerUpdate x forwardMs: training's cost per Adam step, by which 'auto' ranks. */
  stepMs: number | null;
  /** Why the backend could not start or failed the probe. */
  error?: string;
}

/** The backend with the smallest stepMs, or null if none ran. */
function fastest(results: BackendProbe[]): BackendName | null {
  let best: BackendProbe | null = null;
  for (const r of results) if (r.stepMs !== null && (best === null || r.stepMs < best.stepMs!)) best = r;
  return best?.backend ?? null;
}

/**
 * Starts each candidate (default: backendOrder()) and times the probe on it: two untimed rounds
 * (shader compilation, kernel set-up), then rounds until at least 3 and 300 ms, or 2 s. A round is
 * forwardsPerUpdate rollout forwards and one Adam step. Leaves the last started backend active:
 * initBackend sets the chosen one.
 */
export async function probeBackends(shape: ProbeShape, candidates: BackendName[] = backendOrder(), onStart?: (backend: BackendName, index: number, of: number) => void, loadWebgpu?: () => Promise<unknown>): Promise<BackendProbe[]> {
  const results: BackendProbe[] = [];
  for (const backend of candidates) {
    onStart?.(backend, results.length, candidates.length);
    const error = await startBackend(backend, loadWebgpu);
    if (error !== null) {
      results.push({ backend, updateMs: null, forwardMs: null, stepMs: null, error });
      continue;
    }
    try {
      results.push({ backend, ...timeProbe(shape) });
    } catch (e) {
      results.push({ backend, updateMs: null, forwardMs: null, stepMs: null, error: (e as Error).message });
    }
  }
  return results;
}

function timeProbe(shape: ProbeShape): { updateMs: number; forwardMs: number; stepMs: number } {
  const { obsSize: D, outputs: P, minibatch: n, forwardBatch: b } = shape;
  const net = new ActorCritic(D, discrete(P), { ...shape.network, initLogStd: 0 }, 1);
  const optimizer = tf.train.adam(1e-4);
  const data = (rows: number, cols: number, k: number) => Float32Array.from({ length: rows * cols }, (_, i) => (((i * 7 + k) % 13) / 13) * 2 - 1);
  const obs = data(n, D, 0);
  const actions = Int32Array.from({ length: n }, (_, i) => i % P);
  const adv = data(n, 1, 3);
  const ret = data(n, 1, 5);
  const oldLogp = new Float32Array(n).fill(-Math.log(P));
  const rolloutObs = data(b, D, 1);
  let forwardTime = 0;
  let updateTime = 0;
  const forwards = Math.max(1, Math.round(shape.forwardsPerUpdate));
  const round = () => {
    let t = performance.now();
    for (let f = 0; f < forwards; f++) net.forward(rolloutObs, b);
    forwardTime += performance.now() - t;
    t = performance.now();
    const loss = tf.tidy(() => {
      const x = tf.tensor2d(obs, [n, D]);
      const onehot = tf.oneHot(tf.tensor1d(actions, 'int32'), P);
      const negAdv = tf.neg(tf.tensor1d(adv));
      const { value, grads } = tf.variableGrads(() => {
        const logp = tf.sum(tf.mul(tf.logSoftmax(net.actor.apply(x)), onehot), 1);
        const ratio = tf.exp(tf.sub(logp, tf.tensor1d(oldLogp)));
        const pg = tf.mean(tf.maximum(tf.mul(negAdv, ratio), tf.mul(negAdv, tf.clipByValue(ratio, 0.8, 1.2))));
        const v = tf.reshape(net.critic.apply(x), [n]);
        return tf.add(pg, tf.mul(0.5, tf.mean(tf.square(tf.sub(v, tf.tensor1d(ret)))))) as tf.Scalar;
      }, net.params);
      const list = net.params.map((p) => grads[p.name]!);
      const scale = tf.minimum(1, tf.div(0.5, tf.add(tf.sqrt(tf.addN(list.map((g) => tf.sum(tf.square(g))))), 1e-6)));
      optimizer.applyGradients(net.params.map((p, i) => ({ name: p.name, tensor: tf.mul(list[i]!, scale) })));
      return value;
    });
    const finite = Number.isFinite(loss.dataSync()[0]!);
    loss.dispose();
    updateTime += performance.now() - t;
    if (!finite) throw new Error('the probe computed a non-finite loss');
  };
  try {
    round();
    round();
    forwardTime = 0;
    updateTime = 0;
    const start = performance.now();
    let rounds = 0;
    for (;;) {
      round();
      rounds += 1;
      const elapsed = performance.now() - start;
      if ((rounds >= 3 && elapsed >= 300) || elapsed >= 2000) break;
    }
    const forwardMs = forwardTime / (rounds * forwards);
    const updateMs = updateTime / rounds;
    return { updateMs, forwardMs, stepMs: updateMs + shape.forwardsPerUpdate * forwardMs };
  } finally {
    net.dispose();
    optimizer.dispose();
  }
}
