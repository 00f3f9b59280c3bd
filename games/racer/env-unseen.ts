/**
 * Racer on the unseen tracks (even track seeds, which training never plays), for the command
 * line's calibration: N Racer scenes in one headless Phaser game, one car each.
 */
import { createSceneVectorEnv } from 'phaser-distill/node';
import type { EnvModule } from 'phaser-distill';
import { RACER_UNSEEN } from './scene.js';

export const makeVectorEnv: EnvModule['makeVectorEnv'] = ({ numEnvs }) => createSceneVectorEnv(RACER_UNSEEN, { instances: numEnvs });
