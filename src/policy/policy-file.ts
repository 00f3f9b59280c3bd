/**
 * The student policy file: one small, versioned JSON document that a game ships as an asset.
 *
 * It holds everything needed to turn a raw observation into an action with no TensorFlow.js: the
 * spaces, the observation normalisation, and a stack of dense layers. Weights are base64 so a file
 * stays a few kilobytes; a layer is float32, or int8 with one float32 scale per output row (the
 * row's largest |w| maps to 127), which keeps 4x fewer bytes at a per-row error of scale / 2.
 *
 * Matrices are stored [outputs x inputs] row-major, the order a batch-1 forward pass reads them in
 * (one dot product per output unit), which is the transpose of a TensorFlow.js Dense kernel.
 */
import { DEV } from '../env/dev.js';
import { choiceCount, flatSize, validateSpace, type BoxSpace, type Space } from '../env/spaces.js';

export const POLICY_FORMAT = 'phaser-distill.student';
export const POLICY_VERSION = 1;

export type LayerActivation = 'linear' | 'tanh' | 'relu';
export type WeightType = 'float32' | 'int8';

/** One dense layer: y = activation(W x + b). */
export interface PolicyLayerFile {
  inputs: number;
  outputs: number;
  activation: LayerActivation;
  dtype: WeightType;
  /** W as [outputs x inputs] row-major, base64 of little-endian float32 or of int8. */
  weights: string;
  /** int8 only: [outputs] float32 (base64); W[o][i] = weights[o][i] * scales[o]. */
  scales?: string;
  /** [outputs] float32, base64. */
  bias: string;
}

/** z = clip((x - mean) / sqrt(var + epsilon), -clip, clip), as `normalizeInto` in src/env. */
export interface ObservationNormalization {
  mean: number[];
  var: number[];
  clip: number;
  epsilon: number;
}

export interface PolicyFile {
  format: typeof POLICY_FORMAT;
  version: typeof POLICY_VERSION;
  observationSpace: BoxSpace;
  actionSpace: Space;
  /** null when the network reads raw observations. */
  observationNormalization: ObservationNormalization | null;
  layers: PolicyLayerFile[];
  /** Box actions only: log standard deviation per dimension, used when sampling. */
  logStd?: number[];
  /** Free-form provenance (teacher, sizes, fidelity); never read by the runtime. */
  meta?: Record<string, unknown>;
}

/** A layer decoded into typed arrays, ready for the forward pass. */
export interface DecodedLayer {
  inputs: number;
  outputs: number;
  activation: LayerActivation;
  weights: Float32Array | Int8Array;
  /** Per-row scales of an int8 layer, else null. */
  scales: Float32Array | null;
  bias: Float32Array;
}

/** A validated policy file with its weights decoded. */
export interface DecodedPolicy {
  file: PolicyFile;
  layers: DecodedLayer[];
}

export class PolicyFileError extends Error {
  override name = 'PolicyFileError';
}

/** Outputs the last layer must have: n logits, one block of logits per branch, or D means. */
export function policyOutputCount(space: Space): number {
  return space.type === 'box' ? flatSize(space) : choiceCount(space);
}

/**
 * Validates a policy file (a parsed object or its JSON text) and decodes its weights. Every
 * problem is a PolicyFileError naming `source` and the field; in development builds it also says
 * what was expected and what was found.
 *
 * A production build (see dev.ts) keeps every check the arithmetic relies on, so a wrong file is
 * still refused rather than played: format and version, the normalisation's lengths, the layer
 * chain, activations and weight types, the byte length and finiteness of every weight array, and
 * the output count the action space needs. Checks that only catch a malformed file made by hand
 * (the spaces' own fields, value ranges, fields that do not belong) run in development only.
 */
