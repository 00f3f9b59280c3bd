/**
 * Policies as ONNX models, for engines that run ONNX: Unity ML-Agents, Godot RL Agents, or any
 * ONNX runtime. The source is a student policy file (a teacher is exported through the same format,
 * float32), so a model computes what the plain runtime computes: the observation normalisation
 * (Sub, Mul, Clip), then each dense layer as Gemm with its activation; int8 weights stay int8 in the
 * file and are dequantised in the graph (DequantizeLinear per row, or Cast and Mul in opset 9,
 * which has no DequantizeLinear).
 *
 * Layouts:
 * - `plain` (opset 13): input `obs` [batch, n]; output `logits` (all branches end to end) or
 *   `mean`, nothing else.
 * - `mlagents` (opset 9, Unity ML-Agents' model version 3): input `obs_0`, and `action_masks`
 *   [batch, choices] for discrete actions (1 allowed, 0 not); outputs `version_number` (3),
 *   `memory_size` (0), then for a box `continuous_actions` (a Gaussian draw, clipped to the box),
 *   `continuous_action_output_shape`, `deterministic_continuous_actions` (the mean, clipped), and
 *   for discrete actions `discrete_actions` (one draw per branch), `discrete_action_output_shape`
 *   (the branch sizes), `deterministic_discrete_actions` (argmax per branch), as int64.
 * - `godot` (opset 17, Godot RL Agents): inputs `obs` and `state_ins` [batch]; outputs `output`
 *   (the logits or means) and `state_outs` (state_ins, unchanged: the policy has no memory).
 *
 * Built with onnx-proto's generated protobuf classes. Training side only: nothing here reaches a
 * game bundle. onnx-proto (and protobufjs under it) is an optional peer, loaded on the first export:
 * most games never write ONNX, so an install does not carry it.
 */
import type onnxProto from 'onnx-proto';
import { flatSize, type Space } from '../env/index.js';
import { decodePolicyFile, type DecodedLayer, type PolicyFile } from '../policy/index.js';

type INode = onnxProto.onnx.INodeProto;
type ITensor = onnxProto.onnx.ITensorProto;
type IAttribute = onnxProto.onnx.IAttributeProto;
type IValueInfo = onnxProto.onnx.IValueInfoProto;

export const ONNX_LAYOUTS = ['plain', 'mlagents', 'godot'] as const;
export type OnnxLayout = (typeof ONNX_LAYOUTS)[number];

/** The opset each layout is written in, and the IR version that goes with it. */
const OPSET: Record<OnnxLayout, number> = { plain: 13, mlagents: 9, godot: 17 };
const IR_VERSION: Record<number, number> = { 9: 4, 13: 7, 17: 8 };

/** ML-Agents' exported-model version that these outputs follow. */
const MLAGENTS_VERSION = 3;
/** Added to a masked choice's logit: it is never the argmax and never drawn. */
const MASKED_LOGIT = -1e9;

/** TensorProto.DataType and AttributeProto.AttributeType, fixed by onnx.proto (onnx-proto is loaded only to encode). */
const FLOAT = 1;
const INT8 = 3;
const INT64 = 7;
const ATTR = { FLOAT: 1, INT: 2, INTS: 7 } as const;

/** onnx-proto's classes; a missing package is an error that gives the line installing it. */
async function loadOnnx(): Promise<typeof onnxProto.onnx> {
  try {
    return (await import('onnx-proto')).default.onnx;
  } catch (e) {
    if ((e as { code?: string }).code === 'ERR_MODULE_NOT_FOUND' && /onnx-proto/.test((e as Error).message)) {
      throw new Error("ONNX export needs the package 'onnx-proto', which is not installed. Install it with:\n  npm install onnx-proto", { cause: e });
    }
    throw e;
  }
}
type Attr = number | number[] | { float: number };

/** The nodes and constants of one graph, named in order. */
class Graph {
  readonly nodes: INode[] = [];
  readonly initializers: ITensor[] = [];
  private count = 0;

  constructor(readonly opset: number) {}

  /** A constant tensor; returns its name. */
  constant(name: string, dims: number[], values: Float32Array | Int8Array | readonly number[], type: number = FLOAT): string {
    const tensor: ITensor = { name, dims, dataType: type };
    if (type === FLOAT) tensor.rawData = bytesOf(Float32Array.from(values as ArrayLike<number>));
    else if (type === INT8) tensor.rawData = bytesOf(Int8Array.from(values as ArrayLike<number>));
    else tensor.rawData = bytesOf(BigInt64Array.from(Array.from(values as ArrayLike<number>, BigInt)));
    this.initializers.push(tensor);
    return name;
  }

