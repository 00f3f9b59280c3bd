/**
 * Trains Balance through its Phaser scene in the headless host, until the 10-episode mean return
 * reaches 475 (as PPO does on the bare simulation).   npx tsx games/balance/train.ts [--seed S]
 */
import 'phaser-distill/node';
import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { BALANCE_FPS, BALANCE_HEIGHT, BALANCE_WIDTH, BalanceScene } from './scene.js';
import { parseTrainConfig, trainScene } from '../shared/train-scene.js';

const { values } = parseArgs({ options: { seed: { type: 'string' } } });
const config = parseTrainConfig(JSON.parse(readFileSync(new URL('./train.json', import.meta.url), 'utf8')), 'games/balance/train.json');
const cpu = process.cpuUsage();
const r = await trainScene({ scene: BalanceScene, width: BALANCE_WIDTH, height: BALANCE_HEIGHT, fps: BALANCE_FPS, config, seed: values.seed === undefined ? undefined : Number(values.seed) });
const used = process.cpuUsage(cpu);
console.log(r.reachedAt !== null ? `reached a mean return of ${config.targetReturn} at step ${r.reachedAt}` : `did not reach ${config.targetReturn}; last mean ${r.meanReturn}`);
console.log(`${r.seconds.toFixed(1)} s wall, ${((used.user + used.system) / 1e6).toFixed(1)} CPU-s`);
r.trainer.dispose();
r.env.close();
