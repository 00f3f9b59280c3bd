/**
 * Actor-critic networks as plain TensorFlow.js variables: a forward pass is a handful of ops, with
 * none of the Layers API's per-call bookkeeping in the hot path. They convert to and from a
 * LayersModel (two heads, `policy` and `value`) for checkpoints and for distillation.
 */
import * as tf from '@tensorflow/tfjs';
import { Rng, type Space } from '../env/index.js';
import { policyOutputCount } from '../policy/index.js';

export type Activation = 'tanh' | 'relu';

/** One convolution of a torso: `filters` kernels of `kernel` x `kernel` cells, moved `stride` cells at a time ('valid' padding). */
export interface ConvLayerConfig {
  filters: number;
  kernel: number;
  stride: number;
}

/**
 * A convolutional torso for grid observations (a GridSensor2D's reading, or a game's own map of
 * the level). The grid is `height` x `width` x `channels` numbers of the observation from `offset`,
 * row by row, each cell's channels together: GridSensor2D's layout. Each head (actor and critic)
 * runs its own torso, convolutions with relu, then the MLP on the flattened features followed by
 * the observation's other numbers.
 */
export interface ConvTorsoConfig {
  grid: { offset: number; height: number; width: number; channels: number };
  layers: ConvLayerConfig[];
}

export interface NetworkConfig {
  /** Hidden layer sizes of the actor. */
  actorHidden: number[];
  /** Hidden layer sizes of the critic. */
  criticHidden: number[];
  activation: Activation;
  /** Initial log standard deviation of a Gaussian policy (box actions). */
  initLogStd: number;
  /** A convolutional torso before each head's MLP; absent or null for MLPs on the whole observation. */
  conv?: ConvTorsoConfig | null;
}

/** A network config that does not fit the observation or the engine; its message starts with the key (`network.conv...`). */
export class NetworkError extends Error {
  override name = 'NetworkError';
}

/** The side of a 'valid' convolution's output. */
function convOut(size: number, kernel: number, stride: number): number {
  return Math.floor((size - kernel) / stride) + 1;
}

/**
 * What a torso makes of an observation of `obsSize` numbers: each layer's output shape, and the
 * size of the MLP's input (flattened features, then the observation's numbers outside the grid).
 * Throws an Error that names the problem when the grid does not fit the observation or a layer
 * shrinks it to nothing.
 */
export function convShapes(conv: ConvTorsoConfig, obsSize: number): { layers: [number, number, number][]; features: number; mlpInput: number } {
  const { offset, height, width, channels } = conv.grid;
  for (const [k, v] of Object.entries(conv.grid)) {
    if (!Number.isInteger(v) || v < (k === 'offset' ? 0 : 1)) throw new NetworkError(`network.conv.grid.${k}: expected an integer ${k === 'offset' ? '>= 0' : '>= 1'}, got ${v}`);
  }
  const gridSize = height * width * channels;
  if (offset + gridSize > obsSize) throw new NetworkError(`network.conv.grid: ${height} x ${width} x ${channels} = ${gridSize} numbers from offset ${offset} reach past the observation's ${obsSize}`);
  if (conv.layers.length === 0) throw new NetworkError('network.conv.layers: give at least one convolution');
  let [h, w, c] = [height, width, channels];
  const layers: [number, number, number][] = [];
  conv.layers.forEach((l, i) => {
    for (const k of ['filters', 'kernel', 'stride'] as const) {
      if (!Number.isInteger(l[k]) || l[k] < 1) throw new NetworkError(`network.conv.layers[${i}].${k}: expected a positive integer, got ${l[k]}`);
    }
    const nh = convOut(h, l.kernel, l.stride);
    const nw = convOut(w, l.kernel, l.stride);
    if (nh < 1 || nw < 1) throw new NetworkError(`network.conv.layers[${i}]: a ${l.kernel} x ${l.kernel} kernel does not fit its ${h} x ${w} input`);
    [h, w, c] = [nh, nw, l.filters];
    layers.push([h, w, c]);
  });
  const features = h * w * c;
  return { layers, features, mlpInput: features + obsSize - gridSize };
}

