/**
 * Proximal policy optimisation (Schulman et al. 2017) on TensorFlow.js, in the shape of CleanRL's
 * ppo.py: one typed config, derived sizes computed, a loop that reads top to bottom, the loss
 * written out, and CleanRL's metric names.
 *
 * Per iteration: `numSteps` steps of `numEnvs` envs (one batched forward per vector step, actions
 * sampled in plain code from one seeded generator), GAE, then `updateEpochs` passes of shuffled
 * minibatches of the clipped surrogate, value and entropy losses.
 *
 * Action masks (a vector env's `actionMasks`) are kept with the rollout: a masked choice is never
 * sampled, and the loss scores log-probabilities and entropy over the allowed choices only, as
 * ML-Agents and CleanRL's invalid-action masking do (Huang and Ontanon 2020).
 *
 * Behaviour cloning beside PPO (`bc`, off by default), as ML-Agents' `behavioral_cloning`: each
 * minibatch's loss gains strength x the BC loss (losses.ts, imitationLoss) on a random minibatch of
 * a demo's (observation, action) pairs, the strength annealed linearly to 0 over `bc.steps` env
 * steps; `bc.pretrainEpochs` passes of BC alone may train the actor before the first rollout.
 */
import * as tf from '@tensorflow/tfjs';
import { Rng, ReturnScale, RunningMeanStd, branchSizes, rngState, setRngState, shuffle, flatSize, normalizeInto, type BoxSpace, type VectorEnv } from '../env/index.js';
import { policyOutputCount } from '../policy/index.js';
import { checkDemoSpaces, type Demo } from '../demo/index.js';
import { imitationLoss } from '../distill/losses.js';
import { categoricalLogProbEntropy, gaussianLogProb, gaussianLogProbEntropy, sampleCategorical } from './distributions.js';
import { computeGae } from './gae.js';
import { ActorCritic, type NetworkConfig } from './networks.js';

/** Behaviour cloning from demonstrations beside PPO's loss (ML-Agents' behavioral_cloning settings). */
export interface BcConfig {
  /** The demonstrations: a .demo file or a folder of them, relative to the run config (the CLI reads it; a PpoTrainer is given the decoded demo). */
  demos: string;
  /** Weight of the BC loss beside PPO's at the start (ML-Agents' strength). */
  strength: number;
  /** Env steps over which the strength falls linearly to 0; 0 keeps it (ML-Agents' steps). */
  steps: number;
  /** Demo pairs in the BC minibatch drawn (at random) for each PPO minibatch. */
  batchSize: number;
  /** Passes over the demo that train the actor on the BC loss alone before PPO starts; 0 for none. */
  pretrainEpochs: number;
}

/** The BC loss's weight after `globalStep` env steps: strength, falling linearly to 0 over `steps` (0: never annealed). */
export function bcStrengthAt(bc: Pick<BcConfig, 'strength' | 'steps'>, globalStep: number): number {
  return bc.steps === 0 ? bc.strength : bc.strength * Math.max(0, 1 - globalStep / bc.steps);
}

