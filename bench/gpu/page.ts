/**
 * bench:gpu's page: the same measurements as in Node, on the backends `?backends=` names (webgl,
 * webgpu, wasm), in the browser that opens it. `window.gpuBench` holds the rows and `done`.
 */
import { initBackend, type BackendName } from '../../src/train/backend.js';
import wasmPlain from '@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm.wasm?url';
import wasmSimd from '@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm-simd.wasm?url';
import wasmThreaded from '@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm-threaded-simd.wasm?url';
import { TEACHERS, measure, type Row } from './measure.js';

const state = { rows: [] as Row[], done: false };
(window as unknown as { gpuBench: typeof state }).gpuBench = state;
const query = new URLSearchParams(location.search);
const num = (key: string, fallback: number) => Number(query.get(key) ?? fallback);
const options = { batch: num('batch', 512), rows: num('rows', 128), updates: num('updates', 2), warmup: num('warmup', 1) };
const out = document.getElementById('out')!;

/** Runs after the page has loaded (the measurements take minutes: they must not hold up its load). */
async function run(): Promise<void> {
  for (const backend of (query.get('backends') ?? 'webgl,webgpu').split(',') as BackendName[]) {
    try {
      const started = await initBackend(backend, {
        wasmPaths: { 'tfjs-backend-wasm.wasm': wasmPlain, 'tfjs-backend-wasm-simd.wasm': wasmSimd, 'tfjs-backend-wasm-threaded-simd.wasm': wasmThreaded },
        webgpu: () => import('@tensorflow/tfjs-backend-webgpu'),
      });
      for (const t of TEACHERS) state.rows.push(measure(t, `${started} (page)`, options));
    } catch (e) {
      const error = (e as Error).message.replace(/\s*\n\s*/g, ' ');
      for (const t of TEACHERS) state.rows.push({ backend: `${backend} (page)`, teacher: t.name, params: 0, update_ms: null, forward_ms: null, error });
    }
    out.textContent = JSON.stringify(state.rows, null, 1);
  }
  state.done = true;
}
setTimeout(() => void run(), 0);
