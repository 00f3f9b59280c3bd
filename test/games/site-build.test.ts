/**
 * The built demo site (vite.site.config.ts): a game page's initial bundle, everything its HTML
 * loads and every chunk those import statically, holds no TensorFlow.js; the watch mode reaches it
 * only through a dynamic import, and the training page's worker (which trains) carries it while the
 * training page's own bundle does not. Only the Lander's page carries planck. No built file keeps a
 * bare module specifier (a browser cannot resolve one), and the training page's worker carries the
 * WebGPU backend, which it loads only when WebGPU is chosen.
 */
import { mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { init, parse } from 'es-module-lexer';
import { build } from 'vite';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

let out: string;

beforeAll(async () => {
  await init;
  out = mkdtempSync(join(tmpdir(), 'site-'));
  await build({ configFile: 'vite.site.config.ts', logLevel: 'silent', build: { outDir: out, emptyOutDir: true } });
}, 120_000);

afterAll(() => rmSync(out, { recursive: true, force: true }));

/** A string only TensorFlow.js's core carries (its flag parser's query parameter). */
const hasTfjs = (file: string) => readFileSync(file, 'utf8').includes('tfjsflags');

/** Files a page loads before any dynamic import: its scripts and their static imports. */
function initialChunks(page: string): string[] {
  const html = join(out, page);
  const queue = [...readFileSync(html, 'utf8').matchAll(/<script[^>]*src="([^"]+\.js)"/g)].map((m) => resolve(dirname(html), m[1]!));
  const seen = new Set<string>();
  while (queue.length) {
    const file = queue.pop()!;
    if (seen.has(file)) continue;
    seen.add(file);
    // Minified static imports: import"./x.js" and from"./x.js"; import("./x.js") is dynamic.
    for (const m of readFileSync(file, 'utf8').matchAll(/(?:\bimport|\bfrom)\s*"(\.{1,2}\/[^"]+\.js)"/g)) queue.push(resolve(dirname(file), m[1]!));
  }
  return [...seen];
}

describe('the built demo site', () => {
  for (const game of ['pong', 'balance', 'racer', 'lander', 'hunt']) {
    it(`${game}: no TensorFlow.js in the page's initial bundle`, () => {
      const chunks = initialChunks(`games/${game}/index.html`);
      expect(chunks.length).toBeGreaterThan(0);
      expect(chunks.filter(hasTfjs)).toEqual([]);
      // Phaser is there: the walk found the game's code.
      expect(chunks.some((f) => readFileSync(f, 'utf8').includes('Phaser'))).toBe(true);
    });
  }

  it("only the Lander's page carries planck", () => {
    // A string only planck carries (its revolute joint's type name).
    const hasPlanck = (file: string) => readFileSync(file, 'utf8').includes('revolute-joint');
    expect(initialChunks('games/lander/index.html').some(hasPlanck)).toBe(true);
    for (const page of ['pong', 'balance', 'racer', 'train']) expect(initialChunks(`games/${page}/index.html`).filter(hasPlanck), page).toEqual([]);
  });

  it("the training page's worker carries TensorFlow.js and the wasm binaries; the page's own bundle does not", () => {
    const chunks = initialChunks('games/train/index.html');
    expect(chunks.filter(hasTfjs)).toEqual([]);
    // The worker's script, named in the page's code (new Worker(new URL('train-worker-<hash>.js', import.meta.url))).
    const workers = chunks.flatMap((f) => [...readFileSync(f, 'utf8').matchAll(/["'`]([^"'`]*train-worker[^"'`]*\.js)["'`]/g)].map((m) => resolve(dirname(f), m[1]!)));
    expect(workers.length).toBeGreaterThan(0);
    for (const worker of workers) {
      expect(hasTfjs(worker)).toBe(true);
      expect(readFileSync(worker, 'utf8')).toMatch(/tfjs-backend-wasm-simd[^"'`]*\.wasm/);
    }
  });

  it('no built file imports a bare module specifier, statically or dynamically', () => {
    const files = (readdirSync(out, { recursive: true }) as string[]).filter((f) => f.endsWith('.js')).map((f) => join(out, f));
    expect(files.length).toBeGreaterThan(10);
    // Every import, static or dynamic, with a specifier written out (es-module-lexer parses the modules): a path or a URL.
    const specifiers = (file: string) => parse(readFileSync(file, 'utf8'))[0].flatMap((i) => (i.n === undefined ? [] : [i.n]));
    const bare = files.flatMap((f) => specifiers(f).filter((s) => !/^(\.{0,2}\/|[a-z]+:)/.test(s)).map((s) => `${f.slice(out.length + 1)}: ${s}`));
    expect(bare).toEqual([]);
    // The walk reads imports at all: every page's script imports its chunks by path.
    expect(files.some((f) => specifiers(f).some((s) => s.startsWith('./')))).toBe(true);
  });

  it("the training page's worker can load the WebGPU backend: it is built into a chunk of the site", () => {
    const files = (readdirSync(out, { recursive: true }) as string[]).filter((f) => f.endsWith('.js'));
    // A string only the WebGPU backend carries (its adapter-info warning).
    expect(files.filter((f) => readFileSync(join(out, f), 'utf8').includes('WEBGPU_USE_LOW_POWER_GPU')).length).toBeGreaterThan(0);
  });
});
