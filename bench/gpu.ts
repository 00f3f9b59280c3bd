/**
 * A large teacher's cost per TensorFlow.js backend, side by side in one run: one PPO minibatch
 * update (forward, backward, global-norm clipping, Adam: the tfjs learner, as PPO runs it) and one
 * batched rollout forward, on each backend asked for that starts. Two teachers (bench/gpu/measure.ts):
 * - `conv`: a convolutional torso over a 21 x 21 grid of 4 channels (a GridSensor2D's layout) and
 *   8 other numbers, 16 3x3 filters, then 32 3x3 filters at stride 2, then 256 units, per head;
 * - `mlp`: a 512 x 512 relu MLP per head on 256 numbers.
 * Both well above 100k parameters, both with 5 discrete actions.
 *
 * Node's backends: `--backends` (default wasm,webgpu). In Node, `webgpu` runs on the `webgpu`
 * package (Dawn; `npm install webgpu @tensorflow/tfjs-backend-webgpu`), and needs a GPU with a
 * Vulkan driver: where it cannot start, its row says why and its figures are null. The browser's:
 * `--browser webgl,webgpu` opens bench/gpu/index.html in headless Chromium (the one the browser
 * tests use) and measures there; none by default. Every backend gets the same weights, the same
 * minibatch and the same number of updates after `--warmup` unmeasured ones (shader compilation,
 * kernel selection); figures are medians of wall-clock milliseconds, each update read back (its
 * stats) before the next starts, so a GPU's queued work is inside the time. Backends run one after
 * the other, not interleaved: a GPU backend cannot share the process's tensors with another.
 *
 * The last line is one JSON object: teacher_params per teacher, and per backend and teacher the
 * update and forward medians, with webgpu's speedup over wasm where both ran in Node.
 *   npm run bench:gpu [-- --backends wasm,cpu,webgpu --batch 2048 --updates 8 --warmup 2 --browser webgl]
 */
import { parseArgs } from 'node:util';
import * as tf from '@tensorflow/tfjs';
import { createServer } from 'vite';
import { runBackend } from '../src/run/backend.js';
import type { BackendName } from '../src/train/backend.js';
import { PAGE_WAIT_MS, launchChromium } from '../test/browser/harness.js';
import { TEACHERS, measure, type Options, type Row } from './gpu/measure.js';

const { values } = parseArgs({
  options: {
    backends: { type: 'string', default: 'wasm,webgpu' },
    browser: { type: 'string', default: '' },
    batch: { type: 'string', default: '512' },
    rows: { type: 'string', default: '128' },
    updates: { type: 'string', default: '4' },
    warmup: { type: 'string', default: '1' },
  },
});
const BACKENDS = values.backends.split(',').map((b) => b.trim()).filter(Boolean) as BackendName[];
const BROWSER = values.browser.split(',').map((b) => b.trim()).filter(Boolean);
const OPTIONS: Options = { batch: Number(values.batch), rows: Number(values.rows), updates: Number(values.updates), warmup: Number(values.warmup) };

const rows: Row[] = [];
/** Keeps a row and prints it as it comes. */
const add = (r: Row) => {
  rows.push(r);
  console.log(r.error ? `${r.backend} ${r.teacher}: did not start (${r.error})` : `${r.backend} ${r.teacher}: ${r.params.toLocaleString('en')} params, update of ${OPTIONS.batch} samples ${r.update_ms} ms, forward of ${OPTIONS.rows} rows ${r.forward_ms} ms`);
};

for (const backend of BACKENDS) {
  let started: string;
  try {
    started = await runBackend(backend);
  } catch (e) {
    const error = (e as Error).message.replace(/\s*\n\s*/g, ' ');
    for (const t of TEACHERS) add({ backend, teacher: t.name, params: 0, update_ms: null, forward_ms: null, error });
    continue;
  }
  for (const t of TEACHERS) add(measure(t, started, OPTIONS));
}

if (BROWSER.length) {
  const server = await createServer({ configFile: 'vite.config.ts', logLevel: 'error', server: { host: '127.0.0.1', port: 0, strictPort: false, hmr: false } });
  await server.listen();
  const browser = await launchChromium();
  try {
    const page = await browser.newPage();
    const query = new URLSearchParams({ backends: BROWSER.join(','), batch: values.batch, rows: values.rows, updates: values.updates, warmup: values.warmup });
    await page.goto(`${server.resolvedUrls!.local[0]!}bench/gpu/index.html?${query}`, { timeout: PAGE_WAIT_MS });
    await page.waitForFunction(() => (window as unknown as { gpuBench?: { done: boolean } }).gpuBench?.done === true, undefined, { timeout: 3_600_000, polling: 1000 });
    for (const r of await page.evaluate(() => (window as unknown as { gpuBench: { rows: Row[] } }).gpuBench.rows)) add(r);
  } finally {
    await browser.close();
    await server.close();
  }
}

console.log('\n| backend | teacher | params | update ms (median) | forward ms (median) |\n| --- | --- | --- | ---: | ---: |');
for (const r of rows) console.log(`| ${r.backend} | ${r.teacher} | ${r.params || '-'} | ${r.update_ms ?? `- (${r.error})`} | ${r.forward_ms ?? '-'} |`);

const find = (backend: string, teacher: string) => rows.find((r) => r.backend === backend && r.teacher === teacher);
const speedup = (teacher: string) => {
  const w = find('wasm', teacher)?.update_ms;
  const g = find('webgpu', teacher)?.update_ms;
  return w && g ? +(w / g).toFixed(2) : null;
};
console.log(JSON.stringify({
  ...OPTIONS,
  teacher_params: Object.fromEntries(TEACHERS.map((t) => [t.name, rows.find((r) => r.teacher === t.name && r.params > 0)?.params ?? null])),
  backends: Object.fromEntries([...new Set(rows.map((r) => r.backend))].map((b) => [b, Object.fromEntries(TEACHERS.map((t) => {
    const r = find(b, t.name)!;
    return [t.name, r.error ? { error: r.error } : { update_ms: r.update_ms, forward_ms: r.forward_ms }];
  }))])),
  webgpu_update_speedup_over_wasm: { conv: speedup('conv'), mlp: speedup('mlp') },
  tfjs_version: tf.version.tfjs,
}));
