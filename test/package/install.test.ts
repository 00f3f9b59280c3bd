/**
 * The package as a game developer gets it: `npm pack` (which builds first), the tarball installed
 * into a fresh CommonJS project outside the repository (`npm init -y`) with phaser alone beside it,
 * every entry point imported in plain Node, `phaser-distill init`, the scaffolded game trained with
 * a tiny budget through the installed bin (and, without the folder's "type": "module", stopped
 * with the fix named), its page built for production by Vite, and the built page opened in
 * Chromium, where the trained student moves the paddle. Every export of every entry point (values
 * and types, as the source declares them) is imported from the installed package. Nothing here
 * goes through the repository's aliases or tsconfig paths.
 */
import { createRequire } from 'node:module';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { preview, type PreviewServer } from 'vite';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import ts from 'typescript';
import { POLICY_FORMAT } from '../../src/policy/index.js';
import { launchChromium } from '../browser/harness.js';

const repo = resolve('.');
const work = mkdtempSync(join(tmpdir(), 'pd-install-'));
const project = join(work, 'game');

/** The environment of a user's shell: no test runner's NODE_ENV (vite build must build for production). */
const userEnv = Object.fromEntries(Object.entries(process.env).filter(([k]) => k !== 'NODE_ENV' && !k.startsWith('VITEST')));

