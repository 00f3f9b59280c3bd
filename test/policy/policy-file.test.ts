import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it, vi } from 'vitest';
import { Rng, discrete } from '../../src/env/index.js';
import { PolicyFileError, decodePolicyFile, encodeFloat32, loadStudentPolicy, type PolicyFile } from '../../src/policy/index.js';
import { randomPolicy } from '../helpers/random-policy.js';

const root = fileURLToPath(new URL('../..', import.meta.url));
const valid = () => randomPolicy({ obsSize: 4, hidden: [8], outputs: 2, actionSpace: discrete(2) });
/** A valid file but for its size: `inputs` observations into a layer of `outputs` (weights left empty: the size is refused first). */
const wide = (inputs: number, outputs: number): Doc => mutate(valid(), (d) => {
  d.observationSpace = { type: 'box', shape: [inputs], low: new Array(inputs).fill(-1), high: new Array(inputs).fill(1) };
  d.observationNormalization = null;
  d.layers[0].inputs = inputs;
  d.layers[0].outputs = outputs;
});
const validInt8 = () => randomPolicy({ obsSize: 4, hidden: [8], outputs: 2, actionSpace: discrete(2), dtype: 'int8' });
type Doc = Record<string, any>;
const mutate = (base: PolicyFile, f: (d: Doc) => void): Doc => {
  const d = JSON.parse(JSON.stringify(base)) as Doc;
  f(d);
  return d;
};

