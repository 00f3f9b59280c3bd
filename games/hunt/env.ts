/**
 * Hunt for the command line: `numEnvs` hunters, three to a scene (numEnvs / 3 scenes in one
 * headless Phaser game), every hunter a slot of one vector env sharing one policy. The prey, the
 * scene's other behaviour, is driven by the scripted `fleePrey` in every scene unless the run
 * config's `train.drivers` names a policy for it.
 *
 * With `train.behavior: prey` (or `train.alternate`), the prey trains instead: one slot a scene,
 * `numEnvs` scenes, and the hunters are driven by the config's policy for them, or by the scripted
 * `chasePrey` (each straight at the prey).
 */
import { createSceneVectorEnv } from 'phaser-distill/node';
import type { EnvModule } from 'phaser-distill';
import { HUNT, HUNTER, PREY, chasePrey, fleePrey } from './scene.js';

export const makeVectorEnv: EnvModule['makeVectorEnv'] = ({ numEnvs, behavior = HUNTER, drivers = {} }) => {
  if (behavior === PREY) return createSceneVectorEnv({ ...HUNT, agent: PREY, agentsPerScene: 1 }, { envs: numEnvs, drivers: { [HUNTER]: chasePrey, ...drivers } });
  return createSceneVectorEnv(HUNT, { envs: numEnvs, agent: behavior, drivers: { [PREY]: fleePrey, ...drivers } });
};