export interface PpoConfig {
  /** Environment steps to train for, summed over all envs. */
  totalTimesteps: number;
  /** Copies of the environment stepped together. */
  numEnvs: number;
  /**
   * Threads that step the envs at once (the command line's parallel rollouts): the main thread
   * steps the first share of the envs between the learner's forwards and numWorkers - 1 worker
   * threads the rest, split as evenly as possible. 1 steps them all in the main thread. The same
   * seed gives the same run whatever the number. The trainer itself reads nothing of it.
   */
  numWorkers: number;
  /** Steps taken in each env per rollout. */
  numSteps: number;
  /** Minibatches each rollout is cut into per epoch. */
  numMinibatches: number;
  /** Passes over each rollout. */
  updateEpochs: number;
  /** Adam's step size (at the start, if annealed). */
  learningRate: number;
  /** Decay the learning rate linearly to zero over the run. */
  annealLr: boolean;
  /** Discount factor. */
  gamma: number;
  /** GAE's lambda: bias (0) versus variance (1) of the advantage. */
  gaeLambda: number;
  /** Normalise advantages within each minibatch. */
  normAdvantages: boolean;
  /** Surrogate clipping: the policy ratio is kept within 1 +- clipCoef. */
  clipCoef: number;
  /** Clip the value update like the policy's, around the rollout's values. */
  clipVloss: boolean;
  /** Weight of the entropy bonus. */
  entCoef: number;
  /** Weight of the value loss. */
  vfCoef: number;
  /** Gradients are rescaled so their global norm is at most this. */
  maxGradNorm: number;
  /** Stop an iteration's epochs early once the approximate KL passes this; null never stops. */
  targetKl: number | null;
  /** Normalise observations with running statistics (saved with the model). */
  normalizeObservation: boolean;
  /**
   * Divide each reward by the running standard deviation of its env's discounted return, clipped
   * to +-10 (Gymnasium's NormalizeReward, as SB3's VecNormalize and CleanRL's continuous PPO do),
   * so the value targets stay near unit scale whatever the game's reward units. Episode returns
   * are still reported in the game's units.
   */
  normalizeReward: boolean;
  /** Network sizes and activation. */
  network: NetworkConfig;
  /** Behaviour cloning from a demo beside PPO's loss, and pre-training on it; null for none. */
  bc: BcConfig | null;
  /** Seeds the networks, the action sampling, the minibatch order and every episode. */
  seed: number;
}

/** Tuned on Balance (CartPole-v1); see bench/ppo.ts. */
export const defaultPpoConfig: PpoConfig = {
  totalTimesteps: 200_000,
  numEnvs: 8,
  numWorkers: 1,
  numSteps: 64,
  numMinibatches: 2,
  updateEpochs: 4,
  learningRate: 2.5e-3,
  annealLr: true,
  gamma: 0.98,
  gaeLambda: 0.8,
  normAdvantages: true,
  clipCoef: 0.2,
  clipVloss: true,
  entCoef: 0.0,
  vfCoef: 0.5,
  maxGradNorm: 0.5,
  targetKl: null,
  normalizeObservation: false,
  normalizeReward: false,
  network: { actorHidden: [64, 64], criticHidden: [64, 64], activation: 'tanh', initLogStd: 0 },
  bc: null,
  seed: 1,
};

export interface PpoDerived {
  /** Steps per rollout over all envs. */
  batchSize: number;
  minibatchSize: number;
  /** Rollout-and-update iterations in the run. */
  numIterations: number;
}

export function derivePpo(config: PpoConfig): PpoDerived {
  const batchSize = config.numEnvs * config.numSteps;
  return {
    batchSize,
    minibatchSize: Math.floor(batchSize / config.numMinibatches),
    numIterations: Math.floor(config.totalTimesteps / batchSize),
  };
}

/** Metrics of one iteration, with CleanRL's names. Episode means are null when none ended. */
export interface PpoMetrics {
  global_step: number;
  iteration: number;
  'charts/episodic_return': number | null;
  'charts/episodic_length': number | null;
  'charts/learning_rate': number;
  'charts/SPS': number;
  'losses/value_loss': number;
  'losses/policy_loss': number;
  'losses/entropy': number;
  'losses/old_approx_kl': number;
  'losses/approx_kl': number;
  'losses/clipfrac': number;
  'losses/explained_variance': number;
  /** The BC loss on the demo's minibatches (0 without bc). */
  'losses/bc_loss': number;
  /** The BC loss's weight in this iteration (0 without bc). */
  'charts/bc_strength': number;
}

/** One finished training episode, with the global step at which it ended. */
export interface TrainingEpisode {
  step: number;
  return: number;
  length: number;
}

export interface IterationResult {
  metrics: PpoMetrics;
  episodes: TrainingEpisode[];
}

