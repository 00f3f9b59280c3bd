/**
 * Hunt with one hunter a scene: each hunter learns alone against the prey (the baseline a trained
 * team is measured against: the same spaces, the same total steps, no teammates in training).
 */
import { createSceneVectorEnv } from 'phaser-distill/node';
import type { EnvModule } from 'phaser-distill';
import { PREY, fleePrey, huntGame } from './scene.js';

export const makeVectorEnv: EnvModule['makeVectorEnv'] = ({ numEnvs }) => createSceneVectorEnv(huntGame(1), { envs: numEnvs, drivers: { [PREY]: fleePrey } });
