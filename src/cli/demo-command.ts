/**
 * `phaser-distill demo <file or folder>`: reads recorded play (`.demo` files, src/demo/demo-file.ts),
 * one file or every `.demo` file in a folder (sessions and players side by side), merges them into
 * one demo of one agent, and prints what it holds. Files of another agent, or of other spaces, are
 * refused with the difference named. `readDemos` is the reader later commands build on.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import type { BoxSpace, Space } from '../env/spaces.js';
import { DemoFileError, decodeDemo, mergeDemos, type Demo } from '../demo/index.js';
import { EXIT } from './errors.js';

type Log = (line: string) => void;

/** One file read. */
export interface DemoFileSummary {
  path: string;
  agent: string;
  episodes: number;
  steps: number;
}

export interface ReadDemos {
  /** Every file's episodes, in the files' order. */
  demo: Demo;
  /** The files, in the order merged (a folder's by name). */
  files: DemoFileSummary[];
}

/**
 * Reads a `.demo` file, or every `.demo` file in a folder (not its subfolders), and merges them.
 * A DemoFileError names the path and what is wrong: no such path, no demo files, a damaged file
 * (and the field), or files from different agents or spaces (and what differs).
 */
export function readDemos(pathOrFolder: string): ReadDemos {
  let folder: boolean;
  try {
    folder = statSync(pathOrFolder).isDirectory();
  } catch {
    throw new DemoFileError(`${pathOrFolder}: no such file or folder`);
  }
  const paths = folder
    ? readdirSync(pathOrFolder, { withFileTypes: true }).filter((e) => e.isFile() && e.name.endsWith('.demo')).map((e) => join(pathOrFolder, e.name)).sort()
    : [pathOrFolder];
  if (paths.length === 0) throw new DemoFileError(`${pathOrFolder}: no .demo files in this folder`);
  const demos = paths.map((p) => decodeDemo(new Uint8Array(readFileSync(p)), p));
  const demo = mergeDemos(demos, paths);
  return { demo, files: demos.map((d, i) => ({ path: paths[i]!, agent: d.agent, episodes: d.episodes.length, steps: d.rewards.length })) };
}

const FLOAT32_MAX = 3.4028234663852886e38;
const count = (n: number, what: string) => `${n} ${what}${n === 1 ? '' : 's'}`;
const bound = (v: number) => (v >= FLOAT32_MAX ? 'inf' : v <= -FLOAT32_MAX ? '-inf' : String(v));

/** A space in one line: `box [7] in [-1, 1]`, `discrete 3`, `multi-discrete [3, 2]`. */
export function describeSpace(space: Space): string {
  if (space.type === 'discrete') return `discrete ${space.n}`;
  if (space.type === 'multi-discrete') return `multi-discrete [${space.nvec.join(', ')}]`;
  return `box [${space.shape.join(', ')}] ${describeBounds(space)}`;
}

function describeBounds(space: BoxSpace): string {
  const same = (xs: readonly number[]) => xs.every((x) => x === xs[0]);
  if (same(space.low) && same(space.high)) return `in [${bound(space.low[0]!)}, ${bound(space.high[0]!)}]`;
  return `in [${space.low.map(bound).join(', ')}] .. [${space.high.map(bound).join(', ')}]`;
}

/** Prints what `pathOrFolder` holds. A file that cannot be read or merged throws a DemoFileError (exit 2 from the command line). */
export function runDemo(pathOrFolder: string, log: Log = console.log): number {
  const read = readDemos(pathOrFolder);
  const { demo, files } = read;
  if (files.length > 1) for (const f of files) log(`${f.path}: ${count(f.episodes, 'episode')}, ${count(f.steps, 'step')}`);
  const returns = demo.episodes.map((e) => e.return);
  const mean = returns.length ? (returns.reduce((a, b) => a + b, 0) / returns.length).toFixed(3) : '-';
  const range = returns.length ? ` (min ${Math.min(...returns)}, max ${Math.max(...returns)})` : '';
  log(`agent '${demo.agent}': ${count(files.length, 'file')}, ${count(demo.episodes.length, 'episode')}, ${count(demo.rewards.length, 'step')}, mean return ${mean}${range}`);
  log(`observation: ${describeSpace(demo.observationSpace)}`);
  log(`action: ${describeSpace(demo.actionSpace)}`);
  log(`decision period: ${count(demo.decisionPeriod, 'simulation step')}`);
  return EXIT.ok;
}
