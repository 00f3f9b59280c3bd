/**
 * The actor-critic's forward for rollouts, in the student runtime (MlpRuntime, plain TypeScript):
 * a vector step's forward is a few dot products per env, with no tensor and no read back. Its
 * weights are copied from the learner's (whichever engine) after each update: `load` transposes
 * TensorFlow.js's [in, out] kernels into the runtime's [out, in] rows in place.
 *
 * Every number it keeps (weights, biases, a box policy's log std, and the rows `forwardRows`
 * writes) lies in one buffer. Made `shared`, that buffer is a SharedArrayBuffer, and a parallel
 * vector env's worker threads (parallel/worker-vector-env.ts) attach to it (`RolloutNet.attach`):
 * each thread then runs the forward of the envs it steps, right after stepping them, on the
 * weights this thread loaded. A row's forward is the same loop on the same numbers in any thread,
 * so the outputs are the same to the bit as this thread's `forward` would give.
 *
 * No TensorFlow.js here.
 */
import { MlpRuntime, type DecodedLayer, type LayerActivation } from '../policy/index.js';

/** What a RolloutNet is made from: enough to attach another thread's copy to its buffer. */
export interface RolloutNetSpec {
  /** Units per layer, input first; the critic's ends in 1. */
  actorSizes: readonly number[];
  criticSizes: readonly number[];
  activation: LayerActivation;
  /** A box policy: a log std follows the actor's weights. */
  box: boolean;
  /** The most observations one forward takes (the number of envs). */
  maxRows: number;
}

/**
 * A vector env that runs the rollout forward of each env in the thread that steps it
 * (WorkerVectorEnv). After `forwardWith(net)` returns true, every step and reset leaves in
 * `net.rows` the forward (on the weights loaded last) of each env's observation it returns.
 */
export interface ForwardingEnv {
  forwardWith(net: RolloutNet): boolean;
  /**
   * Work for this thread while other threads step their envs (train.ppo.overlap: the update's
   * minibatches): from each step and restart on, once this thread's own part is done, `work` is
   * called again and again while any other thread is still busy, until it returns false (nothing
   * left for now). null stops it.
   */
  workWhileStepping(work: (() => boolean) | null): void;
}

/** Whether `env` offers to run the rollout forwards where it steps its envs. */
export function isForwardingEnv(env: unknown): env is ForwardingEnv {
  return typeof (env as Partial<ForwardingEnv> | null)?.forwardWith === 'function';
}

/** Float32s a net of `spec` keeps in its buffer. */
function bufferLength(spec: RolloutNetSpec): number {
  const layers = (sizes: readonly number[]) => sizes.slice(1).reduce((n, out, l) => n + sizes[l]! * out + out, 0);
  const P = spec.actorSizes[spec.actorSizes.length - 1]!;
  return layers(spec.actorSizes) + layers(spec.criticSizes) + (spec.box ? P : 0) + spec.maxRows * (P + 1);
}

export class RolloutNet {
  private readonly actor: MlpRuntime;
  private readonly critic: MlpRuntime;
  private readonly layers: DecodedLayer[];
  /** This thread's `forward` writes here. */
  private readonly policy: Float32Array;
  private readonly value: Float32Array;
  /** `forwardRows` writes here, row i at env i: in the buffer, so every thread attached sees them. */
  private readonly rowPolicy: Float32Array;
  private readonly rowValue: Float32Array;
  /** A box policy's log std (the last weight), else null. */
  readonly logStd: Float32Array | null;
  /** Holds the weights, biases, log std and rows; a SharedArrayBuffer when made `shared`. */
  readonly buffer: ArrayBuffer | SharedArrayBuffer;
  readonly spec: RolloutNetSpec;