export function decodePolicyFile(input: unknown, source = 'policy file'): DecodedPolicy {
  const fail: Fail = (field, expected, ...got) => {
    throw new PolicyFileError(DEV ? `${source}: ${field}: expected ${expected}${got.length === 0 ? '' : `, got ${show(got[0])}`}` : `${source}: ${field} is not valid`);
  };
  let doc = input;
  if (typeof doc === 'string') {
    try {
      doc = JSON.parse(doc);
    } catch (e) {
      fail('(document)', DEV && 'JSON text', DEV && new Found((e as Error).message));
    }
  }
  if (!isObject(doc)) return fail('(document)', DEV && 'an object', doc);
  if (doc.format !== POLICY_FORMAT) fail('format', DEV && `'${POLICY_FORMAT}'`, doc.format);
  if (doc.version !== POLICY_VERSION) fail('version', DEV && `${POLICY_VERSION} (the version this runtime reads)`, doc.version);
  if (DEV) {
    for (const key of ['observationSpace', 'actionSpace'] as const) {
      try {
        validateSpace(doc[key], key);
      } catch (e) {
        throw new PolicyFileError(`${source}: ${(e as Error).message}`);
      }
    }
    if ((doc.observationSpace as Space).type !== 'box') fail('observationSpace.type', `'box'`, (doc.observationSpace as Space).type);
  }
  const obsSpace = doc.observationSpace as BoxSpace;
  const actSpace = doc.actionSpace as Space;
  const obsSize = flatSize(obsSpace);

  const norm = doc.observationNormalization;
  if (norm !== null) {
    if (!isObject(norm)) fail('observationNormalization', DEV && 'null or { mean, var, clip, epsilon }', norm);
    const n = norm as Record<string, unknown>;
    numbers(n.mean, obsSize, 'observationNormalization.mean', fail);
    numbers(n.var, obsSize, 'observationNormalization.var', fail);
    if (DEV) {
      (n.var as number[]).forEach((v, i) => {
        if (v < 0) fail(`observationNormalization.var[${i}]`, 'a variance >= 0', v);
      });
      if (typeof n.clip !== 'number' || !(n.clip > 0)) fail('observationNormalization.clip', 'a number > 0', n.clip);
      if (typeof n.epsilon !== 'number' || !(n.epsilon >= 0) || !Number.isFinite(n.epsilon)) fail('observationNormalization.epsilon', 'a finite number >= 0', n.epsilon);
    }
  }

  if (!Array.isArray(doc.layers) || doc.layers.length === 0) fail('layers', DEV && 'a non-empty array of dense layers', doc.layers);
  const layers: DecodedLayer[] = [];
  let width = obsSize;
  (doc.layers as unknown[]).forEach((raw, l) => {
    const at = `layers[${l}]`;
    if (!isObject(raw)) fail(at, DEV && 'a layer object', raw);
    const layer = raw as Record<string, unknown>;
    if (layer.inputs !== width) fail(`${at}.inputs`, DEV && `${width} (${l === 0 ? 'the observation size' : `layers[${l - 1}].outputs`})`, layer.inputs);
    if (!Number.isInteger(layer.outputs) || (layer.outputs as number) < 1) fail(`${at}.outputs`, DEV && 'a positive integer', layer.outputs);
    if (!['linear', 'tanh', 'relu'].includes(layer.activation as string)) fail(`${at}.activation`, DEV && `'linear', 'tanh' or 'relu'`, layer.activation);
    if (layer.dtype !== 'float32' && layer.dtype !== 'int8') fail(`${at}.dtype`, DEV && `'float32' or 'int8'`, layer.dtype);
    const inputs = width;
    const outputs = layer.outputs as number;
    const int8 = layer.dtype === 'int8';
    const wBytes = bytes(layer.weights, inputs * outputs * (int8 ? 1 : 4), `${at}.weights`, DEV && `${outputs}x${inputs} ${layer.dtype} weights`, fail);
    const weights = int8 ? new Int8Array(wBytes.buffer, wBytes.byteOffset, wBytes.length) : floats(wBytes, `${at}.weights`, fail);
    let scales: Float32Array | null = null;
    if (int8) {
      scales = floats(bytes(layer.scales, outputs * 4, `${at}.scales`, DEV && `${outputs} float32 row scales`, fail), `${at}.scales`, fail);
      if (DEV) {
        scales.forEach((s, o) => {
          if (!(s >= 0)) fail(`${at}.scales[${o}]`, 'a scale >= 0', s);
        });
      }
    } else if (DEV && layer.scales !== undefined) {
      fail(`${at}.scales`, 'no scales on a float32 layer');
    }
    const bias = floats(bytes(layer.bias, outputs * 4, `${at}.bias`, DEV && `${outputs} float32 biases`, fail), `${at}.bias`, fail);
    layers.push({ inputs, outputs, activation: layer.activation as LayerActivation, weights, scales, bias });
    width = outputs;
  });
  const needed = policyOutputCount(actSpace);
  if (width !== needed) fail(`layers[${layers.length - 1}].outputs`, DEV && `${needed} (what actionSpace '${actSpace.type}' needs)`, width);

  if (actSpace.type === 'box') {
    if (doc.logStd !== undefined) numbers(doc.logStd, needed, 'logStd', fail);
  } else if (DEV && doc.logStd !== undefined) {
    fail('logStd', `no logStd for a '${actSpace.type}' action space`);
  }
  if (DEV && doc.meta !== undefined && !isObject(doc.meta)) fail('meta', 'an object', doc.meta);
  return { file: doc as unknown as PolicyFile, layers };
}

