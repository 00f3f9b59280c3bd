/**
 * Observation and action spaces. Plain data, so a space survives JSON (configs, policy files,
 * checkpoints) unchanged. Build them with `discrete`, `multiDiscrete` and `box`, which validate in
 * development builds (see dev.ts).
 */
import { DEV } from './dev.js';
import type { Rng } from './rng.js';
import { arrayOf, isNumber, want, type Fail } from './validate.js';

/** One choice among `n` actions, written as an integer 0..n-1. */
export interface DiscreteSpace {
  readonly type: 'discrete';
  readonly n: number;
}

/** Several independent discrete branches; branch i has `nvec[i]` choices. */
export interface MultiDiscreteSpace {
  readonly type: 'multi-discrete';
  readonly nvec: readonly number[];
}

/** A box of real numbers, flat or shaped; `low` and `high` per element (may be +-Infinity). */
export interface BoxSpace {
  readonly type: 'box';
  readonly shape: readonly number[];
  readonly low: readonly number[];
  readonly high: readonly number[];
}

export type Space = DiscreteSpace | MultiDiscreteSpace | BoxSpace;

/** An action: an integer for a discrete space, one integer per branch, or a vector for a box. */
export type Action = number | ArrayLike<number>;

/** Which choices are allowed now: one entry per choice, all branches laid end to end; false or 0 forbids the choice. */
export type ActionMask = ArrayLike<boolean | number>;

export class SpaceError extends Error {
  override name = 'SpaceError';
}

export function discrete(n: number): DiscreteSpace {
  const space: DiscreteSpace = { type: 'discrete', n };
  if (DEV) validateSpace(space);
  return space;
}

export function multiDiscrete(nvec: readonly number[]): MultiDiscreteSpace {
  const space: MultiDiscreteSpace = { type: 'multi-discrete', nvec: [...nvec] };
  if (DEV) validateSpace(space);
  return space;
}

/** A box. `low` and `high` may be one number for every element or one per element. */
export function box(
  shape: readonly number[],
  low: number | readonly number[] = -Infinity,
  high: number | readonly number[] = Infinity,
): BoxSpace {
  const size = shape.reduce((a, b) => a * b, 1);
  const expand = (v: number | readonly number[]) => (typeof v === 'number' ? new Array<number>(size).fill(v) : [...v]);
  const space: BoxSpace = { type: 'box', shape: [...shape], low: expand(low), high: expand(high) };
  if (DEV) validateSpace(space);
  return space;
}

const isPositiveInt = (v: unknown) => Number.isInteger(v) && (v as number) > 0;

/** Throws a SpaceError naming `where` and the field at fault unless `space` is a well-formed space. */
export function validateSpace(space: unknown, where = 'space'): asserts space is Space {
  checkSpace(space, where, (field, why) => {
    throw new SpaceError(why ? `${field}: ${why}` : `${field} is not valid`);
  });
}

/** Every check of `validateSpace`, each problem reported through `fail`. */
export function checkSpace(space: unknown, where: string, fail: Fail): asserts space is Space {
  if (typeof space !== 'object' || space === null) fail(where, DEV && want('a space object', space));
  const s = space as Record<string, unknown>;
  const positiveInts = (key: string) => arrayOf<number>(s[key], null, isPositiveInt, DEV && 'positive integer', `${where}.${key}`, fail);
  if (s.type === 'discrete') {
    if (!isPositiveInt(s.n)) fail(`${where}.n`, DEV && want('a positive integer', s.n));
  } else if (s.type === 'multi-discrete') {
    positiveInts('nvec');
  } else if (s.type === 'box') {
    const size = positiveInts('shape').reduce((a, b) => a * b, 1);
    const low = arrayOf<number>(s.low, size, isNumber, DEV && 'number', `${where}.low`, fail);
    arrayOf<number>(s.high, size, isNumber, DEV && 'number', `${where}.high`, fail).forEach((h, i) => low[i]! <= h || fail(`${where}.low[${i}]`, DEV && want(`at most high[${i}] = ${h}`, low[i])));
  } else {
    fail(`${where}.type`, DEV && want(`'discrete', 'multi-discrete' or 'box'`, s.type));
  }
}

