/** Balance through its Phaser scene, for `env: ./scene-env.ts`: the same numbers as env.ts, at Phaser's pace. */
import { createSceneVectorEnv } from 'phaser-distill/node';
import type { EnvModule } from 'phaser-distill';
import { BALANCE_AGENT, BALANCE_FPS, BALANCE_HEIGHT, BALANCE_WIDTH, BalanceScene } from './scene.js';

export const makeVectorEnv: EnvModule['makeVectorEnv'] = ({ numEnvs }) =>
  createSceneVectorEnv({ scene: BalanceScene, agent: BALANCE_AGENT, instances: numEnvs, width: BALANCE_WIDTH, height: BALANCE_HEIGHT, fps: BALANCE_FPS });
