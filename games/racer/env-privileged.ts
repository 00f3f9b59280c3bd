/** Racer with a privileged teacher, for the command line: the teacher sees the track ahead besides the rays, its students the rays alone. */
import { createSceneVectorEnv } from 'phaser-distill/node';
import type { EnvModule } from 'phaser-distill';
import { RACER_PRIVILEGED } from './scene.js';

export const makeVectorEnv: EnvModule['makeVectorEnv'] = ({ numEnvs }) => createSceneVectorEnv(RACER_PRIVILEGED, { instances: numEnvs });
