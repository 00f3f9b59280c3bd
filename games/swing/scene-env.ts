/** Swing through its Phaser scene, for `env: ./scene-env.ts`: the same numbers as env.ts, at Phaser's pace. */
import { createSceneVectorEnv } from 'phaser-distill/node';
import type { EnvModule } from 'phaser-distill';
import { SWING } from './scene.js';

export const makeVectorEnv: EnvModule['makeVectorEnv'] = ({ numEnvs }) => createSceneVectorEnv(SWING, { instances: numEnvs });
