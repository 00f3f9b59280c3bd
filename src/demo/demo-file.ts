/**
 * The demonstration file: what a player did with an agent, decision by decision, for behaviour
 * cloning. One compact binary file (`.demo`), little-endian:
 *
 *   bytes 0-7    magic "PDDEMO\r\n" (a text-mode copy that rewrites line ends is caught here)
 *   bytes 8-11   uint32 version (1)
 *   bytes 12-15  uint32 H, the header's byte length (a multiple of 8, padded with spaces)
 *   16 .. 16+H   the header, UTF-8 JSON: format, agent, observationSpace, actionSpace, spacesHash,
 *                decisionPeriod, steps, episodes [{ length, return, done }], meta?
 *   then         rewards       float64 [steps]
 *                observations  float32 [steps x observation size]
 *                actions       int32 (discrete, multi-discrete) or float32 (box) [steps x action size]
 *                boundaries    int32 [episodes + 1]: episode e is steps boundaries[e] .. boundaries[e + 1] - 1
 *
 * A step is one decision: the observation the policy would have seen and the action the player
 * chose from it, and the reward that decision earned. Rewards are float64 so that each episode's
 * return in the header is their sum exactly, which the decoder checks.
 *
 * JSON has no Infinity: an unbounded side of a box is stored as the largest float32, as policy
 * files store it (which no float32 observation can pass), and spaces are compared in that form.
 */
import { DEV } from '../env/dev.js';
import { checkSpace, flatSize, whyNotContained, type BoxSpace, type Space } from '../env/spaces.js';
import { Found, want, type Fail } from '../env/validate.js';

export const DEMO_FORMAT = 'phaser-distill.demo';
export const DEMO_VERSION = 1;
const MAGIC = 'PDDEMO\r\n';
/** Magic, version, header length. */
const PREAMBLE = 16;
const FLOAT32_MAX = 3.4028234663852886e38;

/**
 * What a demo file may declare, so that a damaged or hostile header cannot pass as numbers no
 * recording holds: a header of 64 MiB is some millions of episodes; boundaries are int32.
 */
export const DEMO_LIMITS = {
  /** The JSON header's bytes. */
  headerBytes: 1 << 26,
  /** Simulation steps per decision. */
  decisionPeriod: 1 << 16,
  /** Decisions in the file (boundaries are int32). */
  steps: 0x7fffffff,
  /** Values in one observation or one action. */
  size: 1 << 20,
} as const;

/** One episode of a demonstration. */
export interface DemoEpisode {
  /** Decisions (steps) in it. */
  length: number;
  /** The sum of its rewards. */
  return: number;
  /** How it ended. */
  done: 'terminated' | 'truncated';
}

/** A demonstration in memory: what `decodeDemo` gives and `encodeDemo` writes. */
export interface Demo {
  /** The agent's name in its scene. */
  agent: string;
  /** Where several agents share a policy: the behaviour the agent is one of, and the team it played for. */
  behavior?: string;
  team?: string | number;
  observationSpace: BoxSpace;
  actionSpace: Space;
  /** Simulation steps per decision of the recorded agent. */
  decisionPeriod: number;
  episodes: DemoEpisode[];
  /** [steps x observation size], row-major: what the policy would have seen at each decision. */
  observations: Float32Array;
  /** [steps x action size]: the player's action at each decision. Int32Array for discrete and multi-discrete actions, Float32Array for a box. */
  actions: Int32Array | Float32Array;
  /** [steps]: each decision's reward. */
  rewards: Float64Array;
  /** [episodes + 1]: where each episode starts, then the step count. */
  boundaries: Int32Array;
  /** Free-form provenance (game, when); never read by the loader. */
  meta?: Record<string, unknown>;
}

export class DemoFileError extends Error {
  override name = 'DemoFileError';
}

/** The spaces as a file stores them: a box's infinite bounds become the largest float32. */
export function storedSpace<S extends Space>(space: S): S {
  if (space.type !== 'box') return space;
  const bound = (v: number) => Math.max(-FLOAT32_MAX, Math.min(FLOAT32_MAX, v));
  return { ...space, low: space.low.map(bound), high: space.high.map(bound) };
}

