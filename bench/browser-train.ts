/**
 * The training page in headless Chromium against Node, on the same PPO config (the page's: the
 * default config, Balance, 8 envs x 64 steps, 2 minibatches, 4 epochs, 64x64 tanh): the page's
 * training steps per second (its worker's, over the whole run) beside Node's wasm, and the p95 of
 * the page's animation-frame intervals while it trained (the game and the curve draw meanwhile).
 * One at a time, in the order page, Node, Node, page, ... (`--rounds` pairs; medians over the runs),
 * so a machine whose load drifts weighs on both alike. The last line is one JSON object.
 *
 *   npm run bench:browser-train [-- --steps 40960 --backend auto --rounds 2]
 */
import { createServer } from 'vite';
import { SyncVectorEnv } from 'phaser-distill';
import { PpoTrainer, defaultPpoConfig, initBackend, type BackendProbe } from 'phaser-distill/train';
import { BalanceEnv } from '../games/balance/balance.js';
import { launchChromium } from '../test/browser/harness.js';

const arg = (name: string, fallback: string) => {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? process.argv[i + 1]! : fallback;
};
const steps = Number(arg('steps', '40960'));
const backend = arg('backend', 'auto');
const rounds = Number(arg('rounds', '2'));

/** What the page's window.trainingState holds when it is done (games/train/main.ts). */
interface PageRun {
  phase: string;
  error: string | null;
  backend: string | null;
  probe: BackendProbe[] | null;
  steps: number;
  stepsPerSecond: number;
  frameMs: number[];
  framesDuringIterations: number;
  iterations: number;
  snapshots: number;
}

const percentile = (xs: number[], p: number) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length ? s[Math.min(s.length - 1, Math.ceil((p / 100) * s.length) - 1)]! : Number.NaN;
};

const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
};

const server = await createServer({ configFile: 'vite.config.ts', logLevel: 'error', server: { host: '127.0.0.1', port: 0, strictPort: false, hmr: false } });
await server.listen();
const browser = await launchChromium();

/** One run of the page in a fresh tab: train to the budget, then read its state. */
async function trainInPage(): Promise<PageRun> {
  const page = await browser.newPage({ viewport: { width: 1500, height: 900 } });
  try {
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(e.message));
    await page.goto(`${server.resolvedUrls!.local[0]!}games/train/index.html`);
    await page.waitForFunction(() => 'trainingState' in window);
    await page.selectOption('#backend', backend);
    await page.fill('#steps', String(steps));
    await page.click('#start');
    await page.waitForFunction(() => ['done', 'error'].includes((window as unknown as { trainingState: PageRun }).trainingState.phase), undefined, { timeout: 1_200_000, polling: 500 });
    const run = await page.evaluate(() => (window as unknown as { trainingState: PageRun }).trainingState);
    if (run.error || errors.length) throw new Error(`the page failed: ${run.error ?? errors.join('; ')}`);
    return run;
  } finally {
    await page.close();
  }
}

/** Node on wasm, the same config and budget, timed as the worker times it: from the first iteration to the last. */
async function trainInNode(): Promise<number> {
  await initBackend('wasm');
  const config = { ...defaultPpoConfig, totalTimesteps: steps };
  const trainer = new PpoTrainer(new SyncVectorEnv(Array.from({ length: config.numEnvs }, () => new BalanceEnv())), config);
  const t0 = performance.now();
  await trainer.train();
  const sps = trainer.globalStep / ((performance.now() - t0) / 1000);
  trainer.dispose();
  return sps;
}

console.log(`Balance, PPO's default config, ${steps} steps a run; the page in headless Chromium (backend ${backend}) and Node on wasm, ${rounds} of each`);
const pages: PageRun[] = [];
const nodes: number[] = [];
const pageRun = async () => {
  const run = await trainInPage();
  pages.push(run);
  const frames = run.frameMs;
  console.log(`page (worker, ${run.backend}): ${Math.round(run.stepsPerSecond)} steps/s over ${run.steps} steps; ${frames.length + 1} frames while training, p50 ${percentile(frames, 50).toFixed(1)} ms, p95 ${percentile(frames, 95).toFixed(1)} ms, max ${Math.max(...frames).toFixed(1)} ms, ${run.framesDuringIterations} inside iterations; ${run.snapshots} teacher snapshots played`);
  if (run.probe) console.log(`  probe, ms per Adam step with its share of rollout forwards (update, forward): ${run.probe.map((p) => (p.stepMs === null ? `${p.backend} did not start (${p.error})` : `${p.backend} ${p.stepMs.toFixed(2)} (${p.updateMs!.toFixed(2)}, ${p.forwardMs!.toFixed(3)})`)).join('; ')}`);
};
const nodeRun = async () => {
  nodes.push(await trainInNode());
  console.log(`node (wasm): ${Math.round(nodes.at(-1)!)} steps/s`);
};
try {
  for (let r = 0; r < rounds; r++) {
    for (const run of r % 2 === 0 ? [pageRun, nodeRun] : [nodeRun, pageRun]) await run();
  }
} finally {
  await browser.close();
  await server.close();
}
const pageSps = median(pages.map((p) => p.stepsPerSecond));
const nodeSps = median(nodes);
const p95 = median(pages.map((p) => percentile(p.frameMs, 95)));
// The probe of the page's last run: each backend's ms per Adam step with its rollout share.
const probe = Object.fromEntries((pages.at(-1)!.probe ?? []).map((p) => [p.backend, p.stepMs === null ? null : +p.stepMs.toFixed(2)]));
const backends = [...new Set(pages.map((p) => p.backend))].join(',');
console.log(`median: page ${Math.round(pageSps)} steps/s, node ${Math.round(nodeSps)} steps/s, ratio ${(pageSps / nodeSps).toFixed(2)}; p95 frame ${p95.toFixed(1)} ms`);
console.log(JSON.stringify({
  bench: 'browser-train',
  steps,
  rounds,
  page_steps_per_s: Math.round(pageSps),
  node_wasm_steps_per_s: Math.round(nodeSps),
  ratio: +(pageSps / nodeSps).toFixed(3),
  p95_frame_ms: +p95.toFixed(2),
  backend: backends,
  probe,
}));
