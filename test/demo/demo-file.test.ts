/**
 * The demo file format: exact round trips for every action kind; every truncated or damaged file
 * refused with the field named; spaces checked against an agent's, the difference named; demos
 * of one agent merged, of another refused.
 */
import { describe, expect, it, vi } from 'vitest';
import { Rng, box, discrete, multiDiscrete, type BoxSpace, type Space } from '../../src/env/index.js';
import { DEMO_FORMAT, DemoFileError, checkDemoSpaces, decodeDemo, encodeDemo, mergeDemos, spacesHash, type Demo } from '../../src/demo/index.js';

/** A demo of `lengths` episodes with random numbers throughout (rewards any double, returns their sums). */
function makeDemo(actionSpace: Space, lengths: number[], seed = 1, observationSpace: BoxSpace = box([3], -2, [1, 2, 3])): Demo {
  const rng = new Rng(seed);
  const steps = lengths.reduce((a, b) => a + b, 0);
  const obsSize = observationSpace.shape.reduce((a, b) => a * b, 1);
  // Within the box (a file's observations are held to it): [-2, 1] where the box allows.
  const observations = Float32Array.from({ length: steps * obsSize }, (_, i) => rng.uniform(Math.max(-2, observationSpace.low[i % obsSize]!), Math.min(1, observationSpace.high[i % obsSize]!)));
  const actSize = actionSpace.type === 'discrete' ? 1 : actionSpace.type === 'multi-discrete' ? actionSpace.nvec.length : actionSpace.shape.reduce((a, b) => a * b, 1);
  const action = (i: number) => (actionSpace.type === 'discrete' ? rng.int(actionSpace.n) : actionSpace.type === 'multi-discrete' ? rng.int(actionSpace.nvec[i % actSize]!) : rng.uniform(-1, 1));
  const actions = actionSpace.type === 'box' ? Float32Array.from({ length: steps * actSize }, (_, i) => action(i)) : Int32Array.from({ length: steps * actSize }, (_, i) => action(i));
  const rewards = Float64Array.from({ length: steps }, () => rng.normal() * 3.3);
  const boundaries = new Int32Array(lengths.length + 1);
  lengths.forEach((l, i) => (boundaries[i + 1] = boundaries[i]! + l));
  const episodes = lengths.map((length, i) => {
    let sum = 0;
    for (let s = boundaries[i]!; s < boundaries[i + 1]!; s++) sum += rewards[s]!;
    return { length, return: sum, done: i % 2 ? ('truncated' as const) : ('terminated' as const) };
  });
  return { agent: 'paddle', observationSpace, actionSpace, decisionPeriod: 4, episodes, observations, actions, rewards, boundaries };
}

const HEADER_AT = 16;
const headerOf = (bytes: Uint8Array): Record<string, any> => JSON.parse(new TextDecoder().decode(bytes.subarray(HEADER_AT, HEADER_AT + new DataView(bytes.buffer, bytes.byteOffset).getUint32(12, true))));

/** The file with its header changed by `f` (re-padded, its length rewritten), body as it was. */
function withHeader(bytes: Uint8Array, f: (h: Record<string, any>) => void): Uint8Array {
  const h = new DataView(bytes.buffer, bytes.byteOffset).getUint32(12, true);
  const header = headerOf(bytes);
  f(header);
  let text = new TextEncoder().encode(JSON.stringify(header));
  const padded = new Uint8Array(Math.ceil(text.length / 8) * 8).fill(32);
  padded.set(text);
  text = padded;
  const out = new Uint8Array(HEADER_AT + text.length + bytes.length - HEADER_AT - h);
  out.set(bytes.subarray(0, HEADER_AT));
  new DataView(out.buffer).setUint32(12, text.length, true);
  out.set(text, HEADER_AT);
  out.set(bytes.subarray(HEADER_AT + h), HEADER_AT + text.length);
  return out;
}

/** The file with `write` applied at byte `offset` of its body. */
function withBody(bytes: Uint8Array, offset: number, write: (view: DataView, at: number) => void): Uint8Array {
  const out = bytes.slice();
  const h = new DataView(out.buffer).getUint32(12, true);
  write(new DataView(out.buffer), HEADER_AT + h + offset);
  return out;
}

