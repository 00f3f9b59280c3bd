/**
 * Fuzzed `.demo` files: valid recordings (discrete, multi-discrete and box actions) each broken by
 * one to three random mutations (a header field replaced by an odd value, an observation moved
 * outside the file's own box, a body byte changed, the file cut short, the header length changed),
 * from one seed, plus a valid recording of 150,000 episodes. Each is read as the command line reads
 * it: `phaser-distill demo` (src/cli/demo.ts) and the reader that imitation and BC use. A good
 * outcome is a DemoFileError naming the file, or an accept of a file that holds together (checked
 * here again, independently: counts within DEMO_LIMITS, observations finite and inside the box,
 * actions in their space, returns the sums of their rewards). Anything else thrown is a crash.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Rng, box, discrete, multiDiscrete, whyNotContained, type BoxSpace, type Space } from '../../src/env/index.js';
import { DEMO_LIMITS, DemoFileError, decodeDemo, encodeDemo, type Demo } from '../../src/demo/index.js';
import { runDemo } from '../../src/cli/demo.js';
import { readDemosToLearn } from '../../src/run/demos.js';

export interface DemoFuzzStats {
  demo_files: number;
  demo_accepted: number;
  demo_refused: number;
  demo_crashes: number;
  demo_bad_accepts: number;
  examples: string[];
}

const ODD: unknown[] = [null, -1, 0, 0.5, 1e300, -1e300, 3e38, 2 ** 31, 2 ** 53, 'x', '', true, [], {}, { type: 'box' }];

function makeDemo(rng: Rng, actionSpace: Space, lengths: number[], observationSpace: BoxSpace): Demo {
  const steps = lengths.reduce((a, b) => a + b, 0);
  const D = observationSpace.shape.reduce((a, b) => a * b, 1);
  const observations = Float32Array.from({ length: steps * D }, (_, i) => rng.uniform(observationSpace.low[i % D]!, observationSpace.high[i % D]!));
  const A = actionSpace.type === 'discrete' ? 1 : actionSpace.type === 'multi-discrete' ? actionSpace.nvec.length : actionSpace.shape.reduce((a, b) => a * b, 1);
  const act = (i: number) => (actionSpace.type === 'discrete' ? rng.int(actionSpace.n) : actionSpace.type === 'multi-discrete' ? rng.int(actionSpace.nvec[i % A]!) : rng.uniform(-1, 1));
  const actions = actionSpace.type === 'box' ? Float32Array.from({ length: steps * A }, (_, i) => act(i)) : Int32Array.from({ length: steps * A }, (_, i) => act(i));
  const rewards = Float64Array.from({ length: steps }, () => rng.normal());
  const boundaries = new Int32Array(lengths.length + 1);
  lengths.forEach((l, i) => (boundaries[i + 1] = boundaries[i]! + l));
  const episodes = lengths.map((length, i) => {
    let sum = 0;
    for (let s = boundaries[i]!; s < boundaries[i + 1]!; s++) sum += rewards[s]!;
    return { length, return: sum, done: 'terminated' as const };
  });
  return { agent: 'paddle', observationSpace, actionSpace, decisionPeriod: 4, episodes, observations, actions, rewards, boundaries };
}

const HEADER_AT = 16;

/** The file with its header changed by `f` (re-padded, its length rewritten). */
function withHeader(bytes: Uint8Array, f: (h: Record<string, unknown>) => void): Uint8Array {
  if (bytes.length < HEADER_AT) return bytes;
  const h = new DataView(bytes.buffer, bytes.byteOffset).getUint32(12, true);
  let header: Record<string, unknown>;
  try {
    header = JSON.parse(new TextDecoder().decode(bytes.subarray(HEADER_AT, HEADER_AT + h))) as Record<string, unknown>;
    if (typeof header !== 'object' || header === null) return bytes;
  } catch {
    // An earlier mutation broke the header already.
    return bytes;
  }
  f(header);
  const text = new TextEncoder().encode(JSON.stringify(header));
  const padded = new Uint8Array(Math.ceil(text.length / 8) * 8).fill(32);
  padded.set(text);
  const out = new Uint8Array(HEADER_AT + padded.length + bytes.length - HEADER_AT - h);
  out.set(bytes.subarray(0, HEADER_AT));
  new DataView(out.buffer).setUint32(12, padded.length, true);
  out.set(padded, HEADER_AT);
  out.set(bytes.subarray(HEADER_AT + h), HEADER_AT + padded.length);
  return out;
}

