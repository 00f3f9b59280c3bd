/** Forage for the command line: N Forage scenes in one headless Phaser game, one forager each. */
import { createSceneVectorEnv } from 'phaser-distill/node';
import type { EnvModule } from 'phaser-distill';
import { FORAGE } from './scene.js';

export const makeVectorEnv: EnvModule['makeVectorEnv'] = ({ numEnvs }) => createSceneVectorEnv(FORAGE, { instances: numEnvs });
