/**
 * A loaded student: observation in, action out, in plain TypeScript.
 *
 * Action selection follows the file's action space: argmax of each branch's logits (temperature 0)
 * or a draw from softmax(logits / temperature); for boxes the Gaussian mean, or a draw with
 * standard deviation temperature * exp(logStd), clipped to the box. An action mask removes choices
 * before either. Draws come from a seeded `Rng`, so a seeded game replays the same moves.
 */
import { DEV } from '../env/dev.js';
import { Rng } from '../env/rng.js';
import type { ActionMask, BoxSpace, Space } from '../env/spaces.js';
import { MlpRuntime } from './mlp.js';
import { decodePolicyFile, type PolicyFile } from './policy-file.js';

export interface StudentPolicyOptions {
  /** 0 acts greedily (argmax, Gaussian mean); above 0 samples, flatter as it grows. Default 0. */
  temperature?: number;
  /** Seeds the generator used for sampling. Default 0. */
  seed?: number;
  /** Names the file in error messages. */
  source?: string;
}

export type StudentAction = number | number[] | Float32Array;

export class StudentPolicy {
  readonly file: PolicyFile;
  readonly observationSpace: BoxSpace;
  readonly actionSpace: Space;
  readonly parameterCount: number;
  /** Names the file in error messages. */
  readonly source: string;
  private readonly net: MlpRuntime;
  private readonly rng: Rng;
  private readonly obsSize: number;
  /** Branch sizes of a discrete or multi-discrete space; empty for a box. */
  readonly branches: readonly number[];
  /** Per-dimension normalisation, precomputed: z = (x - mean) * invStd. */
  private readonly mean: Float32Array | null;
  private readonly invStd: Float32Array | null;
  private readonly clip: number;
  private readonly std: Float32Array | null;
  private readonly probs: Float32Array;
  private readonly multi: number[];
  private readonly boxAction: Float32Array;
  /** A box's bounds, copied once into typed arrays so the per-decision clip reads raw doubles. */
  private readonly low: Float64Array | null;
  private readonly high: Float64Array | null;
  /** A box's standard normal draws for one decision. */
  private readonly noise: Float64Array | null;
  private temp: number;

  constructor(file: unknown, options: StudentPolicyOptions = {}) {
    this.source = options.source ?? 'policy file';
    const decoded = decodePolicyFile(file, this.source);
    this.file = decoded.file;
    this.observationSpace = this.file.observationSpace;
    this.actionSpace = this.file.actionSpace;
    this.net = new MlpRuntime(decoded.layers);
    this.parameterCount = this.net.parameterCount;
    this.obsSize = this.net.input.length;
    const space = this.actionSpace;
    const outputs = this.net.output.length;
    const box = space.type === 'box';
    this.branches = space.type === 'discrete' ? [space.n] : space.type === 'multi-discrete' ? [...space.nvec] : [];
    const norm = this.file.observationNormalization;
    this.mean = norm ? Float32Array.from(norm.mean) : null;
    this.invStd = norm ? Float32Array.from(norm.var, (v) => 1 / Math.sqrt(v + norm.epsilon)) : null;
    this.clip = norm ? norm.clip : Infinity;
    this.probs = new Float32Array(outputs);
    this.multi = new Array<number>(this.branches.length).fill(0);
    this.std = box ? Float32Array.from(this.file.logStd ?? new Array<number>(outputs).fill(0), Math.exp) : null;
    this.boxAction = new Float32Array(box ? outputs : 0);
    this.low = box ? Float64Array.from(space.low) : null;
    this.high = box ? Float64Array.from(space.high) : null;
    this.noise = box ? new Float64Array(outputs) : null;
    this.rng = new Rng(options.seed ?? 0);
    this.temp = 0;
    this.temperature = options.temperature ?? 0;
  }

  get temperature(): number {
    return this.temp;
  }

  set temperature(t: number) {
    if (DEV && (!(t >= 0) || !Number.isFinite(t))) throw new Error(`${this.source}: temperature: expected a finite number >= 0, got ${t}`);
    this.temp = t;
  }

