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
 *
 * What computes a minibatch's gradients and applies Adam is a Learner (learner.ts): TensorFlow.js
 * ops (tfjs-learner.ts, where the loss is written out as ops) or the same loss fused into a few
 * loops over typed arrays (fused/). Rollout forwards run in the student runtime (rollout-net.ts)
 * on the learner's weights, copied after each update, whichever engine learns.
 *
 * With `overlap` (worker threads only), the update runs in the waits of the next rollout's env
 * steps (collect, then update, read top to bottom, are the same two phases): that rollout is
 * collected on the weights from before the update, and the next iteration trains on it.
 */
import * as tf from '@tensorflow/tfjs';
import { Rng, ReturnScale, RunningMeanStd, branchSizes, rngState, setRngState, shuffle, flatSize, normalizeInto, type BoxSpace, type VectorEnv } from '../env/index.js';
import { policyOutputCount } from '../policy/index.js';
import { checkDemoSpaces, type Demo } from '../demo/index.js';
import { gaussianLogProb, sampleCategorical } from './distributions.js';
import { FusedLearner } from './fused/fused-learner.js';
import { computeGae } from './gae.js';
import { Minibatch, mean, type BcBatch, type Engine, type Learner } from './learner.js';
import { ActorCritic, NetworkError, TfjsRollout, type NetworkConfig } from './networks.js';
import { RolloutNet, isForwardingEnv, type ForwardingEnv } from './rollout-net.js';
import { TfjsLearner } from './tfjs-learner.js';

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
   * steps the first share of the envs and numWorkers - 1 worker threads the rest, split as evenly
   * as possible, each share running its envs' rollout forwards too (without
   * normalizeObservation). 1 steps them all in the main thread. The same seed gives the same run
   * whatever the number. The trainer itself reads nothing of it.
   */
  numWorkers: number;
  /**
   * Overlap the next rollout with the update (numWorkers 2 or more): while this thread runs an
   * iteration's update, minibatch by minibatch in the waits of the env steps, the worker threads
   * already collect the next rollout, on the weights from before that update. The policy lags
   * one update behind; the loss stays PPO's, since its ratio is taken against the log-probabilities
   * the rollout recorded (the behaviour policy's). A run is the same whatever the timing, but not
   * the same as without overlap. A rollout collected ahead is counted in global_step when it is
   * trained on, and a checkpoint does not hold it: a resumed run collects it again.
   */
  overlap: boolean;
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
  /**
   * What computes the updates: `fused` (the loss, gradients and Adam in plain loops over typed
   * arrays: fastest for small MLPs on a CPU), `tfjs` (TensorFlow.js ops: any size, GPU backends),
   * or `auto` (fused on the cpu and wasm backends when no hidden layer is wider than
   * FUSED_MAX_UNITS, else tfjs). Both write the same checkpoints; either resumes the other's.
   */
  engine: Engine;
}

/** Tuned on Balance (CartPole-v1); see bench/ppo.ts. */
export const defaultPpoConfig: PpoConfig = {
  totalTimesteps: 200_000,
  numEnvs: 8,
  numWorkers: 1,
  overlap: false,
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
  engine: 'auto',
};

/**
 * The widest hidden layer `auto` gives the fused engine on a CPU backend. bench:learner's width
 * sweep (one minibatch update of 64 with its share of rollout steps, 2x2 hidden layers, wasm
 * backend) measured the fused engine 4.8x, 3.0x, 3.2x and 2.5x faster than tfjs at 64, 256, 512
 * and 1024 units: the cap is the widest measured, not a crossover found. GPU backends keep tfjs.
 */
export const FUSED_MAX_UNITS = 1024;