/** A short hash (FNV-1a, 8 hex digits) of an agent's two spaces as a file stores them. */
export function spacesHash(observationSpace: BoxSpace, actionSpace: Space): string {
  const text = JSON.stringify([observationSpace, actionSpace].map((s) => {
    const t = storedSpace(s);
    return t.type === 'box' ? [t.type, t.shape, t.low, t.high] : t.type === 'discrete' ? [t.type, t.n] : [t.type, t.nvec];
  }));
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) h = Math.imul(h ^ text.charCodeAt(i), 0x01000193);
  return (h >>> 0).toString(16).padStart(8, '0');
}

/** The file's bytes. */
export function encodeDemo(demo: Demo): Uint8Array {
  const { observationSpace: obs, actionSpace: act, episodes } = demo;
  const steps = demo.rewards.length;
  if (DEV) checkArrays(demo);
  const header = JSON.stringify({
    format: DEMO_FORMAT,
    agent: demo.agent,
    ...(demo.behavior !== undefined ? { behavior: demo.behavior } : {}),
    ...(demo.team !== undefined ? { team: demo.team } : {}),
    observationSpace: storedSpace(obs),
    actionSpace: storedSpace(act),
    spacesHash: spacesHash(obs, act),
    decisionPeriod: demo.decisionPeriod,
    steps,
    episodes: episodes.map((e) => ({ length: e.length, return: e.return, done: e.done })),
    ...(demo.meta ? { meta: demo.meta } : {}),
  });
  let text = new TextEncoder().encode(header);
  const h = Math.ceil(text.length / 8) * 8;
  const padded = new Uint8Array(h).fill(32);
  padded.set(text);
  text = padded;
  const parts = [demo.rewards, demo.observations, demo.actions, demo.boundaries];
  const out = new Uint8Array(PREAMBLE + h + parts.reduce((n, p) => n + p.byteLength, 0));
  for (let i = 0; i < 8; i++) out[i] = MAGIC.charCodeAt(i);
  const view = new DataView(out.buffer);
  view.setUint32(8, DEMO_VERSION, true);
  view.setUint32(12, h, true);
  out.set(text, PREAMBLE);
  // Typed arrays are in the platform's byte order: little-endian on every browser and every
  // platform Node ships for but s390x (as policy files assume).
  let at = PREAMBLE + h;
  for (const p of parts) {
    out.set(new Uint8Array(p.buffer, p.byteOffset, p.byteLength), at);
    at += p.byteLength;
  }
  return out;
}

/** What `encodeDemo` is given must hold together (development builds only; the recorder builds it right). */
function checkArrays(demo: Demo): void {
  const steps = demo.rewards.length;
  const sizes: [string, ArrayLike<number>, number][] = [
    ['observations', demo.observations, steps * flatSize(demo.observationSpace)],
    ['actions', demo.actions, steps * flatSize(demo.actionSpace)],
    ['boundaries', demo.boundaries, demo.episodes.length + 1],
  ];
  for (const [name, a, n] of sizes) if (a.length !== n) throw new DemoFileError(`encodeDemo: ${name} holds ${a.length} numbers, expected ${n}`);
  const wantType = demo.actionSpace.type === 'box' ? Float32Array : Int32Array;
  if (!(demo.actions instanceof wantType)) throw new DemoFileError(`encodeDemo: actions must be a ${wantType.name} for a '${demo.actionSpace.type}' action space`);
  let start = 0;
  demo.episodes.forEach((e, i) => {
    if (demo.boundaries[i] !== start) throw new DemoFileError(`encodeDemo: boundaries[${i}] is ${demo.boundaries[i]}, expected ${start} (the episodes' lengths before it)`);
    start += e.length;
  });
  if (start !== steps || demo.boundaries[demo.episodes.length] !== steps) throw new DemoFileError(`encodeDemo: the episodes hold ${start} steps and the last boundary is ${demo.boundaries[demo.episodes.length]}, expected ${steps} (the rewards' length)`);
}

/**
 * Reads and checks a demo file. Every problem is a DemoFileError naming `source` and the field
 * (`magic`, `header`, `episodes[2].return`, `observations[40]`, ...) and, in development builds,
 * what was expected and what was found: a truncated file names the part that is cut short.
 */
