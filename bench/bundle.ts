/**
 * What phaser-distill adds to a game's bundle: the same small Phaser game built with Vite
 * (minified), side by side in one run:
 *   phaser only | + plugin, runtime and one student | + the Pong difficulty ladder and its three students
 *   | the one-student game with a RaySensor2D (ray_sensor_gz: what the sensor adds to it)
 *   | the one-student game recording the player (recorder_gz: what `phaser-distill/record` adds to it)
 * each as `vite build` makes it (production), and the one-student game also as a development build,
 * which keeps the checks and explanations that production builds leave out (src/env/dev.ts).
 * Prints gzipped sizes and differences; the last line is one JSON object (bytes).
 *
 *   npm run bench:bundle
 */
import { bundleGame } from './bundle/measure.js';

const phaserOnly = await bundleGame('phaser-only');
const withStudent = await bundleGame('with-plugin');
const withLadder = await bundleGame('with-ladder');
const withRays = await bundleGame('with-rays');
const withRecorder = await bundleGame('with-recorder');
const phaserOnlyDev = await bundleGame('phaser-only', 'development');
const withStudentDev = await bundleGame('with-plugin', 'development');
const kb = (b: number) => `${(b / 1024).toFixed(1)} KB`;
console.log('bundle                                          raw        gzip    gzip delta vs phaser only (same build)');
const rows = [
  ['phaser only', phaserOnly, phaserOnly],
  ['+ plugin, runtime, one student', withStudent, phaserOnly],
  ['+ plugin, runtime, Pong ladder', withLadder, phaserOnly],
  ['+ plugin, runtime, one student, RaySensor2D', withRays, phaserOnly],
  ['+ plugin, runtime, one student, recording', withRecorder, phaserOnly],
  ['phaser only (development)', phaserOnlyDev, phaserOnlyDev],
  ['+ plugin, runtime, one student (development)', withStudentDev, phaserOnlyDev],
] as const;
for (const [name, s, base] of rows) {
  console.log(`${name.padEnd(46)} ${kb(s.raw).padStart(9)} ${kb(s.gz).padStart(10)} +${s.gz - base.gz} B`);
}
const tfjs = rows.some(([, s]) => s.tfjs);
if (tfjs) console.log('WARNING: TensorFlow.js found in a game bundle');
console.log(JSON.stringify({
  bench: 'bundle',
  phaser_only_gz: phaserOnly.gz,
  with_plugin_gz: withStudent.gz,
  delta_gz: withStudent.gz - phaserOnly.gz,
  with_ladder_gz: withLadder.gz,
  ladder_delta_gz: withLadder.gz - phaserOnly.gz,
  ray_sensor_gz: withRays.gz - withStudent.gz,
  recorder_gz: withRecorder.gz - withStudent.gz,
  development_delta_gz: withStudentDev.gz - phaserOnlyDev.gz,
  tfjs_in_bundle: tfjs,
}));
