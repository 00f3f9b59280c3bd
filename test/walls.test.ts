/**
 * The walls of DESIGN.md, checked on the import graph (static imports, followed transitively):
 * src/env, src/policy, src/sensors and src/demo reach neither TensorFlow.js nor Phaser; nothing in src/ reaches Phaser;
 * plugin/ never reaches TensorFlow.js (on-demand imports count), nor does the fused learner
 * (src/train/fused, with the rollout forward and the Learner seam); neither reaches planck (the
 * Lander's physics); no static import cycle exists in src/ or plugin/; and the rooms of src/ form
 * layers (ROOMS below), each importing only rooms of its own layer or below, so the command line
 * sits on the run pipeline, the pipeline on the learners, and nothing reaches back up.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const root = fileURLToPath(new URL('..', import.meta.url));

function sources(dir: string): string[] {
  return readdirSync(join(root, dir), { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? sources(join(dir, e.name)) : e.name.endsWith('.ts') ? [join(dir, e.name)] : [],
  );
}

/** Static runtime imports of a file: `import type` and `export type` are erased and do not count. */
function importsOf(file: string): string[] {
  const text = readFileSync(join(root, file), 'utf8');
  return [...text.matchAll(/^\s*(import|export)\s+(type\s+)?(?:[^'";]*?\s+from\s+)?['"]([^'"]+)['"]/gm)]
    .filter((m) => !m[2])
    .map((m) => m[3]!);
}

/** Modules a file loads on demand with `import('...')`: they count for what a layer reaches. */
function dynamicImportsOf(file: string): string[] {
  const text = readFileSync(join(root, file), 'utf8');
  return [...text.matchAll(/\bimport\(\s*(?:\/\*.*?\*\/\s*)?['"]([^'"]+)['"]/g)].map((m) => m[1]!);
}

/** A local import as a repo path (`./x.js` -> `dir/x.ts`), or the package name as written. */
function target(file: string, spec: string): string {
  if (!spec.startsWith('.')) return spec;
  const path = relative(root, resolve(root, dirname(file), spec)).replace(/\.js$/, '.ts');
  if (!existsSync(join(root, path))) throw new Error(`${file}: import '${spec}' resolves to no file`);
  return path;
}

const files = [...sources('src'), ...sources('plugin')];
const graph = new Map(files.map((f) => [f, importsOf(f).map((s) => target(f, s))]));
const loads = new Map(files.map((f) => [f, [...graph.get(f)!, ...dynamicImportsOf(f).map((s) => target(f, s))]]));

/** Every module (local file or package) reachable from the files under `dir`, loaded at once or on demand. */
function reachable(dir: string): Set<string> {
  return reachableFrom(files.filter((f) => f.startsWith(dir + '/')));
}

/** Every module reachable from the given files, themselves included. */
function reachableFrom(start: string[]): Set<string> {
  const seen = new Set<string>();
  const stack = [...start];
  while (stack.length) {
    const f = stack.pop()!;
    if (seen.has(f)) continue;
    seen.add(f);
    for (const t of loads.get(f) ?? []) if (!seen.has(t)) stack.push(t);
  }
  return seen;
}

/**
 * The rooms of src/, bottom layer first. A room may import rooms of its own layer and the layers
 * below it, never above: a new room must be placed here (a test fails on a room that is not).
 */
const ROOMS: readonly (readonly string[])[] = [
  ['env', 'policy', 'sensors', 'demo'], // the engine-free core; policy is what ships in a game
  ['train', 'distill'], // the learners, on TensorFlow.js
  ['config'], // the run config, its strict parsing and errors, the env module it names
  ['parallel'], // worker-thread rollouts
  ['run'], // run folders and the train / distil / evaluate / export pipeline
  ['sweep', 'ladder'], // many runs (sweeps), difficulty ladders
  ['cli'], // the command line: arguments, commands, exit codes
];
const layerOf = (room: string) => ROOMS.findIndex((layer) => layer.includes(room));
const roomOf = (file: string) => /^src\/([^/]+)\//.exec(file)?.[1] ?? null;

const tfjs = (m: string) => m.startsWith('@tensorflow/');
const phaser = (m: string) => m === 'phaser' || m.startsWith('phaser/');

describe('import walls', () => {
  it('reads a real graph', () => {
    expect(graph.size).toBeGreaterThan(40);
    expect([...reachable('src/train')].some(tfjs)).toBe(true);
    expect([...reachable('plugin')].some(phaser)).toBe(true);
  });

  it('src/env, src/policy, src/sensors and src/demo reach neither TensorFlow.js nor Phaser', () => {
    for (const dir of ['src/env', 'src/policy', 'src/sensors', 'src/demo']) expect([...reachable(dir)].filter((m) => tfjs(m) || phaser(m)), dir).toEqual([]);
  });

  it('src/policy reaches nothing outside src/env and src/policy', () => {
    expect([...reachable('src/policy')].filter((m) => !/^src\/(env|policy)\//.test(m))).toEqual([]);
  });

  it("nothing in src/ or plugin/ reaches planck (the Lander's engine, for its page alone)", () => {
    expect([...reachable('src'), ...reachable('plugin')].filter((m) => m === 'planck' || m.startsWith('planck/'))).toEqual([]);
  });

  it('nothing in src/ reaches Phaser or plugin/', () => {
    expect([...reachable('src')].filter((m) => phaser(m) || m.startsWith('plugin/'))).toEqual([]);
  });

  it('the fused learner (src/train/fused) and the rollout forward reach no TensorFlow.js', () => {
    expect(files.filter((f) => f.startsWith('src/train/fused/')).length).toBeGreaterThan(2);
    const seen = reachableFrom([...files.filter((f) => f.startsWith('src/train/fused/')), 'src/train/rollout-net.ts', 'src/train/learner.ts']);
    expect(seen.has('src/policy/mlp.ts')).toBe(true);
    expect([...seen].filter(tfjs)).toEqual([]);
  });

  it('plugin/ never reaches TensorFlow.js', () => {
    expect([...reachable('plugin')].filter(tfjs)).toEqual([]);
  });

  it('every room of src/ has a layer, and imports (at once or on demand) reach no room above its own', () => {
    const rooms = readdirSync(join(root, 'src'), { withFileTypes: true }).filter((e) => e.isDirectory()).map((e) => e.name);
    expect(rooms.filter((r) => layerOf(r) < 0), 'rooms missing from ROOMS').toEqual([]);
    const upward: string[] = [];
    for (const [file, targets] of loads) {
      const from = roomOf(file);
      if (!from) continue;
      for (const t of targets) {
        const to = roomOf(t);
        if (to && layerOf(to) > layerOf(from)) upward.push(`${file} -> ${t}`);
      }
    }
    expect(upward).toEqual([]);
    // The graph is real: the command line reaches the pipeline, and the pipeline the learners.
    expect([...reachable('src/cli')].some((m) => m.startsWith('src/run/'))).toBe(true);
    expect([...reachable('src/run')].some((m) => m.startsWith('src/train/'))).toBe(true);
  });

  it('has no import cycles', () => {
    const state = new Map<string, 'open' | 'done'>();
    const cycles: string[] = [];
    const visit = (f: string, path: string[]) => {
      if (state.get(f) === 'done') return;
      if (state.get(f) === 'open') {
        cycles.push([...path.slice(path.indexOf(f)), f].join(' -> '));
        return;
      }
      state.set(f, 'open');
      for (const t of graph.get(f) ?? []) if (graph.has(t)) visit(t, [...path, f]);
      state.set(f, 'done');
    };
    for (const f of files) visit(f, []);
    expect(cycles).toEqual([]);
  });
});