/** The trainer's own state beyond its variables: what a checkpoint needs to continue the run. */
export interface PpoState {
  globalStep: number;
  iteration: number;
  rng: number[];
  obsStats: ReturnType<RunningMeanStd['getState']> | null;
  /** The discounted return's statistics (normalizeReward); absent in checkpoints from before it. */
  returnStats?: ReturnType<RunningMeanStd['getState']> | null;
}

export class PpoTrainer {
  readonly derived: PpoDerived;
  readonly net: ActorCritic;
  optimizer: tf.AdamOptimizer;
  readonly obsStats: RunningMeanStd | null;
  /** With normalizeReward: each env's discounted return and their spread, which scales the rewards. */
  readonly returnScale: ReturnScale | null;
  globalStep = 0;
  iteration = 0;
  private readonly rng: Rng;
  private readonly obsSize: number;
  private readonly actSize: number;
  /** Policy outputs per env: logits of every branch, or box means. */
  private readonly outputSize: number;
  /** Branch sizes of a discrete or multi-discrete action space; null for a box. */
  private readonly branches: number[] | null;
  /** Raw observations of the envs' current step, [N * obsSize]; null until the first rollout. */
  private obs: Float32Array | null = null;
  private startTime = 0;
  private startStep = 0;
  /** With bc: the demo, its own generator (PPO's stream stays as without it), whether pre-training ran. */
  private readonly demo: Demo | null;
  private readonly bcRng: Rng;
  private pretrained = false;

  /** `options.demo`: the decoded demonstrations `config.bc` names (needed when it is set). */
  constructor(readonly env: VectorEnv, readonly config: PpoConfig, options: { demo?: Demo } = {}) {
    if (env.numEnvs !== config.numEnvs) throw new Error(`PpoTrainer: config.numEnvs is ${config.numEnvs} but the vector env has ${env.numEnvs} envs`);
    this.derived = derivePpo(config);
    if (this.derived.minibatchSize < 1) throw new Error(`PpoTrainer: numMinibatches (${config.numMinibatches}) exceeds the batch size (${this.derived.batchSize})`);
    this.obsSize = flatSize(env.observationSpace);
    this.actSize = flatSize(env.actionSpace);
    this.outputSize = policyOutputCount(env.actionSpace);
    this.branches = branchSizes(env.actionSpace);
    this.rng = new Rng(config.seed);
    this.net = new ActorCritic(this.obsSize, env.actionSpace, config.network, this.rng.uint32());
    this.optimizer = PpoTrainer.makeOptimizer(config);
    this.obsStats = config.normalizeObservation ? new RunningMeanStd(this.obsSize) : null;
    this.returnScale = config.normalizeReward ? new ReturnScale(config.numEnvs, config.gamma) : null;
    this.demo = config.bc ? (options.demo ?? null) : null;
    if (config.bc && !this.demo) throw new Error(`PpoTrainer: config.bc is set (demos '${config.bc.demos}') but no demo was given: pass { demo } (decodeDemo of the file)`);
    if (this.demo) {
      checkDemoSpaces(this.demo, env, `PpoTrainer: bc.demos '${config.bc!.demos}'`);
      if (this.demo.rewards.length === 0) throw new Error(`PpoTrainer: bc.demos '${config.bc!.demos}' holds no decisions`);
    }
    this.bcRng = new Rng(config.seed + 0x9e37);
  }

  private static makeOptimizer(config: PpoConfig): tf.AdamOptimizer {
    return tf.train.adam(config.learningRate, 0.9, 0.999, 1e-5);
  }

  /**
   * Replaces Adam's state (step count and moments, in the params' order) with saved values. A new
   * optimizer takes them: tfjs's setWeights would drop the old moments without freeing them.
   */
  async loadOptimizerWeights(weights: { name: string; tensor: tf.Tensor }[]): Promise<void> {
    this.optimizer.dispose();
    this.optimizer = PpoTrainer.makeOptimizer(this.config);
    await this.optimizer.setWeights(weights);
  }

