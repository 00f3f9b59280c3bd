/**
 * `phaser-distill export <student file | teacher folder> --onnx --out <file>`: a policy file or a
 * teacher (the folder of model.json, weights.bin and run.json, or its model.json) written as ONNX,
 * without the run folder it came from.
 */
import { existsSync, mkdirSync, readFileSync, statSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import { CONV_TEACHER_NO_FILE, ONNX_LAYOUTS, initBackend, loadTeacher, policyToOnnx, type OnnxLayout } from '../train/index.js';
import { decodePolicyFile, type PolicyFile } from '../policy/index.js';
import { ConfigError, EXIT } from '../config/errors.js';

const TEACHER_FILES = ['model.json', 'weights.bin', 'run.json'];

export async function exportFileOnnx(path: string, layout: string, out: string, log: (line: string) => void = console.log): Promise<number> {
  if (!(ONNX_LAYOUTS as readonly string[]).includes(layout)) throw new ConfigError(`--layout: '${layout}' is not a layout (${ONNX_LAYOUTS.join(', ')})`);
  if (!existsSync(path)) throw new ConfigError(`${path}: no such file or folder (give a student's policy file, or a teacher folder with ${TEACHER_FILES.join(', ')})`);
  const teacherDir = statSync(path).isDirectory() ? path : basename(path) === 'model.json' ? dirname(path) : null;
  let file: PolicyFile;
  let name: string;
  if (teacherDir) {
    const missing = TEACHER_FILES.filter((f) => !existsSync(join(teacherDir, f)));
    if (missing.length) throw new ConfigError(`${path}: not a teacher folder (it lacks ${missing.join(', ')}); a run's teacher is in <run folder>/teacher`);
    await initBackend('cpu');
    const teacher = await loadTeacher(Object.fromEntries(TEACHER_FILES.map((f) => [f, new Uint8Array(readFileSync(join(teacherDir, f)))])));
    try {
      if (!teacher.hasPolicyFile) throw new ConfigError(`${path}: ${CONV_TEACHER_NO_FILE}`);
      file = teacher.policyFile();
    } finally {
      teacher.dispose();
    }
    name = 'teacher';
  } else {
    let json: unknown;
    try {
      json = JSON.parse(readFileSync(path, 'utf8'));
    } catch (e) {
      throw new ConfigError(`${path}: not a policy file (${(e as Error).message})`);
    }
    try {
      decodePolicyFile(json, path);
    } catch (e) {
      throw new ConfigError((e as Error).message);
    }
    file = json as PolicyFile;
    name = basename(path).replace(/\.json$/, '');
  }
  const bytes = await policyToOnnx(file, layout as OnnxLayout, name);
  mkdirSync(dirname(resolve(out)), { recursive: true });
  const { writeFileAtomic } = await import('../run/files.js');
  writeFileAtomic(out, bytes);
  log(`exported ${name} to ${out} (ONNX, ${layout} layout, ${bytes.length} bytes)`);
  return EXIT.ok;
}
