/**
 * Backend choice in Node: 'auto' is wasm (then cpu) as before; given a probe it times every
 * candidate on a training-shaped step of the chosen network and takes the fastest it measured.
 * Which one is fastest is not asserted: the machine is shared.
 */
import * as tf from '@tensorflow/tfjs';
import { describe, expect, it } from 'vitest';
import { WEBGPU_NOT_LOADED, backendOrder, defaultPpoConfig, initBackend, probeBackends, probeShapeOf, type BackendProbe } from 'phaser-distill/train';

describe('backends', () => {
  it("probeShapeOf sizes the probe from the PPO config", () => {
    expect(probeShapeOf({ ...defaultPpoConfig, network: { ...defaultPpoConfig.network, actorHidden: [32], criticHidden: [16, 16] } }, 4, 2)).toEqual({
      obsSize: 4, outputs: 2, network: expect.objectContaining({ actorHidden: [32], criticHidden: [16, 16], activation: 'tanh' }),
      // 8 envs x 64 steps in 2 minibatches; 64 rollout forwards per 2 x 4 Adam steps.
      minibatch: 256, forwardBatch: 8, forwardsPerUpdate: 8,
    });
  });

  it("'auto' is wasm in Node, and with a probe the fastest candidate it measured", async () => {
    expect(backendOrder()).toEqual(['wasm', 'cpu']);
    expect(await initBackend('auto')).toBe('wasm');
    const shape = { ...probeShapeOf(defaultPpoConfig, 4, 2), minibatch: 32 };
    const tensors = tf.memory().numTensors;
    let seen: BackendProbe[] = [];
    const chosen = await initBackend('auto', { probe: shape, onProbe: (r) => (seen = r) });
    expect(seen.map((r) => r.backend)).toEqual(['wasm', 'cpu']);
    for (const r of seen) {
      expect(r.error).toBeUndefined();
      expect(r.updateMs).toBeGreaterThan(0);
      expect(r.forwardMs).toBeGreaterThan(0);
      expect(r.stepMs).toBeCloseTo(r.updateMs! + shape.forwardsPerUpdate * r.forwardMs!, 9);
    }
    expect(chosen).toBe(seen.reduce((a, b) => (b.stepMs! < a.stepMs! ? b : a)).backend);
    expect(tf.getBackend()).toBe(chosen);
    // The probe frees what it made, on every backend it ran on.
    expect(tf.memory().numTensors).toBe(tensors);
    await initBackend('wasm');
  });

  it('a backend that cannot start is reported, not timed', async () => {
    const [r] = await probeBackends(probeShapeOf(defaultPpoConfig, 4, 2), ['webgl']);
    expect(r).toMatchObject({ backend: 'webgl', updateMs: null, forwardMs: null, stepMs: null });
    expect(r!.error).toBeTruthy();
    await initBackend('wasm');
  });

  it("'webgpu' starts only from a loader it is given (the library names no optional package), and says why it did not start", async () => {
    await expect(initBackend('webgpu')).rejects.toThrow(WEBGPU_NOT_LOADED);
    let loaded = 0;
    const [r] = await probeBackends(probeShapeOf(defaultPpoConfig, 4, 2), ['webgpu'], undefined, async () => {
      loaded += 1;
      await import('@tensorflow/tfjs-backend-webgpu');
    });
    // The package is here, but Node has no navigator.gpu: the backend is not registered.
    expect(loaded).toBe(1);
    expect(r).toMatchObject({ backend: 'webgpu', stepMs: null, error: 'WebGPU is not available here (no navigator.gpu)' });
    await initBackend('wasm');
  });
});