  /** A node; returns its output's name (`output` when given, else a fresh one). */
  node(op: string, inputs: string[], attrs: Record<string, Attr> = {}, output?: string): string {
    const out = output ?? `${op.toLowerCase()}_${this.count++}`;
    this.nodes.push({ opType: op, name: out, input: inputs, output: [out], attribute: Object.entries(attrs).map(([name, v]) => attribute(name, v)) });
    return out;
  }

  /** y = clip(x, lo, hi) with scalar bounds, as each opset writes Clip. */
  clip(x: string, lo: number, hi: number, output?: string): string {
    if (this.opset < 11) return this.node('Clip', [x], { min: { float: lo }, max: { float: hi } }, output);
    return this.node('Clip', [x, this.constant(`${x}_lo`, [], [lo]), this.constant(`${x}_hi`, [], [hi])], {}, output);
  }

  /** Columns [start, end) of a [batch, k] tensor, as opset 9 writes Slice (the ML-Agents layout's). */
  columns(x: string, start: number, end: number): string {
    return this.node('Slice', [x], { axes: [1], starts: [start], ends: [end] });
  }
}

/** The policy network from observation to logits or means; returns the output's name. */
function policyNet(g: Graph, file: PolicyFile, layers: readonly DecodedLayer[], obs: string): string {
  let x = obs;
  const norm = file.observationNormalization;
  if (norm) {
    // The runtime's arithmetic: (x - mean) * (1 / sqrt(var + epsilon)), clipped.
    const invStd = Float32Array.from(norm.var, (v) => 1 / Math.sqrt(v + norm.epsilon));
    x = g.node('Sub', [x, g.constant('obs_mean', [norm.mean.length], norm.mean)]);
    x = g.node('Mul', [x, g.constant('obs_inv_std', [invStd.length], invStd)]);
    x = g.clip(x, -norm.clip, norm.clip);
  }
  layers.forEach((layer, l) => {
    let w: string;
    if (layer.scales === null) {
      w = g.constant(`layer${l}_weight`, [layer.outputs, layer.inputs], layer.weights);
    } else {
      const q = g.constant(`layer${l}_weight_int8`, [layer.outputs, layer.inputs], layer.weights, INT8);
      if (g.opset >= 13) {
        w = g.node('DequantizeLinear', [q, g.constant(`layer${l}_scale`, [layer.outputs], layer.scales), g.constant(`layer${l}_zero_point`, [layer.outputs], new Int8Array(layer.outputs), INT8)], { axis: 0 });
      } else {
        w = g.node('Mul', [g.node('Cast', [q], { to: FLOAT }), g.constant(`layer${l}_scale`, [layer.outputs, 1], layer.scales)]);
      }
    }
    x = g.node('Gemm', [x, w, g.constant(`layer${l}_bias`, [layer.outputs], layer.bias)], { transB: 1 });
    if (layer.activation === 'tanh') x = g.node('Tanh', [x]);
    else if (layer.activation === 'relu') x = g.node('Relu', [x]);
  });
  return x;
}

/** An ONNX model of `file` in `layout`, as the bytes of a .onnx file (loads the optional onnx-proto package). */
export async function policyToOnnx(file: PolicyFile, layout: OnnxLayout, name = 'policy'): Promise<Uint8Array> {
  const onnx = await loadOnnx();
  const { layers } = decodePolicyFile(file, name);
  const opset = OPSET[layout];
  const g = new Graph(opset);
  const n = flatSize(file.observationSpace);
  const space = file.actionSpace;
  const outputs = layers[layers.length - 1]!.outputs;
  const inputs: IValueInfo[] = [];
  const results: IValueInfo[] = [];

  if (layout === 'plain') {
    inputs.push(valueInfo('obs', FLOAT, ['batch', n]));
    const out = space.type === 'box' ? 'mean' : 'logits';
    g.node('Identity', [policyNet(g, file, layers, 'obs')], {}, out);
    results.push(valueInfo(out, FLOAT, ['batch', outputs]));
  } else if (layout === 'godot') {
    inputs.push(valueInfo('obs', FLOAT, ['batch', n]), valueInfo('state_ins', FLOAT, ['batch']));
    g.node('Identity', [policyNet(g, file, layers, 'obs')], {}, 'output');
    g.node('Identity', ['state_ins'], {}, 'state_outs');
    results.push(valueInfo('output', FLOAT, ['batch', outputs]), valueInfo('state_outs', FLOAT, ['batch']));
  } else {
    inputs.push(valueInfo('obs_0', FLOAT, ['batch', n]));
    const z = policyNet(g, file, layers, 'obs_0');
    g.node('Identity', [g.constant('version_number_value', [1], [MLAGENTS_VERSION])], {}, 'version_number');
    g.node('Identity', [g.constant('memory_size_value', [1], [0])], {}, 'memory_size');
    results.push(valueInfo('version_number', FLOAT, [1]), valueInfo('memory_size', FLOAT, [1]));
    if (space.type === 'box') mlagentsContinuous(g, file, space, z, results);
    else mlagentsDiscrete(g, space, z, inputs, results);
  }

  const model = onnx.ModelProto.create({
    irVersion: IR_VERSION[opset],
    opsetImport: [{ domain: '', version: opset }],
    producerName: 'phaser-distill',
    graph: { name, node: g.nodes, initializer: g.initializers, input: inputs, output: results },
  });
  return onnx.ModelProto.encode(model).finish();
}

