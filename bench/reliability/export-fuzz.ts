/**
 * Refused exports: `phaser-distill export` run as the command line runs it (`main`, its output
 * caught) on a run folder holding fuzzed student files (policy-fuzz.ts's mutations), a teacher
 * whose files are cut, zeroed or missing, student names that are paths, and --out paths that are
 * in the way, plain JSON and ONNX alike. A good outcome is exit 0 with a file a game's loader
 * takes, or exit 2 with one message and no stack trace; and either way no temporary file or
 * folder left behind. Exit 1 or a stack trace counts as a stack trace; an exported student the
 * loader refuses counts as a bad accept.
 */
import { cpSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { basePolicyFiles, fuzzPolicyFiles } from './policy-fuzz.js';
import { Rng, SyncVectorEnv } from '../../src/env/index.js';
import { decodePolicyFile } from '../../src/policy/index.js';
import { PpoTrainer, defaultPpoConfig, initBackend, serializeCheckpoint } from '../../src/train/index.js';
import { main } from '../../src/cli/main.js';
import { MatchEnv } from '../../test/helpers/tiny-envs.js';

const root = fileURLToPath(new URL('../..', import.meta.url));

export interface ExportFuzzStats {
  export_cases: number;
  export_ok: number;
  export_refused: number;
  export_stack_traces: number;
  export_bad_accepts: number;
  export_leftovers: number;
  examples: string[];
}

/** Every path under `dir`, folders with a trailing '/'. */
function tree(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true, recursive: true }).map((e) => join(e.parentPath, e.name).slice(dir.length + 1) + (e.isDirectory() ? '/' : '')).sort();
}

async function cli(args: string[]): Promise<{ code: number; err: string }> {
  const err: string[] = [];
  const { log, error } = console;
  console.log = () => undefined;
  console.error = (line: string) => void err.push(String(line));
  try {
    return { code: await main(['export', ...args]), err: err.join('\n') };
  } finally {
    console.log = log;
    console.error = error;
  }
}

