/**
 * The training page in headless Chromium: PPO on Balance runs for a few iterations on WebGL
 * (SwiftShader here) and on wasm, and the learning curve is redrawn as episodes come in; 'auto'
 * skips backends that cannot start (WebGPU, without a GPU) and trains on the next one; and the
 * whole path: train, distil a student in the page, play it in the Balance scene.
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

  it('distils the teacher it trained into a student that balances in the scene', async () => {
    const { page, errors } = await openPage(h, 'games/train/index.html');
    const run = await train(page, 'wasm', 40960);
    expect(run.phase).toBe('done');
    await page.click('#distill');
    await page.waitForFunction(() => ['distilled', 'error'].includes((window as unknown as { trainingState: Distilled }).trainingState.phase), undefined, { timeout: 180_000 });
    const distilled = await page.evaluate(() => (window as unknown as { trainingState: Distilled }).trainingState);
    expect(distilled.error).toBeNull();
    expect(distilled.studentAgreement).toBeGreaterThan(0.9);
    await page.click('#play');
    await page.waitForFunction(() => (window as unknown as { trainingState: Distilled }).trainingState.played.length >= 1, undefined, { timeout: 120_000 });
    // A random policy keeps the pole up for about 22 steps; the student of a partly trained teacher far longer.
    expect((await page.evaluate(() => (window as unknown as { trainingState: Distilled }).trainingState)).played[0]).toBeGreaterThan(60);
    await screenshot(page, 'train-distill-play');
    expect(errors).toEqual([]);
    await page.close();
  });
});

/** What the distil-and-play path adds to the page's state (window.trainingState). */
interface Distilled { phase: string; error: string | null; studentAgreement: number | null; played: number[] }
