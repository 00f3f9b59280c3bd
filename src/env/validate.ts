/**
 * What the validators of plain data (spaces, policy files) share. A check that fails calls a
 * `Fail` with the field at fault and why, in words: `DEV && want(expected, got)`, which a
 * production build (see dev.ts) reduces to `false`, so its messages name only the field and the
 * explanations leave the bundle.
 */
import { DEV } from './dev.js';

/** Reports a problem with `field` and stops; `why` is false in production builds. */
export type Fail = (field: string, why: string | false) => never;

/** "expected X", or "expected X, got Y" when what was found is worth showing. */
export function want(expected: string, ...got: unknown[]): string {
  return `expected ${expected}${got.length === 0 ? '' : `, got ${show(got[0])}`}`;
}

/** A finding already in words, shown as it is. */
export class Found {
  constructor(readonly text: string) {}
}

function show(v: unknown): string {
  if (v instanceof Found) return v.text;
  if (Array.isArray(v)) return `an array of ${v.length}`;
  if (typeof v === 'string') return v.length > 40 ? `'${v.slice(0, 40)}...'` : `'${v}'`;
  if (typeof v === 'object' && v !== null) return 'an object';
  return String(v);
}

/**
 * `value` as an array of `length` entries (of any length above 0 when `length` is null), each
 * `ok`; else a failure naming the array, or the entry at fault. `what` names one entry.
 */
export function arrayOf<T>(value: unknown, length: number | null, ok: (v: unknown) => boolean, what: string | false, field: string, fail: Fail): T[] {
  if (!Array.isArray(value) || (length === null ? value.length === 0 : value.length !== length)) fail(field, DEV && want(`${length === null ? 'a non-empty array' : `an array of ${length}`} ${what}s`, value));
  (value as unknown[]).forEach((v, i) => ok(v) || fail(`${field}[${i}]`, DEV && want(`a ${what}`, v)));
  return value as T[];
}

/** A number, not NaN (infinite bounds are numbers). */
export const isNumber = (v: unknown): v is number => typeof v === 'number' && v === v;
