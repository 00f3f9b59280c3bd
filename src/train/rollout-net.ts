/**
 * The actor-critic's forward for rollouts, in the student runtime (MlpRuntime, plain TypeScript):
 * a vector step's forward is a few dot products per env, with no tensor and no read back. Its
 * weights are copied from the learner's (whichever engine) after each update: `load` transposes
 * TensorFlow.js's [in, out] kernels into the runtime's [out, in] rows in place.
 *
 * No TensorFlow.js here.
 */
import { MlpRuntime, type DecodedLayer, type LayerActivation } from '../policy/index.js';

export class RolloutNet {
  private readonly actor: MlpRuntime;
  private readonly critic: MlpRuntime;
  private readonly layers: DecodedLayer[];
  private readonly policy: Float32Array;
  private readonly value: Float32Array;
  /** A box policy's log std (the last weight), else null. */
  readonly logStd: Float32Array | null;

  /**
   * @param actorSizes units per actor layer, input first; @param criticSizes likewise (ending in 1)
   * @param maxRows the most observations one forward takes (the number of envs)
   */
  constructor(actorSizes: readonly number[], criticSizes: readonly number[], activation: LayerActivation, box: boolean, private readonly maxRows: number) {
    const stack = (sizes: readonly number[]) => sizes.slice(1).map((outputs, l): DecodedLayer => ({
      inputs: sizes[l]!, outputs, activation: l + 2 === sizes.length ? 'linear' : activation,
      weights: new Float32Array(sizes[l]! * outputs), scales: null, bias: new Float32Array(outputs),
    }));
    const actorLayers = stack(actorSizes);
    const criticLayers = stack(criticSizes);
    this.layers = [...actorLayers, ...criticLayers];
    this.actor = new MlpRuntime(actorLayers);
    this.critic = new MlpRuntime(criticLayers);
    this.policy = new Float32Array(maxRows * this.actor.output.length);
    this.value = new Float32Array(maxRows);
    this.logStd = box ? new Float32Array(this.actor.output.length) : null;
  }

  /** Copies weights given in ActorCritic.params' order and layout (W as [in, out]). */
  load(weights: readonly Float32Array[]): void {
    this.layers.forEach((layer, l) => {
      const w = weights[2 * l]!;
      const t = layer.weights as Float32Array;
      const { inputs, outputs } = layer;
      for (let i = 0; i < inputs; i++) for (let o = 0; o < outputs; o++) t[o * inputs + i] = w[i * outputs + o]!;
      layer.bias.set(weights[2 * l + 1]!);
    });
    if (this.logStd) this.logStd.set(weights[2 * this.layers.length]!);
  }

  /**
   * Both heads on `n` observations laid end to end (already normalised).
   * @returns policy [n * P] and value [n]: views of buffers the next call overwrites
   */
  forward(obs: Float32Array, n: number): { policy: Float32Array; value: Float32Array } {
    if (n > this.maxRows) throw new Error(`RolloutNet: ${n} rows, more than the ${this.maxRows} it was made for`);
    const D = this.actor.input.length;
    const P = this.actor.output.length;
    const xa = this.actor.input;
    const xc = this.critic.input;
    // Element loops rather than subarray views: no allocation per env and step.
    for (let i = 0; i < n; i++) {
      for (let d = 0; d < D; d++) xa[d] = xc[d] = obs[i * D + d]!;
      const out = this.actor.run();
      for (let p = 0; p < P; p++) this.policy[i * P + p] = out[p]!;
      this.value[i] = this.critic.run()[0]!;
    }
    return { policy: this.policy.subarray(0, n * P), value: this.value.subarray(0, n) };
  }
}
