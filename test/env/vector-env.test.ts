import { describe, expect, it } from 'vitest';
import { SyncVectorEnv, TimeLimit, box, discrete, type Env, type ResetResult, type StepResult } from '../../src/env/index.js';
import { TrapEnv } from '../helpers/tiny-envs.js';

/** Observation [t, seed % 1000]; terminates after `length` steps; reward = t. */
class CountEnv implements Env {
  readonly observationSpace = box([2]);
  readonly actionSpace = discrete(2);
  private t = 0;
  private seed = 0;
  constructor(readonly length: number) {}
  reset(seed = 0): ResetResult {
    this.t = 0;
    this.seed = seed % 1000;
    return { observation: Float32Array.of(0, this.seed), info: {} };
  }
  step(): StepResult {
    this.t += 1;
    return { observation: Float32Array.of(this.t, this.seed), reward: this.t, terminated: this.t >= this.length, truncated: false, info: {} };
  }
}

describe('SyncVectorEnv', () => {
  it('auto-resets an ended episode, keeps its final observation, and reports its return and length', () => {
    const vec = new SyncVectorEnv([new CountEnv(2), new CountEnv(3)]);
    const first = vec.reset(42);
    expect(first[0]).toBe(0);
    expect(first[2]).toBe(0);

    const s1 = vec.step([0, 1]);
    expect(Array.from(s1.observations.filter((_, k) => k % 2 === 0))).toEqual([1, 1]);
    expect(s1.finalObservations).toEqual([null, null]);

    const s2 = vec.step([0, 0]);
    // env 0 ended: its observation is the new episode's first one, the old last one is kept.
    expect(s2.terminated[0]).toBe(1);
    expect(s2.truncated[0]).toBe(0);
    expect(s2.observations[0]).toBe(0);
    expect(s2.finalObservations[0]![0]).toBe(2);
    expect(s2.finalObservations[1]).toBeNull();
    expect(s2.episodes).toEqual([{ env: 0, return: 1 + 2, length: 2 }]);
    // The next episode of env 0 has a new seed.
    expect(s2.observations[1]).not.toBe(first[1]);

    const s3 = vec.step([0, 0]);
    expect(s3.episodes).toEqual([{ env: 1, return: 1 + 2 + 3, length: 3 }]);
    expect(s3.observations[2]).toBe(0);
    expect(s3.finalObservations[1]![0]).toBe(3);
  });

  it('flags a time limit as truncation, not termination', () => {
    const vec = new SyncVectorEnv([new TimeLimit(new CountEnv(100), 2)]);
    vec.reset(0);
    vec.step([0]);
    const s = vec.step([0]);
    expect(s.truncated[0]).toBe(1);
    expect(s.terminated[0]).toBe(0);
    expect(s.finalObservations[0]![0]).toBe(2);
  });

  it('draws the same episode seeds from the same run seed', () => {
    const seedsOf = (seed: number) => {
      const vec = new SyncVectorEnv([new CountEnv(1), new CountEnv(1)]);
      const out = [...vec.reset(seed)];
      for (let i = 0; i < 3; i++) out.push(...vec.step([0, 0]).observations);
      return out;
    };
    expect(seedsOf(5)).toEqual(seedsOf(5));
    expect(seedsOf(5)).not.toEqual(seedsOf(6));
  });

  it('rejects the wrong number of actions and a step before reset', () => {
    const vec = new SyncVectorEnv([new CountEnv(2), new CountEnv(2)]);
    expect(() => vec.step([0, 0])).toThrow(/reset/);
    vec.reset(0);
    expect(() => vec.step([0])).toThrow(/expected 2 action numbers/);
  });

  it('gathers the envs\' masks (info.actionMask) for the current observations, the new episode\'s after a reset', () => {
    const trapOf = (obs: Float32Array, i: number) => [4, 5, 6, 7].findIndex((k) => obs[i * 8 + k] === 1);
    const expectMasks = (env: SyncVectorEnv, obs: Float32Array) => {
      for (let i = 0; i < 3; i++) expect(Array.from(env.actionMasks!.subarray(i * 4, i * 4 + 4))).toEqual([0, 1, 2, 3].map((a) => (a === trapOf(obs, i) ? 0 : 1)));
    };
    const masked = new SyncVectorEnv([new TrapEnv(true), new TrapEnv(true), new TrapEnv(true)]);
    let obs = masked.reset(5);
    expectMasks(masked, obs);
    // Env 0 walks into its trap (a new episode starts), the others avoid theirs.
    const avoid = (i: number) => (trapOf(obs, i) + 1) % 4;
    const r = masked.step([trapOf(obs, 0), avoid(1), avoid(2)]);
    expect(Array.from(r.terminated)).toEqual([1, 0, 0]);
    obs = r.observations;
    expectMasks(masked, obs);

    const plain = new SyncVectorEnv([new TrapEnv(false), new TrapEnv(false)]);
    plain.reset(5);
    expect(plain.actionMasks).toBeNull();
  });
});
