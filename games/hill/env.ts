/** Hill for the command line: N Hill scenes (Matter physics) in one headless Phaser game. */
import { createSceneVectorEnv } from 'phaser-distill/node';
import type { EnvModule } from 'phaser-distill';
import { HILL } from './scene.js';

export const makeVectorEnv: EnvModule['makeVectorEnv'] = ({ numEnvs }) => createSceneVectorEnv(HILL, { instances: numEnvs });
