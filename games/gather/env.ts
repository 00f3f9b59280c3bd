/**
 * Gather for the command line: `numEnvs` runners, eight to a scene (numEnvs / 8 scenes in one
 * headless Phaser game), every runner a slot of one vector env sharing one policy.
 */
import { createSceneVectorEnv } from 'phaser-distill/node';
import type { EnvModule } from 'phaser-distill';
import { GATHER } from './scene.js';

export const makeVectorEnv: EnvModule['makeVectorEnv'] = ({ numEnvs }) => createSceneVectorEnv(GATHER, { envs: numEnvs });
