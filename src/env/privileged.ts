/**
 * The teacher's side of a vector env with a privileged view: the same envs, stepped by the same
 * calls, whose observations are the teacher's view instead of the student's. PPO trains a
 * privileged teacher on it as on any vector env; distillation and evaluation keep the original,
 * whose `privileged` view they read beside the student's observations.
 */
import type { VectorEnv, VectorStepResult } from './env.js';

/** `env` seen through its privileged view; an error naming what to declare where it has none. */
export function teacherView(env: VectorEnv): VectorEnv {
  const view = env.privileged;
  if (!view) throw new Error('teacherView: this vector env has no privileged view; declare one in the agent\'s spec (privileged: { observe, observation } or { sensors })');
  return {
    get numEnvs() {
      return env.numEnvs;
    },
    observationSpace: view.observationSpace,
    actionSpace: env.actionSpace,
    get actionMasks() {
      return env.actionMasks ?? null;
    },
    get opponent() {
      return env.opponent ?? null;
    },
    privileged: null,
    reset(seed: number): Float32Array {
      env.reset(seed);
      return view.observations();
    },
    step(actions: ArrayLike<number>): VectorStepResult {
      const r = env.step(actions);
      return { ...r, observations: view.observations(), finalObservations: view.finalObservations() };
    },
    close(): void {
      env.close();
    },
  };
}

/** The view a teacher of `obsSize` inputs reads on `env`: the privileged one where its size fits, else the student's; an error naming both sizes if neither does. */
export function viewFor(env: VectorEnv, obsSize: number, who: string): 'student' | 'privileged' {
  const size = (s: { shape: readonly number[] }) => s.shape.reduce((a, b) => a * b, 1);
  if (env.privileged && size(env.privileged.observationSpace) === obsSize) return 'privileged';
  if (size(env.observationSpace) === obsSize) return 'student';
  const priv = env.privileged ? ` and its privileged view ${size(env.privileged.observationSpace)}` : '';
  throw new Error(`${who}: the env observes ${size(env.observationSpace)} numbers${priv}, the teacher ${obsSize}`);
}
