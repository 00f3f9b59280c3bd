/**
 * The TensorFlow.js backend a run's `backend` names, in Node. 'webgpu' runs on the `webgpu`
 * package (Dawn, an optional peer with its binary in the npm tarball), which gives Node the
 * browser's navigator.gpu; the WebGPU backend of TensorFlow.js then registers as in a page. A named
 * backend that cannot start ends the run with why (exit 1), never with a fallback.
 */
import { initBackend, type BackendName } from '../train/index.js';
import { RunFailed } from '../config/errors.js';

const INSTALL = 'npm install webgpu @tensorflow/tfjs-backend-webgpu';

/** Starts `name` ('auto': wasm, then cpu) for a run; returns the backend started. */
export async function runBackend(name: BackendName | 'auto'): Promise<BackendName> {
  try {
    return await initBackend(name, { webgpu: loadNodeWebgpu });
  } catch (e) {
    if (name === 'auto') throw e;
    throw new RunFailed(`backend ${name}: ${(e as Error).message.replace(/^no TensorFlow\.js backend could start \(\w+: (.*)\)$/s, '$1')}`);
  }
}

interface Dawn {
  create(flags: string[]): { requestAdapter(): Promise<unknown> };
  globals: Record<string, unknown>;
}

/** Gives Node a navigator.gpu from Dawn, checks that it has an adapter, then loads the WebGPU backend. */
async function loadNodeWebgpu(): Promise<void> {
  const g = globalThis as { navigator?: { gpu?: { requestAdapter(): Promise<unknown> } } };
  if (!g.navigator?.gpu) {
    const dawn = (await optional('webgpu')) as Dawn;
    Object.assign(globalThis, dawn.globals);
    const gpu = dawn.create([]);
    if (g.navigator) Object.defineProperty(g.navigator, 'gpu', { value: gpu, configurable: true });
    else g.navigator = { gpu };
  }
  if (!(await g.navigator!.gpu!.requestAdapter())) {
    throw new Error('Dawn found no WebGPU adapter on this machine (on Linux it reaches the GPU through Vulkan: install the GPU driver, or libvulkan1 and mesa-vulkan-drivers for a software one); use backend: wasm');
  }
  await optional('@tensorflow/tfjs-backend-webgpu');
}

/** Imports an optional peer; one that is not installed is named with the line that installs it. */
async function optional(name: string): Promise<unknown> {
  try {
    // Node resolves the name at run time; this file is never bundled for a browser.
    return await import(/* @vite-ignore */ name);
  } catch (e) {
    if ((e as { code?: string }).code === 'ERR_MODULE_NOT_FOUND') throw new Error(`WebGPU in Node needs the package '${name}', which is not installed here. Install it with:\n  ${INSTALL}`);
    throw e;
  }
}
