/** Run folders: `runs/{game}__{name}__{seed}__{time}/`, and the files in them. Node only. */
import { appendFileSync, copyFileSync, existsSync, mkdirSync, readFileSync, renameSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import type { RunConfig } from '../config/run-config.js';
import { ConfigError } from '../config/errors.js';

/** Makes a new run folder; runs of one config started in the same second get `-2`, `-3`, ... */
export function newRunDir(config: RunConfig, now = new Date()): string {
  const time = now.toISOString().replace(/\.\d+Z$/, '').replace(/:/g, '-');
  const base = join(config.runsDir, `${config.game}__${config.name}__${config.seed}__${time}`);
  try {
    makeDir(config.runsDir);
  } catch (e) {
    throw new ConfigError(`config.runsDir: ${resolve(config.runsDir)}: cannot be made (${(e as Error).message})`);
  }
  for (let k = 1; ; k++) {
    const dir = k === 1 ? base : `${base}-${k}`;
    try {
      // Not recursive: it fails if the folder exists, so two runs never share one.
      mkdirSync(dir);
      return dir;
    } catch (e) {
      if ((e as { code?: string }).code !== 'EEXIST') throw new ConfigError(`config.runsDir: ${resolve(dir)}: cannot be made (${(e as Error).message})`);
    }
  }
}

/**
 * Makes a folder and the folders above it that are missing, one at a time; returns the topmost one
 * made (undefined if none). Node's own recursive mkdir spins forever under /proc, where making a
 * folder fails with ENOENT while its parent exists; here that fails at once.
 */
export function makeDir(path: string): string | undefined {
  const missing: string[] = [];
  for (let p = resolve(path); !existsSync(p); p = dirname(p)) {
    missing.push(p);
    if (dirname(p) === p) break;
  }
  missing.reverse();
  const top = missing.length ? dirname(missing[0]!) : resolve(path);
  if (!statSync(top).isDirectory()) throw Object.assign(new Error(`ENOTDIR: not a directory, mkdir '${missing[0] ?? top}'`), { code: 'ENOTDIR', path: top });
  for (const dir of missing) {
    try {
      mkdirSync(dir);
    } catch (e) {
      // Made meanwhile by another process: fine, if it is a folder.
      if ((e as { code?: string }).code !== 'EEXIST' || !statSync(dir).isDirectory()) throw e;
    }
  }
  return missing[0];
}

/** Writes a file so that a kill at any instant leaves the old content or the new, never a part: a temporary file, then a rename. */
export function writeFileAtomic(path: string, data: string | Uint8Array): void {
  const tmp = `${path}.tmp-${process.pid}`;
  naming(tmp, () => writeFileSync(tmp, data));
  renameSync(tmp, path);
}

/** Runs `write`; a file system error it throws names `path` (a failed write(2), ENOSPC among them, names none). */
function naming(path: string, write: () => void): void {
  try {
    write();
  } catch (e) {
    const err = e as NodeJS.ErrnoException;
    if (err?.code && !err.path) err.path = path;
    throw e;
  }
}

/** Copies a file the same way: to a temporary file beside the target, then a rename. */
export function copyFileAtomic(from: string, to: string): void {
  const tmp = `${to}.tmp-${process.pid}`;
  copyFileSync(from, tmp);
  renameSync(tmp, to);
}

export function writeJson(path: string, value: unknown): void {
  writeFileAtomic(path, JSON.stringify(value, null, 2) + '\n');
}

export function readJson<T>(path: string): T {
  return JSON.parse(readFileSync(path, 'utf8')) as T;
}

export function appendJsonl(path: string, rows: readonly unknown[]): void {
  if (rows.length) naming(path, () => appendFileSync(path, rows.map((r) => JSON.stringify(r)).join('\n') + '\n'));
}

export function readJsonl<T>(path: string): T[] {
  if (!existsSync(path)) return [];
  return readFileSync(path, 'utf8').split('\n').filter(Boolean).map((l) => JSON.parse(l) as T);
}

/**
 * Drops the lines of a JSONL or CSV file that `keep` rejects: rows written after the checkpoint a
 * run resumes from would otherwise appear twice. A line `keep` cannot read (it throws: a line cut
 * short by a kill or a full disk) is dropped too; the count of those is returned. The file is
 * rewritten to a temporary file and renamed over the old one, so a kill meanwhile leaves the old
 * content whole.
 */
export function filterLines(path: string, keep: (line: string, index: number) => boolean): number {
  if (!existsSync(path)) return 0;
  const lines = readFileSync(path, 'utf8').split('\n').filter(Boolean);
  let torn = 0;
  const kept = lines.filter((line, i) => {
    try {
      return keep(line, i);
    } catch {
      torn += 1;
      return false;
    }
  });
  writeFileAtomic(path, kept.map((l) => l + '\n').join(''));
  return torn;
}