/** Runs a command as a user would type it; its output is kept for the failure message. */
function sh(command: string, args: string[], cwd: string): { status: number | null; out: string } {
  const r = spawnSync(command, args, { cwd, env: userEnv, encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
  return { status: r.status, out: `$ ${command} ${args.join(' ')}\n${r.stdout}${r.stderr}` };
}

function ok(command: string, args: string[], cwd = project): string {
  const r = sh(command, args, cwd);
  expect(r.status, r.out).toBe(0);
  return r.out;
}

/** The package's entry points (package.json's exports) and the source file each is built from. */
const ENTRY_SOURCES: Record<string, string> = {
  'phaser-distill': 'plugin/index.ts',
  'phaser-distill/train': 'src/train/index.ts',
  'phaser-distill/node': 'plugin/node.ts',
  'phaser-distill/record': 'plugin/record.ts',
};

/** Every name an entry's source exports, values and types alike, as TypeScript sees them. */
function declaredExports(): Record<string, string[]> {
  const files = Object.values(ENTRY_SOURCES).map((f) => join(repo, f));
  const program = ts.createProgram(files, { module: ts.ModuleKind.NodeNext, moduleResolution: ts.ModuleResolutionKind.NodeNext, target: ts.ScriptTarget.ES2022, skipLibCheck: true });
  const checker = program.getTypeChecker();
  return Object.fromEntries(Object.entries(ENTRY_SOURCES).map(([entry, file]) => {
    const symbol = checker.getSymbolAtLocation(program.getSourceFile(join(repo, file))!)!;
    return [entry, checker.getExportsOfModule(symbol).map((s) => s.name).sort()];
  }));
}

const installed = (name: string) => JSON.parse(readFileSync(join(repo, 'node_modules', name, 'package.json'), 'utf8')).version as string;

beforeAll(() => {
  const packed = ok('npm', ['pack', '--pack-destination', work, '--silent'], repo).trim().split('\n').pop()!;
  const tarball = join(work, packed.trim());
  expect(existsSync(tarball), tarball).toBe(true);
  ok('mkdir', [project], work);
  ok('npm', ['init', '-y'], project);
  // `npm install phaser-distill phaser`, with the Phaser this repository tests with, from npm's cache where it has them.
  ok('npm', ['install', '--prefer-offline', '--no-audit', '--no-fund', tarball, `phaser@${installed('phaser')}`]);
}, 600_000);

afterAll(() => rmSync(work, { recursive: true, force: true }));

describe('the packed package, installed into a new project', () => {
  it('ships one built copy of the code, and every entry point imports in plain Node', () => {
    const pkg = join(project, 'node_modules', 'phaser-distill');
    expect(readdirSync(pkg).sort()).toEqual(['LICENSE', 'README.md', 'bin', 'dist', 'package.json', 'templates'].filter((f) => existsSync(join(pkg, f))));
    expect(existsSync(join(pkg, 'src')) || existsSync(join(pkg, 'plugin'))).toBe(false);
    const script = [
      "const index = await import('phaser-distill');",
      "const train = await import('phaser-distill/train');",
      "const node = await import('phaser-distill/node');",
      "const game = node.defineGame({ scene: class extends (await import('phaser')).default.Scene { create() { this.ai.agent('a', { observation: { shape: [1] }, action: { type: 'discrete', n: 2 }, observe: () => [0], act: () => {} }); } } });",
      'const env = await node.createSceneVectorEnv(game, { instances: 2 });',
      'console.log(JSON.stringify({ index: typeof index.loadStudentPolicy, phaserConfig: typeof index.phaserConfig, train: typeof train.PpoTrainer, envs: env.numEnvs, obs: env.reset(1).length }));',
      'env.close();',
    ].join('\n');
    const out = ok('node', ['--input-type=module', '-e', script]);
    expect(out).toContain('{"index":"function","phaserConfig":"function","train":"function","envs":2,"obs":2}');
  });

  it('every export of every entry point, value or type, imports from the installed package', async () => {
    expect(Object.keys(ENTRY_SOURCES).sort()).toEqual(Object.keys(JSON.parse(readFileSync(join(repo, 'package.json'), 'utf8')).exports).map((k: string) => k.replace(/^\./, 'phaser-distill')).sort());
    const declared = declaredExports();
    // Values: each entry's runtime exports in plain Node are the source's, of the same kinds.
    const kinds = async (load: (entry: string) => Promise<Record<string, unknown>>) => Object.fromEntries(await Promise.all(Object.keys(ENTRY_SOURCES).map(async (e) => [e, Object.entries(await load(e)).map(([k, v]) => `${k}:${typeof v}`).sort()])));
    const sourceKinds = await kinds((e) => import(/* @vite-ignore */ e));
    const script = `const kinds = async (e) => Object.entries(await import(e)).map(([k, v]) => k + ':' + typeof v).sort();\nconsole.log(JSON.stringify(Object.fromEntries(await Promise.all(${JSON.stringify(Object.keys(ENTRY_SOURCES))}.map(async (e) => [e, await kinds(e)])))));`;
    const out = ok('node', ['--input-type=module', '-e', script]).trim().split('\n').pop()!;
    expect(JSON.parse(out)).toEqual(sourceKinds);
    for (const [entry, names] of Object.entries(declared)) {
      expect(names.length, entry).toBeGreaterThan(2);
      // Every runtime value is among the declared names, so the type check below covers it.
      for (const k of sourceKinds[entry] as string[]) expect(names, entry).toContain(k.split(':')[0]);
    }
    // Types: a TypeScript module of the user's that imports every declared name from each entry compiles against the installed .d.ts files.
    const lines = Object.entries(declared).map(([entry, names], i) => `import type { ${names.map((n) => `${n} as E${i}_${n}`).join(', ')} } from '${entry}';`);
    writeFileSync(join(project, 'exports-check.mts'), `${lines.join('\n')}\nexport {};\n`);
    const tsc = sh(process.execPath, [join(repo, 'node_modules', 'typescript', 'bin', 'tsc'), '--noEmit', '--strict', '--skipLibCheck', '--module', 'nodenext', '--moduleResolution', 'nodenext', '--target', 'es2022', 'exports-check.mts'], project);
    expect(tsc.status, tsc.out).toBe(0);
  });

  it('installs light: no queue, ONNX or Vite packages, and every package\'s Node range covers the package\'s own (no EBADENGINE)', () => {
    const modules = join(project, 'node_modules');
    for (const name of ['bullmq', 'ioredis', 'onnx-proto', 'protobufjs', 'vite', 'rolldown']) expect(existsSync(join(modules, name)), name).toBe(false);
    const semver = createRequire(join(repo, 'package.json'))('semver') as { subset(a: string, b: string): boolean };
    const ours = JSON.parse(readFileSync(join(repo, 'package.json'), 'utf8')).engines.node as string;
    const narrower: string[] = [];
    const walk = (dir: string): void => {
      for (const name of readdirSync(dir)) {
        if (name.startsWith('.')) continue;
        if (name.startsWith('@')) { walk(join(dir, name)); continue; }
        const pkg = join(dir, name, 'package.json');
        if (existsSync(pkg)) {
          const wants = (JSON.parse(readFileSync(pkg, 'utf8')) as { engines?: { node?: string } }).engines?.node;
          if (wants && !semver.subset(ours, wants)) narrower.push(`${name} wants node ${wants}`);
        }
        if (existsSync(join(dir, name, 'node_modules'))) walk(join(dir, name, 'node_modules'));
      }
    };
    walk(modules);
    expect(narrower).toEqual([]);
  });

  it('a command that needs an optional package names it with the line that installs it (exit 2)', () => {
    for (const args of [['sweep', 'sweep.yaml', '--queue', 'redis://127.0.0.1:1'], ['worker', '--queue', 'redis://127.0.0.1:1']]) {
      const r = sh('npx', ['phaser-distill', ...args], project);
      expect(r.status, r.out).toBe(2);
      expect(r.out).toContain(`phaser-distill ${args[0]} needs the package 'bullmq', which is not installed here. Install it with:\n  npm install bullmq ioredis`);
    }
  });

  it('init scaffolds a game, leaves existing files alone without --force, and the bin trains it', () => {
    const init = ok('npx', ['phaser-distill', 'init']);
    expect(init).toContain('npm install -D vite');
    for (const f of ['index.html', 'vite.config.mjs', 'catch/scene.ts', 'catch/env.ts', 'catch/main.ts', 'catch/catch.yaml']) expect(existsSync(join(project, f)), f).toBe(true);
    const again = sh('npx', ['phaser-distill', 'init'], project);
    expect(again.status, again.out).toBe(2);
    expect(again.out).toMatch(/exist already[\s\S]*catch\/scene\.ts[\s\S]*--force/);
    // The scaffolded config with half its budget (enough for a student that follows the ball, which
    // the page test below needs), and no target to miss.
    const config = readFileSync(join(project, 'catch', 'catch.yaml'), 'utf8').replace(/totalTimesteps: \d+/, 'totalTimesteps: 24576').replace(/^\s*targetReturn:.*$/m, '').replace(/episodes: \d+/, 'episodes: 4');
    writeFileSync(join(project, 'catch', 'tiny.yaml'), config);
    const run = ok('npx', ['phaser-distill', 'run', 'catch/tiny.yaml']);
    expect(run).toMatch(/exported to .*catch\/policies\/s16-int8\.json/);
    expect(JSON.parse(readFileSync(join(project, 'catch', 'policies', 's16-int8.json'), 'utf8')).format).toBe(POLICY_FORMAT);
    // ONNX needs the optional onnx-proto: named with its install line, then, installed, the bin writes ONNX.
    const runDir = join('runs', readdirSync(join(project, 'runs'))[0]!);
    const missing = sh('npx', ['phaser-distill', 'export', '--run', runDir, '--student', 's16-int8', '--out', 'catch/s16-int8.onnx', '--onnx'], project);
    expect(missing.status, missing.out).toBe(2);
    expect(missing.out).toContain("phaser-distill export needs the package 'onnx-proto', which is not installed here. Install it with:\n  npm install onnx-proto");
    ok('npm', ['install', '--prefer-offline', '--no-audit', '--no-fund', `onnx-proto@${installed('onnx-proto')}`]);
    const onnx = ok('npx', ['phaser-distill', 'export', '--run', runDir, '--student', 's16-int8', '--out', 'catch/s16-int8.onnx', '--onnx', '--layout', 'mlagents']);
    expect(onnx).toMatch(/exported s16-int8 to catch\/s16-int8\.onnx \(ONNX, mlagents layout, \d+ bytes\)/);
  });

  it('in a CommonJS folder, stops with exit 2 and the one-line fix, and leaves no run folder', () => {
    // Without init's catch/package.json, the project's own (npm init -y: CommonJS) decides.
    const marker = join(project, 'catch', 'package.json');
    renameSync(marker, marker + '.off');
    const runs = readdirSync(join(project, 'runs')).length;
    try {
      const r = sh('npx', ['phaser-distill', 'train', 'catch/tiny.yaml'], project);
      expect(r.status, r.out).toBe(2);
      expect(r.out).toMatch(/loaded as CommonJS[\s\S]*npm pkg set type=module/);
    } finally {
      renameSync(marker + '.off', marker);
    }
    expect(readdirSync(join(project, 'runs')).length).toBe(runs);
  });

  describe('the page, built for production', () => {
    let server: PreviewServer | undefined;
    beforeAll(() => {
      ok('npm', ['install', '--prefer-offline', '--no-audit', '--no-fund', '-D', `vite@${installed('vite')}`]);
      ok('npx', ['vite', 'build']);
    }, 300_000);
    afterAll(async () => server?.close());

    it('carries no TensorFlow.js, and in Chromium the student moves the paddle', async () => {
      const assets = join(project, 'dist', 'assets');
      const js = readdirSync(assets).filter((f) => f.endsWith('.js'));
      expect(js.length).toBeGreaterThan(0);
      for (const f of js) expect(readFileSync(join(assets, f), 'utf8').includes('tfjsflags'), f).toBe(false);

      server = await preview({ root: project, logLevel: 'error', preview: { host: '127.0.0.1', port: 0 } });
      const browser = await launchChromium();
      try {
        const page = await browser.newPage();
        const errors: string[] = [];
        page.on('pageerror', (e) => errors.push(e.message));
        await page.goto(server.resolvedUrls!.local[0]!);
        await page.waitForFunction(() => /the AI plays/.test(document.getElementById('status')?.textContent ?? ''), undefined, { timeout: 60_000 });
        type Catch = { game: { scene: { getScene(k: string): { paddle: { x: number }; ai: { steps: number } } } } };
        const sample = () => page.evaluate(() => {
          const scene = (window as unknown as Catch).game.scene.getScene('catch');
          return { x: scene.paddle.x, steps: scene.ai.steps };
        });
        // Paddle positions at 12 moments half a second of game time apart (by the game's clock, not by sleeping).
        const xs: number[] = [];
        for (let k = 0; k < 12; k++) {
          const { steps } = await sample();
          await page.waitForFunction((s) => (window as unknown as Catch).game.scene.getScene('catch').ai.steps >= s + 30, steps, { timeout: 60_000 });
          xs.push((await sample()).x);
        }
        expect(new Set(xs.map((x) => Math.round(x))).size).toBeGreaterThan(3);
        expect(errors).toEqual([]);
      } finally {
        await browser.close();
      }
    });
  });
});
