/**
 * The training page's whole path in headless Chromium: train a Balance teacher on wasm, distil a
 * student in the page, and play it in the Balance scene.
 */
import { existsSync } from 'node:fs';
import { chromium, type Browser } from 'playwright-core';
import { createServer, type ViteDevServer } from 'vite';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
let server: ViteDevServer;
let browser: Browser;
let base: string;

beforeAll(async () => {
  if (!existsSync(CHROMIUM)) throw new Error(`browser test: no Chromium at ${CHROMIUM}; install it (apt-get install -y chromium) or set CHROMIUM_PATH`);
  server = await createServer({ configFile: 'vite.config.ts', logLevel: 'error', server: { host: '127.0.0.1', port: 0, strictPort: false, hmr: false } });
  await server.listen();
  base = server.resolvedUrls!.local[0]!;
  browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'] });
}, 120_000);

afterAll(async () => {
  await browser?.close();
  await server?.close();
});

interface State { phase: string; steps: number; studentAgreement: number | null; played: number[]; error: string | null }
const state = () => (window as unknown as { trainingState: State }).trainingState;

describe('training page: train, distil, play', () => {
  it('distils the teacher it trained into a student that balances in the scene', async () => {
    const page = await browser.newPage();
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(e.message));
    await page.goto(`${base}games/train/index.html`);
    await page.selectOption('#backend', 'wasm');
    await page.fill('#steps', '40960');
    await page.click('#start');
    await page.waitForFunction(() => (window as unknown as { trainingState: State }).trainingState.phase === 'done', undefined, { timeout: 180_000 });
    await page.click('#distill');
    await page.waitForFunction(() => ['distilled', 'error'].includes((window as unknown as { trainingState: State }).trainingState.phase), undefined, { timeout: 180_000 });
    const distilled = await page.evaluate(state);
    expect(distilled.error).toBeNull();
    expect(distilled.studentAgreement).toBeGreaterThan(0.9);
    await page.click('#play');
    await page.waitForFunction(() => (window as unknown as { trainingState: State }).trainingState.played.length >= 1, undefined, { timeout: 120_000 });
    // A random policy keeps the pole up for about 22 steps; the student of a partly trained teacher far longer.
    expect((await page.evaluate(state)).played[0]).toBeGreaterThan(60);
    expect(errors).toEqual([]);
    await page.close();
  });
});