/**
 * A 'valid' 2D convolution the active backend can also differentiate, in its fastest form there.
 * GPU backends run tf.conv2d and its own gradients. The CPU backends run `conv2dByParts`: the wasm
 * backend has no kernel for conv2d's filter gradient (Conv2DBackpropFilter), and the cpu backend's
 * is over ten times slower than these parts (29.8 s against 2.3 s for two layers on a 21 x 21 x 4 grid of 128).
 */
function convolve(): (x: tf.Tensor4D, kernel: tf.Tensor4D, stride: number) => tf.Tensor4D {
  const backend = tf.getBackend();
  if (backend !== 'wasm' && backend !== 'cpu' && tf.getKernel('Conv2DBackpropFilter', backend)) return (x, kernel, stride) => tf.conv2d(x, kernel, stride, 'valid');
  return conv2dByParts;
}

/**
 * tf.conv2d ('valid') with its gradients written as kernels every backend has. The input's is
 * conv2dTranspose (Conv2DBackpropInput). The filter's is itself a convolution, with the roles
 * turned: dW[p, q, c, f] = sum over b, i, j of x[b, s i + p, s j + q, c] dy[b, i, j, f], which is
 * conv2d of x as C images of B channels ([C, H, W, B]) with dy as a filter of oh x ow taps
 * ([oh, ow, B, F]) dilated by the stride s, cut to its first k x k outputs. On wasm the forward is
 * XNNPACK's conv2d: a 21 x 21 x 4 grid of 128 through 16 3x3 filters took 5.5 ms where the same
 * numbers as a depth-1 conv3d took 350 ms (and wasm's conv3d gradients are wrong at stride 2:
 * off by 0.4 where these are within 3e-7 of the cpu backend's conv2d gradients).
 */
export function conv2dByParts(x: tf.Tensor4D, kernel: tf.Tensor4D, stride: number): tf.Tensor4D {
  const conv = tf.customGrad((input, filter, save) => {
    const xi = input as tf.Tensor4D;
    const w = filter as tf.Tensor4D;
    (save as tf.GradSaveFunc)([xi, w]);
    return {
      value: tf.conv2d(xi, w, stride, 'valid'),
      gradFunc: (dy, saved) => {
        const [xs, ws] = saved as [tf.Tensor4D, tf.Tensor4D];
        const g = dy as tf.Tensor4D;
        const k = ws.shape[0];
        const dx = tf.conv2dTranspose(g, ws, xs.shape, stride, 'valid');
        const turned = tf.conv2d(tf.transpose(xs, [3, 1, 2, 0]), tf.transpose(g, [1, 2, 0, 3]), 1, 'valid', 'NHWC', stride);
        const dw = tf.transpose(tf.slice(turned, [0, 0, 0, 0], [-1, k, k, -1]), [1, 2, 0, 3]);
        return [dx, dw];
      },
    };
  });
  return conv(x, kernel) as tf.Tensor4D;
}

/** A stack of convolutions over the grid part of an observation (see ConvTorsoConfig). */
export class ConvTorso {
  /** [K0, b0, K1, b1, ...], K as [kernel, kernel, in, out]. */
  readonly params: tf.Variable[] = [];
  /** The MLP's input size: features then the observation's other numbers. */
  readonly outputSize: number;

  constructor(readonly config: ConvTorsoConfig, readonly obsSize: number, rng: Rng) {
    this.outputSize = convShapes(config, obsSize).mlpInput;
    let inChannels = config.grid.channels;
    for (const l of config.layers) {
      const fanIn = l.kernel * l.kernel * inChannels;
      this.params.push(tf.tidy(() => tf.variable(tf.tensor4d(orthogonal(fanIn, l.filters, Math.SQRT2, rng), [l.kernel, l.kernel, inChannels, l.filters]))));
      this.params.push(tf.tidy(() => tf.variable(tf.zeros([l.filters]))));
      inChannels = l.filters;
    }
  }