/** The engine `engine` means for `network` on the active tfjs backend. */
export function chooseEngine(engine: Engine, network: Pick<NetworkConfig, 'actorHidden' | 'criticHidden' | 'conv'>): 'fused' | 'tfjs' {
  if (network.conv) {
    if (engine === 'fused') throw new NetworkError(`engine: 'fused' runs MLPs only; a network with a convolutional torso (network.conv) learns on 'tfjs' (or 'auto')`);
    return 'tfjs';
  }
  if (engine !== 'auto') return engine;
  const backend = tf.getBackend();
  const widest = Math.max(...network.actorHidden, ...network.criticHidden);
  return (backend === 'wasm' || backend === 'cpu') && widest <= FUSED_MAX_UNITS ? 'fused' : 'tfjs';
}

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
  /** Computes each minibatch's gradients and applies Adam: the engine config.engine chose. */
  readonly learner: Learner;
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
  /** With overlap: the rollout collected during the last update, which the next iteration trains on. */
  private next: Rollout | null = null;
  /** Whether this trainer overlaps the next rollout with the update (config.overlap, checked). */
  private readonly overlapping: boolean;
  /** With bc: the demo, its own generator (PPO's stream stays as without it), whether pre-training ran. */
  private readonly demo: Demo | null;
  private readonly bcRng: Rng;
  private pretrained = false;
  /** The networks as TensorFlow.js variables: the tfjs learner's own, or the fused learner's weights copied when asked for (`net`). */
  private readonly actorCritic: ActorCritic;
  /** False when the fused learner has stepped since actorCritic was last given its weights. */
  private netFresh = true;
  /**
   * The rollout forwards' network: in plain TypeScript for MLPs (RolloutNet), or the actor-critic's
   * own tfjs forward for a convolutional torso (TfjsRollout).
   */
  private readonly rollout: RolloutNet | TfjsRollout;
  /** The RolloutNet a forwarding env runs the forwards on (see envForwards), else null. */
  private readonly envNet: RolloutNet | null;
  /** True when the env runs the forwards of the observations it returns (see ForwardingEnv), on `rollout`'s weights. */
  readonly envForwards: boolean;

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
    this.actorCritic = new ActorCritic(this.obsSize, env.actionSpace, config.network, this.rng.uint32());
    const net = this.actorCritic;
    this.learner = chooseEngine(config.engine ?? 'auto', config.network) === 'fused'
      ? new FusedLearner(
        { obsSize: this.obsSize, outputs: this.outputSize, actorHidden: config.network.actorHidden, criticHidden: config.network.criticHidden, activation: config.network.activation, branches: this.branches },
        config, net.getWeights(), net.params.map((p) => p.name))
      : new TfjsLearner(net, config, this.branches, this.actSize);
    this.obsStats = config.normalizeObservation ? new RunningMeanStd(this.obsSize) : null;
    // A parallel vector env runs each share's forwards in the thread that steps it, on this net's
    // shared weights: the same numbers. Not with normalizeObservation, whose statistics take each
    // step's observations of all the envs before any forward.
    const forwarding = this.obsStats === null && isForwardingEnv(env) && !config.network.conv;
    const plain = config.network.conv ? null : new RolloutNet(net.actor.mlp.sizes, net.critic.mlp.sizes, config.network.activation, this.branches === null, Math.max(config.numEnvs, 1), { shared: forwarding });
    this.rollout = plain ?? new TfjsRollout(net);
    this.envForwards = forwarding && env.forwardWith(plain!);
    this.envNet = this.envForwards ? plain : null;
    this.returnScale = config.normalizeReward ? new ReturnScale(config.numEnvs, config.gamma) : null;
    this.demo = config.bc ? (options.demo ?? null) : null;
    if (config.bc && !this.demo) throw new Error(`PpoTrainer: config.bc is set (demos '${config.bc.demos}') but no demo was given: pass { demo } (decodeDemo of the file)`);
    if (this.demo) {
      checkDemoSpaces(this.demo, env, `PpoTrainer: bc.demos '${config.bc!.demos}'`);
      if (this.demo.rewards.length === 0) throw new Error(`PpoTrainer: bc.demos '${config.bc!.demos}' holds no decisions`);
    }
    this.bcRng = new Rng(config.seed + 0x9e37);
    this.overlapping = config.overlap ?? false;
    if (this.overlapping) {
      if (config.numWorkers < 2 || !isForwardingEnv(env) || typeof env.workWhileStepping !== 'function') throw new Error(`PpoTrainer: overlap needs numWorkers 2 or more (the envs stepped by worker threads while this thread updates), got numWorkers ${config.numWorkers}${isForwardingEnv(env) ? '' : ' and a vector env without worker threads'}`);
      if (config.network.conv) throw new Error('PpoTrainer: overlap runs MLPs only: a convolutional torso (network.conv) runs its rollout forwards on the weights the update is changing');
    }
  }

  /** The actor-critic as TensorFlow.js variables (checkpoints, teachers, distillation), holding the learner's current weights. */
  get net(): ActorCritic {
    if (!this.netFresh) {
      this.actorCritic.setWeights(this.learner.getWeights());
      this.netFresh = true;
    }
    return this.actorCritic;
  }

  /** Call after writing into `net`'s variables (a checkpoint's restore): the learner takes them. */
  netChanged(): void {
    if (this.learner.engine === 'fused') this.learner.setWeights(this.actorCritic.getWeights());
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

  /**
   * One rollout and one update. With `overlap`, the update of this iteration's rollout runs while
   * the worker threads collect the next one (on the weights from before the update), and the next
   * iteration trains on that one; the first iteration, and the first after a restore, collects its
   * own rollout first.
   */
  iterate(): IterationResult {
    const { config } = this;
    const { batchSize, numIterations } = this.derived;
    // Pre-training belongs to a run's start; a resumed run has had it.
    if (this.demo && !this.pretrained) {
      if (this.globalStep === 0) this.pretrain();
      this.pretrained = true;
    }
    if (this.obs === null) {
      this.obs = this.env.reset(this.rng.uint32());
      this.startTime = performance.now();
      this.startStep = this.globalStep;
      this.next = null;
    }
    this.iteration += 1;
    const lr = config.annealLr ? config.learningRate * (1 - (this.iteration - 1) / numIterations) : config.learningRate;
    const rollout = this.next ?? this.collect(this.globalStep);
    this.next = null;
    // The steps trained on: a rollout collected ahead is counted when its update runs.
    this.globalStep += batchSize;
    // The BC weight of this iteration, from the steps before its rollout.
    const bcStrength = config.bc && this.demo ? bcStrengthAt(config.bc, this.globalStep - batchSize) : 0;
    const sums = { pg: 0, v: 0, ent: 0, oldKl: 0, kl: 0, clip: 0, bc: 0, count: 0 };
    const update = this.update(rollout, lr, bcStrength, sums);
    if (this.overlapping && this.iteration < numIterations) {
      // The next rollout on the weights from before this update (collect loads them before the
      // update's first minibatch runs, in the first step's wait): a policy lag of one update,
      // which the loss allows for, since its ratio is against the log-probabilities recorded.
      const env = this.env as unknown as ForwardingEnv;
      env.workWhileStepping(() => !update.next().done);
      try {
        this.next = this.collect(this.globalStep);
      } finally {
        env.workWhileStepping(null);
      }
    }
    while (!update.next().done);

    this.netFresh = this.learner.engine === 'tfjs';
    const { returns, valBuf, episodes } = rollout;
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

  /**
   * `numSteps` steps of the envs on the learner's current weights, then GAE. `base` is the global
   * step the rollout starts at (its episodes are stamped from it).
   */
  private collect(base: number): Rollout {
    const { config } = this;
    const T = config.numSteps;
    const N = config.numEnvs;
    const D = this.obsSize;
    const A = this.actSize;
    // The rollout's forwards use the weights of the last update.
    if (this.rollout instanceof RolloutNet) this.rollout.load(this.learner.getWeights());
    else this.rollout.sync();

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
    const logStd = this.rollout.logStd;
    let obs = this.obs!;

    for (let t = 0; t < T; t++) {
      const stepObs = obsBuf.subarray(t * N * D, (t + 1) * N * D);
      this.observe(obs, stepObs);
      const masks = C > 0 ? (this.env.actionMasks ?? null) : null;
      if (masks) (maskBuf ??= new Uint8Array(T * N * C).fill(1)).set(masks, t * N * C);
      // The first step's observations came before this update's weights: they are forwarded here.
      const { policy, value } = this.envNet && t > 0 ? this.envNet.rows(N) : this.rollout.forward(stepObs, N);
      for (let i = 0; i < N; i++) {
        const k = t * N + i;
        valBuf[k] = value[i]!;
        logpBuf[k] = this.sampleAction(policy, i, actBuf, k * A, envAction, i * A, logStd, box, masks);
      }
      const r = this.env.step(envAction);
      rewBuf.set(r.rewards, t * N);
      this.returnScale?.scale(rewBuf, t * N, r.terminated, r.truncated);
      termBuf.set(r.terminated, t * N);
      truncBuf.set(r.truncated, t * N);
      // A truncated episode is bootstrapped from the value of its final observation.
      const cut = r.finalObservations.flatMap((o, i) => (o && r.truncated[i] ? [i] : []));
      if (cut.length > 0) {
        const finals = new Float32Array(cut.length * D);
        cut.forEach((i, j) => this.normalize(r.finalObservations[i]!, finals.subarray(j * D, (j + 1) * D)));
        const v = this.rollout.forward(finals, cut.length).value;
        cut.forEach((i, j) => (finalValBuf[t * N + i] = v[j]!));
      }
      for (const e of r.episodes) episodes.push({ step: base + (t + 1) * N, return: e.return, length: e.length });
      obs = r.observations;
    }
    this.obs = obs;
    const nextObs = new Float32Array(N * D);
    this.normalize(obs, nextObs);
    const nextValues = (this.envNet ? this.envNet.rows(N) : this.rollout.forward(nextObs, N)).value.slice();
    const { advantages, returns } = computeGae({
      numSteps: T, numEnvs: N, rewards: rewBuf, values: valBuf, terminated: termBuf, truncated: truncBuf,
      finalValues: finalValBuf, nextValues, gamma: config.gamma, lambda: config.gaeLambda,
    });
    return { obsBuf, actBuf, logpBuf, valBuf, maskBuf, advantages, returns, episodes };
  }

  /**
   * The update on `rollout`: `updateEpochs` passes of shuffled minibatches, one minibatch a step
   * of the generator, its losses summed into `sums`. With overlap, every minibatch's rows (and
   * BC batch) are drawn before the first step, so the generators' draws come before the next
   * rollout's, whenever the steps run: the run is the same whatever the timing.
   */
  private update(rollout: Rollout, lr: number, bcStrength: number, sums: LossSums): Generator<void, void, void> {
    const { config } = this;
    const { batchSize, minibatchSize } = this.derived;
    const perEpoch = Math.floor(batchSize / minibatchSize);
    const order = Int32Array.from({ length: batchSize }, (_, i) => i);
    const drawn = this.overlapping
      ? Array.from({ length: config.updateEpochs }, () => {
        shuffle(this.rng, order);
        const rows = order.slice();
        return { rows, bc: Array.from({ length: perEpoch }, () => (bcStrength > 0 ? this.demoBatch(config.bc!.batchSize) : null)) };
      })
      : null;
    return this.minibatches(rollout, lr, bcStrength, sums, order, drawn);
  }

  private *minibatches(rollout: Rollout, lr: number, bcStrength: number, sums: LossSums, order: Int32Array, drawn: { rows: Int32Array; bc: (BcBatch | null)[] }[] | null): Generator<void, void, void> {
    const { config } = this;
    const { batchSize, minibatchSize } = this.derived;
    const { obsBuf, actBuf, logpBuf, valBuf, maskBuf, advantages, returns } = rollout;
    const mb = new Minibatch(minibatchSize, this.obsSize, this.actSize, this.env.actionSpace);
    const perEpoch = Math.floor(batchSize / minibatchSize);
    for (let epoch = 0; epoch < config.updateEpochs; epoch++) {
      if (!drawn) shuffle(this.rng, order);
      const rows = drawn ? drawn[epoch]!.rows : order;
      for (let j = 0; j < perEpoch; j++) {
        const start = j * minibatchSize;
        mb.fill(rows.subarray(start, start + minibatchSize), obsBuf, actBuf, logpBuf, advantages, returns, valBuf, config.normAdvantages, maskBuf);
        const bcBatch = drawn ? drawn[epoch]!.bc[j]! : bcStrength > 0 ? this.demoBatch(config.bc!.batchSize) : null;
        // With overlap, in pieces where the learner cuts its step, so the waits are filled closely.
        const stats = drawn && this.learner.updateSteps ? yield* this.learner.updateSteps(mb, bcBatch, bcStrength, lr) : this.learner.update(mb, bcBatch, bcStrength, lr);
        const [pg, v, ent, oldKl, kl, clip, bc] = stats;
        sums.pg += pg!; sums.v += v!; sums.ent += ent!; sums.oldKl += oldKl!; sums.kl += kl!; sums.clip += clip!; sums.bc += bc!; sums.count += 1;
        if (config.targetKl !== null && kl! > config.targetKl) return;
        yield;
      }
    }
  }

  /** `size` demo pairs drawn at random: observations normalised as the actor sees them now, actions as recorded. */
  private demoBatch(size: number, rows?: ArrayLike<number>): BcBatch {
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
    const order = Int32Array.from({ length: steps }, (_, i) => i);
    try {
      for (let e = 0; e < bc.pretrainEpochs; e++) {
        shuffle(this.bcRng, order);
        for (let start = 0; start < steps; start += bc.batchSize) {
          this.learner.pretrainStep(this.demoBatch(0, order.subarray(start, Math.min(steps, start + bc.batchSize))), this.config.learningRate);
        }
      }
    } finally {
      this.learner.endPretrain();
      this.netFresh = this.learner.engine === 'tfjs';
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
    // A rollout collected ahead (overlap) is dropped: the next iteration collects its own.
    this.next = null;
  }

  dispose(): void {
    this.actorCritic.dispose();
    this.learner.dispose();
  }
}

/** A rollout ready for its update: the buffers the loss reads, GAE's results, the episodes that ended in it. */
interface Rollout {
  obsBuf: Float32Array;
  actBuf: Float32Array;
  logpBuf: Float32Array;
  valBuf: Float32Array;
  maskBuf: Uint8Array | null;
  advantages: Float32Array;
  returns: Float32Array;
  episodes: TrainingEpisode[];
}

/** An update's losses summed over its minibatches. */
interface LossSums {
  pg: number;
  v: number;
  ent: number;
  oldKl: number;
  kl: number;
  clip: number;
  bc: number;
  count: number;
}

function variance(xs: ArrayLike<number>): number {
  const m = mean(xs);
  let v = 0;
  for (let i = 0; i < xs.length; i++) v += (xs[i]! - m) ** 2;
  return xs.length ? v / xs.length : 0;
}
