/**
 * bench:multiagent's crowd: bench/crowd/ built as a game ships (a Vite production build, so the
 * development checks are out), served by Vite's preview server and played in headless Chromium
 * (Debian's, driven by playwright-core as the browser tests do). The page counts its own
 * main-thread time in the plugin's step each frame.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build, preview } from 'vite';
import { launchChromium } from '../test/browser/harness.js';

const here = (p: string) => fileURLToPath(new URL(p, import.meta.url));

export interface CrowdResult {
  agents: number;
  decisionsPerSecond: number;
  frames: number;
  p50: number;
  p95: number;
  max: number;
  /** Of the frame's time, the scene's own fixedUpdate (moving the dots), p50 and p95. */
  gameP50: number;
  gameP95: number;
  /** Simulation steps a frame, on average (60 Hz display: about 1). */
  stepsPerFrame: number;
  eaten: number;
  student: string;
  parameters: number;
}

const percentile = (xs: number[], p: number) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.ceil((p / 100) * s.length) - 1)]!;
};

/** Plays the crowd page with `agents` runners for `frames` frames (after `warmup` unmeasured ones) and reads its frame times. */
export async function crowdFrameTimes(agents = 1000, frames = 600, warmup = 120): Promise<CrowdResult> {
  const outDir = mkdtempSync(join(tmpdir(), 'pd-crowd-'));
  const alias = {
    'phaser-distill/train': here('../src/train/index.ts'),
    'phaser-distill/node': here('../plugin/node.ts'),
    'phaser-distill/record': here('../plugin/record.ts'),
    'phaser-distill': here('../plugin/index.ts'),
  };
  try {
    await build({ configFile: false, logLevel: 'error', mode: 'production', root: here('..'), base: './', resolve: { alias }, build: { outDir, emptyOutDir: true, target: 'es2022', chunkSizeWarningLimit: 4000, rollupOptions: { input: here('./crowd/index.html') } } });
    const server = await preview({ configFile: false, logLevel: 'error', root: here('..'), build: { outDir }, preview: { host: '127.0.0.1', port: 0, strictPort: false } });
    const browser = await launchChromium();
    try {
      const page = await browser.newPage({ viewport: { width: 800, height: 600 } });
      const errors: string[] = [];
      page.on('pageerror', (e) => errors.push(e.message));
      page.on('response', (r) => r.status() >= 400 && !r.url().endsWith('/favicon.ico') && errors.push(`${r.status()} for ${r.url()}`));
      await page.goto(`${server.resolvedUrls!.local[0]!}bench/crowd/index.html?agents=${agents}&frames=${frames + warmup}`);
      // Done, or failed: an error ends the wait at once.
      for (let t = 0; ; t += 500) {
        if (errors.length) throw new Error(`the crowd page failed: ${errors.join('; ')}`);
        if (await page.evaluate(() => (window as unknown as { crowdState?: { done: boolean } }).crowdState?.done === true)) break;
        if (t > 300_000) throw new Error('the crowd page did not finish its frames in 5 minutes');
        await new Promise((r) => setTimeout(r, 500));
      }
      const state = await page.evaluate(() => (window as unknown as { crowdState: { frameMs: number[]; gameMs: number[]; stepsPerFrame: number[]; eaten: number } }).crowdState);
      if (errors.length) throw new Error(`the crowd page failed: ${errors.join('; ')}`);
      const ms = state.frameMs.slice(warmup);
      const steps = state.stepsPerFrame.slice(warmup);
      return {
        agents,
        decisionsPerSecond: 60,
        frames: ms.length,
        p50: percentile(ms, 50),
        p95: percentile(ms, 95),
        max: Math.max(...ms),
        gameP50: percentile(state.gameMs.slice(warmup), 50),
        gameP95: percentile(state.gameMs.slice(warmup), 95),
        stepsPerFrame: steps.reduce((a, b) => a + b, 0) / steps.length,
        eaten: state.eaten,
        student: 'gather s8-int8',
        parameters: 101,
      };
    } finally {
      await browser.close();
      await new Promise<void>((resolve) => server.httpServer.close(() => resolve()));
    }
  } finally {
    rmSync(outDir, { recursive: true, force: true });
  }
}

// Alone (npx tsx bench/multiagent-crowd.ts [agents]): the crowd's figures only.
if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const r = await crowdFrameTimes(Number(process.argv[2] ?? 1000));
  console.log(JSON.stringify(r));
}