  get done(): boolean {
    return this.iteration >= this.derived.numIterations;
  }

  /** Runs iterations until the budget is spent or `shouldStop` says so after an iteration. */
  async train(onIteration?: (r: IterationResult) => void | boolean | Promise<void | boolean>): Promise<void> {
    while (!this.done) {
      const result = this.iterate();
      if ((await onIteration?.(result)) === false) return;
    }
  }

  /** One rollout and one update. */
  iterate(): IterationResult {
    const { config } = this;
    const { batchSize, minibatchSize, numIterations } = this.derived;
    const T = config.numSteps;
    const N = config.numEnvs;
    const D = this.obsSize;
    const A = this.actSize;
    // Pre-training belongs to a run's start; a resumed run has had it.
    if (this.demo && !this.pretrained) {
      if (this.globalStep === 0) this.pretrain();
      this.pretrained = true;
    }
    if (this.obs === null) {
      this.obs = this.env.reset(this.rng.uint32());
      this.startTime = performance.now();
      this.startStep = this.globalStep;
    }
    this.iteration += 1;
    const lr = config.annealLr ? config.learningRate * (1 - (this.iteration - 1) / numIterations) : config.learningRate;
    (this.optimizer as unknown as { learningRate: number }).learningRate = lr;

    // ---- rollout -------------------------------------------------------------------------
    const obsBuf = new Float32Array(T * N * D); // normalised, as the network saw them
    const actBuf = new Float32Array(T * N * A); // as sampled (box actions before clipping)
    const logpBuf = new Float32Array(T * N);
    const rewBuf = new Float32Array(T * N);
    const valBuf = new Float32Array(T * N);
    const termBuf = new Uint8Array(T * N);
    const truncBuf = new Uint8Array(T * N);
    const finalValBuf = new Float32Array(T * N);
    // The allowed choices at each step, laid out as the logits; null until an env gives a mask.
    const C = this.branches ? this.outputSize : 0;
    let maskBuf: Uint8Array | null = null;
    const episodes: TrainingEpisode[] = [];
    const envAction = new Float32Array(N * A);
    const box = this.env.actionSpace.type === 'box' ? (this.env.actionSpace as BoxSpace) : null;
    const logStd = this.net.logStd ? (this.net.logStd.dataSync() as Float32Array) : null;

    for (let t = 0; t < T; t++) {
      const stepObs = obsBuf.subarray(t * N * D, (t + 1) * N * D);
      this.observe(this.obs, stepObs);
      const masks = C > 0 ? (this.env.actionMasks ?? null) : null;
      if (masks) (maskBuf ??= new Uint8Array(T * N * C).fill(1)).set(masks, t * N * C);
      const { policy, value } = this.net.forward(stepObs, N);
      for (let i = 0; i < N; i++) {
        const k = t * N + i;
        valBuf[k] = value[i]!;
        logpBuf[k] = this.sampleAction(policy, i, actBuf, k * A, envAction, i * A, logStd, box, masks);
      }
      const r = this.env.step(envAction);
      this.globalStep += N;
      rewBuf.set(r.rewards, t * N);
      this.returnScale?.scale(rewBuf, t * N, r.terminated, r.truncated);
      termBuf.set(r.terminated, t * N);
      truncBuf.set(r.truncated, t * N);
      // A truncated episode is bootstrapped from the value of its final observation.
      const cut = r.finalObservations.flatMap((o, i) => (o && r.truncated[i] ? [i] : []));
      if (cut.length > 0) {
        const finals = new Float32Array(cut.length * D);
        cut.forEach((i, j) => this.normalize(r.finalObservations[i]!, finals.subarray(j * D, (j + 1) * D)));
        const v = this.net.forward(finals, cut.length).value;
        cut.forEach((i, j) => (finalValBuf[t * N + i] = v[j]!));
      }
      for (const e of r.episodes) episodes.push({ step: this.globalStep, return: e.return, length: e.length });
      this.obs = r.observations;
    }
    const nextObs = new Float32Array(N * D);
    this.normalize(this.obs, nextObs);
    const nextValues = this.net.forward(nextObs, N).value;
    const { advantages, returns } = computeGae({
      numSteps: T, numEnvs: N, rewards: rewBuf, values: valBuf, terminated: termBuf, truncated: truncBuf,
      finalValues: finalValBuf, nextValues, gamma: config.gamma, lambda: config.gaeLambda,
    });

    // ---- update --------------------------------------------------------------------------
    const order = Int32Array.from({ length: batchSize }, (_, i) => i);
    const sums = { pg: 0, v: 0, ent: 0, oldKl: 0, kl: 0, clip: 0, bc: 0, count: 0 };
    // The BC weight of this iteration, from the steps before its rollout.
    const bcStrength = config.bc && this.demo ? bcStrengthAt(config.bc, this.globalStep - T * N) : 0;
    const mb = new Minibatch(minibatchSize, D, A, this.env.actionSpace);
    let stop = false;
    for (let epoch = 0; epoch < config.updateEpochs && !stop; epoch++) {
      shuffle(this.rng, order);
      for (let start = 0; start + minibatchSize <= batchSize; start += minibatchSize) {
        mb.fill(order.subarray(start, start + minibatchSize), obsBuf, actBuf, logpBuf, advantages, returns, valBuf, config.normAdvantages, maskBuf);
        const [pg, v, ent, oldKl, kl, clip, bc] = this.updateMinibatch(mb, bcStrength);
        sums.pg += pg!; sums.v += v!; sums.ent += ent!; sums.oldKl += oldKl!; sums.kl += kl!; sums.clip += clip!; sums.bc += bc!; sums.count += 1;
        if (config.targetKl !== null && kl! > config.targetKl) {
          stop = true;
          break;
        }
      }
    }

    const residual = returns.map((r, k) => r - valBuf[k]!);
    const varY = variance(returns);
    const seconds = (performance.now() - this.startTime) / 1000;
    const c = Math.max(1, sums.count);
    const metrics: PpoMetrics = {
      global_step: this.globalStep,
      iteration: this.iteration,
      'charts/episodic_return': episodes.length ? episodes.reduce((a, e) => a + e.return, 0) / episodes.length : null,
      'charts/episodic_length': episodes.length ? episodes.reduce((a, e) => a + e.length, 0) / episodes.length : null,
      'charts/learning_rate': lr,
      'charts/SPS': seconds > 0 ? Math.round((this.globalStep - this.startStep) / seconds) : 0,
      'losses/value_loss': sums.v / c,
      'losses/policy_loss': sums.pg / c,
      'losses/entropy': sums.ent / c,
      'losses/old_approx_kl': sums.oldKl / c,
      'losses/approx_kl': sums.kl / c,
      'losses/clipfrac': sums.clip / c,
      'losses/explained_variance': varY === 0 ? Number.NaN : 1 - variance(residual) / varY,
      'losses/bc_loss': sums.bc / c,
      'charts/bc_strength': bcStrength,
    };
    return { metrics, episodes };
  }

