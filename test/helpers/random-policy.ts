/** Policy files with seeded random weights, for runtime tests that need no trained network. */
import { Rng, box, type Space } from '../../src/env/index.js';
import { buildPolicyFile, type DenseWeights } from '../../src/distill/export.js';
import type { LayerActivation, PolicyFile, WeightType } from '../../src/policy/index.js';

export interface RandomPolicyOptions {
  obsSize: number;
  hidden: number[];
  outputs: number;
  actionSpace: Space;
  activation?: LayerActivation;
  dtype?: WeightType;
  normalize?: boolean;
  /** An observation box of -Infinity to Infinity instead of -100 to 100. */
  unbounded?: boolean;
  seed?: number;
}

export function randomLayers(sizes: number[], activation: LayerActivation, rng: Rng): DenseWeights[] {
  return sizes.slice(1).map((outputs, l) => ({
    inputs: sizes[l]!,
    outputs,
    kernel: Float32Array.from({ length: sizes[l]! * outputs }, () => rng.normal() / Math.sqrt(sizes[l]!)),
    bias: Float32Array.from({ length: outputs }, () => 0.1 * rng.normal()),
    activation: l + 2 === sizes.length ? 'linear' : activation,
  }));
}

export function randomPolicy(o: RandomPolicyOptions): PolicyFile {
  const rng = new Rng(o.seed ?? 7);
  const layers = randomLayers([o.obsSize, ...o.hidden, o.outputs], o.activation ?? 'tanh', rng);
  return buildPolicyFile({
    observationSpace: o.unbounded ? box([o.obsSize]) : box([o.obsSize], -100, 100),
    actionSpace: o.actionSpace,
    observationNormalization: o.normalize === false ? null : {
      mean: Array.from({ length: o.obsSize }, () => rng.normal()),
      var: Array.from({ length: o.obsSize }, () => 0.5 + rng.float() * 4),
      clip: 5,
      epsilon: 1e-8,
    },
    layers,
    logStd: o.actionSpace.type === 'box' ? Array.from({ length: o.outputs }, () => -0.5) : null,
  }, o.dtype ?? 'float32');
}
