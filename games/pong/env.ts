/** Pong for the command line: N Pong scenes in one headless Phaser game, the left paddle learning. */
import { createSceneVectorEnv } from 'phaser-distill/node';
import type { EnvModule } from 'phaser-distill';
import { PONG_HEIGHT, PONG_WIDTH } from './constants.js';
import { PongScene, PONG_AGENT } from './scene.js';

export const makeVectorEnv: EnvModule['makeVectorEnv'] = ({ numEnvs }) =>
  createSceneVectorEnv({ scene: PongScene, agent: PONG_AGENT, instances: numEnvs, width: PONG_WIDTH, height: PONG_HEIGHT });