  /** One gradient step on a minibatch (and, with `bcStrength` > 0, a demo minibatch). Returns [policy loss, value loss, entropy, old KL, KL, clip fraction, BC loss]. */
  private updateMinibatch(mb: Minibatch, bcStrength = 0): Float32Array {
    const { config } = this;
    const n = mb.size;
    const bcBatch = bcStrength > 0 ? this.demoBatch(config.bc!.batchSize) : null;
    const stats = tf.tidy(() => {
      const x = tf.tensor2d(mb.obs, [n, this.obsSize]);
      const act = tf.tensor2d(mb.act, [n, mb.actWidth]);
      const oldLogp = tf.tensor1d(mb.logp);
      const adv = tf.tensor1d(mb.adv);
      const ret = tf.tensor1d(mb.ret);
      const oldV = tf.tensor1d(mb.val);
      const mask = mb.masked ? tf.tensor2d(mb.mask, [n, mb.actWidth]) : undefined;
      let kept: tf.Tensor | null = null;
      const { grads } = tf.variableGrads(() => {
        const out = this.net.actor.apply(x);
        const { logProb, entropy } = this.net.logStd
          ? gaussianLogProbEntropy(out, this.net.logStd as tf.Tensor1D, act)
          : categoricalLogProbEntropy(out, act, this.branches!, mask);
        const logRatio = tf.sub(logProb, oldLogp);
        const ratio = tf.exp(logRatio);
        const pgLoss = tf.mean(tf.maximum(tf.mul(tf.neg(adv), ratio), tf.mul(tf.neg(adv), tf.clipByValue(ratio, 1 - config.clipCoef, 1 + config.clipCoef))));
        const newV = tf.reshape(this.net.critic.apply(x), [n]);
        const vErr = tf.square(tf.sub(newV, ret));
        const vLoss = config.clipVloss
          ? tf.mul(0.5, tf.mean(tf.maximum(vErr, tf.square(tf.sub(tf.add(oldV, tf.clipByValue(tf.sub(newV, oldV), -config.clipCoef, config.clipCoef)), ret)))))
          : tf.mul(0.5, tf.mean(vErr));
        const entLoss = tf.mean(entropy);
        let loss = tf.add(tf.sub(pgLoss, tf.mul(config.entCoef, entLoss)), tf.mul(config.vfCoef, vLoss)) as tf.Scalar;
        const bcLoss = bcBatch ? this.bcLoss(bcBatch) : tf.scalar(0);
        if (bcBatch) loss = tf.add(loss, tf.mul(bcStrength, bcLoss)) as tf.Scalar;
        kept = tf.keep(tf.stack([
          pgLoss, vLoss, entLoss,
          tf.mean(tf.neg(logRatio)),
          tf.mean(tf.sub(tf.sub(ratio, 1), logRatio)),
          tf.mean(tf.cast(tf.greater(tf.abs(tf.sub(ratio, 1)), config.clipCoef), 'float32')),
          bcLoss,
        ]));
        return loss;
      }, this.net.params);
      // Clip by global norm, then one Adam step over the params in their fixed order.
      const params = this.net.params;
      const list = params.map((p) => grads[p.name]!);
      const norm = tf.sqrt(tf.addN(list.map((g) => tf.sum(tf.square(g)))));
      const scale = tf.minimum(1, tf.div(config.maxGradNorm, tf.add(norm, 1e-6)));
      this.optimizer.applyGradients(params.map((p, i) => ({ name: p.name, tensor: tf.mul(list[i]!, scale) })));
      return kept!;
    });
    const values = stats.dataSync() as Float32Array;
    stats.dispose();
    return values;
  }

