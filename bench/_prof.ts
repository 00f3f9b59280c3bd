import { SyncVectorEnv } from 'phaser-distill';
import { PpoTrainer, defaultPpoConfig, initBackend } from 'phaser-distill/train';
import { BalanceEnv } from '../games/balance/balance.js';
await initBackend('wasm');
const c = { ...defaultPpoConfig, totalTimesteps: 40960, engine: 'fused' as const };
const t = new PpoTrainer(new SyncVectorEnv(Array.from({ length: 8 }, () => new BalanceEnv())), c);
const c0 = process.cpuUsage();
await t.train();
const u = process.cpuUsage(c0); console.log('cpu', (u.user + u.system) / 1e6);