// ---- base64 -------------------------------------------------------------------------------

/** Little-endian float32 values as base64. */
export function encodeFloat32(values: ArrayLike<number>): string {
  const view = new DataView(new ArrayBuffer(values.length * 4));
  for (let i = 0; i < values.length; i++) view.setFloat32(i * 4, values[i]!, true);
  return toBase64(new Uint8Array(view.buffer));
}

export function encodeInt8(values: Int8Array): string {
  return toBase64(new Uint8Array(values.buffer, values.byteOffset, values.length));
}

export function toBase64(bytes: Uint8Array): string {
  let s = '';
  for (let i = 0; i < bytes.length; i++) s += String.fromCharCode(bytes[i]!);
  return btoa(s);
}

function fromBase64(text: string): Uint8Array | null {
  if (!/^[A-Za-z0-9+/]*={0,2}$/.test(text) || text.length % 4 !== 0) return null;
  const s = atob(text);
  const out = new Uint8Array(s.length);
  for (let i = 0; i < s.length; i++) out[i] = s.charCodeAt(i);
  return out;
}

// ---- validation helpers ---------------------------------------------------------------------

/**
 * `expected` is in words (false in production builds, where messages name only the field); `got`
 * is what was found, left out when there is nothing useful to show.
 */
type Fail = (field: string, expected: string | false, ...got: unknown[]) => never;

/** A finding already in words, shown without quotes. */
class Found {
  constructor(readonly text: string) {}
}

function bytes(value: unknown, length: number, field: string, what: string | false, fail: Fail): Uint8Array {
  if (typeof value !== 'string') return fail(field, DEV && `a base64 string of ${what}`, value);
  const b = fromBase64(value);
  if (b === null) return fail(field, DEV && `valid base64 of ${what}`, DEV && new Found(`${value.length} characters that are not base64`));
  if (b.length !== length) fail(field, DEV && `${length} bytes (${what})`, DEV && new Found(`${b.length} bytes`));
  return b;
}

function floats(b: Uint8Array, field: string, fail: Fail): Float32Array {
  const view = new DataView(b.buffer, b.byteOffset, b.length);
  const out = new Float32Array(b.length / 4);
  for (let i = 0; i < out.length; i++) {
    out[i] = view.getFloat32(i * 4, true);
    if (!Number.isFinite(out[i])) fail(`${field}[${i}]`, DEV && 'a finite number', out[i]);
  }
  return out;
}

function numbers(value: unknown, length: number, field: string, fail: Fail): number[] {
  if (!Array.isArray(value) || value.length !== length) return fail(field, DEV && `an array of ${length} numbers`, value);
  value.forEach((v, i) => {
    if (typeof v !== 'number' || !Number.isFinite(v)) fail(`${field}[${i}]`, DEV && 'a finite number', v);
  });
  return value as number[];
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function show(v: unknown): string {
  if (v instanceof Found) return v.text;
  if (Array.isArray(v)) return `an array of ${v.length}`;
  if (typeof v === 'string') return v.length > 40 ? `'${v.slice(0, 40)}...'` : `'${v}'`;
  if (typeof v === 'object' && v !== null) return 'an object';
  return String(v);
}
