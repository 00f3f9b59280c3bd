/**
 * Fuzzed student files: the shipped students and two made here (multi-discrete and box actions),
 * each broken by one to three random mutations of its JSON (a field deleted or replaced by an odd
 * value, an array grown or cut, a base64 string damaged, the text cut short or a character
 * changed), all from one seed. `judgePolicyFiles` loads them in a child process in development and
 * in production mode and plays each accepted file; `policyFuzzStats` counts what went wrong.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { allPaths } from './json-paths.js';
import { Rng, box, multiDiscrete } from '../../src/env/index.js';
import type { PolicyFile } from '../../src/policy/index.js';
import { randomPolicy } from '../../test/helpers/random-policy.js';

const root = fileURLToPath(new URL('../..', import.meta.url));

/** The shipped students, and a multi-discrete and a box student with random weights. */
export function basePolicyFiles(): PolicyFile[] {
  const shipped = ['balance', 'pong'].flatMap((game) => {
    const dir = join(root, 'assets/policies', game);
    return readdirSync(dir).filter((f) => /^s\d+-(float32|int8)\.json$/.test(f)).map((f) => JSON.parse(readFileSync(join(dir, f), 'utf8')) as PolicyFile);
  });
  const multi = randomPolicy({ obsSize: 5, hidden: [8], outputs: 5, actionSpace: multiDiscrete([3, 2]), dtype: 'int8', seed: 11 });
  const cont = randomPolicy({ obsSize: 3, hidden: [6], outputs: 2, actionSpace: box([2], -1, 1), normalize: false, seed: 12 });
  return [...shipped, multi, cont];
}

const ODD_VALUES: unknown[] = [null, -1, 0, 1, 2.5, -0.5, 1e6, 1e300, -1e300, 'x', '', 'tanh', 'int8', true, false, [], [0], [1, 2], {}, { type: 'box' }, 16385, 1 << 21];

/** `count` fuzzed files (JSON text) made from `bases`. */
export function fuzzPolicyFiles(bases: readonly PolicyFile[], count: number, seed: number): string[] {
  const rng = new Rng(seed);
  const out: string[] = [];
  for (let k = 0; k < count; k++) {
    const doc = JSON.parse(JSON.stringify(bases[k % bases.length])) as unknown;
    let text: string | null = null;
    const n = 1 + rng.int(3);
    for (let m = 0; m < n && text === null; m++) {
      const kind = rng.int(10);
      if (kind === 8 || kind === 9) {
        const s = JSON.stringify(doc);
        const at = rng.int(s.length);
        text = kind === 8 ? s.slice(0, at) : s.slice(0, at) + String.fromCharCode(32 + rng.int(95)) + s.slice(at + 1);
        break;
      }
      const paths = allPaths(doc);
      const [parent, key] = paths[rng.int(paths.length)]!;
      const value = (parent as Record<string, unknown>)[key];
      if (kind <= 1) {
        if (Array.isArray(parent)) parent.splice(Number(key), 1);
        else delete (parent as Record<string, unknown>)[key];
      } else if (kind <= 4) {
        (parent as Record<string, unknown>)[key] = structuredClone(ODD_VALUES[rng.int(ODD_VALUES.length)]);
      } else if (kind === 5 && Array.isArray(value)) {
        if (rng.float() < 0.5) value.pop();
        else value.push(structuredClone(value[0] ?? 0));
      } else if (kind === 6 && typeof value === 'string' && value.length > 0) {
        const at = rng.int(value.length);
        const chars = 'AB/+=!9z';
        (parent as Record<string, unknown>)[key] = rng.float() < 0.5 ? value.slice(0, at) : value.slice(0, at) + chars[rng.int(chars.length)] + value.slice(at + 1);
      } else if (typeof value === 'number') {
        (parent as Record<string, unknown>)[key] = [value * -1, value + 1, value * 1e30, value - 0.5, 0][rng.int(5)];
      } else {
        (parent as Record<string, unknown>)[`extra${rng.int(5)}`] = structuredClone(ODD_VALUES[rng.int(ODD_VALUES.length)]);
      }
    }
    out.push(text ?? JSON.stringify(doc));
  }
  return out;
}

/** What loading and playing one file did: refused with a PolicyFileError naming a field, accepted, or something worse. */
export interface LoadOutcome {
  accepted: boolean;
  /** A crash: an error that is not a PolicyFileError naming a field, at load or in play. */
  crash: string | null;
  /** An accepted file played an action outside its action space. */
  badAction: string | null;
}

/** Loads and plays every file in a child process with NODE_ENV set to `mode` (the policy modules read it once, at import). */
export async function judgePolicyFiles(files: readonly string[], mode: 'development' | 'production'): Promise<LoadOutcome[]> {
  const dir = mkdtempSync(join(tmpdir(), 'pd-fuzz-'));
  try {
    writeFileSync(join(dir, 'in.json'), JSON.stringify(files));
    const worker = fileURLToPath(new URL('./policy-worker.ts', import.meta.url));
    await new Promise<void>((resolve, reject) => {
      const child = spawn(process.execPath, ['--import', 'tsx', worker, join(dir, 'in.json'), join(dir, 'out.json')], { cwd: root, env: { ...process.env, NODE_ENV: mode }, stdio: ['ignore', 'inherit', 'inherit'] });
      child.on('error', reject);
      child.on('exit', (code) => (code === 0 ? resolve() : reject(new Error(`policy worker (${mode}) exited with ${code}`))));
    });
    return JSON.parse(readFileSync(join(dir, 'out.json'), 'utf8')) as LoadOutcome[];
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

export interface PolicyFuzzStats {
  fuzzed_files: number;
  accepted_development: number;
  accepted_production: number;
  loader_crashes: number;
  loader_bad_accepts_development: number;
  loader_bad_accepts_production: number;
  /** A few of the problems, for a failing test to show. */
  examples: string[];
}

/** Fuzzes `count` files and judges them in both modes. A bad accept: production takes a file development refuses, or an accepted file plays outside its action space. */
export async function policyFuzzStats(count: number, seed: number): Promise<PolicyFuzzStats> {
  const files = fuzzPolicyFiles(basePolicyFiles(), count, seed);
  const [dev, prod] = await Promise.all([judgePolicyFiles(files, 'development'), judgePolicyFiles(files, 'production')]);
  const examples: string[] = [];
  const note = (i: number, what: string) => void (examples.length < 5 && examples.push(`file ${i}: ${what}: ${files[i]!.slice(0, 300)}`));
  let crashes = 0;
  let badDev = 0;
  let badProd = 0;
  files.forEach((_, i) => {
    const d = dev[i]!;
    const p = prod[i]!;
    if (d.crash || p.crash) {
      crashes++;
      note(i, `crash: ${d.crash ?? p.crash}`);
    }
    if (d.badAction) {
      badDev++;
      note(i, `development played ${d.badAction}`);
    }
    if (p.accepted && (!d.accepted || p.badAction)) {
      badProd++;
      note(i, p.badAction ? `production played ${p.badAction}` : 'production accepted what development refused');
    }
  });
  return {
    fuzzed_files: files.length,
    accepted_development: dev.filter((o) => o.accepted).length,
    accepted_production: prod.filter((o) => o.accepted).length,
    loader_crashes: crashes,
    loader_bad_accepts_development: badDev,
    loader_bad_accepts_production: badProd,
    examples,
  };
}
