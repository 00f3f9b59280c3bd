/**
 * A run's `backend: webgpu` in Node: it needs the optional `webgpu` package (Dawn) and an adapter.
 * Missing either, the run ends with a RunFailed (exit 1, no stack trace) that says what to install
 * or why there is no adapter, never by training on another backend.
 */
import { existsSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { RunFailed } from '../../src/config/errors.js';
import { runBackend } from '../../src/run/backend.js';

describe("a run's backend", () => {
  it("'auto' starts wasm, as before", async () => {
    expect(await runBackend('auto')).toBe('wasm');
  });

  it("'webgpu' without the webgpu package names what to install; with it and no GPU, says there is no adapter", async () => {
    const attempt = runBackend('webgpu');
    await expect(attempt).rejects.toBeInstanceOf(RunFailed);
    if (existsSync('node_modules/webgpu')) {
      await expect(attempt).rejects.toThrow(/^backend webgpu: Dawn found no WebGPU adapter/);
    } else {
      await expect(attempt).rejects.toThrow("backend webgpu: WebGPU in Node needs the package 'webgpu', which is not installed here. Install it with:\n  npm install webgpu @tensorflow/tfjs-backend-webgpu");
    }
    expect(await runBackend('wasm')).toBe('wasm');
  });
});
