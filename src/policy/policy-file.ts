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
import { checkSpace, choiceCount, flatSize, type BoxSpace, type Space } from '../env/spaces.js';
import { Found, arrayOf, want, type Fail } from '../env/validate.js';

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
 * What a loaded policy file may hold, so that a wrong or hostile file cannot stall a game at load
 * or make each decision cost a frame: a student is a few thousand parameters; these leave room for
 * sensors of thousands of inputs and for teachers, which evaluation and ONNX export read in this
 * format too.
 */
export const POLICY_LIMITS = {
  /** Dense layers in the stack. */
  layers: 16,
  /** Units of one layer: its inputs (the first layer's are the observation) and its outputs. */
  units: 16384,
  /** Weights and biases of all layers together (4M: a few ms a decision; a 3x1024 teacher is 2M). */
  parameters: 1 << 22,
} as const;

/**
 * Validates a policy file (a parsed object or its JSON text) and decodes its weights. Every
 * problem is a PolicyFileError naming `source` and the field; in development builds it also says
 * what was expected and what was found.
 *
 * A production build (see dev.ts) runs every check a development build runs, once, here at load:
 * a file one refuses the other refuses too, and nothing is checked again per decision. Only the
 * explanations are left out of a production build.
 */
export function decodePolicyFile(input: unknown, source = 'policy file'): DecodedPolicy {
  const fail: Fail = (field, why) => {
    throw new PolicyFileError(`${source}: ${field}${why ? `: ${why}` : ' is not valid'}`);
  };
  let doc = input;
  if (typeof doc === 'string') {
    try {
      doc = JSON.parse(doc);
    } catch (e) {
      fail('(document)', DEV && want('JSON text', new Found((e as Error).message)));
    }
  }
  if (!isObject(doc)) return fail('(document)', DEV && want('an object', doc));
  if (doc.format !== POLICY_FORMAT) fail('format', DEV && want(`'${POLICY_FORMAT}'`, doc.format));
  if (doc.version !== POLICY_VERSION) fail('version', DEV && want(`${POLICY_VERSION} (the version this runtime reads)`, doc.version));
  checkSpace(doc.observationSpace, 'observationSpace', fail);
  checkSpace(doc.actionSpace, 'actionSpace', fail);
  const obsSpace = doc.observationSpace as BoxSpace;
  const actSpace = doc.actionSpace;
  if (obsSpace.type !== 'box') fail('observationSpace.type', DEV && want(`'box'`, obsSpace.type));
  const obsSize = flatSize(obsSpace);

  const norm = doc.observationNormalization;
  if (norm !== null) {
    if (!isObject(norm)) fail('observationNormalization', DEV && want('null or { mean, var, clip, epsilon }', norm));
    const n = norm as Record<string, unknown>;
    const at = 'observationNormalization.';
    numbers(n.mean, obsSize, `${at}mean`, fail);
    const eps = n.epsilon as number;
    if (!(typeof eps === 'number' && eps >= 0 && eps < Infinity)) fail(`${at}epsilon`, DEV && want('a finite number >= 0', eps));
    if (!(typeof n.clip === 'number' && n.clip > 0 && n.clip < Infinity)) fail(`${at}clip`, DEV && want('a finite number > 0', n.clip));
    // 1 / sqrt(var + epsilon) scales each input: it must be a float32 number, not Infinity.
    numbers(n.var, obsSize, `${at}var`, fail).forEach((v, i) => v >= 0 && Math.fround(1 / Math.sqrt(v + eps)) < Infinity || fail(`${at}var[${i}]`, DEV && want('a variance >= 0 (above 0 when epsilon is 0)', v)));
  }

  const count = (doc.layers as unknown[] | undefined)?.length;
  if (!Array.isArray(doc.layers) || !count || count > POLICY_LIMITS.layers) fail('layers', DEV && want(`an array of 1 to ${POLICY_LIMITS.layers} dense layers`, doc.layers));
  const layers: DecodedLayer[] = [];
  let width = obsSize;
  let parameters = 0;
  (doc.layers as unknown[]).forEach((raw, l) => {
    const at = `layers[${l}]`;
    if (!isObject(raw)) fail(at, DEV && want('a layer object', raw));
    const layer = raw as Record<string, unknown>;
    const outputs = layer.outputs as number;
    if (layer.inputs !== width) fail(`${at}.inputs`, DEV && want(`${width} (${l === 0 ? 'the observation size' : `layers[${l - 1}].outputs`})`, layer.inputs));
    if (width > POLICY_LIMITS.units) fail(`${at}.inputs`, DEV && want(`at most ${POLICY_LIMITS.units} (POLICY_LIMITS.units)`, width));
    if (!(Number.isInteger(outputs) && outputs > 0 && outputs <= POLICY_LIMITS.units)) fail(`${at}.outputs`, DEV && want(`an integer from 1 to ${POLICY_LIMITS.units} (POLICY_LIMITS.units)`, outputs));
    parameters += (width + 1) * outputs;
    if (parameters > POLICY_LIMITS.parameters) fail(`${at}.outputs`, DEV && want(`at most ${POLICY_LIMITS.parameters} parameters in all (POLICY_LIMITS.parameters)`, new Found(`${parameters} with this layer`)));
    if (!['linear', 'tanh', 'relu'].includes(layer.activation as string)) fail(`${at}.activation`, DEV && want(`'linear', 'tanh' or 'relu'`, layer.activation));
    if (layer.dtype !== 'float32' && layer.dtype !== 'int8') fail(`${at}.dtype`, DEV && want(`'float32' or 'int8'`, layer.dtype));
    const int8 = layer.dtype === 'int8';
    const wBytes = bytes(layer.weights, width * outputs * (int8 ? 1 : 4), `${at}.weights`, DEV && `${outputs}x${width} ${layer.dtype} weights`, fail);
    const weights = int8 ? new Int8Array(wBytes.buffer, wBytes.byteOffset, wBytes.length) : floats(wBytes, `${at}.weights`, fail);
    let scales: Float32Array | null = null;
    if (int8) {
      scales = floats(bytes(layer.scales, outputs * 4, `${at}.scales`, DEV && `${outputs} float32 row scales`, fail), `${at}.scales`, fail);
      scales.forEach((s, o) => s >= 0 || fail(`${at}.scales[${o}]`, DEV && want('a scale >= 0', s)));
    } else if (layer.scales !== undefined) {
      fail(`${at}.scales`, DEV && want('no scales on a float32 layer'));
    }
    const bias = floats(bytes(layer.bias, outputs * 4, `${at}.bias`, DEV && `${outputs} float32 biases`, fail), `${at}.bias`, fail);
    layers.push({ inputs: width, outputs, activation: layer.activation as LayerActivation, weights, scales, bias });
    width = outputs;
  });
  const needed = policyOutputCount(actSpace);
  if (width !== needed) fail(`layers[${count! - 1}].outputs`, DEV && want(`${needed} (what actionSpace '${actSpace.type}' needs)`, width));

  if (doc.logStd !== undefined) {
    if (actSpace.type !== 'box') fail('logStd', DEV && want(`no logStd for a '${actSpace.type}' action space`));
    // exp(logStd) scales a box's sampling noise: within +-20 it is a float32 number above 0.
    numbers(doc.logStd, needed, 'logStd', fail).forEach((v, i) => Math.abs(v) <= 20 || fail(`logStd[${i}]`, DEV && want('a number in [-20, 20]', v)));
  }
  if (doc.meta !== undefined && !isObject(doc.meta)) fail('meta', DEV && want('an object', doc.meta));
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
  try {
    return Uint8Array.from(atob(text), (c) => c.charCodeAt(0));
  } catch {
    return null;
  }
}