  /** @param x [B, obsSize] @returns [B, outputSize] */
  apply(x: tf.Tensor2D): tf.Tensor2D {
    const { offset, height, width, channels } = this.config.grid;
    const B = x.shape[0];
    const gridSize = height * width * channels;
    let h: tf.Tensor4D = tf.reshape(tf.slice(x, [0, offset], [B, gridSize]), [B, height, width, channels]);
    const conv = convolve();
    this.config.layers.forEach((l, i) => {
      h = tf.relu(tf.add(conv(h, this.params[2 * i] as tf.Tensor4D, l.stride), this.params[2 * i + 1]!)) as tf.Tensor4D;
    });
    const parts: tf.Tensor2D[] = [tf.reshape(h, [B, -1])];
    if (offset > 0) parts.push(tf.slice(x, [0, 0], [B, offset]));
    if (offset + gridSize < this.obsSize) parts.push(tf.slice(x, [0, offset + gridSize], [B, this.obsSize - offset - gridSize]));
    return parts.length === 1 ? parts[0]! : tf.concat(parts, 1);
  }

  dispose(): void {
    for (const p of this.params) p.dispose();
  }
}

/** A head of the actor-critic: an optional convolutional torso, then an MLP. */
export class Head {
  constructor(readonly torso: ConvTorso | null, readonly mlp: Mlp) {}

  /** The torso's variables, then the MLP's. */
  get params(): tf.Variable[] {
    return this.torso ? [...this.torso.params, ...this.mlp.params] : this.mlp.params;
  }

  /** @param x [B, obsSize] @returns [B, out] */
  apply(x: tf.Tensor2D): tf.Tensor2D {
    return this.mlp.apply(this.torso ? this.torso.apply(x) : x);
  }

  dispose(): void {
    this.torso?.dispose();
    this.mlp.dispose();
  }
}

/** A dense MLP: weights [W0, b0, W1, b1, ...], W as [in, out]. */
export class Mlp {
  readonly params: tf.Variable[] = [];

  /** @param outGain orthogonal-init gain of the last layer (hidden layers use sqrt 2) */
  constructor(readonly sizes: number[], readonly activation: Activation, outGain: number, rng: Rng) {
    for (let l = 0; l + 1 < sizes.length; l++) {
      const gain = l + 2 === sizes.length ? outGain : Math.SQRT2;
      // tf.variable copies its initial value; tidy frees that value (and never frees variables).
      this.params.push(tf.tidy(() => tf.variable(tf.tensor2d(orthogonal(sizes[l]!, sizes[l + 1]!, gain, rng), [sizes[l]!, sizes[l + 1]!]))));
      this.params.push(tf.tidy(() => tf.variable(tf.zeros([sizes[l + 1]!]))));
    }
  }

  /** @param x [B, in] @returns [B, out] */
  apply(x: tf.Tensor2D): tf.Tensor2D {
    let h = x;
    const layers = this.params.length / 2;
    for (let l = 0; l < layers; l++) {
      h = tf.add(tf.matMul(h, this.params[2 * l] as tf.Tensor2D), this.params[2 * l + 1]!);
      if (l + 1 < layers) h = this.activation === 'tanh' ? tf.tanh(h) : tf.relu(h);
    }
    return h;
  }

  dispose(): void {
    for (const p of this.params) p.dispose();
  }
}

/**
 * A matrix with orthonormal columns (or rows), times `gain`: the initialisation CleanRL and SB3 use
 * for PPO. Gram-Schmidt on a seeded Gaussian matrix.
 */
export function orthogonal(rows: number, cols: number, gain: number, rng: Rng): Float32Array {
  const n = Math.max(rows, cols);
  const m = Math.min(rows, cols);
  const vecs: Float64Array[] = [];
  while (vecs.length < m) {
    const v = Float64Array.from({ length: n }, () => rng.normal());
    for (const u of vecs) {
      let dot = 0;
      for (let i = 0; i < n; i++) dot += v[i]! * u[i]!;
      for (let i = 0; i < n; i++) v[i]! -= dot * u[i]!;
    }
    let norm = 0;
    for (let i = 0; i < n; i++) norm += v[i]! * v[i]!;
    norm = Math.sqrt(norm);
    if (norm < 1e-6) continue;
    for (let i = 0; i < n; i++) v[i]! /= norm;
    vecs.push(v);
  }
  const out = new Float32Array(rows * cols);
  for (let r = 0; r < rows; r++) {
    for (let c = 0; c < cols; c++) out[r * cols + c] = gain * (rows >= cols ? vecs[c]![r]! : vecs[r]![c]!);
  }
  return out;
}

/** Separate actor and critic heads (MLPs, each after its own torso if any), and a state-independent log std for box actions. */
export class ActorCritic {
  readonly actor: Head;
  readonly critic: Head;
  readonly logStd: tf.Variable | null;
  readonly obsSize: number;

