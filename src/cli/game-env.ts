/** Loads a game's env module (the config's `env` key) and makes its vector env. */
import type { EnvModule, VectorEnv } from '../env/index.js';

export async function makeGameEnv(envPath: string, numEnvs: number): Promise<VectorEnv> {
  const module = (await import(envPath)) as Partial<EnvModule>;
  if (typeof module.makeVectorEnv !== 'function') throw new Error(`${envPath}: the env module must export makeVectorEnv({ numEnvs })`);
  return module.makeVectorEnv({ numEnvs });
}
