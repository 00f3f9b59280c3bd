import { describe, expect, it } from 'vitest';
import { box, discrete } from '../../src/env/index.js';
import { LADDER_FORMAT, LevelPolicy, decodeLadderFile, type TemperedPolicy } from '../../src/policy/difficulty.js';

/** Acts with the first observation element, and remembers the temperature it was given. */
class Echo implements TemperedPolicy {
  temperature = 0;
  act(o: Float32Array): number {
    return o[0]!;
  }
}

const space = discrete(10);
const knobs = { temperature: 0, reactionDelay: 0, actionNoise: 0 };

describe('LevelPolicy', () => {
  it('acts on what it saw reactionDelay decisions ago', () => {
    const level = new LevelPolicy(new Echo(), { ...knobs, reactionDelay: 2 }, space);
    const acts = [1, 2, 3, 4, 5].map((x) => level.act(Float32Array.of(x)));
    expect(acts).toEqual([1, 1, 1, 2, 3]);
    level.reset();
    expect(level.act(Float32Array.of(7))).toBe(7);
  });

  it('slips to a random action at the action-noise rate', () => {
    const level = new LevelPolicy(new Echo(), { ...knobs, actionNoise: 0.3 }, space, 5);
    let off = 0;
    const n = 5000;
    for (let i = 0; i < n; i++) if (level.act(Float32Array.of(4)) !== 4) off += 1;
    // A random action equals 4 one time in ten: expected mismatch rate 0.3 * 0.9.
    expect(Math.abs(off / n - 0.27)).toBeLessThan(0.03);
    const clean = new LevelPolicy(new Echo(), knobs, space);
    for (let i = 0; i < 100; i++) expect(clean.act(Float32Array.of(4))).toBe(4);
  });

  it('keeps its random slips and its policy within the action mask', () => {
    const masks: (ArrayLike<boolean | number> | undefined)[] = [];
    const echo = new (class extends Echo {
      override act(o: Float32Array, mask?: ArrayLike<boolean | number>): number {
        masks.push(mask);
        return super.act(o);
      }
    })();
    // Only choices 3 and 8 allowed; every decision slips.
    const mask = Array.from({ length: 10 }, (_, j) => j === 3 || j === 8);
    const slipping = new LevelPolicy(echo, { ...knobs, actionNoise: 1 }, space, 2);
    const seen = new Set(Array.from({ length: 400 }, () => slipping.act(Float32Array.of(4), mask)));
    expect([...seen].sort()).toEqual([3, 8]);
    new LevelPolicy(echo, knobs, space).act(Float32Array.of(3), mask);
    expect(masks).toEqual([mask]);
  });

  it('plays its policy at its temperature', () => {
    const echo = new Echo();
    new LevelPolicy(echo, { ...knobs, temperature: 1.7 }, space).act(Float32Array.of(1));
    expect(echo.temperature).toBe(1.7);
  });

  it('blends toward a weaker policy by skill: the mean of two continuous actions, or the weaker choice at rate 1 - skill', () => {
    // Continuous: own action 2x, weaker -x; at skill 0.75 the blend is 0.75 * 2x + 0.25 * -x = 1.25x.
    const own = { temperature: 0, act: (o: Float32Array) => Float32Array.of(2 * o[0]!, 1) };
    const weak = { temperature: 0, act: (o: Float32Array) => Float32Array.of(-o[0]!, -1) };
    const boxLevel = new LevelPolicy(own, { ...knobs, temperature: 0.4, skill: 0.75, weaker: 'weak.json' }, box([2], -5, 5), 0, weak);
    expect(Array.from(boxLevel.act(Float32Array.of(2)) as Float32Array)).toEqual([2.5, 0.5]);
    // Both play at the level's temperature.
    expect([own.temperature, weak.temperature]).toEqual([0.4, 0.4]);
    // Discrete: the weaker policy (always 9) plays 1 - skill of the decisions.
    const level = new LevelPolicy(new Echo(), { ...knobs, skill: 0.6, weaker: 'nine.json' }, space, 3, { temperature: 0, act: () => 9 });
    let weaker = 0;
    for (let i = 0; i < 5000; i++) if (level.act(Float32Array.of(4)) === 9) weaker += 1;
    expect(Math.abs(weaker / 5000 - 0.4)).toBeLessThan(0.03);
    // A level refuses a skill below 1 with no weaker policy, and knobs out of range.
    expect(() => new LevelPolicy(new Echo(), { ...knobs, skill: 0.5, weaker: 'x.json' }, space)).toThrow(/skill 0.5 blends in a weaker policy/);
    expect(() => new LevelPolicy(new Echo(), { ...knobs, skill: 0.5 }, space)).toThrow(/weaker: expected a weaker policy/);
    expect(() => new LevelPolicy(new Echo(), { ...knobs, skill: 1.5, weaker: 'x.json' }, space)).toThrow(/skill: expected a number in \[0, 1\]/);
  });

  it('rejects bad knobs', () => {
    expect(() => new LevelPolicy(new Echo(), { ...knobs, actionNoise: 2 }, space)).toThrow(/actionNoise: expected a probability/);
    expect(() => new LevelPolicy(new Echo(), { ...knobs, reactionDelay: 1.5 }, space)).toThrow(/reactionDelay: expected an integer/);
    // A whole number too large to keep that many observations for (it crashed at the first decision).
    expect(() => new LevelPolicy(new Echo(), { ...knobs, reactionDelay: 1e300 }, space)).toThrow(/reactionDelay: expected an integer from 0 to 3600, got 1e\+300/);
    expect(new LevelPolicy(new Echo(), { ...knobs, reactionDelay: 3600 }, space).knobs.reactionDelay).toBe(3600);
  });
});