  constructor(obsSize: number, readonly actionSpace: Space, readonly config: NetworkConfig, seed: number) {
    const rng = new Rng(seed);
    this.obsSize = obsSize;
    const head = (hidden: number[], outputs: number, gain: number) => {
      const torso = config.conv ? new ConvTorso(config.conv, obsSize, rng) : null;
      return new Head(torso, new Mlp([torso ? torso.outputSize : obsSize, ...hidden, outputs], config.activation, gain, rng));
    };
    this.actor = head(config.actorHidden, policyOutputCount(actionSpace), 0.01);
    this.critic = head(config.criticHidden, 1, 1);
    this.logStd = actionSpace.type === 'box' ? tf.tidy(() => tf.variable(tf.fill([policyOutputCount(actionSpace)], config.initLogStd))) : null;
  }

  /** Every trainable variable, in a fixed order (the optimizer's state follows it). */
  get params(): tf.Variable[] {
    return [...this.actor.params, ...this.critic.params, ...(this.logStd ? [this.logStd] : [])];
  }

  /** Every param's values, in `params`' order (copies). */
  getWeights(): Float32Array[] {
    return this.params.map((p) => (p.dataSync() as Float32Array).slice());
  }

  /** Assigns every param from `weights`, in `params`' order and shapes. */
  setWeights(weights: readonly Float32Array[]): void {
    const params = this.params;
    if (weights.length !== params.length) throw new Error(`ActorCritic.setWeights: ${weights.length} arrays for ${params.length} params`);
    params.forEach((p, k) => {
      if (weights[k]!.length !== p.size) throw new Error(`ActorCritic.setWeights: weight ${k} has ${weights[k]!.length} values, expected ${p.size} (shape [${p.shape}])`);
      tf.tidy(() => p.assign(tf.tensor(weights[k]!, p.shape)));
    });
  }

  /**
   * One batched forward of both heads on `n` observations laid end to end (already normalised).
   * @returns policy [n * P] (logits or Gaussian means) and value [n]
   */
  forward(obs: Float32Array, n: number): { policy: Float32Array; value: Float32Array } {
    const P = policyOutputCount(this.actionSpace);
    const out = tf.tidy(() => {
      const x = tf.tensor2d(obs.subarray(0, n * this.obsSize), [n, this.obsSize]);
      return tf.concat([this.actor.apply(x), this.critic.apply(x)], 1);
    });
    const data = out.dataSync() as Float32Array;
    out.dispose();
    const policy = new Float32Array(n * P);
    const value = new Float32Array(n);
    for (let i = 0; i < n; i++) {
      policy.set(data.subarray(i * (P + 1), i * (P + 1) + P), i * P);
      value[i] = data[i * (P + 1) + P]!;
    }
    return { policy, value };
  }

  /**
   * The two heads as one LayersModel: input `obs`, outputs `policy` [B, P] and `value` [B, 1]. A
   * torso's grid is cut from the observation with standard layers (reshape, cropping2D), so the
   * model saves and loads as any LayersModel does.
   */
  toLayersModel(): tf.LayersModel {
    const input = tf.input({ shape: [this.obsSize], name: 'obs' });
    const weighted: [tf.layers.Layer, tf.Tensor[]][] = [];
    const stack = (head: Head, name: string) => {
      let h: tf.SymbolicTensor = input;
      if (head.torso) h = this.torsoLayers(head.torso, name, input, weighted);
      const { mlp } = head;
      const layers = mlp.params.length / 2;
      for (let l = 0; l < layers; l++) {
        const last = l + 1 === layers;
        const layer = tf.layers.dense({ units: mlp.sizes[l + 1]!, activation: last ? 'linear' : mlp.activation, name: layerName(name, l, layers) });
        h = layer.apply(h) as tf.SymbolicTensor;
        weighted.push([layer, [mlp.params[2 * l]!, mlp.params[2 * l + 1]!]]);
      }
      return h;
    };
    const model = tf.model({ inputs: input, outputs: [stack(this.actor, 'policy'), stack(this.critic, 'value')], name: 'teacher' });
    for (const [layer, weights] of weighted) layer.setWeights(weights);
    return model;
  }

