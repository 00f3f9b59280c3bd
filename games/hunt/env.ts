/**
 * Hunt for the command line: `numEnvs` hunters, three to a scene (numEnvs / 3 scenes in one
 * headless Phaser game), every hunter a slot of one vector env sharing one policy. The prey, the
 * scene's other behaviour, is driven by the scripted `fleePrey` in every scene (`drivers`): a
 * frozen prey student would take the same place.
 */
import { createSceneVectorEnv } from 'phaser-distill/node';
import type { EnvModule } from 'phaser-distill';
import { HUNT, PREY, fleePrey } from './scene.js';

export const makeVectorEnv: EnvModule['makeVectorEnv'] = ({ numEnvs }) => createSceneVectorEnv(HUNT, { envs: numEnvs, drivers: { [PREY]: fleePrey } });
