/**
 * The training page's defects as a user met them (findings of 2026-12-07), each a test that fails
 * on the old page: the game drawn inside the <select> (two elements with id "game"), Train that
 * works once per page load, Save with nothing that reads it back, and 'auto''s probe with no
 * progress shown. Budgets are tiny: these ask what the page does, not how well it trains.
 */
import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { openPage, screenshot, useBrowser } from './harness.js';

const h = useBrowser();

interface State { phase: string; runs: number; probing: string[]; iterations: number; steps: number; snapshots: number; error: string | null }
const state = (page: Page) => page.evaluate(() => (window as unknown as { trainingState: State }).trainingState);
const waitPhase = (page: Page, phases: string[]) =>
  page.waitForFunction((p) => p.includes((window as unknown as { trainingState: State }).trainingState.phase), phases);

async function trainOnce(page: Page, backend: string, steps: number): Promise<State> {
  await page.selectOption('#backend', backend);
  await page.fill('#steps', String(steps));
  const runs = (await state(page)).runs;
  await page.click('#start');
  // This run has started (its count went up) and ended: a run of a few thousand steps on the fused
  // engine can be over before a look at its 'training' phase.
  await page.waitForFunction((before) => {
    const s = (window as unknown as { trainingState: State }).trainingState;
    return s.runs > before && (s.phase === 'done' || s.phase === 'error');
  }, runs);
  return state(page);
}

describe('the training page, as a user finds it', () => {
  it('shows the game: one element with id "game", the canvas inside it, drawn at its size', async () => {
    const { page, errors } = await openPage(h, 'games/train/index.html');
    await page.waitForFunction(() => document.querySelector('#game canvas') !== null);
    expect(await page.locator('[id="game"]').count()).toBe(1);
    expect(await page.locator('select canvas').count()).toBe(0);
    const box = await page.locator('#game canvas').boundingBox();
    expect(box!.width).toBeGreaterThanOrEqual(300);
    expect(box!.height).toBeGreaterThanOrEqual(150);
    // And it is on screen without scrolling past the controls.
    expect(box!.y).toBeLessThan(900);
    await screenshot(page, 'train-page-game-visible');
    expect(errors).toEqual([]);
    await page.close();
  });

  it('trains twice without a reload; Save, then Load after a reload brings the teacher back to play and distil', async () => {
    const { page, errors } = await openPage(h, 'games/train/index.html');
    await page.waitForFunction(() => 'trainingState' in window);
    // Load before anything is saved says so.
    await page.click('#load');
    await page.waitForFunction(() => document.getElementById('status')!.textContent!.includes('no teacher is saved'));

    const first = await trainOnce(page, 'wasm', 1024);
    expect(first).toMatchObject({ phase: 'done', runs: 1, iterations: 2, error: null });
    expect(await page.isEnabled('#start')).toBe(true);
    expect(await page.isEnabled('#backend')).toBe(true);
    const second = await trainOnce(page, 'wasm', 1536);
    expect(second).toMatchObject({ phase: 'done', runs: 2, iterations: 3, steps: 1536, error: null });

    await page.click('#save');
    await page.waitForFunction(() => document.getElementById('status')!.textContent!.includes('saved the teacher'));
    await page.reload();
    await page.waitForFunction(() => 'trainingState' in window && document.querySelector('#game canvas') !== null);
    expect(await page.isEnabled('#distill')).toBe(false);
    await page.click('#load');
    await waitPhase(page, ['loaded', 'error']);
    const loaded = await state(page);
    expect(loaded).toMatchObject({ phase: 'loaded', iterations: 3, steps: 1536, error: null });
    expect(loaded.snapshots).toBeGreaterThanOrEqual(1);
    expect(await page.textContent('#play-status')).toContain('the teacher plays');
    expect(await page.isEnabled('#distill')).toBe(true);
    expect(await page.isEnabled('#start')).toBe(true);
    expect(errors).toEqual([]);
    await page.close();
  });

  it("'auto' says which backend it is timing while it probes, and how long so far", async () => {
    const { page, errors } = await openPage(h, 'games/train/index.html');
    await page.waitForFunction(() => 'trainingState' in window);
    // Every text the status line shows, in order.
    await page.evaluate(() => {
      const seen: string[] = [];
      (window as unknown as { statusTexts: string[] }).statusTexts = seen;
      const status = document.getElementById('status')!;
      new MutationObserver(() => seen.push(status.textContent ?? '')).observe(status, { childList: true, characterData: true, subtree: true });
    });
    const run = await trainOnce(page, 'auto', 512);
    expect(run.error).toBeNull();
    expect(run.probing).toEqual(['webgpu', 'webgl', 'wasm', 'cpu']);
    const texts = await page.evaluate(() => (window as unknown as { statusTexts: string[] }).statusTexts);
    for (const [i, b] of ['webgpu', 'webgl', 'wasm', 'cpu'].entries()) {
      expect(texts.some((t) => t.startsWith(`choosing the fastest backend: timing ${b} (${i + 1} of 4), `)), b).toBe(true);
    }
    expect(texts.some((t) => /^auto timed one training step on each backend: .*; chose \w+; first iteration under way/.test(t))).toBe(true);
    expect(errors).toEqual([]);
    await page.close();
  });
});
