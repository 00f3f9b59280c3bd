/**
 * The student's forward pass in plain TypeScript. Every buffer is made once, when the policy is
 * loaded: a decision writes into them and allocates nothing, so a game calling it every frame
 * never feeds the garbage collector.
 *
 * Each layer has its own loop for float32 and for int8 weights, so the JIT sees one typed-array
 * kind per loop; an int8 row is summed as integers times floats and scaled once per row.
 */
import type { DecodedLayer } from './policy-file.js';

const LINEAR = 0;
const TANH = 1;
const RELU = 2;

interface Layer {
  inputs: number;
  outputs: number;
  activation: number;
  f32: Float32Array | null;
  i8: Int8Array | null;
  scales: Float32Array | null;
  bias: Float32Array;
}

export class MlpRuntime {
  /** Write the (normalised) input here before `run()`. */
  readonly input: Float32Array;
  /** The last layer's outputs after `run()`. */
  readonly output: Float32Array;
  readonly parameterCount: number;
  private readonly layers: Layer[];
  /** Two scratch buffers that hidden layers alternate between. */
  private readonly ping: Float32Array;
  private readonly pong: Float32Array;

  constructor(decoded: readonly DecodedLayer[]) {
    this.layers = decoded.map((d) => ({
      inputs: d.inputs,
      outputs: d.outputs,
      activation: d.activation === 'tanh' ? TANH : d.activation === 'relu' ? RELU : LINEAR,
      f32: d.weights instanceof Float32Array ? d.weights : null,
      i8: d.weights instanceof Int8Array ? d.weights : null,
      scales: d.scales,
      bias: d.bias,
    }));
    const widest = Math.max(...decoded.map((d) => d.outputs));
    this.input = new Float32Array(decoded[0]!.inputs);
    this.output = new Float32Array(decoded[decoded.length - 1]!.outputs);
    this.ping = new Float32Array(widest);
    this.pong = new Float32Array(widest);
    this.parameterCount = decoded.reduce((n, d) => n + d.inputs * d.outputs + d.outputs, 0);
  }

  /** Runs the network on `input` and returns `output` (the same array every call). */
  run(): Float32Array {
    const last = this.layers.length - 1;
    let x = this.input;
    for (let l = 0; l <= last; l++) {
      const layer = this.layers[l]!;
      const y = l === last ? this.output : l % 2 === 0 ? this.ping : this.pong;
      if (layer.i8 !== null) denseInt8(layer.i8, layer.scales!, layer.bias, x, layer.inputs, layer.outputs, y, layer.activation);
      else denseFloat32(layer.f32!, layer.bias, x, layer.inputs, layer.outputs, y, layer.activation);
      x = y;
    }
    return this.output;
  }
}

/**
 * Four running sums per row: one sum waits on the adder's latency at every input, four keep it busy
 * (about 3x faster on a 64-wide layer, which counts when PPO's rollouts run here). The sums are in
 * float64, so their order changes nothing a float32 output can hold.
 */
function denseFloat32(w: Float32Array, b: Float32Array, x: Float32Array, inputs: number, outputs: number, y: Float32Array, activation: number): void {
  const in4 = inputs - (inputs % 4);
  for (let o = 0, row = 0; o < outputs; o++, row += inputs) {
    let s0 = 0, s1 = 0, s2 = 0, s3 = 0;
    for (let i = 0; i < in4; i += 4) {
      s0 += w[row + i]! * x[i]!;
      s1 += w[row + i + 1]! * x[i + 1]!;
      s2 += w[row + i + 2]! * x[i + 2]!;
      s3 += w[row + i + 3]! * x[i + 3]!;
    }
    for (let i = in4; i < inputs; i++) s0 += w[row + i]! * x[i]!;
    y[o] = activate(b[o]! + (s0 + s1 + (s2 + s3)), activation);
  }
}

function denseInt8(w: Int8Array, scales: Float32Array, b: Float32Array, x: Float32Array, inputs: number, outputs: number, y: Float32Array, activation: number): void {
  for (let o = 0, row = 0; o < outputs; o++, row += inputs) {
    let s = 0;
    for (let i = 0; i < inputs; i++) s += w[row + i]! * x[i]!;
    y[o] = activate(s * scales[o]! + b[o]!, activation);
  }
}

function activate(s: number, activation: number): number {
  return activation === TANH ? tanh(s) : activation === RELU ? (s > 0 ? s : 0) : s;
}

/**
 * tanh through one exp: within 4e-16 of Math.tanh, and faster in V8 (Math.tanh is fdlibm's, with
 * its own branches). Large |x| saturate to +-1 exactly. The fused learner uses it too.
 */
export function tanh(x: number): number {
  if (x > 20) return 1;
  if (x < -20) return -1;
  return 1 - 2 / (Math.exp(2 * x) + 1);
}