describe('policy file loader', () => {
  it('accepts a valid file as an object and as JSON text, float32 and int8', () => {
    for (const f of [valid(), validInt8()]) {
      expect(decodePolicyFile(f).layers).toHaveLength(2);
      expect(loadStudentPolicy(JSON.stringify(f)).parameterCount).toBe(4 * 8 + 8 + 8 * 2 + 2);
    }
  });

  // Each case breaks one thing; the error must name the field and say what was expected. The last
  // column is the field a production build names.
  const cases: [string, () => unknown, RegExp, string][] = [
    ['text that is not JSON', () => '{"format": ', /\(document\): expected JSON text/, '(document)'],
    ['a document that is not an object', () => [1, 2], /\(document\): expected an object, got an array of 2/, '(document)'],
    ['another format', () => mutate(valid(), (d) => (d.format = 'onnx')), /format: expected 'phaser-distill.student', got 'onnx'/, 'format'],
    ['a newer version', () => mutate(valid(), (d) => (d.version = 2)), /version: expected 1 .*got 2/, 'version'],
    ['a malformed action space', () => mutate(valid(), (d) => (d.actionSpace = { type: 'discrete', n: 0 })), /actionSpace\.n: expected a positive integer, got 0/, 'actionSpace.n'],
    ['an unknown space type', () => mutate(valid(), (d) => (d.actionSpace = { type: 'graph' })), /actionSpace\.type: expected 'discrete', 'multi-discrete' or 'box'/, 'actionSpace.type'],
    ['a non-box observation space', () => mutate(valid(), (d) => (d.observationSpace = { type: 'discrete', n: 4 })), /observationSpace\.type: expected 'box', got 'discrete'/, 'observationSpace.type'],
    ['normalisation of the wrong size', () => mutate(valid(), (d) => d.observationNormalization.mean.pop()), /observationNormalization\.mean: expected an array of 4 finite numbers, got an array of 3/, 'observationNormalization.mean'],
    ['a negative variance', () => mutate(valid(), (d) => (d.observationNormalization.var[2] = -1)), /observationNormalization\.var\[2\]: expected a variance >= 0 .*, got -1/, 'observationNormalization.var[2]'],
    ['a non-finite mean', () => mutate(valid(), (d) => (d.observationNormalization.mean[1] = null)), /observationNormalization\.mean\[1\]: expected a finite number, got null/, 'observationNormalization.mean[1]'],
    ['a zero clip', () => mutate(valid(), (d) => (d.observationNormalization.clip = 0)), /observationNormalization\.clip: expected a finite number > 0, got 0/, 'observationNormalization.clip'],
    ['no layers', () => mutate(valid(), (d) => (d.layers = [])), /layers: expected an array of 1 to 16 dense layers, got an array of 0/, 'layers'],
    ['a first layer that does not read the observation', () => mutate(valid(), (d) => (d.layers[0].inputs = 5)), /layers\[0\]\.inputs: expected 4 \(the observation size\), got 5/, 'layers[0].inputs'],
    ['layers that do not chain', () => mutate(valid(), (d) => (d.layers[1].inputs = 7)), /layers\[1\]\.inputs: expected 8 \(layers\[0\]\.outputs\), got 7/, 'layers[1].inputs'],
    ['too few outputs for the action space', () => mutate(valid(), (d) => (d.actionSpace = { type: 'discrete', n: 3 })), /layers\[1\]\.outputs: expected 3 \(what actionSpace 'discrete' needs\), got 2/, 'layers[1].outputs'],
    ['an unknown activation', () => mutate(valid(), (d) => (d.layers[0].activation = 'gelu')), /layers\[0\]\.activation: expected 'linear', 'tanh' or 'relu', got 'gelu'/, 'layers[0].activation'],
    ['an unknown weight type', () => mutate(valid(), (d) => (d.layers[0].dtype = 'float16')), /layers\[0\]\.dtype: expected 'float32' or 'int8', got 'float16'/, 'layers[0].dtype'],
    ['weights that are not base64', () => mutate(valid(), (d) => (d.layers[0].weights = 'not base64!')), /layers\[0\]\.weights: expected valid base64 of 8x4 float32 weights/, 'layers[0].weights'],
    ['too few weights', () => mutate(valid(), (d) => (d.layers[0].weights = encodeFloat32(new Float32Array(31)))), /layers\[0\]\.weights: expected 128 bytes \(8x4 float32 weights\), got 124 bytes/, 'layers[0].weights'],
    ['a NaN weight', () => mutate(valid(), (d) => (d.layers[1].weights = encodeFloat32(new Float32Array(16).fill(Number.NaN)))), /layers\[1\]\.weights\[0\]: expected a finite number, got NaN/, 'layers[1].weights[0]'],
    ['missing biases', () => mutate(valid(), (d) => delete d.layers[1].bias), /layers\[1\]\.bias: expected a base64 string of 2 float32 biases, got undefined/, 'layers[1].bias'],
    ['an int8 layer without scales', () => mutate(validInt8(), (d) => delete d.layers[0].scales), /layers\[0\]\.scales: expected a base64 string of 8 float32 row scales/, 'layers[0].scales'],
    ['a negative int8 scale', () => mutate(validInt8(), (d) => (d.layers[1].scales = encodeFloat32([0.1, -0.1]))), /layers\[1\]\.scales\[1\]: expected a scale >= 0, got -0\.1/, 'layers[1].scales[1]'],
    ['int8 weights of float32 length', () => mutate(validInt8(), (d) => (d.layers[0].weights = valid().layers[0]!.weights)), /layers\[0\]\.weights: expected 32 bytes \(8x4 int8 weights\), got 128 bytes/, 'layers[0].weights'],
    ['scales on a float32 layer', () => mutate(valid(), (d) => (d.layers[0].scales = encodeFloat32(new Float32Array(8)))), /layers\[0\]\.scales: expected no scales on a float32 layer/, 'layers[0].scales'],
    ['a log std on a discrete policy', () => mutate(valid(), (d) => (d.logStd = [0, 0])), /logStd: expected no logStd for a 'discrete' action space/, 'logStd'],
    ['a box log std of the wrong size', () => mutate(valid(), (d) => { d.actionSpace = { type: 'box', shape: [2], low: [-1, -1], high: [1, 1] }; d.logStd = [0]; }), /logStd: expected an array of 2 finite numbers, got an array of 1/, 'logStd'],
    ['no observation space', () => mutate(valid(), (d) => delete d.observationSpace), /observationSpace: expected a space object, got undefined/, 'observationSpace'],
    ['a box with no bounds', () => mutate(valid(), (d) => delete d.observationSpace.low), /observationSpace\.low: expected an array of 4 numbers, got undefined/, 'observationSpace.low'],
    ['a box with low above high', () => mutate(valid(), (d) => (d.observationSpace.low[3] = 200)), /observationSpace\.low\[3\]: expected at most high\[3\] = 100, got 200/, 'observationSpace.low[3]'],
    ['a multi-discrete branch of 0 choices', () => mutate(valid(), (d) => (d.actionSpace = { type: 'multi-discrete', nvec: [2, 0] })), /actionSpace\.nvec\[1\]: expected a positive integer, got 0/, 'actionSpace.nvec[1]'],
    ['a multi-discrete branch of -1 choices', () => mutate(valid(), (d) => (d.actionSpace = { type: 'multi-discrete', nvec: [-1, 3] })), /actionSpace\.nvec\[0\]: expected a positive integer, got -1/, 'actionSpace.nvec[0]'],
    ['a box action bound that is not a number', () => mutate(valid(), (d) => (d.actionSpace = { type: 'box', shape: [2], low: [-1, null], high: [1, 1] })), /actionSpace\.low\[1\]: expected a number, got null/, 'actionSpace.low[1]'],
    ['no epsilon', () => mutate(valid(), (d) => delete d.observationNormalization.epsilon), /observationNormalization\.epsilon: expected a finite number >= 0, got undefined/, 'observationNormalization.epsilon'],
    ['an epsilon that is a string', () => mutate(valid(), (d) => (d.observationNormalization.epsilon = '1e-8')), /observationNormalization\.epsilon: expected a finite number >= 0, got '1e-8'/, 'observationNormalization.epsilon'],
    ['a variance of 0 with an epsilon of 0', () => mutate(valid(), (d) => { d.observationNormalization.var[1] = 0; d.observationNormalization.epsilon = 0; }), /observationNormalization\.var\[1\]: expected a variance >= 0 \(above 0 when epsilon is 0\), got 0/, 'observationNormalization.var[1]'],
    ['a variance too small to divide by', () => mutate(valid(), (d) => { d.observationNormalization.var[0] = 1e-300; d.observationNormalization.epsilon = 0; }), /observationNormalization\.var\[0\]: expected a variance/, 'observationNormalization.var[0]'],
    ['a log std whose exp overflows', () => mutate(valid(), (d) => { d.actionSpace = { type: 'box', shape: [2], low: [-1, -1], high: [1, 1] }; d.logStd = [0, 1e3]; }), /logStd\[1\]: expected a number in \[-20, 20\], got 1000/, 'logStd[1]'],
    ['more layers than the limit', () => mutate(valid(), (d) => (d.layers = Array.from({ length: 17 }, () => d.layers[0]))), /layers: expected an array of 1 to 16 dense layers, got an array of 17/, 'layers'],
    ['an observation wider than the limit', () => wide(20000, 1), /layers\[0\]\.inputs: expected at most 16384 \(POLICY_LIMITS\.units\), got 20000/, 'layers[0].inputs'],
    ['a layer wider than the limit', () => mutate(valid(), (d) => (d.layers[0].outputs = 1e6)), /layers\[0\]\.outputs: expected an integer from 1 to 16384 \(POLICY_LIMITS\.units\), got 1000000/, 'layers[0].outputs'],
    ['more parameters than the limit', () => wide(16000, 300), /layers\[0\]\.outputs: expected at most 4194304 parameters in all \(POLICY_LIMITS\.parameters\), got 4800300 with this layer/, 'layers[0].outputs'],
    ['meta that is not an object', () => mutate(valid(), (d) => (d.meta = 'teacher')), /meta: expected an object, got 'teacher'/, 'meta'],
  ];
  it('writes an unbounded box side as the largest float32, which JSON can hold', () => {
    const f = randomPolicy({ obsSize: 2, hidden: [], outputs: 2, actionSpace: discrete(2), unbounded: true });
    const text = JSON.stringify(f);
    expect(text).not.toContain('null');
    expect(loadStudentPolicy(text).observationSpace.low).toEqual([-3.4028234663852886e38, -3.4028234663852886e38]);
  });

  it.each(cases)('rejects %s, naming the field', (_, make, message) => {
    let error: unknown;
    try {
      loadStudentPolicy(make(), { source: 'balance.student.json' });
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(PolicyFileError);
    expect((error as Error).message).toMatch(/^balance\.student\.json: /);
    expect((error as Error).message).toMatch(message);
  });

  // A production build of a game (NODE_ENV=production, as Vite sets it) refuses every file a
  // development build refuses, naming the field; only the explanation is left out.
  it('refuses a weights field longer than its layer by its length, before decoding it', () => {
    const doc = mutate(valid(), (d) => (d.layers[0]!.weights = 'A'.repeat(8_000_000)));
    const ok = valid();
    const atob = vi.spyOn(globalThis, 'atob');
    expect(() => decodePolicyFile(doc, 'big.json')).toThrow(/^big\.json: layers\[0\]\.weights: expected 128 bytes \(8x4 float32 weights\), got 6000000 bytes \(8000000 base64 characters, more than the 172 of 128 bytes: refused before decoding\)/);
    expect(atob).not.toHaveBeenCalled();
    // A field of the right length still decodes.
    expect(decodePolicyFile(ok, 'ok.json').layers[0]!.weights).toHaveLength(32);
    expect(atob).toHaveBeenCalled();
    atob.mockRestore();
  });

  it('refuses the same broken files in a production build, naming the field', async () => {
    const prod = await productionModules();
    for (const [name, make, , field] of cases) {
      let error: unknown;
      try {
        prod.loadStudentPolicy(make(), { source: 'balance.student.json' });
      } catch (e) {
        error = e;
      }
      expect(error, name).toBeInstanceOf(prod.PolicyFileError);
      expect((error as Error).message, name).toBe(`balance.student.json: ${field} is not valid`);
    }
  });

  it('decodes every shipped student the same way in development and production builds', async () => {
    const prod = await productionModules();
    const rng = new Rng(5);
    for (const game of ['balance', 'pong']) {
      const dir = join(root, 'assets/policies', game);
      for (const name of readdirSync(dir).filter((f) => /^s\d+-(float32|int8)\.json$/.test(f))) {
        const text = readFileSync(join(dir, name), 'utf8');
        const dev = loadStudentPolicy(text, { temperature: 0.7, seed: 3 });
        const shipped = prod.loadStudentPolicy(text, { temperature: 0.7, seed: 3 });
        const obs = new Float32Array(dev.observationSpace.shape[0]!);
        for (let i = 0; i < 200; i++) {
          for (let j = 0; j < obs.length; j++) obs[j] = rng.uniform(-1.5, 1.5);
          expect(Array.from(shipped.logits(obs)), name).toEqual(Array.from(dev.logits(obs)));
          expect(shipped.act(obs), name).toEqual(dev.act(obs));
        }
      }
    }
  });
});

/** The policy modules as a production build runs them: loaded afresh with NODE_ENV=production. */
async function productionModules(): Promise<typeof import('../../src/policy/index.js')> {
  vi.stubEnv('NODE_ENV', 'production');
  vi.resetModules();
  try {
    const prod = await import('../../src/policy/index.js');
    // The messages below would be long if the fresh modules still ran as a development build.
    expect(() => prod.loadStudentPolicy(JSON.stringify(mutate(valid(), (d) => (d.meta = 'teacher'))))).toThrow(/^policy file: meta is not valid$/);
    return prod;
  } finally {
    vi.unstubAllEnvs();
  }
}