  /**
   * @param actorSizes units per actor layer, input first; @param criticSizes likewise (ending in 1)
   * @param maxRows the most observations one forward takes (the number of envs)
   * @param options.shared keep the numbers in a SharedArrayBuffer, for worker threads to attach to
   * @param options.buffer keep them in this one, another net's (see `attach`)
   */
  constructor(actorSizes: readonly number[], criticSizes: readonly number[], activation: LayerActivation, box: boolean, maxRows: number, options: { shared?: boolean; buffer?: SharedArrayBuffer } = {}) {
    this.spec = { actorSizes: [...actorSizes], criticSizes: [...criticSizes], activation, box, maxRows };
    const bytes = 4 * bufferLength(this.spec);
    if (options.buffer && options.buffer.byteLength !== bytes) throw new Error(`RolloutNet: a buffer of ${options.buffer.byteLength} bytes, but this net needs ${bytes}`);
    this.buffer = options.buffer ?? (options.shared ? new SharedArrayBuffer(bytes) : new ArrayBuffer(bytes));
    let at = 0;
    const take = (length: number) => {
      const view = new Float32Array(this.buffer, at * 4, length);
      at += length;
      return view;
    };
    const stack = (sizes: readonly number[]) => sizes.slice(1).map((outputs, l): DecodedLayer => ({
      inputs: sizes[l]!, outputs, activation: l + 2 === sizes.length ? 'linear' : activation,
      weights: take(sizes[l]! * outputs), scales: null, bias: take(outputs),
    }));
    const actorLayers = stack(actorSizes);
    const criticLayers = stack(criticSizes);
    this.layers = [...actorLayers, ...criticLayers];
    this.actor = new MlpRuntime(actorLayers);
    this.critic = new MlpRuntime(criticLayers);
    const P = this.actor.output.length;
    this.logStd = box ? take(P) : null;
    this.rowPolicy = take(maxRows * P);
    this.rowValue = take(maxRows);
    this.policy = new Float32Array(maxRows * P);
    this.value = new Float32Array(maxRows);
  }

  /** Another thread's view of a net made `shared`: the same weights, and the same rows. */
  static attach(spec: RolloutNetSpec, buffer: SharedArrayBuffer): RolloutNet {
    return new RolloutNet(spec.actorSizes, spec.criticSizes, spec.activation, spec.box, spec.maxRows, { buffer });
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
    if (n > this.spec.maxRows) throw new Error(`RolloutNet: ${n} rows, more than the ${this.spec.maxRows} it was made for`);
    this.run(obs, 0, n, this.policy, this.value, 0);
    const P = this.actor.output.length;
    return { policy: this.policy.subarray(0, n * P), value: this.value.subarray(0, n) };
  }

  /** Both heads on rows `first` .. `first + count - 1` of `obs` (observations laid end to end), into the same rows of `rows`. */
  forwardRows(obs: Float32Array, first: number, count: number): void {
    if (first + count > this.spec.maxRows) throw new Error(`RolloutNet: rows ${first}..${first + count - 1}, beyond the ${this.spec.maxRows} it was made for`);
    this.run(obs, first, count, this.rowPolicy, this.rowValue, first);
  }

  /** The first `n` rows `forwardRows` wrote (by any thread attached): views of the buffer. */
  rows(n: number): { policy: Float32Array; value: Float32Array } {
    const P = this.actor.output.length;
    return { policy: this.rowPolicy.subarray(0, n * P), value: this.rowValue.subarray(0, n) };
  }

  /** Rows first .. first + count - 1 of obs through both heads, into rows `at` .. of policy and value. */
  private run(obs: Float32Array, first: number, count: number, policy: Float32Array, value: Float32Array, at: number): void {
    const D = this.actor.input.length;
    const P = this.actor.output.length;
    const xa = this.actor.input;
    const xc = this.critic.input;
    // Element loops rather than subarray views: no allocation per env and step.
    for (let r = 0; r < count; r++) {
      const i = first + r;
      const o = at + r;
      for (let d = 0; d < D; d++) xa[d] = xc[d] = obs[i * D + d]!;
      const out = this.actor.run();
      for (let p = 0; p < P; p++) policy[o * P + p] = out[p]!;
      value[o] = this.critic.run()[0]!;
    }
  }
}
