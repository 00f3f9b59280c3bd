/**
 * The training page in headless Chromium: PPO on Balance runs for a few iterations on WebGL
 * (SwiftShader here) and on wasm, and the learning curve is redrawn as episodes come in; 'auto'
 * skips backends that cannot start (WebGPU, without a GPU) and trains on the next one.
 */
import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { openPage, screenshot, useBrowser } from './harness.js';

const h = useBrowser();

interface Run {
  phase: string;
  backend: string | null;
  iterations: number;
  episodes: number;
  error: string | null;
  /** Distinct pictures of the curve seen while training, one look per animation frame. */
  curves: number;
}

/** Starts training and watches the page's state and its curve until it is done. */
async function train(page: Page, backend: string, steps: number): Promise<Run> {
  await page.waitForFunction(() => 'trainingState' in window);
  await page.selectOption('#backend', backend);
  await page.fill('#steps', String(steps));
  await page.click('#start');
  return page.evaluate(
    () =>
      new Promise<Run>((resolve) => {
        const state = (window as unknown as { trainingState: { phase: string; backend: string | null; iterations: number; episodes: unknown[]; error: string | null } }).trainingState;
        const canvas = document.getElementById('curve') as HTMLCanvasElement;
        const curves = new Set<string>();
        const look = () => {
          curves.add(canvas.toDataURL());
          if (state.phase === 'done' || state.phase === 'error') {
            resolve({ phase: state.phase, backend: state.backend, iterations: state.iterations, episodes: state.episodes.length, error: state.error, curves: curves.size });
          } else requestAnimationFrame(look);
        };
        look();
      }),
  );
}

describe('the training page', () => {
  // 512 steps an iteration (the default 8 envs x 64 steps).
  for (const backend of ['webgl', 'wasm']) {
    it(`trains on ${backend} and redraws the curve`, async () => {
      const { page, errors } = await openPage(h, 'games/train/index.html');
      const run = await train(page, backend, 4096);
      expect(run.error).toBeNull();
      expect(run).toMatchObject({ phase: 'done', backend, iterations: 8 });
      // Balance episodes last tens of steps at first: many end within 4096 steps.
      expect(run.episodes).toBeGreaterThan(20);
      // The blank canvas, then the curve as it grew.
      expect(run.curves).toBeGreaterThanOrEqual(4);
      await screenshot(page, `train-${backend}`);
      expect(errors).toEqual([]);
      await page.close();
    });
  }

  it("'auto' falls back past backends that cannot start", async () => {
    const { page } = await openPage(h, 'games/train/index.html');
    const run = await train(page, 'auto', 1024);
    expect(run.error).toBeNull();
    expect(run.phase).toBe('done');
    // No GPU here: WebGPU is unavailable or fails its smoke test, and WebGL (SwiftShader) starts.
    expect(run.backend).not.toBe('webgpu');
    expect(run.iterations).toBe(2);
    await page.close();
  });
});
