/**
 * `phaser-distill distill|eval|run|export`: distil a run's teacher into the config's students,
 * evaluate teacher and students side by side, or all of it after training (the quickstart); copy
 * a student or the teacher out of a run, or write it as ONNX.
 *
 * A run folder gains `students/{name}-{dtype}.json` and `report/` (Markdown, JSON, SVG); each
 * later evaluation writes the next of `report-2/`, `report-3/`, ..., so none overwrites another.
 */
import { existsSync, mkdirSync, readFileSync, readdirSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import {
  ONNX_LAYOUTS, distill, evaluatePolicies, initBackend, loadTeacher, policyToOnnx, reportMarkdown, writeReport,
  type CheckpointFiles, type EvaluationReport, type NamedStudent, type OnnxLayout,
} from '../train/index.js';
import type { PolicyFile } from '../policy/index.js';
import { distillConfigOf, type RunConfig } from '../config/run-config.js';
import { makeGameEnv } from '../config/env-module.js';
import { ConfigError, EXIT } from '../config/errors.js';
import { copyFileAtomic, writeFileAtomic } from './files.js';
import { runTrain } from './train.js';

type Log = (line: string) => void;

/** What a teacher is: the last checkpoint's model and run record (its optimizer state is for resuming). */
const TEACHER_FILES = ['model.json', 'weights.bin', 'run.json'];

function readTeacher(runDir: string): CheckpointFiles {
  const dir = join(runDir, 'teacher');
  if (!existsSync(dir)) throw new Error(`${dir}: no such folder (has the teacher been trained? run 'phaser-distill train' first)`);
  return Object.fromEntries(TEACHER_FILES.map((f) => [f, new Uint8Array(readFileSync(join(dir, f)))]));
}

/** Distils the run's teacher into each student of `config.distill`, as each dtype. Returns the files written. */
export async function runDistill(config: RunConfig, runDir: string, log: Log = console.log): Promise<string[]> {
  if (!config.distill) throw new Error(`the config has no 'distill' section: list the students to make (distill: { students: [{ name: s16, hidden: [16] }] })`);
  await initBackend(config.backend);
  const teacher = await loadTeacher(readTeacher(runDir), `${config.game}-teacher`);
  const env = await makeGameEnv(config.envPath, config.distill.numEnvs);
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

/** Evaluates the run's teacher and every student in `{run}/students` on fresh seeds; writes a new report folder. */
export async function runEval(config: RunConfig, runDir: string, log: Log = console.log): Promise<EvaluationReport> {
  await initBackend(config.backend);
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
  const env = await makeGameEnv(config.envPath, config.eval.numEnvs);
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
  if (config.export?.students) {
    for (const f of readdirSync(join(trained.runDir, 'students'))) runExport(trained.runDir, { student: f.replace(/\.json$/, '') }, join(resolve(config.baseDir, config.export.students), f), log);
  }
  if (config.export?.teacher) runExport(trained.runDir, { teacher: true }, resolve(config.baseDir, config.export.teacher), log);
  return { exitCode: trained.exitCode, runDir: trained.runDir, report };
}

/** Copies a run's student (or its teacher folder) to where a game loads it from. */
export function runExport(runDir: string, what: { student: string } | { teacher: true }, out: string, log: Log = console.log): number {
  if ('student' in what) {
    const from = studentPath(runDir, what.student);
    mkdirSync(dirname(out), { recursive: true });
    copyFileAtomic(from, out);
  } else {
    mkdirSync(out, { recursive: true });
    for (const f of TEACHER_FILES) copyFileAtomic(join(runDir, 'teacher', f), join(out, f));
  }
  log(`exported to ${out}`);
  return EXIT.ok;
}

/** Writes a run's student or teacher as one ONNX file in `layout` (see src/distill/onnx.ts). */
export async function runOnnxExport(runDir: string, what: { student: string } | { teacher: true }, layout: string, out: string, log: Log = console.log): Promise<number> {
  if (!(ONNX_LAYOUTS as readonly string[]).includes(layout)) throw new ConfigError(`--layout: '${layout}' is not a layout (${ONNX_LAYOUTS.join(', ')})`);
  let file: PolicyFile;
  let name: string;
  if ('student' in what) {
    const path = studentPath(runDir, what.student);
    file = JSON.parse(readFileSync(path, 'utf8')) as PolicyFile;
    name = what.student;
  } else {
    await initBackend('cpu');
    const teacher = await loadTeacher(readTeacher(runDir));
    file = teacher.policyFile();
    teacher.dispose();
    name = 'teacher';
  }
  const bytes = await policyToOnnx(file, layout as OnnxLayout, name);
  mkdirSync(dirname(resolve(out)), { recursive: true });
  writeFileAtomic(out, bytes);
  log(`exported ${name} to ${out} (ONNX, ${layout} layout, ${bytes.length} bytes)`);
  return EXIT.ok;
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
