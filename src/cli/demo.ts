/**
 * `phaser-distill demo <file or folder>`: reads recorded play (src/run/demos.ts, one file or a
 * folder's files merged) and prints what it holds: files, episodes, steps, returns, spaces.
 */
import type { BoxSpace, Space } from '../env/spaces.js';
import { readDemos } from '../run/demos.js';
import { EXIT } from '../config/errors.js';

type Log = (line: string) => void;

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
  // A loop, not Math.min(...returns): a spread of some 125k arguments overflows the stack.
  const range = returns.length ? ` (min ${returns.reduce((a, b) => Math.min(a, b))}, max ${returns.reduce((a, b) => Math.max(a, b))})` : '';
  log(`agent '${demo.agent}': ${count(files.length, 'file')}, ${count(demo.episodes.length, 'episode')}, ${count(demo.rewards.length, 'step')}, mean return ${mean}${range}`);
  log(`observation: ${describeSpace(demo.observationSpace)}`);
  log(`action: ${describeSpace(demo.actionSpace)}`);
  log(`decision period: ${count(demo.decisionPeriod, 'simulation step')}`);
  return EXIT.ok;
}
