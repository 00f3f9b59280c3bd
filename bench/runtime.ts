/**
 * Per-decision time (batch 1) of every shipped student: the plain runtime against TensorFlow.js
 * `predict` on the same network, measured side by side in one run (interleaved blocks, medians).
 * The last line is one JSON object.
 *
 *   npm run bench:runtime
 */
import { readFileSync, readdirSync } from 'node:fs';
import { Rng, loadStudentPolicy, type PolicyFile } from 'phaser-distill';
import { compareLatency, initBackend, policyFileLayers } from 'phaser-distill/train';

const backend = await initBackend('wasm');
const rows: { game: string; student: string; params: number; runtime_us: number; tfjs_us: number; speedup: number }[] = [];
console.log(`shipped students, one decision at a time; TensorFlow.js on ${backend}`);
console.log('game     student            params  runtime us  tfjs us  speedup');
// Every game that ships students, and every student it ships (a ladder's linear ones included).
for (const game of readdirSync('assets/policies').sort()) {
  const dir = `assets/policies/${game}`;
  for (const name of readdirSync(dir).filter((f) => /^(s\d+|linear)-(float32|int8)\.json$/.test(f)).sort()) {
    const file = JSON.parse(readFileSync(`${dir}/${name}`, 'utf8')) as PolicyFile;
    const policy = loadStudentPolicy(file, { source: name });
    // Observations spread over the normalised range the student was trained on.
    const rng = new Rng(1);
    const norm = file.observationNormalization;
    const observations = Array.from({ length: 256 }, () =>
      Float32Array.from(policy.observationSpace.low, (_, i) => (norm ? norm.mean[i]! + Math.sqrt(norm.var[i]!) * rng.normal() : rng.uniform(-0.5, 0.5))),
    );
    const { runtimeUs, tfjsUs } = await compareLatency(policy, policyFileLayers(file), observations, 400);
    rows.push({ game, student: name.replace(/\.json$/, ''), params: policy.parameterCount, runtime_us: +runtimeUs.toFixed(3), tfjs_us: +tfjsUs.toFixed(1), speedup: +(tfjsUs / runtimeUs).toFixed(1) });
    const r = rows.at(-1)!;
    console.log(`${game.padEnd(8)} ${r.student.padEnd(18)} ${String(r.params).padStart(6)}  ${r.runtime_us.toFixed(3).padStart(10)}  ${r.tfjs_us.toFixed(1).padStart(7)}  ${`${r.speedup.toFixed(0)}x`.padStart(7)}`);
  }
}
console.log(JSON.stringify({
  bench: 'runtime',
  backend,
  max_runtime_us: Math.max(...rows.map((r) => r.runtime_us)),
  min_speedup_vs_tfjs: Math.min(...rows.map((r) => r.speedup)),
  students: rows,
}));