  /** Restarts the sampling generator. */
  reseed(seed: number): void {
    this.rng.seed(seed);
  }

  /**
   * The network's raw outputs for a raw observation: logits (all branches end to end) or Gaussian
   * means. The returned array is reused by the next call.
   */
  logits(observation: ArrayLike<number>): Float32Array {
    if (observation.length !== this.obsSize) throw new Error(`${this.source}: expected an observation of ${this.obsSize} numbers, got ${observation.length}`);
    this.normalize(observation, 0, this.net.input, 0);
    return this.net.run();
  }

  /** Writes the observation at `observation[at ..]`, checked and normalised, into `x[xo ..]`. */
  private normalize(observation: ArrayLike<number>, at: number, x: Float32Array, xo: number): void {
    for (let i = 0; i < this.obsSize; i++) {
      let v = observation[at + i]!;
      // (NaN and +-Infinity, whose difference with themselves is not 0)
      if (v - v !== 0) throw new Error(`${this.source}: observation[${i}] is ${v}, not a finite number`);
      if (this.mean !== null) {
        v = (v - this.mean[i]!) * this.invStd![i]!;
        v = v > this.clip ? this.clip : v < -this.clip ? -this.clip : v;
      }
      x[xo + i] = v;
    }
  }

  /**
   * Chooses an action: a number (discrete), an array of numbers (multi-discrete) or a Float32Array
   * (box). Arrays are reused by the next call: copy one to keep it.
   */
  act(observation: ArrayLike<number>, mask?: ActionMask): StudentAction {
    const z = this.logits(observation);
    if (this.std !== null) return this.gaussian(z);
    if (DEV) checkMask(this, mask);
    let offset = 0;
    for (let b = 0; b < this.branches.length; b++) {
      const k = this.branches[b]!;
      this.multi[b] = this.temp === 0 ? bestChoice(z, offset, k, mask) : this.sample(offset, k, this.softmax(z, offset, k, mask, this.temp));
      offset += k;
    }
    return this.actionSpace.type === 'discrete' ? this.multi[0]! : this.multi;
  }

  /**
   * Decides for `count` agents in one call (a crowd): their observations end to end in
   * `observations` (count x the observation's size), their actions written to `actions` (count x
   * one number per branch, or the box's size), masks (count x choices) if any. The same choices as
   * `act` on each observation in turn, without a call, a check and a returned array per agent.
   */
  actMany(observations: Float32Array, count: number, actions: Float32Array, masks?: Uint8Array | null): void {
    const n = this.obsSize;
    const per = this.std !== null ? this.boxAction.length : this.branches.length;
    const outs = this.probs.length;
    if (observations.length < count * n || actions.length < count * per || (masks && masks.length < count * outs)) {
      throw new Error(DEV ? `${this.source}: actMany for ${count} agents needs ${count * n} observation numbers, room for ${count * per} action numbers${masks ? ` and ${count * outs} mask entries` : ''}; got ${observations.length}, ${actions.length}${masks ? `, ${masks.length}` : ''}` : 'actMany');
    }
    for (let r = 0; r < count; r++) {
      this.normalize(observations, r * n, this.net.input, 0);
      const z = this.net.run();
      const out = r * per;
      if (this.std !== null) {
        actions.set(this.gaussian(z), out);
        continue;
      }
      const mask = masks ? masks.subarray(r * outs, (r + 1) * outs) : undefined;
      for (let b = 0, offset = 0; b < this.branches.length; offset += this.branches[b]!, b++) {
        const k = this.branches[b]!;
        actions[out + b] = this.temp === 0 ? bestChoice(z, offset, k, mask) : this.sample(offset, k, this.softmax(z, offset, k, mask, this.temp));
      }
    }
  }

