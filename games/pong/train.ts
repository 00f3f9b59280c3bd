/**
 * Trains the Pong teacher through the headless host, saves it under assets/teachers/pong/ and
 * measures its point win rate on fresh seeds.
 *   npx tsx games/pong/train.ts [--steps N] [--seed S] [--out DIR]
 */
import 'phaser-distill/node';
import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { saveCheckpointDir, serializeCheckpoint } from 'phaser-distill/train';
import { PONG_HEIGHT, PONG_WIDTH } from './constants.js';
import { evaluatePong } from './evaluate.js';
import { PongScene } from './scene.js';
import { parseTrainConfig, trainScene } from '../shared/train-scene.js';
import { TeacherPolicy } from '../shared/teacher-policy.js';

const { values } = parseArgs({ options: { steps: { type: 'string' }, seed: { type: 'string' }, out: { type: 'string', default: 'assets/teachers/pong' }, points: { type: 'string', default: '2000' } } });
const configPath = new URL('./train.json', import.meta.url);
const config = parseTrainConfig(JSON.parse(readFileSync(configPath, 'utf8')), 'games/pong/train.json');
const cpuStart = process.cpuUsage();
const result = await trainScene({
  scene: PongScene, width: PONG_WIDTH, height: PONG_HEIGHT, config,
  seed: values.seed === undefined ? undefined : Number(values.seed),
  totalTimesteps: values.steps === undefined ? undefined : Number(values.steps),
  log: (line) => console.log(line),
});
const cpu = process.cpuUsage(cpuStart);
const files = await serializeCheckpoint(result.trainer);
const bytes = Object.values(files).reduce((a, f) => a + f.byteLength, 0);
const saved = await saveCheckpointDir(values.out!, files, result.trainer.globalStep, 1);
console.log(`trained ${result.trainer.globalStep} steps in ${result.seconds.toFixed(1)} s wall, ${((cpu.user + cpu.system) / 1e6).toFixed(1)} CPU-s; checkpoint ${saved} (${(bytes / 1024).toFixed(1)} KiB)`);
result.trainer.dispose();
result.env.close();

const stats = await evaluatePong(new TeacherPolicy(files), { points: Number(values.points) });
console.log(`evaluation on fresh seeds: won ${stats.won} of ${stats.won + stats.lost} points (${(100 * stats.rate).toFixed(1)}%) over ${stats.matches} matches`);