/** Number of numbers in a flat encoding of one element: 1 for discrete, branches, or box size. */
export function flatSize(space: Space): number {
  switch (space.type) {
    case 'discrete':
      return 1;
    case 'multi-discrete':
      return space.nvec.length;
    case 'box':
      return space.shape.reduce((a, b) => a * b, 1);
  }
}

/** Branch sizes of a discrete (one branch) or multi-discrete space; null for a box. */
export function branchSizes(space: Space): number[] | null {
  return space.type === 'discrete' ? [space.n] : space.type === 'multi-discrete' ? [...space.nvec] : null;
}

/** Choices laid end to end, as an action mask or a policy's logits hold them: n, the sum of nvec, 0 for a box. */
export function choiceCount(space: Space): number {
  return space.type === 'discrete' ? space.n : space.type === 'multi-discrete' ? space.nvec.reduce((a, b) => a + b, 0) : 0;
}

/**
 * Why `x` is not an element of `space`, or null if it is. Discrete values must be integers in
 * range, box values finite and within [low, high].
 */
export function whyNotContained(space: Space, x: unknown): string | null {
  const isArrayLike = (v: unknown): v is ArrayLike<number> =>
    Array.isArray(v) || ArrayBuffer.isView(v) as boolean;
  switch (space.type) {
    case 'discrete': {
      const v = typeof x === 'number' ? x : isArrayLike(x) && x.length === 1 ? x[0] : undefined;
      if (typeof v !== 'number' || !Number.isInteger(v) || v < 0 || v >= space.n) return `expected an integer in [0, ${space.n - 1}], got ${fmt(x)}`;
      return null;
    }
    case 'multi-discrete': {
      if (!isArrayLike(x) || x.length !== space.nvec.length) return `expected ${space.nvec.length} integers (one per branch), got ${fmt(x)}`;
      for (let i = 0; i < x.length; i++) {
        const v = x[i]!;
        if (!Number.isInteger(v) || v < 0 || v >= space.nvec[i]!) return `branch ${i}: expected an integer in [0, ${space.nvec[i]! - 1}], got ${fmt(v)}`;
      }
      return null;
    }
    case 'box': {
      const size = flatSize(space);
      if (!isArrayLike(x) || x.length !== size) return `expected ${size} numbers (shape [${space.shape.join(', ')}]), got ${fmt(x)}`;
      for (let i = 0; i < size; i++) {
        const v = x[i]!;
        if (typeof v !== 'number' || !Number.isFinite(v)) return `element ${i}: expected a finite number, got ${fmt(v)}`;
        if (v < space.low[i]! || v > space.high[i]!) return `element ${i}: ${v} is outside [${space.low[i]}, ${space.high[i]}]`;
      }
      return null;
    }
  }
}

export function contains(space: Space, x: unknown): boolean {
  return whyNotContained(space, x) === null;
}

/** A uniformly random element (a box with infinite bounds samples a standard normal there). */
export function sample(space: Space, rng: Rng): Action {
  switch (space.type) {
    case 'discrete':
      return rng.int(space.n);
    case 'multi-discrete':
      return space.nvec.map((n) => rng.int(n));
    case 'box': {
      const out = new Float32Array(flatSize(space));
      for (let i = 0; i < out.length; i++) {
        const lo = space.low[i]!;
        const hi = space.high[i]!;
        out[i] = Number.isFinite(lo) && Number.isFinite(hi) ? lo + (hi - lo) * rng.float() : rng.normal();
      }
      return out;
    }
  }
}

function fmt(x: unknown): string {
  if (typeof x === 'number') return String(x);
  if (Array.isArray(x) || ArrayBuffer.isView(x)) return `[${Array.from(x as ArrayLike<number>).slice(0, 8).join(', ')}${(x as ArrayLike<number>).length > 8 ? ', ...' : ''}]`;
  return JSON.stringify(x) ?? String(x);
}