  /** `size` demo pairs drawn at random: observations normalised as the actor sees them now, actions as recorded. */
  private demoBatch(size: number, rows?: ArrayLike<number>): { n: number; obs: Float32Array; actions: Float32Array | Int32Array } {
    const demo = this.demo!;
    const D = this.obsSize;
    const A = this.actSize;
    const steps = demo.rewards.length;
    const n = rows ? rows.length : size;
    const raw = new Float32Array(n * D);
    const actions = this.branches ? new Int32Array(n * A) : new Float32Array(n * A);
    for (let j = 0; j < n; j++) {
      const i = rows ? rows[j]! : this.bcRng.int(steps);
      raw.set(demo.observations.subarray(i * D, (i + 1) * D), j * D);
      actions.set(demo.actions.subarray(i * A, (i + 1) * A), j * A);
    }
    const obs = new Float32Array(n * D);
    this.normalize(raw, obs);
    return { n, obs, actions };
  }

  /** The BC loss of the actor on a demo batch (inside a tidy and variableGrads). */
  private bcLoss(b: { n: number; obs: Float32Array; actions: Float32Array | Int32Array }): tf.Scalar {
    const x = tf.tensor2d(b.obs, [b.n, this.obsSize]);
    const a = this.branches ? tf.tensor2d(b.actions as Int32Array, [b.n, this.actSize], 'int32') : tf.tensor2d(b.actions as Float32Array, [b.n, this.actSize]);
    return imitationLoss(a, this.net.actor.apply(x) as tf.Tensor2D, this.branches);
  }

