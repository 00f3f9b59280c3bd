/** Swing for the command line: N bare simulations in one vector env. */
import { SyncVectorEnv, type EnvModule } from 'phaser-distill';
import { SwingEnv } from './swing.js';

export const makeVectorEnv: EnvModule['makeVectorEnv'] = ({ numEnvs }) =>
  new SyncVectorEnv(Array.from({ length: numEnvs }, () => new SwingEnv()));
