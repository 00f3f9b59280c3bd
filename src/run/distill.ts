/**
 * `phaser-distill distill|eval|run|export`: distil a run's teacher into the config's students,
 * evaluate teacher and students side by side, or all of it after training (the quickstart); copy
 * a student or the teacher out of a run, or write it as ONNX.
 *
 * A run folder gains `students/{name}-{dtype}.json` and `report/` (Markdown, JSON, SVG); each
 * later evaluation writes the next of `report-2/`, `report-3/`, ..., so none overwrites another.
 */
import { existsSync, mkdirSync, readFileSync, readdirSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import {
  CHECKSUMS_FILE, CONV_TEACHER_NO_FILE, ONNX_LAYOUTS, checkpointProblem, checksumProblem, distill, evaluatePolicies, initBackend, loadTeacher, policyToOnnx, reportMarkdown, writeReport,
  type CheckpointFiles, type EvaluationReport, type NamedStudent, type OnnxLayout,
} from '../train/index.js';
import { runBackend } from './backend.js';
import { decodePolicyFile, type PolicyFile } from '../policy/index.js';
import { distillConfigOf, type RunConfig } from '../config/run-config.js';
import { makeRunEnv } from '../config/env-module.js';
import { behaviorRuns } from './alternate.js';
import { ConfigError, EXIT } from '../config/errors.js';
import { makeDir, writeFileAtomic } from './files.js';
import { runTrain } from './train.js';

type Log = (line: string) => void;

/** What a teacher is: the last checkpoint's model and run record (its optimizer state is for resuming). */
const TEACHER_FILES = ['model.json', 'weights.bin', 'run.json'];

function readTeacher(runDir: string): CheckpointFiles {
  const dir = join(runDir, 'teacher');
  if (!existsSync(dir)) throw new ConfigError(`--run: ${dir}: no such folder (has the teacher been trained? run 'phaser-distill train' first)`);
  return Object.fromEntries(TEACHER_FILES.map((f) => [f, new Uint8Array(readFileSync(join(dir, f)))]));
}

/**
 * Distils the run's teacher into each student of `config.distill`, as each dtype. Returns the files
 * written. An alternating run (train.alternate) has a teacher per behaviour: each is distilled in
 * its own folder, `{run}/{behavior}/students/`, on its env (the others driven by their latest policies).
 */
export async function runDistill(config: RunConfig, runDir: string, log: Log = console.log): Promise<string[]> {
  if (config.train.alternate) {
    const written: string[] = [];
    for (const b of behaviorRuns(config, runDir)) {
      log(`${b.behavior}: ${b.runDir}`);
      written.push(...(await runDistill(b.config, b.runDir, log)));
    }
    return written;
  }
  if (!config.distill) throw new Error(`the config has no 'distill' section: list the students to make (distill: { students: [{ name: s16, hidden: [16] }] })`);
  await runBackend(config.backend);
  const teacher = await loadTeacher(readTeacher(runDir), `${config.game}-teacher`);
  const env = await makeRunEnv(config, config.distill.numEnvs);
  const outDir = join(runDir, 'students');
  mkdirSync(outDir, { recursive: true });
  const written: string[] = [];
  try {
    for (const s of config.distill.students) {
      const started = performance.now();
      const student = await distill({ name: config.game, env, teacher }, distillConfigOf(config, s.hidden));
      const agreement = student.keptAgreement;
      log(`student ${s.name} (${s.hidden.join('x') || 'linear'}): held-out agreement ${agreement !== null ? (100 * agreement).toFixed(2) : '-'}%, ${((performance.now() - started) / 1000).toFixed(1)} s`);
      for (const dtype of config.distill.dtypes) {
        const path = join(outDir, `${s.name}-${dtype}.json`);
        const file = student.toPolicyFile(0, dtype, { student: s.name, teacherRun: basename(runDir) });
        writeFileAtomic(path, JSON.stringify(file));
        written.push(path);
      }
      student.dispose();
    }
  } finally {
    teacher.dispose();
    env.close();
  }
  return written;
}

/** The first of `{run}/report`, `{run}/report-2`, ... that does not exist yet. */
function newReportDir(runDir: string): string {
  for (let k = 1; ; k++) {
    const dir = join(runDir, k === 1 ? 'report' : `report-${k}`);
    if (!existsSync(dir)) return dir;
  }
}

/**
 * Evaluates the run's teacher and every student in `{run}/students` on fresh seeds; writes a new
 * report folder. An alternating run's behaviours are evaluated each in its folder (the report
 * returned is the last behaviour's).
 */
export async function runEval(config: RunConfig, runDir: string, log: Log = console.log): Promise<EvaluationReport> {
  if (config.train.alternate) {
    let report: EvaluationReport | null = null;
    for (const b of behaviorRuns(config, runDir)) {
      log(`${b.behavior}: ${b.runDir}`);
      report = await runEval(b.config, b.runDir, log);
    }
    return report!;
  }
  await runBackend(config.backend);
  const teacher = await loadTeacher(readTeacher(runDir), `${config.game}-teacher`);
  const studentDir = join(runDir, 'students');
  let names: string[] = [];
  try {
    names = readdirSync(studentDir).filter((f) => f.endsWith('.json'));
  } catch {
    // No students yet: the report has the teacher alone.
  }
  // The config's order (largest student first, as configs list them), then the rest by name.
  const order = (f: string) => {
    const k = config.distill?.students.findIndex((s) => f.startsWith(`${s.name}-`)) ?? -1;
    return k < 0 ? Infinity : k;
  };
  names.sort((a, b) => order(a) - order(b) || a.localeCompare(b));
  const students: NamedStudent[] = names.map((f) => ({ name: f.replace(/\.json$/, ''), file: JSON.parse(readFileSync(join(studentDir, f), 'utf8')) }));
  const env = await makeRunEnv(config, config.eval.numEnvs);
  try {
    const report = await evaluatePolicies(config.game, env, teacher, students, {
      episodes: config.eval.episodes,
      seed: config.eval.seed,
      latencyMs: config.eval.latencyMs,
      // Agreement as the students were trained to it.
      boxTolerance: distillConfigOf(config, []).boxTolerance,
    });
    const files = await writeReport(newReportDir(runDir), report);
    log(reportMarkdown(report));
    log(`report: ${files.join(', ')}`);
    return report;
  } finally {
    teacher.dispose();
    env.close();
  }
}

/** Train, distil, evaluate: the whole job in one run folder. */
export async function runAll(configPath: string, options: { exportResults?: boolean; log?: Log } = {}): Promise<{ exitCode: number; runDir: string; report: EvaluationReport | null }> {
  const log = options.log ?? console.log;
  const trained = await runTrain({ config: configPath }, { log });
  if (trained.interrupted) return { exitCode: trained.exitCode, runDir: trained.runDir, report: null };
  // The config the run trained with: the file may have changed during a long training.
  const config = trained.config;
  if (config.distill) await runDistill(config, trained.runDir, log);
  const report = await runEval(config, trained.runDir, log);
  if (options.exportResults === false) return { exitCode: trained.exitCode, runDir: trained.runDir, report };
  // An alternating run exports each behaviour's results into a folder of its name.
  const runs = config.train.alternate ? behaviorRuns(config, trained.runDir).map((b) => ({ dir: b.runDir, sub: b.behavior })) : [{ dir: trained.runDir, sub: '' }];
  for (const { dir, sub } of runs) {
    if (config.export?.students && existsSync(join(dir, 'students'))) {
      for (const f of readdirSync(join(dir, 'students'))) runExport(dir, { student: f.replace(/\.json$/, '') }, join(resolve(config.baseDir, config.export.students), sub, f), log);
    }
    if (config.export?.teacher) runExport(dir, { teacher: true }, join(resolve(config.baseDir, config.export.teacher), sub), log);
  }
  return { exitCode: trained.exitCode, runDir: trained.runDir, report };
}

/** Copies a run's student (or its teacher folder) to where a game loads it from, checked first; a refusal is a ConfigError and leaves nothing behind. */
export function runExport(runDir: string, what: { student: string } | { teacher: true }, out: string, log: Log = console.log): number {
  checkRunDir(runDir);
  if ('student' in what) {
    const { bytes } = readStudent(runDir, what.student);
    writeOut(out, [['', bytes]]);
  } else {
    const files = readTeacherChecked(runDir);
    if (existsSync(out) && !statSync(out).isDirectory()) throw new ConfigError(`--out: ${out}: a file is there, and a teacher is a folder (${TEACHER_FILES.join(', ')})`);
    writeOut(out, TEACHER_FILES.map((f) => [f, files[f]!]));
  }
  log(`exported to ${out}`);
  return EXIT.ok;
}

/** Writes a run's student or teacher as one ONNX file in `layout` (see src/distill/onnx.ts). */
export async function runOnnxExport(runDir: string, what: { student: string } | { teacher: true }, layout: string, out: string, log: Log = console.log): Promise<number> {
  if (!(ONNX_LAYOUTS as readonly string[]).includes(layout)) throw new ConfigError(`--layout: '${layout}' is not a layout (${ONNX_LAYOUTS.join(', ')})`);
  checkRunDir(runDir);
  let file: PolicyFile;
  let name: string;
  let source: string;
  if ('student' in what) {
    ({ file, path: source } = readStudent(runDir, what.student));
    name = what.student;
  } else {
    const files = readTeacherChecked(runDir);
    source = join(runDir, 'teacher');
    await initBackend('cpu');
    let teacher;
    try {
      teacher = await loadTeacher(files);
    } catch (e) {
      throw new ConfigError(`--teacher: ${source}: not a teacher this version can load (${(e as Error).message})`);
    }
    try {
      if (!teacher.hasPolicyFile) throw new ConfigError(`--teacher: ${source}: ${CONV_TEACHER_NO_FILE}`);
      file = teacher.policyFile();
    } finally {
      teacher.dispose();
    }
    name = 'teacher';
  }
  let bytes: Uint8Array;
  try {
    bytes = await policyToOnnx(file, layout as OnnxLayout, name);
  } catch (e) {
    throw new ConfigError(`--onnx: ${source}: cannot be written as ONNX (${(e as Error).message})`);
  }
  writeOut(out, [['', bytes]]);
  log(`exported ${name} to ${out} (ONNX, ${layout} layout, ${bytes.length} bytes)`);
  return EXIT.ok;
}

function checkRunDir(runDir: string): void {
  let folder = false;
  try {
    folder = statSync(runDir).isDirectory();
  } catch {
    // Named below.
  }
  if (!folder) throw new ConfigError(`--run: ${runDir}: no such run folder`);
}

/** The run's student `name` ({name}-{dtype}), read and checked as a game's loader checks it. */
function readStudent(runDir: string, name: string): { path: string; bytes: Uint8Array; file: PolicyFile } {
  // A name, not a path: '--student ../../x' must not reach outside the run's students.
  if (!/^[\w][\w.-]*$/.test(name)) throw new ConfigError(`--student: '${name}' is not a student's name (letters, digits, '.', '-' and '_', as {name}-{dtype})`);
  const path = studentPath(runDir, name);
  let bytes: Uint8Array;
  try {
    bytes = new Uint8Array(readFileSync(path));
  } catch (e) {
    throw new ConfigError(`--student: ${path}: cannot be read (${fault(e)})`);
  }
  try {
    return { path, bytes, file: decodePolicyFile(new TextDecoder().decode(bytes), path).file };
  } catch (e) {
    throw new ConfigError(`--student: ${(e as Error).message} (not a student policy file this version loads)`);
  }
}

/** The run's teacher files, each present and readable, weights as long as their specs and finite. */
function readTeacherChecked(runDir: string): CheckpointFiles {
  const dir = join(runDir, 'teacher');
  const files: CheckpointFiles = {};
  for (const f of TEACHER_FILES) {
    try {
      files[f] = new Uint8Array(readFileSync(join(dir, f)));
    } catch (e) {
      throw new ConfigError(`--teacher: ${join(dir, f)}: cannot be read (${fault(e)})${existsSync(dir) ? '' : ": has the teacher been trained? run 'phaser-distill train' first"}`);
    }
  }
  // The checkpoint's checksums came with the teacher's folder: they catch a file changed since.
  const sums = join(dir, CHECKSUMS_FILE);
  if (existsSync(sums)) files[CHECKSUMS_FILE] = new Uint8Array(readFileSync(sums));
  const problem = checkpointProblem(files, 'teacher') ?? checksumProblem(files, TEACHER_FILES);
  delete files[CHECKSUMS_FILE];
  if (problem) throw new ConfigError(`--teacher: ${dir}: ${problem}`);
  return files;
}

/**
 * Writes `out` (parts [['', bytes]]: the file `out`; else files in the folder `out`): each to a
 * temporary file beside it, then all renamed into place. A write that fails removes its temporary
 * files and the folders it made, and is a ConfigError naming --out and the fault.
 */
function writeOut(out: string, parts: [string, Uint8Array][]): void {
  const single = parts.length === 1 && parts[0]![0] === '';
  if (single && existsSync(out) && statSync(out).isDirectory()) throw new ConfigError(`--out: ${out}: a folder is there, and this export is one file`);
  const made: (string | undefined)[] = [];
  const tmps: string[] = [];
  try {
    made.push(makeDir(single ? dirname(resolve(out)) : out));
    const targets = parts.map(([name]) => (single ? out : join(out, name)));
    parts.forEach(([, bytes], i) => {
      const tmp = `${targets[i]}.tmp-${process.pid}`;
      tmps.push(tmp);
      writeFileSync(tmp, bytes);
    });
    tmps.forEach((tmp, i) => renameSync(tmp, targets[i]!));
  } catch (e) {
    for (const path of [...tmps, ...made]) {
      try {
        if (path) rmSync(path, { recursive: true, force: true });
      } catch {
        // Never written (its folder is not one): nothing to remove.
      }
    }
    throw new ConfigError(`--out: ${out}: cannot be written (${fault(e)})`);
  }
}

/** A file system error as its code and what it means ('EACCES: permission denied'), without a stack. */
function fault(e: unknown): string {
  const err = e as NodeJS.ErrnoException;
  return err.code ? `${err.code}: ${err.message.replace(/^\w+: /, '').replace(/, \w+ '.*'$/, '')}` : String(err.message ?? e);
}

/** The run's student file `name` ({name}-{dtype}); a ConfigError listing the run's students if there is none. */
function studentPath(runDir: string, name: string): string {
  const from = join(runDir, 'students', `${name}.json`);
  if (!existsSync(from)) {
    const have = existsSync(join(runDir, 'students')) ? readdirSync(join(runDir, 'students')).map((f) => f.replace(/\.json$/, '')) : [];
    throw new ConfigError(`--student: ${from}: no such student (students in this run: ${have.join(', ') || 'none'})`);
  }
  return from;
}