  /** A torso as layers: the grid cropped from `obs`, the convolutions, flattened, then the other numbers. */
  private torsoLayers(torso: ConvTorso, head: string, obs: tf.SymbolicTensor, weighted: [tf.layers.Layer, tf.Tensor[]][]): tf.SymbolicTensor {
    const { offset, height, width, channels } = torso.config.grid;
    const D = this.obsSize;
    const G = height * width * channels;
    const column = tf.layers.reshape({ targetShape: [D, 1, 1], name: `${head}_column` }).apply(obs) as tf.SymbolicTensor;
    const crop = (from: number, length: number, name: string) => tf.layers.cropping2D({ cropping: [[from, D - from - length], [0, 0]], name }).apply(column) as tf.SymbolicTensor;
    let h = tf.layers.reshape({ targetShape: [height, width, channels], name: `${head}_grid` }).apply(crop(offset, G, `${head}_crop_grid`)) as tf.SymbolicTensor;
    torso.config.layers.forEach((l, i) => {
      const layer = tf.layers.conv2d({ filters: l.filters, kernelSize: l.kernel, strides: l.stride, padding: 'valid', activation: 'relu', name: `${head}_conv${i}` });
      h = layer.apply(h) as tf.SymbolicTensor;
      weighted.push([layer, [torso.params[2 * i]!, torso.params[2 * i + 1]!]]);
    });
    const parts = [tf.layers.flatten({ name: `${head}_features` }).apply(h) as tf.SymbolicTensor];
    const flat = (t: tf.SymbolicTensor, name: string) => tf.layers.flatten({ name }).apply(t) as tf.SymbolicTensor;
    if (offset > 0) parts.push(flat(crop(0, offset, `${head}_crop_before`), `${head}_before`));
    if (offset + G < D) parts.push(flat(crop(offset + G, D - offset - G, `${head}_crop_after`), `${head}_after`));
    return parts.length === 1 ? parts[0]! : (tf.layers.concatenate({ name: `${head}_torso` }).apply(parts) as tf.SymbolicTensor);
  }

  /** Copies the weights of a LayersModel made by `toLayersModel` into these variables. */
  loadLayersModel(model: tf.LayersModel): void {
    const load = (name: string, own: tf.Variable[]) => {
      let weights: tf.Tensor[];
      try {
        weights = model.getLayer(name).getWeights();
      } catch {
        throw new Error(`teacher model: layer '${name}' is missing`);
      }
      weights.forEach((w, k) => {
        if (w.shape.join() !== own[k]!.shape.join()) throw new Error(`teacher model: layer '${name}' weight ${k} has shape [${w.shape}], expected [${own[k]!.shape}]`);
        own[k]!.assign(w);
      });
    };
    for (const [head, name] of [[this.actor, 'policy'], [this.critic, 'value']] as const) {
      const torso = head.torso?.params ?? [];
      for (let i = 0; i < torso.length / 2; i++) load(`${name}_conv${i}`, torso.slice(2 * i, 2 * i + 2));
      const layers = head.mlp.params.length / 2;
      for (let l = 0; l < layers; l++) load(layerName(name, l, layers), head.mlp.params.slice(2 * l, 2 * l + 2));
    }
  }

  dispose(): void {
    this.actor.dispose();
    this.critic.dispose();
    this.logStd?.dispose();
  }
}

/**
 * The rollout forwards of a network the student runtime does not run (one with a convolutional
 * torso): the actor-critic's own TensorFlow.js forward, batched over the envs, on the active
 * backend. Such a network learns on the tfjs engine, whose variables are the actor-critic's, so
 * there is nothing to copy after an update but a box policy's log std.
 */
export class TfjsRollout {
  logStd: Float32Array | null = null;

  constructor(private readonly net: ActorCritic) {}

  /** Reads the log std the sampling uses; call after each update. */
  sync(): void {
    this.logStd = this.net.logStd ? (this.net.logStd.dataSync() as Float32Array).slice() : null;
  }

  forward(obs: Float32Array, n: number): { policy: Float32Array; value: Float32Array } {
    return this.net.forward(obs, n);
  }
}

/** Layer names in the LayersModel: `{head}_hidden{l}`, and the head's own name for its last layer. */
function layerName(head: string, l: number, layers: number): string {
  return l + 1 === layers ? head : `${head}_hidden${l}`;
}
