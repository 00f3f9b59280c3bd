/**
 * A batched student call (actMany, for crowds) decides exactly as `act` does on each observation
 * in turn: greedy, sampled from the same seed, masked, discrete, multi-discrete and box students.
 */
import { readFileSync } from 'node:fs';
import { Rng, loadStudentPolicy } from 'phaser-distill';
import { describe, expect, it } from 'vitest';

const load = (path: string, temperature = 0) => loadStudentPolicy(JSON.parse(readFileSync(`assets/policies/${path}`, 'utf8')), { temperature, seed: 9, source: path });

function rows(count: number, size: number, seed: number): Float32Array {
  const rng = new Rng(seed);
  return Float32Array.from({ length: count * size }, () => rng.uniform(-1.5, 1.5));
}

describe('StudentPolicy.actMany', () => {
  for (const path of ['gather/s8-int8.json', 'gather/s16-float32.json', 'pong/s8-int8.json', 'racer/s8-float32.json', 'lander/s16-int8.json']) {
    for (const temperature of [0, 0.8]) {
      it(`${path}, temperature ${temperature}: the same actions as act() row by row`, () => {
        const one = load(path, temperature);
        const many = load(path, temperature);
        const size = one.observationSpace.shape[0]!;
        const per = one.actionSpace.type === 'box' ? one.actionSpace.shape[0]! : one.branches.length;
        const count = 37;
        const obs = rows(count, size, 4);
        const actions = new Float32Array(count * per);
        many.actMany(obs, count, actions);
        for (let r = 0; r < count; r++) {
          const a = one.act(obs.subarray(r * size, (r + 1) * size));
          expect([...actions.subarray(r * per, (r + 1) * per)], `row ${r}`).toEqual(typeof a === 'number' ? [a] : [...Float32Array.from(a)]);
        }
      });
    }
  }

  it('honours masks row by row, and refuses buffers too small for the count', () => {
    const one = load('gather/s8-int8.json');
    const many = load('gather/s8-int8.json');
    const count = 20;
    const obs = rows(count, 6, 8);
    const rng = new Rng(2);
    const masks = Uint8Array.from({ length: count * 5 }, (_, j) => (j % 5 === 0 ? 1 : rng.int(2)));
    const actions = new Float32Array(count);
    many.actMany(obs, count, actions, masks);
    for (let r = 0; r < count; r++) {
      const mask = masks.subarray(r * 5, r * 5 + 5);
      expect(actions[r]).toBe(one.act(obs.subarray(r * 6, r * 6 + 6), mask));
      expect(mask[actions[r]!]).toBe(1);
    }
    expect(() => many.actMany(obs, count + 1, new Float32Array(count + 1))).toThrow(/actMany for 21 agents needs 126 observation numbers, room for 21 action numbers; got 120, 21/);
  });
});
