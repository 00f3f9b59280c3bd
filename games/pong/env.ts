/** Pong for the command line: N Pong scenes in one headless Phaser game, the left paddle learning. */
import { createSceneVectorEnv } from 'phaser-distill/node';
import type { EnvModule } from 'phaser-distill';
import { PONG } from './scene.js';

export const makeVectorEnv: EnvModule['makeVectorEnv'] = ({ numEnvs }) => createSceneVectorEnv(PONG, { instances: numEnvs });
