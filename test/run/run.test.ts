import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadRunConfig } from '../../src/config/run-config.js';
import * as ort from 'onnxruntime-web';
import { main } from '../../src/cli/main.js';
import { runAll, runEval, runExport } from '../../src/run/distill.js';
import { loadStudentPolicy } from '../../src/policy/index.js';

const dir = mkdtempSync(join(tmpdir(), 'pd-run-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('phaser-distill run', () => {
  // One run serves both tests, so each can run alone.
  let out: Awaited<ReturnType<typeof runAll>>;
  const lines: string[] = [];
  beforeAll(async () => {
    const config = join(dir, 'run.yaml');
    writeFileSync(config, [
      'game: balance', `env: ${resolve('games/balance/env.ts')}`, 'name: tiny', `runsDir: ${join(dir, 'runs')}`, 'backend: wasm',
      'train: { ppo: { totalTimesteps: 8192, numEnvs: 4, numSteps: 128 } }',
      'distill: { numEnvs: 4, students: [{ name: s4, hidden: [4] }], dtypes: [float32, int8], config: { rounds: 2, stepsPerRound: 200, epochsPerRound: 5 } }',
      // 6 episodes over 4 envs: exactly 6 are played (two envs play one more).
      'eval: { episodes: 6, numEnvs: 4, latencyMs: 20 }',
      'export: { students: ./shipped, teacher: ./shipped/teacher }',
    ].join('\n'));
    out = await runAll(config, { log: (l) => lines.push(l) });
  }, 120_000);

  it('trains, distils, evaluates and exports students and teacher where the config says', () => {
    expect(out.exitCode).toBe(0);
    expect(readdirSync(join(out.runDir, 'students')).sort()).toEqual(['s4-float32.json', 's4-int8.json']);
    for (const f of ['report.md', 'report.json', 'return-vs-size.svg']) expect(existsSync(join(out.runDir, 'report', f)), f).toBe(true);
    expect(out.report!.students.map((s) => s.name)).toEqual(['s4-float32', 's4-int8']);
    expect(lines.join('\n')).toMatch(/\| s4-int8 \| 4 \| int8 \|/);
    // Exported where the config points, relative to the config file.
    const student = loadStudentPolicy(JSON.parse(readFileSync(join(dir, 'shipped', 's4-int8.json'), 'utf8')));
    expect(student.parameterCount).toBe(4 * 4 + 4 + 4 * 2 + 2);
    expect(readdirSync(join(dir, 'shipped', 'teacher')).sort()).toEqual(['model.json', 'run.json', 'weights.bin']);
  });

  it('evaluates exactly the episodes asked, and a later eval writes a new report beside the first', async () => {
    expect(out.report!.teacher.episodes).toBe(6);
    for (const s of out.report!.students) expect(s.episodes).toBe(6);
    const first = readFileSync(join(out.runDir, 'report', 'report.json'), 'utf8');
    const again = await runEval(loadRunConfig(join(dir, 'run.yaml')), out.runDir, () => undefined);
    expect(again.teacher.episodes).toBe(6);
    expect(readdirSync(join(out.runDir, 'report-2')).sort()).toEqual(['report.json', 'report.md', 'return-vs-size.svg']);
    expect(readFileSync(join(out.runDir, 'report', 'report.json'), 'utf8')).toBe(first);
  });

  it('names the students a run has when asked to export one it has not', () => {
    expect(() => runExport(out.runDir, { student: 's99-int8' }, join(dir, 'x.json'), () => undefined)).toThrow(/no such student \(students in this run: s4-float32, s4-int8\)/);
  });

  it('exports a student and the teacher as ONNX from the command line, in the layout asked', async () => {
    const student = join(dir, 'onnx', 's4-int8.onnx');
    const teacher = join(dir, 'onnx', 'teacher.onnx');
    expect(await main(['export', '--run', out.runDir, '--student', 's4-int8', '--out', student, '--onnx', '--layout', 'godot'])).toBe(0);
    expect(await main(['export', '--run', out.runDir, '--teacher', '--out', teacher, '--onnx'])).toBe(0);
    ort.env.wasm.numThreads = 1;
    const godot = await ort.InferenceSession.create(readFileSync(student));
    expect([...godot.inputNames].sort()).toEqual(['obs', 'state_ins']);
    expect([...godot.outputNames].sort()).toEqual(['output', 'state_outs']);
    const plain = await ort.InferenceSession.create(readFileSync(teacher));
    expect(plain.inputNames).toEqual(['obs']);
    expect(plain.outputNames).toEqual(['logits']);
    // An unknown layout and a layout without --onnx are usage errors (exit 2).
    expect(await main(['export', '--run', out.runDir, '--teacher', '--out', teacher, '--onnx', '--layout', 'unreal'])).toBe(2);
    expect(await main(['export', '--run', out.runDir, '--teacher', '--out', teacher, '--layout', 'godot'])).toBe(2);
  });
});
