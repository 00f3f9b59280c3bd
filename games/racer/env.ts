/** Racer for the command line: N Racer scenes in one headless Phaser game, one car each, on the training tracks. */
import { createSceneVectorEnv } from 'phaser-distill/node';
import type { EnvModule } from 'phaser-distill';
import { RACER } from './scene.js';

export const makeVectorEnv: EnvModule['makeVectorEnv'] = ({ numEnvs }) => createSceneVectorEnv(RACER, { instances: numEnvs });
