/** Demonstrations of a scripted expert on a plain Env, through the demo file's bytes, for imitation tests. */
import type { Action, Env } from '../../src/env/index.js';
import { decodeDemo, encodeDemo, type Demo } from '../../src/demo/index.js';

/** `episodes` episodes of `expert` on `env` (episode k seeded seed + k), through the demo file's bytes. */
export function demoOf(env: Env, expert: (obs: Float32Array) => Action, episodes: number, seed: number): Demo {
  const obs: number[] = [];
  const acts: number[] = [];
  const rewards: number[] = [];
  const eps: Demo['episodes'] = [];
  const boundaries = [0];
  for (let k = 0; k < episodes; k++) {
    let o = env.reset(seed + k).observation;
    let ret = 0;
    let length = 0;
    for (;;) {
      const a = expert(o);
      obs.push(...o);
      acts.push(...(typeof a === 'number' ? [a] : Array.from(a)));
      const r = env.step(a);
      rewards.push(r.reward);
      ret += r.reward;
      length += 1;
      o = r.observation;
      if (r.terminated || r.truncated) {
        eps.push({ length, return: ret, done: r.terminated ? 'terminated' : 'truncated' });
        boundaries.push(boundaries.at(-1)! + length);
        break;
      }
    }
  }
  const box = env.actionSpace.type === 'box';
  const demo: Demo = {
    agent: 'tiny', observationSpace: env.observationSpace, actionSpace: env.actionSpace, decisionPeriod: 1, episodes: eps,
    observations: new Float32Array(obs), actions: box ? new Float32Array(acts) : new Int32Array(acts), rewards: new Float64Array(rewards), boundaries: new Int32Array(boundaries),
  };
  return decodeDemo(encodeDemo(demo), 'tiny.demo');
}