  /**
   * Each branch's action probabilities, softmax(logits / temperature) with temperature 1 when
   * acting greedily, masked choices at 0; for a box, the Gaussian means. Reused by the next call.
   */
  probabilities(observation: ArrayLike<number>, mask?: ActionMask): Float32Array {
    const z = this.logits(observation);
    if (this.std !== null) {
      this.probs.set(z);
      return this.probs;
    }
    if (DEV) checkMask(this, mask);
    let offset = 0;
    for (let b = 0; b < this.branches.length; b++) {
      this.softmax(z, offset, this.branches[b]!, mask, this.temp === 0 ? 1 : this.temp);
      offset += this.branches[b]!;
    }
    return this.probs;
  }

  /** Writes softmax(z / t) of one branch into `probs`, masked choices at 0; returns `probs`. */
  private softmax(z: Float32Array, offset: number, k: number, mask: ActionMask | undefined, t: number): Float32Array {
    const p = this.probs;
    let max = -Infinity;
    for (let j = offset; j < offset + k; j++) if (allowed(mask, j) && z[j]! > max) max = z[j]!;
    let total = 0;
    for (let j = offset; j < offset + k; j++) total += p[j] = allowed(mask, j) ? Math.exp((z[j]! - max) / t) : 0;
    for (let j = offset; j < offset + k; j++) p[j] = p[j]! / total;
    return p;
  }

  /** Draws a choice of one branch from its probabilities. */
  private sample(offset: number, k: number, p: Float32Array): number {
    // 30 random bits are plenty for a choice among a few actions, and come back unboxed.
    let u = this.rng.uint30() / 1073741824;
    let last = 0;
    for (let j = 0; j < k; j++) {
      if (p[offset + j]! === 0) continue;
      last = j;
      u -= p[offset + j]!;
      if (u < 0) return j;
    }
    // Rounding can leave u a hair above 0 after the last choice: that choice it is.
    return last;
  }

  private gaussian(mean: Float32Array): Float32Array {
    const low = this.low!;
    const high = this.high!;
    const noise = this.noise!;
    if (this.temp !== 0) this.rng.fillNormal(noise);
    for (let d = 0; d < mean.length; d++) {
      const a = this.temp === 0 ? mean[d]! : mean[d]! + this.temp * this.std![d]! * noise[d]!;
      // Written so that a NaN mean (an overflow in the network) gives low, not NaN.
      this.boxAction[d] = a >= low[d]! ? (a > high[d]! ? high[d]! : a) : low[d]!;
    }
    return this.boxAction;
  }
}

/** Loads a policy file (parsed JSON or its text), validating every field. */
export function loadStudentPolicy(file: unknown, options: StudentPolicyOptions = {}): StudentPolicy {
  return new StudentPolicy(file, options);
}

function allowed(mask: ActionMask | undefined, j: number): boolean {
  return mask === undefined || !!mask[j];
}

/**
 * The best choice of one branch, `z[offset .. offset + k)`, among those `mask` allows (laid out as
 * `z`, 1 or true allowed; none: all): its index within the branch, or -1 if the mask allows none.
 */
export function bestChoice(z: ArrayLike<number>, offset: number, k: number, mask?: ActionMask | null): number {
  let best = -1;
  for (let j = offset; j < offset + k; j++) if ((!mask || mask[j]) && (best < 0 || z[j]! > z[best]!)) best = j;
  return best < 0 ? -1 : best - offset;
}

/** A wrong-length mask, or a branch with nothing allowed, would silently pick a forbidden action (checked in development builds). */
function checkMask(policy: StudentPolicy, mask: ActionMask | undefined): void {
  if (mask === undefined) return;
  const branches = policy.branches;
  let total = 0;
  for (let b = 0; b < branches.length; b++) total += branches[b]!;
  if (mask.length !== total) throw new Error(`${policy.source}: expected an action mask of ${total} entries (one per choice), got ${mask.length}`);
  for (let b = 0, offset = 0; b < branches.length; offset += branches[b]!, b++) {
    let any = false;
    for (let j = offset; j < offset + branches[b]!; j++) any = any || allowed(mask, j);
    if (!any) throw new Error(`${policy.source}: the action mask allows nothing in branch ${b}`);
  }
}