export function decodeDemo(bytes: Uint8Array, source = 'demo file'): Demo {
  const fail: Fail = (field, why) => {
    throw new DemoFileError(`${source}: ${field}${why ? `: ${why}` : ' is not valid'}`);
  };
  const size = bytes.length;
  if (size < PREAMBLE) fail('(file)', DEV && want(`at least ${PREAMBLE} bytes (magic, version, header length)`, new Found(`${size} bytes: the file is truncated or not a demo file`)));
  const magic = String.fromCharCode(...bytes.subarray(0, 8));
  if (magic !== MAGIC) fail('magic', DEV && want(`${JSON.stringify(MAGIC)} (a phaser-distill demo file)`, new Found(JSON.stringify(magic))));
  const view = new DataView(bytes.buffer, bytes.byteOffset, size);
  const version = view.getUint32(8, true);
  if (version !== DEMO_VERSION) fail('version', DEV && want(`${DEMO_VERSION} (the version this reader reads)`, version));
  const h = view.getUint32(12, true);
  if (h % 8 !== 0) fail('headerLength', DEV && want('a multiple of 8', h));
  if (h > DEMO_LIMITS.headerBytes) fail('headerLength', DEV && want(`at most ${DEMO_LIMITS.headerBytes} bytes (DEMO_LIMITS.headerBytes)`, h));
  if (PREAMBLE + h > size) fail('header', DEV && want(`${h} bytes from byte ${PREAMBLE}`, new Found(`${size - PREAMBLE}: the file is truncated`)));
  let doc: unknown;
  try {
    doc = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(bytes.subarray(PREAMBLE, PREAMBLE + h)));
  } catch (e) {
    fail('header', DEV && want('UTF-8 JSON text', new Found((e as Error).message)));
  }
  if (!isObject(doc)) return fail('header', DEV && want('a JSON object', doc));
  if (doc.format !== DEMO_FORMAT) fail('format', DEV && want(`'${DEMO_FORMAT}'`, doc.format));
  if (typeof doc.agent !== 'string' || doc.agent === '') fail('agent', DEV && want("the agent's name", doc.agent));
  if (doc.behavior !== undefined && (typeof doc.behavior !== 'string' || doc.behavior === '')) fail('behavior', DEV && want("the agent's behaviour, a non-empty name", doc.behavior));
  if (doc.team !== undefined && !(typeof doc.team === 'string' ? doc.team !== '' : isCount(doc.team))) fail('team', DEV && want("the agent's team, a non-empty name or a non-negative integer", doc.team));
  checkSpace(doc.observationSpace, 'observationSpace', fail);
  checkSpace(doc.actionSpace, 'actionSpace', fail);
  const obsSpace = doc.observationSpace as BoxSpace;
  const actSpace = doc.actionSpace;
  if (obsSpace.type !== 'box') fail('observationSpace.type', DEV && want(`'box'`, obsSpace.type));
  const hash = spacesHash(obsSpace, actSpace);
  if (doc.spacesHash !== hash) fail('spacesHash', DEV && want(`'${hash}' (the hash of the header's spaces): the header is damaged`, doc.spacesHash));
  const period = doc.decisionPeriod;
  if (!isCount(period) || period < 1 || period > DEMO_LIMITS.decisionPeriod) fail('decisionPeriod', DEV && want(`an integer from 1 to ${DEMO_LIMITS.decisionPeriod}`, period));
  const steps = doc.steps as number;
  if (!isCount(steps) || steps > DEMO_LIMITS.steps) fail('steps', DEV && want(`an integer from 0 to ${DEMO_LIMITS.steps}`, steps));
  if (!Array.isArray(doc.episodes)) fail('episodes', DEV && want('an array of { length, return, done }', doc.episodes));
  const episodes: DemoEpisode[] = [];
  let total = 0;
  (doc.episodes as unknown[]).forEach((e, i) => {
    const at = `episodes[${i}]`;
    if (!isObject(e)) fail(at, DEV && want('{ length, return, done }', e));
    if (!isCount(e.length) || e.length < 1) fail(`${at}.length`, DEV && want('a positive integer (decisions)', e.length));
    if ((e.length as number) > steps) fail(`${at}.length`, DEV && want(`at most the file's ${steps} steps`, e.length));
    if (typeof e.return !== 'number' || !Number.isFinite(e.return)) fail(`${at}.return`, DEV && want('a finite number', e.return));
    if (e.done !== 'terminated' && e.done !== 'truncated') fail(`${at}.done`, DEV && want(`'terminated' or 'truncated'`, e.done));
    episodes.push({ length: e.length as number, return: e.return as number, done: e.done as DemoEpisode['done'] });
    total += e.length as number;
  });
  if (total !== steps) fail('steps', DEV && want(`${total} (the episodes' lengths added up)`, steps));
  if (doc.meta !== undefined && !isObject(doc.meta)) fail('meta', DEV && want('an object', doc.meta));

  const obsSize = flatSize(obsSpace);
  const actSize = flatSize(actSpace);
  if (obsSize > DEMO_LIMITS.size) fail('observationSpace.shape', DEV && want(`at most ${DEMO_LIMITS.size} values (DEMO_LIMITS.size)`, obsSize));
  if (actSize > DEMO_LIMITS.size) fail('actionSpace', DEV && want(`at most ${DEMO_LIMITS.size} values (DEMO_LIMITS.size)`, actSize));
  const body = 8 * steps + 4 * steps * (obsSize + actSize) + 4 * (episodes.length + 1);
  const left = size - PREAMBLE - h;
  if (left !== body) {
    fail('body', DEV && want(`${body} bytes (${steps} rewards, ${steps} x ${obsSize} observations, ${steps} x ${actSize} actions, ${episodes.length + 1} boundaries)`, new Found(`${left}: ${left < body ? 'the file is truncated' : `${left - body} bytes too many`}`)));
  }
  let at = PREAMBLE + h;
  // Copied out: the bytes need not start at a multiple of 8.
  const take = <T>(Type: new (b: ArrayBuffer) => T, n: number, width: number): T => {
    const b = bytes.slice(at, at + n * width).buffer;
    at += n * width;
    return new Type(b);
  };
  const rewards = take(Float64Array, steps, 8);
  const observations = take(Float32Array, steps * obsSize, 4);
  const actions = actSpace.type === 'box' ? take(Float32Array, steps * actSize, 4) : take(Int32Array, steps * actSize, 4);
  const boundaries = take(Int32Array, episodes.length + 1, 4);

  // Held to the file's own box: float32 values compared with the bounds as float32 (a value at a
  // bound stays at it when stored), so the bounds a recording declares are the bounds it keeps.
  const low = Float32Array.from(obsSpace.low);
  const high = Float32Array.from(obsSpace.high);
  for (let i = 0; i < observations.length; i++) {
    const v = observations[i]!;
    const k = i % obsSize;
    if (!Number.isFinite(v)) fail(`observations[${i}]`, DEV && want(`a finite number (step ${Math.floor(i / obsSize)}, element ${k})`, v));
    if (!(v >= low[k]! && v <= high[k]!)) fail(`observations[${i}]`, DEV && want(`a value within the file's observationSpace, [${low[k]}, ${high[k]}] (step ${Math.floor(i / obsSize)}, element ${k})`, v));
  }
  for (let s = 0; s < steps; s++) {
    const a = actions.subarray(s * actSize, (s + 1) * actSize);
    // A box action is checked finite, not within its bounds: a release build does not clip what human() gives.
    const why = actSpace.type === 'box' ? (a.every(Number.isFinite) ? null : 'expected finite numbers') : whyNotContained(actSpace, actSpace.type === 'discrete' ? a[0] : a);
    if (why) fail(`actions[${s}]`, DEV && why);
  }
  let start = 0;
  episodes.forEach((e, i) => {
    if (boundaries[i] !== start) fail(`boundaries[${i}]`, DEV && want(`${start} (the header's episode lengths before it)`, boundaries[i]));
    let sum = 0;
    for (let s = start; s < start + e.length; s++) {
      const r = rewards[s]!;
      if (!Number.isFinite(r)) fail(`rewards[${s}]`, DEV && want('a finite number', r));
      sum += r;
    }
    if (sum !== e.return) fail(`episodes[${i}].return`, DEV && want(`${sum} (the sum of its rewards)`, e.return));
    start += e.length;
  });
  if (boundaries[episodes.length] !== steps) fail(`boundaries[${episodes.length}]`, DEV && want(`${steps} (the step count)`, boundaries[episodes.length]));
  return {
    agent: doc.agent as string,
    ...(doc.behavior !== undefined ? { behavior: doc.behavior as string } : {}),
    ...(doc.team !== undefined ? { team: doc.team as string | number } : {}),
    observationSpace: obsSpace,
    actionSpace: actSpace,
    decisionPeriod: period as number,
    episodes,
    observations,
    actions,
    rewards,
    boundaries,
    ...(doc.meta ? { meta: doc.meta as Record<string, unknown> } : {}),
  };
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function isCount(v: unknown): v is number {
  return Number.isInteger(v) && (v as number) >= 0;
}
