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