export async function exportFuzzStats(count: number, seed: number): Promise<ExportFuzzStats> {
  const rng = new Rng(seed);
  const dir = mkdtempSync(join(tmpdir(), 'pd-export-fuzz-'));
  const stats: ExportFuzzStats = { export_cases: 0, export_ok: 0, export_refused: 0, export_stack_traces: 0, export_bad_accepts: 0, export_leftovers: 0, examples: [] };
  const note = (what: string) => {
    if (stats.examples.length < 10) stats.examples.push(what);
  };
  try {
    await initBackend('wasm');
    const run = join(dir, 'run');
    const trainer = new PpoTrainer(new SyncVectorEnv([new MatchEnv(), new MatchEnv()]), { ...defaultPpoConfig, numEnvs: 2, numSteps: 8, totalTimesteps: 16 });
    const files = await serializeCheckpoint(trainer);
    trainer.dispose();
    mkdirSync(join(run, 'teacher'), { recursive: true });
    for (const f of ['model.json', 'weights.bin', 'run.json']) writeFileSync(join(run, 'teacher', f), files[f]!);
    mkdirSync(join(run, 'students'));
    const student = readFileSync(join(root, 'assets/policies/pong/s16-int8.json'), 'utf8');
    writeFileSync(join(run, 'students', 's16-int8.json'), student);
    const out = join(dir, 'out');
    mkdirSync(out);
    writeFileSync(join(out, 'a-file'), 'x');

    const judge = async (args: string[], what: string, exported: string | null) => {
      stats.export_cases += 1;
      const before = tree(dir);
      const { code, err } = await cli(args);
      if (code === 0) {
        stats.export_ok += 1;
        if (exported && exported.endsWith('.json')) {
          try {
            decodePolicyFile(readFileSync(exported, 'utf8'), exported);
          } catch (e) {
            stats.export_bad_accepts += 1;
            note(`${what}: exported a file the loader refuses: ${(e as Error).message}`);
          }
        }
        rmSync(exported ?? '', { recursive: true, force: true });
      } else if (code === 2 && !/\n\s+at /.test(err)) {
        stats.export_refused += 1;
        const after = tree(dir);
        if (JSON.stringify(after) !== JSON.stringify(before)) {
          stats.export_leftovers += 1;
          note(`${what}: left ${after.filter((p) => !before.includes(p)).join(', ')}`);
        }
      } else {
        stats.export_stack_traces += 1;
        note(`${what}: exit ${code}: ${err.slice(0, 400)}`);
      }
    };

    // Fixed faults of the arguments and the run folder.
    const fixed: [string[], string, string | null][] = [
      [['--run', join(dir, 'nowhere'), '--student', 's16-int8', '--out', join(out, 'x.json')], 'a missing run folder', null],
      [['--run', join(out, 'a-file'), '--teacher', '--out', join(out, 't')], 'a run folder that is a file', null],
      [['--run', run, '--student', '../teacher/run', '--out', join(out, 'x.json')], 'a student name that is a path', null],
      [['--run', run, '--student', 's99-int8', '--out', join(out, 'x.json')], 'no such student', null],
      [['--run', run, '--student', 's16-int8', '--out', join(out, 'a-file', 'x.json')], 'an --out under a file', null],
      [['--run', run, '--student', 's16-int8', '--out', out], 'an --out that is a folder', null],
      [['--run', run, '--teacher', '--out', join(out, 'a-file')], 'a teacher --out that is a file', null],
      [['--run', run, '--student', 's16-int8', '--out', join(out, 'a-file', 'x.onnx'), '--onnx'], 'an ONNX --out under a file', null],
      [['--run', run, '--teacher', '--out', join(out, 't.onnx'), '--onnx', '--layout', 'unreal'], 'an unknown layout', null],
      [['--run', run, '--student', 's16-int8', '--out', '/proc/pd-nowhere/x.json'], 'an --out under /proc', null],
      [['--run', run, '--student', 's16-int8', '--out', join(out, 'ok.json')], 'a good student', join(out, 'ok.json')],
      [['--run', run, '--teacher', '--out', join(out, 'ok-teacher')], 'a good teacher', join(out, 'ok-teacher')],
    ];
    for (const [args, what, exported] of fixed) await judge(args, what, exported);

    // The teacher's files damaged one way at a time, plain and ONNX.
    const whole = join(dir, 'teacher-whole');
    cpSync(join(run, 'teacher'), whole, { recursive: true });
    const teacherFaults: [string, () => void][] = [
      ['weights.bin cut', () => writeFileSync(join(run, 'teacher', 'weights.bin'), readFileSync(join(whole, 'weights.bin')).subarray(0, 10))],
      ['weights.bin empty', () => writeFileSync(join(run, 'teacher', 'weights.bin'), '')],
      ['model.json not JSON', () => writeFileSync(join(run, 'teacher', 'model.json'), '{"modelTopology": ')],
      ['run.json missing', () => rmSync(join(run, 'teacher', 'run.json'))],
      ['run.json of another version', () => writeFileSync(join(run, 'teacher', 'run.json'), JSON.stringify({ ...JSON.parse(readFileSync(join(whole, 'run.json'), 'utf8')), version: 9 }))],
      ['the teacher folder missing', () => rmSync(join(run, 'teacher'), { recursive: true })],
      ['weights.bin a folder', () => (rmSync(join(run, 'teacher', 'weights.bin')), mkdirSync(join(run, 'teacher', 'weights.bin')))],
    ];
    for (const [what, damage] of teacherFaults) {
      for (const onnx of [false, true]) {
        damage();
        await judge(['--run', run, '--teacher', '--out', join(out, onnx ? 'teacher.onnx' : 'teacher'), ...(onnx ? ['--onnx'] : [])], `teacher: ${what}${onnx ? ' (ONNX)' : ''}`, join(out, onnx ? 'teacher.onnx' : 'teacher'));
        rmSync(join(run, 'teacher'), { recursive: true, force: true });
        cpSync(whole, join(run, 'teacher'), { recursive: true });
      }
    }
    rmSync(whole, { recursive: true });

    // Fuzzed student files, plain and ONNX.
    const texts = fuzzPolicyFiles(basePolicyFiles(), Math.max(0, count - stats.export_cases), seed);
    for (const [k, text] of texts.entries()) {
      const name = `f${k}-int8`;
      writeFileSync(join(run, 'students', `${name}.json`), text);
      const onnx = rng.float() < 0.5;
      const target = join(out, `${name}.${onnx ? 'onnx' : 'json'}`);
      await judge(['--run', run, '--student', name, '--out', target, ...(onnx ? ['--onnx'] : [])], `student ${name}${onnx ? ' (ONNX)' : ''}`, target);
      rmSync(join(run, 'students', `${name}.json`));
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  return stats;
}
