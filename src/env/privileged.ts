/**
 * The teacher's side of a vector env with a privileged view: the same envs, stepped by the same
 * calls, whose observations are the teacher's view instead of the student's. PPO trains a
 * privileged teacher on it as on any vector env; distillation and evaluation keep the original,
 * whose `privileged` view they read beside the student's observations.
 */
import type { PrivilegedView, VectorEnv, VectorStepResult } from './env.js';
import { flatSize, type BoxSpace } from './spaces.js';

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
  if (env.privileged && flatSize(env.privileged.observationSpace) === obsSize) return 'privileged';
  if (flatSize(env.observationSpace) === obsSize) return 'student';
  const priv = env.privileged ? ` and its privileged view ${flatSize(env.privileged.observationSpace)}` : '';
  throw new Error(`${who}: the env observes ${flatSize(env.observationSpace)} numbers${priv}, the teacher ${obsSize}`);
}

/**
 * A vector env's privileged views, kept step for step with its observations: each env's current
 * view (`hold`), and the last view of an episode that ended at the last step (`end`).
 */
export class PrivilegedViews implements PrivilegedView {
  /** Numbers in one env's view. */
  readonly size: number;
  private readonly current: Float32Array;
  private readonly final: (Float32Array | null)[];

  /** `describe(i)` names env i in an error (made only when one is thrown: `hold` runs every step). */
  constructor(readonly observationSpace: BoxSpace, numEnvs: number, private readonly describe: (i: number) => string) {
    this.size = flatSize(observationSpace);
    this.current = new Float32Array(numEnvs * this.size);
    this.final = new Array<Float32Array | null>(numEnvs).fill(null);
  }

  observations(): Float32Array {
    return this.current.slice();
  }

  finalObservations(): (Float32Array | null)[] {
    return this.final.slice();
  }

  /** A step begins: no episode has ended in it yet. */
  begin(): void {
    this.final.fill(null);
  }

  /** Env i's current view is `view` (after a reset, a step, or an automatic restart); `when` says which, in an error. */
  hold(i: number, view: ArrayLike<number> | null | undefined, when: 'reset' | 'step'): void {
    if (!view || view.length !== this.size) throw new Error(`${this.describe(i)}'s ${when}: a privileged view of ${view?.length ?? 'no'} numbers, expected ${this.size} as the first env's`);
    this.current.set(view, i * this.size);
  }

  /** Env i's episode ended at this step with `view` as its last. */
  end(i: number, view: ArrayLike<number>): void {
    this.final[i] = Float32Array.from(view);
  }
}