describe('ladder files', () => {
  const level = { name: 'easy', policy: 'a.json', temperature: 1, reactionDelay: 2, actionNoise: 0.1, strength: { mean: 0.2, low: 0.1, high: 0.3, episodes: 100 } };
  const good = { format: LADDER_FORMAT, version: 1, game: 'pong', agent: 'paddle', metric: 'point_win_rate', levels: [level] };

  it('load a well-formed ladder, of version 1 or of version 2 with a blending level', () => {
    expect(decodeLadderFile(structuredClone(good)).levels[0]!.name).toBe('easy');
    const blended = decodeLadderFile({ ...good, version: 2, levels: [{ ...level, skill: 0.4, weaker: 'b.json' }] });
    expect([blended.levels[0]!.skill, blended.levels[0]!.weaker]).toEqual([0.4, 'b.json']);
  });

  it.each([
    [{ ...good, format: 'x' }, /format: expected 'phaser-distill\.ladder'/],
    [{ ...good, version: 3 }, /version: expected 1 or 2/],
    [{ ...good, levels: [{ ...level, skil: 0.5 }] }, /levels\[0\]\.skil: expected no such key/],
    [{ ...good, levels: [{ ...level, skill: 0.5, weaker: 'b.json' }] }, /levels\[0\]\.skill: expected a version 2 ladder file/],
    [{ ...good, version: 2, levels: [{ ...level, skill: 0.5 }] }, /levels\[0\]\.weaker: expected a weaker policy to blend in at skill 0.5/],
    [{ ...good, version: 2, levels: [{ ...level, weaker: 'b.json' }] }, /levels\[0\]\.skill: expected a skill below 1 to blend in 'b.json'/],
    [{ ...good, version: 2, levels: [{ ...level, skill: 2, weaker: 'b.json' }] }, /levels\[0\]\.skill: expected a number in \[0, 1\]/],
    [{ ...good, agent: '' }, /agent: expected a non-empty string/],
    [{ ...good, levels: [] }, /levels: expected a non-empty array/],
    [{ ...good, levels: [{ ...level, temperature: -1 }] }, /levels\[0\]\.temperature: expected a number >= 0/],
    [{ ...good, levels: [{ ...level, policy: 3 }] }, /levels\[0\]\.policy: expected a policy file path/],
    [{ ...good, levels: [{ ...level, strength: { mean: 0.2 } }] }, /levels\[0\]\.strength\.low: expected a finite number/],
    [{ ...good, levels: [level, level] }, /distinct level names/],
  ])('name what is wrong (%#)', (file, message) => {
    expect(() => decodeLadderFile(file, 'pong.ladder.json')).toThrow(message);
  });
});