describe('demo file format', () => {
  const spaces: [string, Space][] = [['discrete', discrete(3)], ['multi-discrete', multiDiscrete([3, 2, 4])], ['box', box([2], -1, 1)]];
  it.each(spaces)('round-trips a %s demo exactly: header, observations, actions, rewards, boundaries', (_name, actionSpace) => {
    const demo = { ...makeDemo(actionSpace, [5, 1, 12]), meta: { game: 'pong', player: 'ana' } };
    const bytes = encodeDemo(demo);
    const back = decodeDemo(bytes);
    expect(back).toEqual(demo);
    expect(back.actions).toBeInstanceOf(actionSpace.type === 'box' ? Float32Array : Int32Array);
    expect(back.rewards).toBeInstanceOf(Float64Array);
    // Bit for bit, the returns too (each the sum of its float64 rewards), and again once decoded.
    expect(back.episodes.map((e) => e.return)).toEqual(demo.episodes.map((e) => e.return));
    expect(encodeDemo(back)).toEqual(bytes);
    const header = headerOf(bytes);
    expect(header).toMatchObject({ format: DEMO_FORMAT, agent: 'paddle', steps: 18, decisionPeriod: 4, spacesHash: spacesHash(demo.observationSpace, actionSpace) });
    expect(header.episodes).toEqual([{ length: 5, return: demo.episodes[0]!.return, done: 'terminated' }, { length: 1, return: demo.episodes[1]!.return, done: 'truncated' }, { length: 12, return: demo.episodes[2]!.return, done: 'terminated' }]);
    expect(new TextDecoder().decode(bytes.subarray(0, 8))).toBe('PDDEMO\r\n');
  });

  it('decodes from bytes that start anywhere in a buffer, and round-trips an empty demo', () => {
    const bytes = encodeDemo(makeDemo(discrete(3), [7, 2]));
    const shifted = new Uint8Array(bytes.length + 3);
    shifted.set(bytes, 3);
    expect(decodeDemo(shifted.subarray(3))).toEqual(decodeDemo(bytes));
    const empty = makeDemo(discrete(3), []);
    expect(decodeDemo(encodeDemo(empty))).toEqual(empty);
  });

  it('keeps an unbounded box as the largest float32, and an agent with infinite bounds still matches it', () => {
    const demo = makeDemo(box([2]), [3], 2, box([3]));
    const back = decodeDemo(encodeDemo(demo));
    expect(back.observationSpace.high).toEqual([3.4028234663852886e38, 3.4028234663852886e38, 3.4028234663852886e38]);
    expect(back.actionSpace).toEqual({ type: 'box', shape: [2], low: [-3.4028234663852886e38, -3.4028234663852886e38], high: [3.4028234663852886e38, 3.4028234663852886e38] });
    expect(() => checkDemoSpaces(back, { observationSpace: box([3]), actionSpace: box([2]) })).not.toThrow();
    expect(spacesHash(back.observationSpace, back.actionSpace)).toBe(spacesHash(box([3]), box([2])));
  });

  it('refuses a file cut short at any byte, naming the part that is cut', () => {
    const bytes = encodeDemo(makeDemo(multiDiscrete([3, 2]), [4, 3]));
    const h = new DataView(bytes.buffer).getUint32(12, true);
    for (let n = 0; n < bytes.length; n++) {
      const field = n < HEADER_AT ? '\\(file\\)' : n < HEADER_AT + h ? 'header' : 'body';
      expect(() => decodeDemo(bytes.subarray(0, n), 'cut.demo'), `cut at ${n}`).toThrow(new RegExp(`^cut\\.demo: ${field}: .*truncated`));
    }
    expect(() => decodeDemo(bytes.subarray(0, 10), 'cut.demo')).toThrow(/^cut\.demo: \(file\): expected at least 16 bytes \(magic, version, header length\), got 10 bytes: the file is truncated/);
    expect(() => decodeDemo(bytes.subarray(0, bytes.length - 4), 'cut.demo')).toThrow(/^cut\.demo: body: expected \d+ bytes \(7 rewards, 7 x 3 observations, 7 x 2 actions, 3 boundaries\), got \d+: the file is truncated/);
  });

  // Each case damages one thing; the error names the field and says what was expected.
  const base = () => encodeDemo(makeDemo(discrete(3), [4, 3]));
  const bodyAt = { rewards: 0, observations: 7 * 8, actions: 7 * 8 + 7 * 3 * 4, boundaries: 7 * 8 + 7 * 3 * 4 + 7 * 4 };
  const cases: [string, () => Uint8Array, RegExp][] = [
    ['another kind of file', () => new TextEncoder().encode('{"format": "phaser-distill.student", "version": 1}'), /^f\.demo: magic: expected "PDDEMO\\r\\n" \(a phaser-distill demo file\), got "\{\\"format"/],
    ['line ends rewritten by a text-mode copy', () => { const b = base(); return new Uint8Array([...b.subarray(0, 6), 10, ...b.subarray(8)]); }, /^f\.demo: magic:/],
    ['a newer version', () => { const b = base(); new DataView(b.buffer).setUint32(8, 2, true); return b; }, /^f\.demo: version: expected 1 \(the version this reader reads\), got 2/],
    ['a header length that is not a multiple of 8', () => { const b = base(); new DataView(b.buffer).setUint32(12, 13, true); return b; }, /^f\.demo: headerLength: expected a multiple of 8, got 13/],
    ['a header that is not JSON', () => { const b = base(); b[HEADER_AT] = 0x7b; b[HEADER_AT + 1] = 0x7b; return b; }, /^f\.demo: header: expected UTF-8 JSON text/],
    ['another format name', () => withHeader(base(), (h) => (h.format = 'ml-agents.demo')), /^f\.demo: format: expected 'phaser-distill\.demo', got 'ml-agents\.demo'/],
    ['no agent name', () => withHeader(base(), (h) => delete h.agent), /^f\.demo: agent: expected the agent's name, got undefined/],
    ['a malformed action space', () => withHeader(base(), (h) => (h.actionSpace = { type: 'discrete', n: 0 })), /^f\.demo: actionSpace\.n: expected a positive integer, got 0/],
    ['spaces that do not match their hash', () => withHeader(base(), (h) => (h.observationSpace.low[1] = -5)), /^f\.demo: spacesHash: expected '[0-9a-f]{8}' \(the hash of the header's spaces\): the header is damaged, got '[0-9a-f]{8}'/],
    ['a step count that is not the episodes\'', () => withHeader(base(), (h) => (h.steps = 8)), /^f\.demo: steps: expected 7 \(the episodes' lengths added up\), got 8/],
    ['an empty episode', () => withHeader(base(), (h) => (h.episodes[1].length = 0)), /^f\.demo: episodes\[1\]\.length: expected a positive integer \(decisions\), got 0/],
    ['an unknown ending', () => withHeader(base(), (h) => (h.episodes[0].done = 'won')), /^f\.demo: episodes\[0\]\.done: expected 'terminated' or 'truncated', got 'won'/],
    ['a return that is not its rewards\' sum', () => withHeader(base(), (h) => (h.episodes[1].return += 1)), /^f\.demo: episodes\[1\]\.return: expected -?[\d.e-]+ \(the sum of its rewards\), got -?[\d.e-]+/],
    ['bytes after the body', () => new Uint8Array([...base(), 0, 0, 0, 0]), /^f\.demo: body: expected \d+ bytes .*, got \d+: 4 bytes too many/],
    ['a NaN observation', () => withBody(base(), bodyAt.observations + 5 * 4, (v, at) => v.setFloat32(at, Number.NaN, true)), /^f\.demo: observations\[5\]: expected a finite number \(step 1, element 2\), got NaN/],
    ['an action out of range', () => withBody(base(), bodyAt.actions + 6 * 4, (v, at) => v.setInt32(at, 3, true)), /^f\.demo: actions\[6\]: expected an integer in \[0, 2\], got 3/],
    ['a reward that is infinite', () => withBody(base(), bodyAt.rewards + 2 * 8, (v, at) => v.setFloat64(at, Infinity, true)), /^f\.demo: rewards\[2\]: expected a finite number, got Infinity/],
    ['a boundary off its episode', () => withBody(base(), bodyAt.boundaries + 4, (v, at) => v.setInt32(at, 5, true)), /^f\.demo: boundaries\[1\]: expected 4 \(the header's episode lengths before it\), got 5/],
  ];
  it.each(cases)('refuses %s, naming the field', (_name, make, message) => {
    expect(() => decodeDemo(make(), 'f.demo')).toThrow(DemoFileError);
    expect(() => decodeDemo(make(), 'f.demo')).toThrow(message);
  });

  it('refuses the same damaged files in a production build, naming the field', async () => {
    vi.stubEnv('NODE_ENV', 'production');
    vi.resetModules();
    try {
      const prod = await import('../../src/demo/index.js');
      for (const [name, make, message] of cases) {
        const field = /^\^f\\\.demo: ([^:]+):/.exec(message.source)![1]!.replace(/\\/g, '');
        expect(() => prod.decodeDemo(make(), 'f.demo'), name).toThrow(`f.demo: ${field} is not valid`);
      }
      expect(prod.decodeDemo(base())).toEqual(decodeDemo(base()));
    } finally {
      vi.unstubAllEnvs();
    }
  });
});

describe('demos and agents', () => {
  const demo = () => makeDemo(discrete(3), [3, 2], 1, box([8], -1, 1));

  it("refuses a demo from an agent with other spaces, saying what differs", () => {
    const agent = { name: 'paddle', observationSpace: box([8], -1, 1), actionSpace: discrete(3) };
    expect(() => checkDemoSpaces(demo(), agent, 'pong.demo')).not.toThrow();
    expect(() => checkDemoSpaces(demo(), { ...agent, observationSpace: box([10], -1, 1) }, 'pong.demo')).toThrow(/^pong\.demo: recorded from agent 'paddle' with other spaces than agent 'paddle': observation shape \[8\] in the file, \[10\] in agent 'paddle'$/);
    expect(() => checkDemoSpaces(demo(), { observationSpace: box([8], -1, 1), actionSpace: discrete(4) })).toThrow(/action space discrete 3 in the file, discrete 4 in the agent$/);
    expect(() => checkDemoSpaces(demo(), { observationSpace: box([8], -1, 1), actionSpace: box([1], -1, 1) })).toThrow(/action space discrete 3 in the file, box \[1\] in the agent$/);
    const low = [-1, -1, 0, 0, -1, -1, -1, -1];
    expect(() => checkDemoSpaces(demo(), { observationSpace: box([8], low, 1), actionSpace: discrete(3) })).toThrow(/observation low\[2\] -1 in the file, 0 in the agent \(and 1 more of 8\)$/);
    expect(() => checkDemoSpaces(demo(), { observationSpace: box([8], -1, 2), actionSpace: discrete(4) })).toThrow(/observation high\[0\] 1 in the file, 2 in the agent \(and 7 more of 8\); action space discrete 3 in the file, discrete 4 in the agent$/);
  });

  it('merges demos of one agent in order, and refuses others naming the files and the difference', () => {
    const a = demo();
    const b = makeDemo(discrete(3), [4], 2, box([8], -1, 1));
    const m = mergeDemos([a, b], ['a.demo', 'b.demo']);
    expect(m.episodes).toEqual([...a.episodes, ...b.episodes]);
    expect([...m.boundaries]).toEqual([0, 3, 5, 9]);
    expect([...m.observations]).toEqual([...a.observations, ...b.observations]);
    expect([...m.actions]).toEqual([...a.actions, ...b.actions]);
    expect(m.actions).toBeInstanceOf(Int32Array);
    expect([...m.rewards]).toEqual([...a.rewards, ...b.rewards]);
    expect(decodeDemo(encodeDemo(m))).toEqual(m);
    expect(mergeDemos([a])).toBe(a);

    expect(() => mergeDemos([a, { ...b, agent: 'opponent' }], ['a.demo', 'b.demo'])).toThrow(/^b\.demo: cannot be merged with a\.demo, it is from another agent: agent 'opponent' in b\.demo, 'paddle' in a\.demo$/);
    const wider = makeDemo(discrete(3), [2], 3, box([10], -1, 1));
    expect(() => mergeDemos([a, b, wider], ['a.demo', 'b.demo', 'c.demo'])).toThrow(/^c\.demo: cannot be merged with a\.demo, it is from another agent: observation shape \[10\] in c\.demo, \[8\] in a\.demo$/);
    expect(() => mergeDemos([a, { ...b, decisionPeriod: 1 }], ['a.demo', 'b.demo'])).toThrow(/decision period 1 in b\.demo, 4 in a\.demo$/);
    expect(() => mergeDemos([])).toThrow(DemoFileError);
  });

  it('holds observations to the file\'s own box, and refuses numbers beyond its limits, naming the field', () => {
    const demo = makeDemo(discrete(3), [3, 2]);
    const bytes = encodeDemo(demo);
    // observations start after 5 float64 rewards; element 1 of step 2 is observation 7, whose box is [-2, 2].
    const at = 5 * 8 + 7 * 4;
    for (const v of [2.5, -3, 3e38, -3.4e38]) {
      const bad = withBody(bytes, at, (view, o) => view.setFloat32(o, v, true));
      expect(() => decodeDemo(bad, 'out.demo'), String(v)).toThrow(/^out\.demo: observations\[7\]: expected a value within the file's observationSpace, \[-2, 2\] \(step 2, element 1\)/);
    }
    // At the bound it is inside: a bound of 0.1 holds the float32 0.1 recorded at it.
    const edge = makeDemo(discrete(3), [2], 1, box([3], -0.1, 0.1));
    edge.observations.fill(0.1);
    expect(decodeDemo(encodeDemo(edge)).observations[0]).toBe(Math.fround(0.1));
    expect(() => decodeDemo(withHeader(bytes, (h) => (h.decisionPeriod = 1e300)), 'big.demo')).toThrow(/^big\.demo: decisionPeriod: expected an integer from 1 to 65536/);
    expect(() => decodeDemo(withHeader(bytes, (h) => (h.steps = 1e300)), 'big.demo')).toThrow(/^big\.demo: steps: expected an integer from 0 to 2147483647/);
    expect(() => decodeDemo(withHeader(bytes, (h) => (h.episodes[0].length = 1e300)), 'big.demo')).toThrow(/^big\.demo: episodes\[0\]\.length: expected at most the file's 5 steps/);
    const huge = bytes.slice();
    new DataView(huge.buffer).setUint32(12, 2 ** 31, true);
    expect(() => decodeDemo(huge, 'big.demo')).toThrow(/^big\.demo: headerLength: expected at most 67108864 bytes/);
  });
});
