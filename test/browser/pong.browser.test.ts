/**
 * The Pong page in headless Chromium: it renders (a frame is not one flat colour) and a policy
 * moves the left paddle. Serves the page with Vite's dev server on 127.0.0.1 and drives Debian's
 * chromium with playwright-core (CI installs it: apt-get install -y chromium).
 */
import { existsSync, mkdirSync } from 'node:fs';
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
  browser = await chromium.launch({
    executablePath: CHROMIUM,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
    // playwright gives each launch a fresh temporary profile (it refuses --user-data-dir here).
  });
}, 120_000);

afterAll(async () => {
  await browser?.close();
  await server?.close();
});

describe('Pong in the browser', () => {
  it('renders and a policy moves the paddle', async () => {
    const page = await browser.newPage({ viewport: { width: 800, height: 600 } });
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(e.message));
    await page.goto(`${base}games/pong/index.html?driver=follow`);
    await page.waitForFunction(() => (window as unknown as { pong?: { ready: boolean } }).pong?.ready === true, undefined, { timeout: 90_000 });

    type Pong = { scene(): { left: { y: number }; frames: number; ai: { driverOf(n: string): unknown } } };
    const paddleYs: number[] = [];
    for (let k = 0; k < 12; k++) {
      paddleYs.push(await page.evaluate(() => (window as unknown as { pong: Pong }).pong.scene().left.y));
      await page.waitForTimeout(150);
    }
    const frames = await page.evaluate(() => (window as unknown as { pong: Pong }).pong.scene().frames);
    expect(frames).toBeGreaterThan(30);
    // The follower tracks the ball, which is served at an angle: the paddle must have moved.
    expect(Math.max(...paddleYs) - Math.min(...paddleYs)).toBeGreaterThan(5);
    expect(await page.evaluate(() => typeof (window as unknown as { pong: Pong }).pong.scene().ai.driverOf('paddle'))).toBe('function');

    const stats = await page.evaluate(() => (window as unknown as { pong: { frameStats(): Promise<{ colours: number; width: number }> } }).pong.frameStats());
    expect(stats.width).toBe(640);
    expect(stats.colours).toBeGreaterThan(2);
    mkdirSync('test-artifacts', { recursive: true });
    await page.screenshot({ path: 'test-artifacts/pong.png' });
    expect(errors).toEqual([]);
    await page.close();
  }, 120_000);
});
