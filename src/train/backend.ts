/**
 * Picks the TensorFlow.js backend. In Node: wasm (SIMD, one thread) and then cpu, since wasm
 * threads cannot start there and tfjs-node cannot be installed. In the browser: webgpu, webgl,
 * wasm, cpu, the first that initialises.
 */
import * as tf from '@tensorflow/tfjs';
import { setWasmPaths } from '@tensorflow/tfjs-backend-wasm';

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
}

export async function initBackend(preferred: BackendName | 'auto' = 'auto', options: BackendOptions = {}): Promise<BackendName> {
  if (options.wasmPaths) setWasmPaths(options.wasmPaths as Parameters<typeof setWasmPaths>[0]);
  // Quiet the tfjs-node advertisement and skip debug-only checks.
  if (isNode) tf.env().set('PROD', true);
  const candidates = preferred === 'auto' ? backendOrder().filter((b) => !options.exclude?.includes(b)) : [preferred];
  const errors: string[] = [];
  for (const name of candidates) {
    if (tf.getBackend() === name) return name;
    try {
      if (name === 'webgpu') await import(/* @vite-ignore */ '@tensorflow/tfjs-backend-webgpu' as string);
      if (await tf.setBackend(name)) {
        await tf.ready();
        smokeTest();
        return name;
      }
      errors.push(`${name}: did not initialise`);
    } catch (e) {
      errors.push(`${name}: ${(e as Error).message}`);
    }
  }
  throw new Error(`no TensorFlow.js backend could start (${errors.join('; ')})`);
}
