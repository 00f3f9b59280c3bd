/**
 * Lander for the command line: N bare simulations (LanderEnv, planck with no Phaser) in one vector
 * env, for speed over a million steps. The scene steps the same LanderSim, so a teacher trained
 * here plays the page's game.
 */
import { SyncVectorEnv, type EnvModule } from 'phaser-distill';
import { LanderEnv } from './lander.js';

export const makeVectorEnv: EnvModule['makeVectorEnv'] = ({ numEnvs }) =>
  new SyncVectorEnv(Array.from({ length: numEnvs }, () => new LanderEnv()));
