import { describe, expect, it } from 'vitest';
import { EnvCheckError, box, checkEnv, discrete, findEnvProblems, type Env } from '../../src/env/index.js';
import { BalanceEnv } from '../../games/balance/balance.js';
import { MatchEnv, SignEnv } from '../helpers/tiny-envs.js';

/** A Balance env with one thing broken, for each mistake checkEnv claims to find. */
function broken(patch: (env: BalanceEnv) => void): Env {
  const env = new BalanceEnv();
  patch(env);
  return env;
}

describe('checkEnv', () => {
  it('passes well-formed envs', () => {
    for (const env of [new BalanceEnv(), new SignEnv(), new MatchEnv()]) expect(findEnvProblems(env)).toEqual([]);
  });

  const cases: [string, () => Env, RegExp][] = [
    ['a malformed action space', () => broken((e) => Object.assign(e, { actionSpace: { type: 'discrete', n: 0 } })), /actionSpace\.n: expected a positive integer/],
    ['a non-box observation space', () => broken((e) => Object.assign(e, { observationSpace: discrete(3) })), /observationSpace: expected a 'box' space/],
    ['reset returning a bare observation', () => broken((e) => { const r = e.reset.bind(e); e.reset = ((s?: number) => r(s).observation) as never; }), /reset\(seed\) must return \{ observation, info \}/],
    ['an observation of the wrong size', () => broken((e) => { const s = e.step.bind(e); e.step = (a) => ({ ...s(a), observation: new Float32Array(3) }); }), /step\(\) at step 0: observation not in observationSpace: expected 4 numbers/],
    ['a plain array as observation', () => broken((e) => { const r = e.reset.bind(e); e.reset = (s) => ({ ...r(s), observation: [0, 0, 0, 0] as never }); }), /must be a Float32Array, got an array of 4/],
    ['a NaN in an observation', () => broken((e) => { const s = e.step.bind(e); e.step = (a) => { const r = s(a); r.observation[2] = Number.NaN; return r; }; }), /element 2: expected a finite number, got NaN/],
    ['an observation outside the space', () => broken((e) => Object.assign(e, { observationSpace: box([4], -0.01, 0.01) })), /outside \[-0\.01, 0\.01\]/],
    ['a non-finite reward', () => broken((e) => { const s = e.step.bind(e); e.step = (a) => ({ ...s(a), reward: Infinity }); }), /reward must be a finite number, got Infinity/],
    ['a non-boolean done flag', () => broken((e) => { const s = e.step.bind(e); e.step = (a) => ({ ...s(a), terminated: 0 as never }); }), /terminated must be a boolean, got 0/],
    ['a missing info', () => broken((e) => { const s = e.step.bind(e); e.step = (a) => ({ ...s(a), info: undefined as never }); }), /info must be an object/],
    ['a reset that ignores the seed', () => broken((e) => { const r = e.reset.bind(e); e.reset = () => r(Math.floor(Math.random() * 1e9)); }), /same seed gave different observations/],
    ['unseeded randomness in step', () => broken((e) => { const s = e.step.bind(e); e.step = (a) => ({ ...s(a), reward: Math.random() < 0.5 ? 1 : 0 }); }), /different step \d+ on replay/],
    ['a reused observation buffer', () => broken((e) => { const buf = new Float32Array(4); const r = e.reset.bind(e); const s = e.step.bind(e); e.reset = (x) => { buf.set(r(x).observation); return { observation: buf, info: {} }; }; e.step = (a) => { const o = s(a); buf.set(o.observation); return { ...o, observation: buf }; }; }), /changed when step\(\) was called/],
    ['a step that throws', () => broken((e) => { e.step = () => { throw new Error('boom'); }; }), /step\(\) threw at step 0: boom/],
    ['a second reset that throws', () => broken((e) => { const r = e.reset.bind(e); let n = 0; e.reset = (x) => { if (++n > 1) throw new Error('once only'); return r(x); }; }), /a second reset\(seed\) threw: once only/],
    ['a replay that throws', () => broken((e) => { const r = e.reset.bind(e); let n = 0; e.reset = (x) => { if (++n > 2) throw new Error('twice only'); return r(x); }; }), /replaying the episode after reset\(seed\) threw: twice only/],
  ];

  for (const [what, make, message] of cases) {
    it(`finds ${what}`, () => {
      const problems = findEnvProblems(make());
      expect(problems.join('\n')).toMatch(message);
      expect(() => checkEnv(make())).toThrow(EnvCheckError);
    });
  }
});