  /**
   * BC pre-training: `bc.pretrainEpochs` shuffled passes over the demo on the BC loss alone, with
   * its own Adam at the run's learning rate, before PPO's first rollout. With normalizeObservation
   * the running statistics start from the demo's observations, so the actor sees them as trained.
   */
  private pretrain(): void {
    this.pretrained = true;
    const bc = this.config.bc!;
    const demo = this.demo!;
    if (bc.pretrainEpochs === 0) return;
    const steps = demo.rewards.length;
    this.obsStats?.update(demo.observations, steps);
    const optimizer: tf.Optimizer = tf.train.adam(this.config.learningRate);
    const order = Int32Array.from({ length: steps }, (_, i) => i);
    try {
      for (let e = 0; e < bc.pretrainEpochs; e++) {
        shuffle(this.bcRng, order);
        for (let start = 0; start < steps; start += bc.batchSize) {
          const batch = this.demoBatch(0, order.subarray(start, Math.min(steps, start + bc.batchSize)));
          tf.tidy(() => {
            const { grads } = tf.variableGrads(() => this.bcLoss(batch), this.net.actor.params);
            optimizer.applyGradients(grads);
          });
        }
      }
    } finally {
      optimizer.dispose();
    }
  }

  /**
   * Samples env i's action from its policy outputs into `stored` (for the loss) and `envAction`
   * (clipped to a box's bounds, as the env receives it), within the envs' `masks` if any. Returns
   * its log-probability.
   */
  private sampleAction(policy: Float32Array, i: number, stored: Float32Array, at: number, envAction: Float32Array, envAt: number, logStd: Float32Array | null, box: BoxSpace | null, masks: Uint8Array | null): number {
    const offset = i * this.outputSize;
    if (box && logStd) {
      for (let d = 0; d < this.actSize; d++) {
        const a = policy[offset + d]! + Math.exp(logStd[d]!) * this.rng.normal();
        stored[at + d] = a;
        envAction[envAt + d] = Math.min(box.high[d]!, Math.max(box.low[d]!, a));
      }
      // The log-probability of the action as stored, the one the loss will see.
      return gaussianLogProb(stored, policy, logStd, at, offset);
    }
    const branches = this.branches!;
    let logp = 0;
    for (let b = 0, o = offset; b < branches.length; o += branches[b]!, b++) {
      // The masks of all envs are laid out as the policy outputs: row i starts at the same offset.
      const s = sampleCategorical(policy, o, branches[b]!, this.rng, masks);
      stored[at + b] = s.action;
      envAction[envAt + b] = s.action;
      logp += s.logProb;
    }
    return logp;
  }

  /** Feeds the running statistics with a batch of raw observations, then normalises them. */
  private observe(raw: Float32Array, out: Float32Array): void {
    this.obsStats?.update(raw);
    this.normalize(raw, out);
  }

  private normalize(raw: Float32Array, out: Float32Array): void {
    if (this.obsStats) normalizeInto(this.obsStats, raw, out);
    else out.set(raw);
  }

  getState(): PpoState {
    return {
      globalStep: this.globalStep, iteration: this.iteration, rng: rngState(this.rng), obsStats: this.obsStats?.getState() ?? null,
      returnStats: this.returnScale?.stats.getState() ?? null,
    };
  }