// ---- validation helpers ---------------------------------------------------------------------

function bytes(value: unknown, length: number, field: string, what: string | false, fail: Fail): Uint8Array {
  if (typeof value !== 'string') return fail(field, DEV && want(`a base64 string of ${what}`, value));
  // Checked before decoding: a huge string is refused by its length, not after a decode of it.
  const most = 4 * Math.ceil(length / 3);
  if (value.length > most) return fail(field, DEV && want(`${length} bytes (${what})`, new Found(`${base64Bytes(value)} bytes (${value.length} base64 characters, more than the ${most} of ${length} bytes: refused before decoding)`)));
  const b = fromBase64(value);
  if (b === null) return fail(field, DEV && want(`valid base64 of ${what}`, new Found(`${value.length} characters that are not base64`)));
  if (b.length !== length) fail(field, DEV && want(`${length} bytes (${what})`, new Found(`${b.length} bytes`)));
  return b;
}

/** The bytes a base64 string says it holds, from its length and padding alone. */
function base64Bytes(text: string): number {
  return Math.floor((text.length * 3) / 4) - (text.endsWith('==') ? 2 : text.endsWith('=') ? 1 : 0);
}

/**
 * The bytes as float32 values, each finite. Typed arrays use the platform's byte order, which is
 * little-endian, as the file's, on every browser and every platform Node ships for but s390x.
 * (Copied: the bytes need not start at a multiple of 4.)
 */
function floats(b: Uint8Array, field: string, fail: Fail): Float32Array {
  const out = new Float32Array(b.slice().buffer);
  out.forEach((v, i) => Number.isFinite(v) || fail(`${field}[${i}]`, DEV && want('a finite number', v)));
  return out;
}

function numbers(value: unknown, length: number, field: string, fail: Fail): number[] {
  return arrayOf<number>(value, length, Number.isFinite, DEV && 'finite number', field, fail);
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}
