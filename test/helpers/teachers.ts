/** Real teachers for distillation tests: small PPO runs that stop once they are good. */
import { SyncVectorEnv, type Env, type VectorEnv } from '../../src/env/index.js';
import { PpoTrainer, defaultPpoConfig, teacherFromTrainer, type PpoConfig, type Teacher } from '../../src/train/index.js';

/**
 * Trains PPO until the mean return of the last `window` episodes reaches `target` (or the budget
 * ends) and returns a teacher borrowing the trainer's network; dispose the trainer when done.
 * `env` is a vector env of config.numEnvs envs, or how to make one env.
 */
export async function trainTeacher(env: (() => Env) | VectorEnv, overrides: Partial<PpoConfig>, window: number, target: number): Promise<{ trainer: PpoTrainer; teacher: Teacher; best: number }> {
  const config = { ...defaultPpoConfig, ...overrides };
  const trainer = new PpoTrainer(typeof env === 'function' ? new SyncVectorEnv(Array.from({ length: config.numEnvs }, env)) : env, config);
  const returns: number[] = [];
  let best = -Infinity;
  await trainer.train(({ episodes }) => {
    for (const e of episodes) {
      returns.push(e.return);
      if (returns.length >= window) best = Math.max(best, returns.slice(-window).reduce((a, b) => a + b, 0) / window);
    }
    return best < target;
  });
  return { trainer, teacher: teacherFromTrainer(trainer), best };
}