  /** Restores counters, generator and statistics; the envs restart on the next iteration. */
  setState(state: PpoState): void {
    this.globalStep = state.globalStep;
    this.iteration = state.iteration;
    setRngState(this.rng, state.rng);
    if (this.obsStats && state.obsStats) this.obsStats.setState(state.obsStats);
    if (this.returnScale && state.returnStats) this.returnScale.stats.setState(state.returnStats);
    // The envs restart on the next iteration: their discounted returns start again too.
    this.returnScale?.discounted.fill(0);
    this.obs = null;
  }

  dispose(): void {
    this.net.dispose();
    this.optimizer.dispose();
  }
}

/** Reusable minibatch arrays, gathered from the rollout in shuffled order. */
class Minibatch {
  readonly obs: Float32Array;
  readonly act: Float32Array;
  readonly logp: Float32Array;
  readonly adv: Float32Array;
  readonly ret: Float32Array;
  readonly val: Float32Array;
  /** The allowed choices, as `act`'s one-hot blocks; `masked` is false when the rollout had no masks. */
  readonly mask: Float32Array;
  masked = false;
  /** Columns of `act`: one-hot blocks for discrete branches, or box dimensions. */
  readonly actWidth: number;
  private readonly branches: number[] | null;

  constructor(readonly size: number, private readonly obsSize: number, private readonly actSize: number, space: VectorEnv['actionSpace']) {
    this.branches = branchSizes(space);
    this.actWidth = policyOutputCount(space);
    this.obs = new Float32Array(size * obsSize);
    this.act = new Float32Array(size * this.actWidth);
    this.logp = new Float32Array(size);
    this.adv = new Float32Array(size);
    this.ret = new Float32Array(size);
    this.val = new Float32Array(size);
    this.mask = new Float32Array(this.branches ? size * this.actWidth : 0);
  }

  fill(idx: Int32Array, obs: Float32Array, act: Float32Array, logp: Float32Array, adv: Float32Array, ret: Float32Array, val: Float32Array, normAdv: boolean, masks: Uint8Array | null): void {
    const D = this.obsSize;
    const A = this.actSize;
    const C = this.actWidth;
    this.act.fill(0);
    this.masked = masks !== null && this.branches !== null;
    for (let j = 0; j < idx.length; j++) {
      const k = idx[j]!;
      this.obs.set(obs.subarray(k * D, (k + 1) * D), j * D);
      if (this.masked) for (let c = 0; c < C; c++) this.mask[j * C + c] = masks![k * C + c]!;
      if (this.branches) {
        let offset = j * this.actWidth;
        this.branches.forEach((n, b) => {
          this.act[offset + act[k * A + b]!] = 1;
          offset += n;
        });
      } else {
        this.act.set(act.subarray(k * A, (k + 1) * A), j * A);
      }
      this.logp[j] = logp[k]!;
      this.adv[j] = adv[k]!;
      this.ret[j] = ret[k]!;
      this.val[j] = val[k]!;
    }
    if (normAdv && idx.length > 1) {
      const m = mean(this.adv);
      let v = 0;
      for (let j = 0; j < idx.length; j++) v += (this.adv[j]! - m) ** 2;
      const std = Math.sqrt(v / (idx.length - 1));
      for (let j = 0; j < idx.length; j++) this.adv[j] = (this.adv[j]! - m) / (std + 1e-8);
    }
  }
}

function mean(xs: ArrayLike<number>): number {
  if (xs.length === 0) return 0;
  let s = 0;
  for (let i = 0; i < xs.length; i++) s += xs[i]!;
  return s / xs.length;
}

function variance(xs: ArrayLike<number>): number {
  const m = mean(xs);
  let v = 0;
  for (let i = 0; i < xs.length; i++) v += (xs[i]! - m) ** 2;
  return xs.length ? v / xs.length : 0;
}
