/**
 * Finds the usual mistakes in an environment before a long training run does, in the spirit of
 * Gymnasium's env checker: malformed spaces, observations of the wrong size, non-finite or
 * out-of-range numbers, a broken reset/step contract, seeds that do not reproduce an episode, and
 * observation buffers that are reused under the caller's feet.
 */
import type { Env } from './env.js';
import { Rng } from './rng.js';
import { sample, validateSpace, whyNotContained, type Action } from './spaces.js';

export class EnvCheckError extends Error {
  override name = 'EnvCheckError';
  constructor(readonly problems: string[]) {
    super(`the env has ${problems.length} problem(s):\n- ${problems.join('\n- ')}`);
  }
}

export interface CheckEnvOptions {
  /** Random-action steps to take. */
  steps?: number;
  seed?: number;
}

/** Lists what is wrong with `env` (empty when nothing is). Leaves the env in some mid-episode state. */
export function findEnvProblems(env: Env, options: CheckEnvOptions = {}): string[] {
  const steps = options.steps ?? 200;
  const seed = options.seed ?? 0;
  const problems: string[] = [];
  try {
    validateSpace(env.observationSpace, 'observationSpace');
    if (env.observationSpace.type !== 'box') problems.push(`observationSpace: expected a 'box' space, got '${(env.observationSpace as { type: string }).type}'`);
  } catch (e) {
    problems.push((e as Error).message);
  }
  try {
    validateSpace(env.actionSpace, 'actionSpace');
  } catch (e) {
    problems.push((e as Error).message);
  }
  if (problems.length > 0) return problems;

  const obsSpace = env.observationSpace;
  const checkObservation = (obs: unknown, where: string): obs is Float32Array => {
    if (!(obs instanceof Float32Array)) {
      problems.push(`${where}: the observation must be a Float32Array, got ${describe(obs)}`);
      return false;
    }
    const why = whyNotContained(obsSpace, obs);
    if (why) problems.push(`${where}: observation not in observationSpace: ${why}`);
    return why === null;
  };

  // reset
  let first: Float32Array;
  try {
    const r = env.reset(seed) as unknown;
    if (typeof r !== 'object' || r === null || !('observation' in r) || !('info' in r)) {
      problems.push(`reset(seed) must return { observation, info }, got ${describe(r)}`);
      return problems;
    }
    const { observation, info } = r as { observation: unknown; info: unknown };
    if (typeof info !== 'object' || info === null) problems.push(`reset(seed): info must be an object, got ${describe(info)}`);
    if (!checkObservation(observation, 'reset(seed)')) return problems;
    first = observation.slice();
  } catch (e) {
    problems.push(`reset(seed) threw: ${(e as Error).message}`);
    return problems;
  }

  // Random actions from a fixed generator, replayed after a second reset with the same seed.
  const rng = new Rng(seed + 1);
  const actions: Action[] = Array.from({ length: steps }, () => sample(env.actionSpace, rng));
  const trajectory: number[][] = [];
  let heldReset: Float32Array;
  try {
    heldReset = env.reset(seed).observation;
  } catch (e) {
    problems.push(`a second reset(seed) threw: ${(e as Error).message}`);
    return problems;
  }
  const heldCopy = heldReset.slice();
  if (!sameNumbers(heldReset, first)) problems.push('reset(seed) twice with the same seed gave different observations: seed the episode from the given seed');
  let ended = false;
  for (let t = 0; t < steps && !ended; t++) {
    let r: unknown;
    try {
      r = env.step(actions[t]!);
    } catch (e) {
      problems.push(`step() threw at step ${t}: ${(e as Error).message}`);
      return problems;
    }
    const where = `step() at step ${t}`;
    if (typeof r !== 'object' || r === null) {
      problems.push(`${where} must return { observation, reward, terminated, truncated, info }, got ${describe(r)}`);
      return problems;
    }
    const { observation, reward, terminated, truncated, info } = r as Record<string, unknown>;
    if (!checkObservation(observation, where)) return problems;
    if (typeof reward !== 'number' || !Number.isFinite(reward)) {
      problems.push(`${where}: reward must be a finite number, got ${describe(reward)}`);
      return problems;
    }
    if (typeof terminated !== 'boolean') problems.push(`${where}: terminated must be a boolean, got ${describe(terminated)}`);
    if (typeof truncated !== 'boolean') problems.push(`${where}: truncated must be a boolean, got ${describe(truncated)}`);
    if (typeof info !== 'object' || info === null) problems.push(`${where}: info must be an object, got ${describe(info)}`);
    if (problems.length > 0) return problems;
    trajectory.push([...(observation as Float32Array), reward as number, terminated ? 1 : 0, truncated ? 1 : 0]);
    ended = (terminated as boolean) || (truncated as boolean);
  }
  if (!sameNumbers(heldReset, heldCopy)) {
    problems.push('the observation returned by reset() changed when step() was called: return a new Float32Array each time, not a buffer the env keeps writing to');
  }

  // Determinism: the same seed and actions must replay the same trajectory.
  try {
    env.reset(seed);
    for (let t = 0; t < trajectory.length; t++) {
      const r = env.step(actions[t]!);
      const row = [...r.observation, r.reward, r.terminated ? 1 : 0, r.truncated ? 1 : 0];
      if (!sameNumbers(row, trajectory[t]!)) {
        problems.push(`the same seed and actions gave a different step ${t} on replay: the env uses randomness that reset(seed) does not seed (Math.random?)`);
        break;
      }
    }
  } catch (e) {
    problems.push(`replaying the episode after reset(seed) threw: ${(e as Error).message}`);
  }
  return problems;
}

/** Throws an EnvCheckError listing every problem `findEnvProblems` finds. */
export function checkEnv(env: Env, options: CheckEnvOptions = {}): void {
  const problems = findEnvProblems(env, options);
  if (problems.length > 0) throw new EnvCheckError(problems);
}

function sameNumbers(a: ArrayLike<number>, b: ArrayLike<number>): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (!Object.is(a[i], b[i])) return false;
  return true;
}

function describe(v: unknown): string {
  if (v === null || v === undefined || typeof v !== 'object') return String(v);
  if (Array.isArray(v)) return `an array of ${v.length}`;
  if (ArrayBuffer.isView(v)) return `a ${v.constructor.name}`;
  return `an object with keys [${Object.keys(v).join(', ')}]`;
}
