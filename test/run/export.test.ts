/**
 * `phaser-distill export` refusing what it cannot export: every refusal exits 2 with a message
 * naming the flag, the file and the fault, never a stack trace, and leaves no temporary file or
 * folder behind; a student is checked as a game's loader checks it before it is copied.
 */
import { copyFileSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { main } from '../../src/cli/main.js';
import { SyncVectorEnv } from '../../src/env/index.js';
import { PpoTrainer, defaultPpoConfig, initBackend, serializeCheckpoint } from '../../src/train/index.js';
import { MatchEnv } from '../helpers/tiny-envs.js';

const dir = mkdtempSync(join(tmpdir(), 'pd-export-'));
const run = join(dir, 'run');
afterAll(() => rmSync(dir, { recursive: true, force: true }));
afterEach(() => vi.restoreAllMocks());

beforeAll(async () => {
  await initBackend('wasm');
  const trainer = new PpoTrainer(new SyncVectorEnv([new MatchEnv(), new MatchEnv()]), { ...defaultPpoConfig, numEnvs: 2, numSteps: 8, totalTimesteps: 16 });
  const files = await serializeCheckpoint(trainer);
  trainer.dispose();
  mkdirSync(join(run, 'teacher'), { recursive: true });
  for (const f of ['model.json', 'weights.bin', 'run.json']) writeFileSync(join(run, 'teacher', f), files[f]!);
  mkdirSync(join(run, 'students'));
  copyFileSync('assets/policies/pong/s16-int8.json', join(run, 'students', 's16-int8.json'));
  writeFileSync(join(run, 'students', 'cut-int8.json'), readFileSync('assets/policies/pong/s16-int8.json', 'utf8').slice(0, 300));
  const wrong = JSON.parse(readFileSync('assets/policies/pong/s16-int8.json', 'utf8')) as { layers: { weights: string }[] };
  wrong.layers[0]!.weights = 'AAAA';
  writeFileSync(join(run, 'students', 'short-int8.json'), JSON.stringify(wrong));
  mkdirSync(join(run, 'students', 'folder-int8.json'));
});

async function cli(...args: string[]): Promise<{ code: number; err: string }> {
  const err: string[] = [];
  vi.spyOn(console, 'log').mockImplementation(() => undefined);
  vi.spyOn(console, 'error').mockImplementation((line: string) => void err.push(line));
  const code = await main(['export', '--run', run, ...args]);
  vi.restoreAllMocks();
  return { code, err: err.join('\n') };
}

/** Every path under `root`, folders with a trailing '/'. */
function tree(root: string): string[] {
  return readdirSync(root, { withFileTypes: true, recursive: true }).map((e) => join(e.parentPath, e.name).slice(root.length + 1) + (e.isDirectory() ? '/' : '')).sort();
}

describe('phaser-distill export refusals', () => {
  it('exports a checked student and the teacher, byte for byte', async () => {
    expect(await cli('--student', 's16-int8', '--out', join(dir, 'ok', 's16.json'))).toEqual({ code: 0, err: '' });
    expect(readFileSync(join(dir, 'ok', 's16.json'), 'utf8')).toBe(readFileSync('assets/policies/pong/s16-int8.json', 'utf8'));
    expect(await cli('--teacher', '--out', join(dir, 'ok', 'teacher'))).toEqual({ code: 0, err: '' });
    expect(readdirSync(join(dir, 'ok', 'teacher')).sort()).toEqual(['model.json', 'run.json', 'weights.bin']);
  });

  it('refuses bad inputs with exit 2, naming the flag, the file and the fault, with no stack trace and nothing left behind', async () => {
    const out = join(dir, 'out');
    mkdirSync(out);
    writeFileSync(join(out, 'a-file'), 'x');
    mkdirSync(join(out, 'teacher', 'model.json', 'inside'), { recursive: true });
    const before = tree(dir);
    const cases: [string[], RegExp][] = [
      [['--student', 'cut-int8', '--out', join(out, 'x.json')], /^config error in --student: .*cut-int8\.json: \(document\): expected JSON text/],
      [['--student', 'short-int8', '--out', join(out, 'x.json')], /^config error in --student: .*short-int8\.json: layers\[0\]\.weights: expected \d+ bytes/],
      [['--student', 'folder-int8', '--out', join(out, 'x.json')], /^config error in --student: .*folder-int8\.json: cannot be read \(EISDIR/],
      [['--student', '../teacher/run', '--out', join(out, 'x.json')], /^config error in --student: '\.\.\/teacher\/run' is not a student's name/],
      [['--student', 's99-int8', '--out', join(out, 'x.json')], /no such student \(students in this run: cut-int8, folder-int8, s16-int8, short-int8\)/],
      [['--student', 's16-int8', '--out', join(out, 'a-file', 'x.json')], /^config error in --out: .*a-file\/x\.json: cannot be written \(E(NOTDIR|EXIST)/],
      [['--student', 's16-int8', '--out', out], /^config error in --out: .*: a folder is there, and this export is one file/],
      [['--teacher', '--out', join(out, 'a-file')], /^config error in --out: .*a-file: a file is there, and a teacher is a folder/],
      // The rename onto a folder fails after the temporary files are written: they are removed.
      [['--teacher', '--out', join(out, 'teacher')], /^config error in --out: .*teacher: cannot be written \(E(ISDIR|NOTEMPTY|EXIST)/],
      [['--student', 'cut-int8', '--out', join(out, 'x.onnx'), '--onnx'], /^config error in --student: .*cut-int8\.json: \(document\)/],
      [['--student', 's16-int8', '--out', join(out, 'a-file', 'x.onnx'), '--onnx'], /^config error in --out: .*cannot be written \(E(NOTDIR|EXIST)/],
    ];
    for (const [args, message] of cases) {
      const r = await cli(...args);
      expect(r.code, args.join(' ')).toBe(2);
      expect(r.err, args.join(' ')).toMatch(message);
      expect(r.err, args.join(' ')).not.toMatch(/\n\s+at /);
    }
    expect(await main(['export', '--run', join(dir, 'nowhere'), '--teacher', '--out', join(out, 't')])).toBe(2);
    // A teacher whose weights are cut short or zero-length: refused naming weights.bin, plain and ONNX.
    const weights = join(run, 'teacher', 'weights.bin');
    const whole = readFileSync(weights);
    for (const cut of [whole.subarray(0, 10), new Uint8Array(0)]) {
      writeFileSync(weights, cut);
      for (const args of [['--teacher', '--out', join(out, 't2')], ['--teacher', '--out', join(out, 't2.onnx'), '--onnx']]) {
        const r = await cli(...args);
        expect(r.code, args.join(' ')).toBe(2);
        expect(r.err).toMatch(/^config error in --teacher: .*teacher: weights\.bin: \d+ bytes/);
      }
    }
    writeFileSync(weights, whole);
    rmSync(join(run, 'teacher', 'run.json'));
    const r = await cli('--teacher', '--out', join(out, 't3'));
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/^config error in --teacher: .*run\.json: cannot be read \(ENOENT/);
    expect(tree(dir)).toEqual(before.filter((p) => p !== 'run/teacher/run.json'));
  });
});
