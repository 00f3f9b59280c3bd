/**
 * One Vite dev server (serving the repo root, as `npm run dev` does) and one headless Chromium per
 * test file, driven with playwright-core (CI installs Debian's chromium: apt-get install -y
 * chromium). Screenshots go to test-artifacts/ (gitignored), kept by CI as artifacts.
 */
import { existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type Browser, type BrowserContextOptions, type Page } from 'playwright-core';
import { createServer, type ViteDevServer } from 'vite';
import { afterAll, beforeAll } from 'vitest';

const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
export const ARTIFACTS = 'test-artifacts';

export interface Harness {
  /** The server's root URL, ending in '/'. */
  base: string;
  browser: Browser;
}

/** Headless Chromium, Debian's, with a fresh temporary profile (playwright refuses --user-data-dir here). */
export async function launchChromium(): Promise<Browser> {
  if (!existsSync(CHROMIUM)) throw new Error(`browser test: no Chromium at ${CHROMIUM}; install it (apt-get install -y chromium) or set CHROMIUM_PATH`);
  return chromium.launch({
    executablePath: CHROMIUM,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
}

/** Starts the server and the browser before the file's tests and stops them after. */
export function useBrowser(): Harness {
  const h = {} as Harness;
  let server: ViteDevServer | undefined;
  let cacheDir: string | undefined;
  beforeAll(async () => {
    // Each file's server pre-bundles the dependencies into a folder of its own: browser test files
    // run in parallel, and servers sharing one cache rewrite it under each other's pages (on a
    // fresh clone, the first run, a page could load two different bundles of Phaser).
    cacheDir = mkdtempSync(join(tmpdir(), 'pd-vite-'));
    server = await createServer({ configFile: 'vite.config.ts', logLevel: 'error', cacheDir, server: { host: '127.0.0.1', port: 0, strictPort: false, hmr: false } });
    await server.listen();
    h.base = server.resolvedUrls!.local[0]!;
    h.browser = await launchChromium();
  }, 120_000);
  afterAll(async () => {
    await h.browser?.close();
    await server?.close();
    if (cacheDir) rmSync(cacheDir, { recursive: true, force: true });
  });
  return h;
}

/**
 * How long any wait on a page may take (playwright's own default is 30 s): what the tests wait
 * for is game time and training work, which a loaded machine (a CI run beside other processes)
 * may deliver minutes late. A wait that fails on a page that is broken fails at this bound.
 */
export const PAGE_WAIT_MS = 300_000;

/** A page (a desktop's 1500x900 unless `options` say otherwise) that records uncaught errors and the URLs it requested. */
export async function openPage(h: Harness, path: string, options: BrowserContextOptions = { viewport: { width: 1500, height: 900 } }): Promise<{ page: Page; errors: string[]; requests: string[] }> {
  const page = await h.browser.newPage(options);
  page.setDefaultTimeout(PAGE_WAIT_MS);
  const errors: string[] = [];
  const requests: string[] = [];
  page.on('pageerror', (e) => errors.push(e.message));
  page.on('request', (r) => requests.push(r.url()));
  await page.goto(h.base + path);
  return { page, errors, requests };
}

export async function screenshot(page: Page, name: string): Promise<void> {
  mkdirSync(ARTIFACTS, { recursive: true });
  await page.screenshot({ path: `${ARTIFACTS}/${name}.png` });
}
