/**
 * Writes networks into the student policy file (src/policy): from plain dense weights in the
 * TensorFlow.js kernel layout ([inputs, outputs]), which the file stores transposed, float32 or
 * quantised to int8 per row. Needs no TensorFlow.js itself, so it can run anywhere.
 */
import { NORMALIZE_CLIP, NORMALIZE_EPSILON, type BoxSpace, type RunningMeanStd, type Space } from '../env/index.js';
import {
  POLICY_FORMAT, POLICY_VERSION, decodePolicyFile, encodeFloat32, encodeInt8,
  type LayerActivation, type ObservationNormalization, type PolicyFile, type PolicyLayerFile, type WeightType,
} from '../policy/index.js';
import { dequantizeRows, quantizeRowsInt8 } from './quantize.js';

/** One dense layer as TensorFlow.js holds it. */
export interface DenseWeights {
  inputs: number;
  outputs: number;
  /** [inputs, outputs] row-major, as a tf Dense kernel. */
  kernel: Float32Array;
  bias: Float32Array;
  activation: LayerActivation;
}

export interface PolicyFileParts {
  observationSpace: BoxSpace;
  actionSpace: Space;
  observationNormalization: ObservationNormalization | null;
  layers: DenseWeights[];
  /** Box actions: the log std the student samples with. */
  logStd?: ArrayLike<number> | null;
  meta?: Record<string, unknown>;
}

/** The normalisation a policy file records for running statistics, as training applied them (normalizeInto). */
export function normalizationOf(stats: RunningMeanStd | null): ObservationNormalization | null {
  return stats ? { mean: Array.from(stats.mean), var: Array.from(stats.var), clip: NORMALIZE_CLIP, epsilon: NORMALIZE_EPSILON } : null;
}

/** Builds and validates a policy file; every layer is stored as `dtype`. */
export function buildPolicyFile(parts: PolicyFileParts, dtype: WeightType = 'float32'): PolicyFile {
  const layers = parts.layers.map((layer, l): PolicyLayerFile => {
    if (layer.kernel.length !== layer.inputs * layer.outputs || layer.bias.length !== layer.outputs) {
      throw new Error(`buildPolicyFile: layer ${l} expected a ${layer.inputs}x${layer.outputs} kernel and ${layer.outputs} biases, got ${layer.kernel.length} and ${layer.bias.length}`);
    }
    const rows = transpose(layer.kernel, layer.inputs, layer.outputs);
    const base = { inputs: layer.inputs, outputs: layer.outputs, activation: layer.activation, bias: encodeFloat32(layer.bias) };
    if (dtype === 'float32') return { ...base, dtype, weights: encodeFloat32(rows) };
    const { q, scales } = quantizeRowsInt8(rows, layer.outputs, layer.inputs);
    return { ...base, dtype, weights: encodeInt8(q), scales: encodeFloat32(scales) };
  });
  const file: PolicyFile = {
    format: POLICY_FORMAT,
    version: POLICY_VERSION,
    observationSpace: writableBounds(parts.observationSpace),
    actionSpace: parts.actionSpace.type === 'box' ? writableBounds(parts.actionSpace) : parts.actionSpace,
    observationNormalization: parts.observationNormalization && {
      ...parts.observationNormalization,
      mean: parts.observationNormalization.mean.map(shortestFloat32),
      var: parts.observationNormalization.var.map(shortestFloat32),
    },
    layers,
    ...(parts.actionSpace.type === 'box' && parts.logStd ? { logStd: Array.from(parts.logStd) } : {}),
    ...(parts.meta ? { meta: parts.meta } : {}),
  };
  decodePolicyFile(file, 'buildPolicyFile');
  return file;
}

/**
 * JSON has no Infinity (JSON.stringify writes null): an unbounded side of a box is written as the
 * largest float32, as Gymnasium's CartPole bounds its velocities, which a float32 input cannot pass.
 */
function writableBounds(space: BoxSpace): BoxSpace {
  const bound = (v: number) => Math.max(-FLOAT32_MAX, Math.min(FLOAT32_MAX, v));
  return { ...space, low: space.low.map(bound), high: space.high.map(bound) };
}

const FLOAT32_MAX = 3.4028234663852886e38;

/** The dense layers a policy file holds, dequantised, in the tf kernel layout (for oracles and tfjs). */
export function policyFileLayers(file: PolicyFile): DenseWeights[] {
  return decodePolicyFile(file).layers.map((d) => {
    const rows = d.weights instanceof Int8Array ? dequantizeRows({ q: d.weights, scales: d.scales! }, d.outputs, d.inputs) : d.weights;
    return { inputs: d.inputs, outputs: d.outputs, kernel: transpose(rows, d.outputs, d.inputs), bias: d.bias, activation: d.activation };
  });
}

/** The file as the bytes a game ships (compact JSON, UTF-8). */
export function policyFileBytes(file: PolicyFile): Uint8Array {
  return new TextEncoder().encode(JSON.stringify(file));
}

/**
 * The shortest decimal that reads back as the same float32 as `x`: the runtime keeps the
 * normalisation in float32, so the other digits of a double would only make the file longer.
 */
export function shortestFloat32(x: number): number {
  const f = Math.fround(x);
  for (let digits = 1; digits < 9; digits++) {
    const y = Number(f.toPrecision(digits));
    if (Math.fround(y) === f) return y;
  }
  return Number(f.toPrecision(9));
}

/** [rows x cols] -> [cols x rows]. */
export function transpose(m: ArrayLike<number>, rows: number, cols: number): Float32Array {
  const out = new Float32Array(rows * cols);
  for (let r = 0; r < rows; r++) for (let c = 0; c < cols; c++) out[c * rows + r] = m[r * cols + c]!;
  return out;
}
