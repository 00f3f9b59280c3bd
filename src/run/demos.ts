/**
 * Reads recorded play from disk: a `.demo` file (src/demo/demo-file.ts), or every `.demo` file in a
 * folder (sessions and players side by side), merged into one demo of one agent. Files of another
 * agent, or of other spaces, are refused with the difference named. Training with BC, imitation and
 * the `demo` command read demos through this.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { DemoFileError, decodeDemo, mergeDemos, type Demo } from '../demo/index.js';

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

/**
 * Demos to learn from (imitation, BC beside PPO): read as `readDemos` reads them, then refused,
 * naming the path, if they hold no decision or observations whose spread a policy file's float32
 * normalisation cannot hold (a variance beyond float32), which would train and then fail at export.
 */
export function readDemosToLearn(pathOrFolder: string): ReadDemos {
  const read = readDemos(pathOrFolder);
  const { demo } = read;
  const steps = demo.rewards.length;
  if (steps === 0) throw new DemoFileError(`${pathOrFolder}: steps: 0 decisions in ${read.files.length} file(s), nothing to learn from`);
  const size = demo.observations.length / steps;
  for (let k = 0; k < size; k++) {
    let sum = 0;
    let squares = 0;
    for (let s = 0; s < steps; s++) {
      const v = demo.observations[s * size + k]!;
      sum += v;
      squares += v * v;
    }
    const mean = sum / steps;
    const variance = squares / steps - mean * mean;
    if (!(Number.isFinite(variance) && Math.abs(variance) <= FLOAT32_MAX)) {
      throw new DemoFileError(`${pathOrFolder}: observations: element ${k} spreads too far for a policy file's float32 normalisation (variance ${variance}): record values of a smaller scale`);
    }
  }
  return read;
}
