/**
 * Loads a game's shipped teacher in the browser with TensorFlow.js. Pages import this module
 * with a dynamic `import()`, so TensorFlow.js is a separate chunk that only the watch mode fetches.
 */
import { initBackend, loadTeacher, type BackendName } from 'phaser-distill/train';
import wasmPlain from '@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm.wasm?url';
import wasmSimd from '@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm-simd.wasm?url';
import wasmThreaded from '@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm-threaded-simd.wasm?url';
import { TeacherDriver } from './teacher-driver.js';

const teacherFiles = import.meta.glob<string>('../../assets/teachers/*/{model.json,weights.bin,run.json}', { query: '?url', import: 'default' });
const wasmPaths = { 'tfjs-backend-wasm.wasm': wasmPlain, 'tfjs-backend-wasm-simd.wasm': wasmSimd, 'tfjs-backend-wasm-threaded-simd.wasm': wasmThreaded };

export interface LoadedTeacher {
  driver: TeacherDriver;
  backend: BackendName;
}

export async function loadShippedTeacher(game: string): Promise<LoadedTeacher> {
  // One observation per decision: the GPU backends' read-back costs more than a small MLP on
  // wasm, so the teacher plays on wasm (cpu if wasm cannot start).
  const backend = await initBackend('auto', { wasmPaths, exclude: ['webgpu', 'webgl'] });
  const files: Record<string, Uint8Array> = {};
  for (const name of ['model.json', 'weights.bin', 'run.json']) {
    const urlOf = teacherFiles[`../../assets/teachers/${game}/${name}`];
    if (!urlOf) throw new Error(`${game}: no shipped teacher (assets/teachers/${game}/${name} is missing)`);
    const response = await fetch(await urlOf());
    if (!response.ok) throw new Error(`${game} teacher: ${name}: HTTP ${response.status}`);
    files[name] = new Uint8Array(await response.arrayBuffer());
  }
  return { driver: new TeacherDriver(await loadTeacher(files, `${game} teacher`)), backend };
}