/** Continuous actions: the mean, and a draw with std exp(logStd), each clipped to the box. */
function mlagentsContinuous(g: Graph, file: PolicyFile, space: Extract<Space, { type: 'box' }>, mean: string, results: IValueInfo[]): void {
  const size = flatSize(space);
  const low = g.constant('action_low', [size], space.low);
  const high = g.constant('action_high', [size], space.high);
  const inBox = (x: string, output: string) => g.node('Max', [g.node('Min', [x, high]), low], {}, output);
  const std = Float32Array.from(file.logStd ?? new Array<number>(size).fill(0), Math.exp);
  const draw = g.node('Add', [mean, g.node('Mul', [g.node('RandomNormalLike', [mean], { dtype: FLOAT }), g.constant('action_std', [size], std)])]);
  inBox(draw, 'continuous_actions');
  g.node('Identity', [g.constant('continuous_action_output_shape_value', [1], [size])], {}, 'continuous_action_output_shape');
  inBox(mean, 'deterministic_continuous_actions');
  results.push(
    valueInfo('continuous_actions', FLOAT, ['batch', size]),
    valueInfo('continuous_action_output_shape', FLOAT, [1]),
    valueInfo('deterministic_continuous_actions', FLOAT, ['batch', size]),
  );
}

/** Discrete actions: masked logits, then per branch a draw (Multinomial) and the argmax. */
function mlagentsDiscrete(g: Graph, space: Exclude<Space, { type: 'box' }>, logits: string, inputs: IValueInfo[], results: IValueInfo[]): void {
  const branches = space.type === 'discrete' ? [space.n] : [...space.nvec];
  const choices = branches.reduce((a, b) => a + b, 0);
  inputs.push(valueInfo('action_masks', FLOAT, ['batch', choices]));
  // logits + (mask - 1) * 1e9: unchanged where allowed, far below every other choice where not.
  const penalty = g.node('Mul', [g.node('Sub', ['action_masks', g.constant('one', [], [1])]), g.constant('masked_logit', [], [-MASKED_LOGIT])]);
  const masked = g.node('Add', [logits, penalty]);
  const draws: string[] = [];
  const argmaxes: string[] = [];
  let offset = 0;
  for (const k of branches) {
    const branch = g.columns(masked, offset, offset + k);
    draws.push(g.node('Multinomial', [branch], { sample_size: 1, dtype: INT64 }));
    argmaxes.push(g.node('ArgMax', [branch], { axis: 1, keepdims: 1 }));
    offset += k;
  }
  g.node('Concat', draws, { axis: 1 }, 'discrete_actions');
  g.node('Identity', [g.constant('discrete_action_output_shape_value', [1, branches.length], branches)], {}, 'discrete_action_output_shape');
  g.node('Concat', argmaxes, { axis: 1 }, 'deterministic_discrete_actions');
  results.push(
    valueInfo('discrete_actions', INT64, ['batch', branches.length]),
    valueInfo('discrete_action_output_shape', FLOAT, [1, branches.length]),
    valueInfo('deterministic_discrete_actions', INT64, ['batch', branches.length]),
  );
}

function attribute(name: string, v: Attr): IAttribute {
  const { FLOAT: F, INT, INTS } = ATTR;
  if (typeof v === 'number') return { name, type: INT, i: v };
  if (Array.isArray(v)) return { name, type: INTS, ints: v };
  return { name, type: F, f: v.float };
}

function valueInfo(name: string, type: number, dims: (number | string)[]): IValueInfo {
  return { name, type: { tensorType: { elemType: type, shape: { dim: dims.map((d) => (typeof d === 'number' ? { dimValue: d } : { dimParam: d })) } } } };
}

/** A typed array's bytes, little-endian as ONNX raw data is. */
function bytesOf(a: Float32Array | Int8Array | BigInt64Array): Uint8Array {
  return new Uint8Array(a.buffer, a.byteOffset, a.byteLength);
}
