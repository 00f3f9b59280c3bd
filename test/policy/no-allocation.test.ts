/**
 * A decision must allocate nothing: a game calls it every frame (see test/helpers/allocation.ts
 * for how the bytes are measured).
 */
import { describe, expect, it } from 'vitest';
import { Rng, box, discrete, multiDiscrete } from '../../src/env/index.js';
import { StudentPolicy, type StudentPolicyOptions } from '../../src/policy/index.js';
import type { Space } from '../../src/env/index.js';
import { leastBytesPerCall } from '../helpers/allocation.js';
import { randomPolicy } from '../helpers/random-policy.js';

const CALLS = 100_000;
const MASK = [1, 1, 1, 0, 1];
const shape = (actionSpace: Space, outputs: number) => ({ obsSize: 6, hidden: [16, 16], actionSpace, outputs });

describe('student decisions allocate nothing', () => {
  const rng = new Rng(1);
  const obs = Array.from({ length: 64 }, () => Float32Array.from({ length: 6 }, () => rng.normal()));
  // Each case writes out its own loop: one shared loop calling per-case readers would see several
  // callees at one call site, stop inlining them, and box their double results itself. Each loop
  // also reads its action with its own type, for the same reason.
  type Loop = (p: StudentPolicy, obs: Float32Array[]) => number;
  const cases: [string, Parameters<typeof randomPolicy>[0], StudentPolicyOptions, Loop][] = [
    ['discrete argmax, float32', shape(discrete(3), 3), {}, (p, obs) => {
      let sink = 0;
      for (let i = 0; i < CALLS; i++) sink += p.act(obs[i & 63]!) as number;
      return sink;
    }],
    ['discrete sampling, int8', { ...shape(discrete(3), 3), dtype: 'int8' }, { temperature: 1 }, (p, obs) => {
      let sink = 0;
      for (let i = 0; i < CALLS; i++) sink += p.act(obs[i & 63]!) as number;
      return sink;
    }],
    ['multi-discrete sampling with a mask', shape(multiDiscrete([2, 3]), 5), { temperature: 1 }, (p, obs) => {
      let sink = 0;
      for (let i = 0; i < CALLS; i++) sink += (p.act(obs[i & 63]!, MASK) as number[])[1]!;
      return sink;
    }],
    ['box sampling', shape(box([2], -1, 1), 2), { temperature: 1 }, (p, obs) => {
      let sink = 0;
      for (let i = 0; i < CALLS; i++) sink += (p.act(obs[i & 63]!) as Float32Array)[0]!;
      return sink;
    }],
    ['probabilities with a mask', shape(multiDiscrete([2, 3]), 5), {}, (p, obs) => {
      let sink = 0;
      for (let i = 0; i < CALLS; i++) sink += p.probabilities(obs[i & 63]!, MASK)[4]!;
      return sink;
    }],
  ];
  it.each(cases)('%s', async (_, file, options, loop) => {
    const policy = new StudentPolicy(randomPolicy(file), options);
    let result = 0;
    // Let the JIT optimise first: unoptimised code boxes numbers on the heap.
    loop(policy, obs);
    loop(policy, obs);
    expect(await leastBytesPerCall(() => (result = loop(policy, obs)), CALLS)).toBeLessThan(1);
    expect(Number.isFinite(result)).toBe(true);
  });

  it('can tell: a loop that allocates a small array a call measures about its size', async () => {
    const loop = () => {
      let sink = 0;
      for (let i = 0; i < CALLS; i++) sink += new Float32Array(2).length;
      return sink;
    };
    loop();
    loop();
    expect(await leastBytesPerCall(loop, CALLS)).toBeGreaterThan(8);
  });
});