function mutate(rng: Rng, demo: Demo, bytes: Uint8Array): Uint8Array {
  // Cut short below the preamble by an earlier mutation: nothing more to break.
  if (bytes.length < HEADER_AT) return bytes;
  const h = new DataView(bytes.buffer, bytes.byteOffset).getUint32(12, true);
  const kind = rng.int(6);
  if (kind === 0) {
    const keys = ['decisionPeriod', 'steps', 'agent', 'spacesHash', 'episodes', 'format'];
    return withHeader(bytes, (header) => {
      const key = keys[rng.int(keys.length)]!;
      if (key === 'episodes' && Array.isArray(header.episodes) && header.episodes.length) {
        const e = header.episodes[rng.int(header.episodes.length)] as Record<string, unknown>;
        e[['length', 'return', 'done'][rng.int(3)]!] = structuredClone(ODD[rng.int(ODD.length)]);
      } else header[key] = structuredClone(ODD[rng.int(ODD.length)]);
    });
  }
  const out = bytes.slice();
  if (out.length < HEADER_AT) return out;
  const view = new DataView(out.buffer);
  const steps = demo.rewards.length;
  const D = demo.observations.length / Math.max(1, steps);
  if (kind === 1 && steps > 0) {
    // An observation outside the file's own box (up to the largest float32).
    const i = rng.int(steps * D);
    const k = i % D;
    const v = [demo.observationSpace.high[k]! + 0.5, demo.observationSpace.low[k]! - 2, 3e38, -3.4e38, 1e20][rng.int(5)]!;
    const at = HEADER_AT + h + 8 * steps + 4 * i;
    if (at + 4 <= out.length) view.setFloat32(at, v, true);
    return out;
  }
  if (kind === 2) {
    const at = HEADER_AT + h + rng.int(Math.max(1, out.length - HEADER_AT - h));
    if (at < out.length) out[at] = rng.int(256);
    return out;
  }
  if (kind === 3) return out.subarray(0, rng.int(out.length));
  if (kind === 4) {
    view.setUint32(12, [0, 8, h + 8, 2 ** 31, 0xfffffff8][rng.int(5)]!, true);
    return out;
  }
  out[rng.int(Math.min(out.length, HEADER_AT + h))] = 32 + rng.int(95);
  return out;
}

/** What must hold of an accepted demo, checked apart from the decoder. */
function whyBad(d: Demo): string | null {
  const steps = d.rewards.length;
  if (!(Number.isInteger(d.decisionPeriod) && d.decisionPeriod >= 1 && d.decisionPeriod <= DEMO_LIMITS.decisionPeriod)) return `decisionPeriod ${d.decisionPeriod}`;
  if (d.episodes.reduce((n, e) => n + e.length, 0) !== steps) return 'episode lengths';
  const D = d.observationSpace.shape.reduce((a, b) => a * b, 1);
  for (let i = 0; i < d.observations.length; i++) {
    const v = d.observations[i]!;
    if (!Number.isFinite(v) || v < Math.fround(d.observationSpace.low[i % D]!) || v > Math.fround(d.observationSpace.high[i % D]!)) return `observation ${i} = ${v} outside its box`;
  }
  const A = d.actions.length / Math.max(1, steps);
  for (let s = 0; s < steps; s++) {
    const a = d.actions.subarray(s * A, (s + 1) * A);
    if (d.actionSpace.type === 'box' ? !a.every(Number.isFinite) : whyNotContained(d.actionSpace, d.actionSpace.type === 'discrete' ? a[0] : a)) return `action ${s}`;
  }
  let start = 0;
  for (const e of d.episodes) {
    if (!(e.length >= 1)) return 'an empty episode';
    let sum = 0;
    for (let s = start; s < start + e.length; s++) sum += d.rewards[s]!;
    if (sum !== e.return) return 'a return that is not its rewards';
    start += e.length;
  }
  return null;
}

export function demoFuzzStats(count: number, seed: number): DemoFuzzStats {
  const rng = new Rng(seed);
  const dir = mkdtempSync(join(tmpdir(), 'pd-demo-fuzz-'));
  const stats: DemoFuzzStats = { demo_files: 0, demo_accepted: 0, demo_refused: 0, demo_crashes: 0, demo_bad_accepts: 0, examples: [] };
  const bases = [
    makeDemo(rng, discrete(3), [5, 3, 9], box([4], -1, 1)),
    makeDemo(rng, multiDiscrete([3, 2]), [4, 7], box([3], [-2, 0, -5], [2, 1, 5])),
    makeDemo(rng, box([2], -1, 1), [6, 2, 2], box([5], -10, 10)),
    makeDemo(rng, discrete(4), [], box([2], -1, 1)),
  ];
  const note = (what: string) => {
    if (stats.examples.length < 10) stats.examples.push(what);
  };
  const judge = (bytes: Uint8Array, name: string) => {
    stats.demo_files += 1;
    const path = join(dir, `${name}.demo`);
    writeFileSync(path, bytes);
    let demo: Demo;
    try {
      demo = decodeDemo(bytes, path);
      // As the command line reads it: the demo command, and the reader imitation and BC use.
      runDemo(path, () => undefined);
      try {
        readDemosToLearn(path);
      } catch (e) {
        if (!(e instanceof DemoFileError)) throw e;
      }
    } catch (e) {
      if (e instanceof DemoFileError && e.message.startsWith(path)) stats.demo_refused += 1;
      else {
        stats.demo_crashes += 1;
        note(`${name}: crash: ${(e as Error).stack ?? String(e)}`);
      }
      return;
    }
    stats.demo_accepted += 1;
    const why = whyBad(demo);
    if (why) {
      stats.demo_bad_accepts += 1;
      note(`${name}: accepted, but ${why}`);
    }
  };
  try {
    judge(encodeDemo(makeDemo(rng, discrete(3), Array.from({ length: 150_000 }, () => 1), box([1], -1, 1))), 'many-episodes');
    for (let k = 0; stats.demo_files < count; k++) {
      const base = bases[k % bases.length]!;
      let bytes = encodeDemo(base);
      const n = 1 + rng.int(3);
      for (let m = 0; m < n; m++) bytes = mutate(rng, base, bytes);
      judge(bytes, `fuzz-${k}`);
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  return stats;
}
