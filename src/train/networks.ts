/**
 * Actor-critic networks as plain TensorFlow.js variables: a forward pass is a handful of ops, with
 * none of the Layers API's per-call bookkeeping in the hot path. They convert to and from a
 * LayersModel (two heads, `policy` and `value`) for checkpoints and for distillation.
 */
import * as tf from '@tensorflow/tfjs';
import { Rng, type Space } from '../env/index.js';
import { policyOutputCount } from '../policy/index.js';

export type Activation = 'tanh' | 'relu';

export interface NetworkConfig {
  /** Hidden layer sizes of the actor. */
  actorHidden: number[];
  /** Hidden layer sizes of the critic. */
  criticHidden: number[];
  activation: Activation;
  /** Initial log standard deviation of a Gaussian policy (box actions). */
  initLogStd: number;
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

/** Separate actor and critic MLPs, and a state-independent log std for box actions. */
export class ActorCritic {
  readonly actor: Mlp;
  readonly critic: Mlp;
  readonly logStd: tf.Variable | null;
  readonly obsSize: number;

  constructor(obsSize: number, readonly actionSpace: Space, readonly config: NetworkConfig, seed: number) {
    const rng = new Rng(seed);
    this.obsSize = obsSize;
    this.actor = new Mlp([obsSize, ...config.actorHidden, policyOutputCount(actionSpace)], config.activation, 0.01, rng);
    this.critic = new Mlp([obsSize, ...config.criticHidden, 1], config.activation, 1, rng);
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

  /** The two heads as one LayersModel: input `obs`, outputs `policy` [B, P] and `value` [B, 1]. */
  toLayersModel(): tf.LayersModel {
    const input = tf.input({ shape: [this.obsSize], name: 'obs' });
    const dense: [tf.layers.Layer, tf.Tensor[]][] = [];
    const stack = (mlp: Mlp, head: string) => {
      let h: tf.SymbolicTensor = input;
      const layers = mlp.params.length / 2;
      for (let l = 0; l < layers; l++) {
        const last = l + 1 === layers;
        const layer = tf.layers.dense({ units: mlp.sizes[l + 1]!, activation: last ? 'linear' : mlp.activation, name: layerName(head, l, layers) });
        h = layer.apply(h) as tf.SymbolicTensor;
        dense.push([layer, [mlp.params[2 * l]!, mlp.params[2 * l + 1]!]]);
      }
      return h;
    };
    const model = tf.model({ inputs: input, outputs: [stack(this.actor, 'policy'), stack(this.critic, 'value')], name: 'teacher' });
    for (const [layer, weights] of dense) layer.setWeights(weights);
    return model;
  }

  /** Copies the weights of a LayersModel made by `toLayersModel` into these variables. */
  loadLayersModel(model: tf.LayersModel): void {
    for (const [mlp, head] of [[this.actor, 'policy'], [this.critic, 'value']] as const) {
      const layers = mlp.params.length / 2;
      for (let l = 0; l < layers; l++) {
        const name = layerName(head, l, layers);
        let weights: tf.Tensor[];
        try {
          weights = model.getLayer(name).getWeights();
        } catch {
          throw new Error(`teacher model: layer '${name}' is missing`);
        }
        weights.forEach((w, k) => {
          const own = mlp.params[2 * l + k]!;
          if (w.shape.join() !== own.shape.join()) throw new Error(`teacher model: layer '${name}' weight ${k} has shape [${w.shape}], expected [${own.shape}]`);
          own.assign(w);
        });
      }
    }
  }

  dispose(): void {
    this.actor.dispose();
    this.critic.dispose();
    this.logStd?.dispose();
  }
}

/** Layer names in the LayersModel: `{head}_hidden{l}`, and the head's own name for its last layer. */
function layerName(head: string, l: number, layers: number): string {
  return l + 1 === layers ? head : `${head}_hidden${l}`;
}
