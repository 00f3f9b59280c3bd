/**
 * Parallel rollouts (train.ppo.numWorkers), side by side in one run: PPO with the same config and
 * seed for the same number of steps, its envs stepped by one worker (the main thread alone, as with
 * numWorkers 1) and by `--workers` (default 2), on Pong scenes (games/pong/env.ts: a headless game
 * per worker) and on Balance (games/balance/env.ts: bare simulations). The two alternate `--rounds`
 * times (default 3) after an unmeasured warm-up of each, and the medians are kept, so a load that
 * comes and goes falls on both.
 *
 * With N workers it trains three times: as the trainer runs it, each share's rollout forwards in
 * the thread that steps it (WorkerVectorEnv.forwardWith); with every forward in the main thread,
 * as before that was so (the env wrapped so that it does not offer to forward); and with
 * train.ppo.overlap, the next rollout collected while the main thread updates (a policy lag of one
 * update: not the same run, so its metrics are compared with its own other rounds, and the mean
 * return of each leg's last 100 episodes is printed beside the others'). For the overlap, the
 * update's share of the one-worker time (what overlapping can save at most) and the share of the
 * update's time that ran in the waits of the env steps (the rest runs after the rollout).
 *
 * For each game: steps/s of each (wall clock of training; making the envs and starting the threads
 * left out), the speedups, and whether every metric but the wall-clock charts/SPS, and every
 * episode, is identical. Also the share of the one-worker run's time spent stepping envs and in
 * the rollout forwards, and the speedup each share allows (Amdahl: with the forwards in the main
 * thread only the env steps are shared out; with them in the shares, both are; the action
 * sampling, GAE and the update stay serial); and the envs alone, stepped with a fixed cycle of
 * actions and no learner, in env steps/s with 1 worker and with N.
 *
 * The PPO settings are chosen for rollouts to weigh (64 envs, one update epoch), and the runs are
 * long enough (about 200k steps) that compiling the env code afresh in each new worker thread, a
 * few hundred steps at first, does not weigh; they are printed with the figures. The last line is
 * one JSON object: { workers, load_average, pong: {...}, balance: {...} }. The machine's load
 * average (1, 5 and 15 minutes) is printed with each round.
 *   npm run bench:rollout [-- --workers 2 --rounds 3 --own-envs n]
 * (--own-envs: the main thread's share in the overlap leg; by default the shares are even.)
 */
import { loadavg } from 'node:os';
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import type { VectorEnv, VectorStepResult } from 'phaser-distill';
import { PpoTrainer, defaultPpoConfig, initBackend, type PpoConfig, type PpoMetrics, type TrainingEpisode } from 'phaser-distill/train';
import { makeGameEnv } from '../src/config/env-module.js';
import { WorkerVectorEnv } from '../src/parallel/worker-vector-env.js';
import { isForwardingEnv, type RolloutNet } from '../src/train/rollout-net.js';

const { values } = parseArgs({ options: { workers: { type: 'string', default: '2' }, rounds: { type: 'string', default: '3' }, 'own-envs': { type: 'string' } } });
const WORKERS = Number(values.workers);
const ROUNDS = Number(values.rounds);
const OWN_ENVS = values['own-envs'] === undefined ? undefined : Number(values['own-envs']);
const load = () => loadavg().map((x) => Number(x.toFixed(2)));

interface Game {
  name: 'pong' | 'balance';
  env: string;
  config: PpoConfig;
}

const GAMES: Game[] = [
  {
    name: 'pong',
    env: resolve('games/pong/env.ts'),
    // pong.yaml's learning settings, with 64 envs and one update epoch of two minibatches.
    config: { ...defaultPpoConfig, numEnvs: 64, numSteps: 128, numMinibatches: 2, updateEpochs: 1, learningRate: 5e-4, gamma: 0.99, gaeLambda: 0.95, entCoef: 0.01, totalTimesteps: 64 * 128 * 24, seed: 1 },
  },
  {
    name: 'balance',
    env: resolve('games/balance/env.ts'),
    // The tuned defaults, with 64 envs and one update epoch.
    config: { ...defaultPpoConfig, numEnvs: 64, numSteps: 64, numMinibatches: 2, updateEpochs: 1, totalTimesteps: 64 * 64 * 48, seed: 1 },
  },
];

/** A vector env that times its steps and resets; with `forwards`, it lets the trainer's rollout forwards run in the env's shares. */
class Timed implements VectorEnv {
  ms = 0;
  /** Time in the work done in the waits of the steps (the update, with overlap). */
  workMs = 0;
  constructor(readonly inner: VectorEnv, readonly forwards: boolean) {}
  forwardWith(net: RolloutNet): boolean {
    return this.forwards && isForwardingEnv(this.inner) && this.inner.forwardWith(net);
  }
  workWhileStepping(work: (() => boolean) | null): void {
    if (!isForwardingEnv(this.inner)) return;
    this.inner.workWhileStepping(work && (() => {
      const t = performance.now();
      const more = work();
      this.workMs += performance.now() - t;
      return more;
    }));
  }
  get numEnvs() {
    return this.inner.numEnvs;
  }
  get observationSpace() {
    return this.inner.observationSpace;
  }
  get actionSpace() {
    return this.inner.actionSpace;
  }
  get actionMasks() {
    return this.inner.actionMasks;
  }
  reset(seed: number): Float32Array {
    const t = performance.now();
    const r = this.inner.reset(seed);
    this.ms += performance.now() - t;
    return r;
  }
  step(actions: ArrayLike<number>): VectorStepResult {
    const t = performance.now();
    const r = this.inner.step(actions);
    this.ms += performance.now() - t;
    return r;
  }
  close(): void {
    this.inner.close();
  }
}

interface Run {
  stepsPerS: number;
  /** Share of the training's wall time spent in env steps and resets (and the forwards the env ran). */
  envShare: number;
  /** Share of it in the rollout forwards the trainer ran (with one worker: all of them). */
  forwardShare: number;
  /** Every metric but charts/SPS, and every episode, as JSON. */
  trace: string;
  /** The mean return of the last 100 training episodes. */
  lastReturn: number;
  /** Share of the training's wall time in the learner's updates. */
  updateShare: number;
  /** With overlap: share of the update's time that ran in the waits of the env steps. */
  hiddenShare: number;
}

async function train(game: Game, workers: number, forwards = true, overlap = false): Promise<Run> {
  const env = new Timed(workers === 1 ? await makeGameEnv(game.env, game.config.numEnvs) : await WorkerVectorEnv.create(game.env, game.config.numEnvs, workers, { ownEnvs: overlap ? OWN_ENVS : undefined }), forwards);
  const trainer = new PpoTrainer(env, { ...game.config, numWorkers: workers, overlap });
  if (trainer.envForwards !== (workers > 1 && forwards)) throw new Error(`bench: the forwards ran ${trainer.envForwards ? 'in the shares' : 'in the main thread'}, not as asked`);
  // The trainer's own rollout forwards, timed (a private field: this is a bench).
  const net = (trainer as unknown as { rollout: RolloutNet }).rollout;
  const forward = net.forward.bind(net);
  let forwardMs = 0;
  net.forward = (obs, n) => {
    const t = performance.now();
    const r = forward(obs, n);
    forwardMs += performance.now() - t;
    return r;
  };
  // The learner's updates, timed piece by piece where it cuts them (the fused engine's update()
  // runs its updateSteps), else whole.
  const learner = trainer.learner;
  let updateMs = 0;
  const pieces = learner.updateSteps?.bind(learner);
  if (!pieces) {
    const update = learner.update.bind(learner);
    learner.update = (...a) => {
      const t = performance.now();
      const r = update(...a);
      updateMs += performance.now() - t;
      return r;
    };
  } else {
    learner.updateSteps = function* (...a) {
      const g = pieces(...a);
      for (;;) {
        const t = performance.now();
        const r = g.next();
        updateMs += performance.now() - t;
        if (r.done) return r.value;
        yield;
      }
    };
  }
  const metrics: Omit<PpoMetrics, 'charts/SPS'>[] = [];
  const episodes: TrainingEpisode[] = [];
  const t0 = performance.now();
  await trainer.train(({ metrics: { 'charts/SPS': _wallClock, ...rest }, episodes: ended }) => {
    metrics.push(rest);
    episodes.push(...ended);
  });
  const ms = performance.now() - t0;
  const steps = trainer.globalStep;
  trainer.dispose();
  env.close();
  const last = episodes.slice(-100);
  return { stepsPerS: (steps / ms) * 1000, envShare: env.ms / ms, forwardShare: forwardMs / ms, trace: JSON.stringify({ metrics, episodes }), lastReturn: last.reduce((a, e) => a + e.return, 0) / Math.max(1, last.length), updateShare: updateMs / ms, hiddenShare: updateMs > 0 ? Math.min(1, env.workMs / updateMs) : 0 };
}

/** Env steps/s of the envs alone, stepped for `seconds` with a fixed cycle of actions (all allowed in both games). */
async function stepEnvs(game: Game, workers: number, seconds = 2): Promise<number> {
  const n = game.config.numEnvs;
  const env = workers === 1 ? await makeGameEnv(game.env, n) : await WorkerVectorEnv.create(game.env, n, workers);
  const cycle = [0, 1, 1, 0, 1, 0, 0, 1].map((a) => new Float32Array(n).fill(a));
  env.reset(1);
  // Warm-up: a worker thread's code is compiled afresh in each thread.
  for (let k = 0; k < 500; k++) env.step(cycle[k % cycle.length]!);
  let steps = 0;
  const t0 = performance.now();
  while (performance.now() - t0 < seconds * 1000) {
    for (let k = 0; k < 20; k++) env.step(cycle[k % cycle.length]!);
    steps += 20 * n;
  }
  const rate = (steps / (performance.now() - t0)) * 1000;
  env.close();
  return rate;
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
const round = (x: number, digits: number) => Number(x.toFixed(digits));

const backend = await initBackend('wasm');
console.log(`parallel rollouts: 1 worker vs ${WORKERS}, and ${WORKERS} with overlap${OWN_ENVS === undefined ? '' : ` (the main thread stepping ${OWN_ENVS} envs)`}, ${ROUNDS} rounds alternating, backend ${backend}; load average ${load().join(', ')}`);
const result: Record<string, unknown> = { workers: WORKERS, own_envs: OWN_ENVS ?? null };
const loads: number[][] = [load()];
for (const game of GAMES) {
  const { numEnvs, numSteps, numMinibatches, updateEpochs, totalTimesteps } = game.config;
  console.log(`${game.name}: numEnvs ${numEnvs}, numSteps ${numSteps}, numMinibatches ${numMinibatches}, updateEpochs ${updateEpochs}, ${totalTimesteps} steps, seed ${game.config.seed}`);
  // Warm-up: the first training of a process compiles the backend's kernels.
  const warm = { ...game, config: { ...game.config, totalTimesteps: numEnvs * numSteps } };
  await train(warm, 1);
  await train(warm, WORKERS);
  await train(warm, WORKERS, true, true);
  const one: Run[] = [];
  const overlapped: Run[] = [];
  const many: Run[] = [];
  const mainForwards: Run[] = [];
  const alone1: number[] = [];
  const aloneN: number[] = [];
  for (let r = 0; r < ROUNDS; r++) {
    alone1.push(await stepEnvs(game, 1));
    aloneN.push(await stepEnvs(game, WORKERS));
    one.push(await train(game, 1));
    many.push(await train(game, WORKERS));
    mainForwards.push(await train(game, WORKERS, false));
    overlapped.push(await train(game, WORKERS, true, true));
    loads.push(load());
    const pct = (x: number) => `${(100 * x).toFixed(0)}%`;
    const ret = (x: Run) => x.lastReturn.toFixed(1);
    console.log(`  round ${r + 1}: training ${one.at(-1)!.stepsPerS.toFixed(0)} steps/s with 1 worker (envs ${pct(one.at(-1)!.envShare)} of the time, forwards ${pct(one.at(-1)!.forwardShare)}), ${many.at(-1)!.stepsPerS.toFixed(0)} with ${WORKERS} (forwards in the shares), ${mainForwards.at(-1)!.stepsPerS.toFixed(0)} with ${WORKERS} (forwards in the main thread), ${overlapped.at(-1)!.stepsPerS.toFixed(0)} with ${WORKERS} and overlap; the envs alone ${alone1.at(-1)!.toFixed(0)} and ${aloneN.at(-1)!.toFixed(0)}; last-100 mean return ${ret(one.at(-1)!)}, ${ret(many.at(-1)!)}, ${ret(mainForwards.at(-1)!)}, ${ret(overlapped.at(-1)!)} (overlap); load average ${loads.at(-1)!.join(', ')}`);
  }
  const sps1 = median(one.map((r) => r.stepsPerS));
  const spsN = median(many.map((r) => r.stepsPerS));
  const spsMain = median(mainForwards.map((r) => r.stepsPerS));
  const spsOverlap = median(overlapped.map((r) => r.stepsPerS));
  const envShare = median(one.map((r) => r.envShare));
  const forwardShare = median(one.map((r) => r.forwardShare));
  const identical = [...one, ...many, ...mainForwards].every((r) => r.trace === one[0]!.trace);
  const amdahl = (share: number) => round(1 / (1 - share + share / WORKERS), 2);
  const figures = {
    steps_per_s_1: Math.round(sps1),
    steps_per_s_n: Math.round(spsN),
    speedup: round(spsN / sps1, 2),
    steps_per_s_n_main_forwards: Math.round(spsMain),
    speedup_main_forwards: round(spsMain / sps1, 2),
    steps_per_s_n_overlap: Math.round(spsOverlap),
    speedup_overlap: round(spsOverlap / sps1, 2),
    overlap_over_n: round(spsOverlap / spsN, 2),
    target_overlap: 1.7,
    target_overlap_met: spsOverlap / sps1 >= 1.7,
    identical_metrics: identical,
    overlap_identical_across_rounds: overlapped.every((r) => r.trace === overlapped[0]!.trace),
    update_share_1: round(median(one.map((r) => r.updateShare)), 3),
    overlap_update_hidden: round(median(overlapped.map((r) => r.hiddenShare)), 3),
    last100_return_1: round(one[0]!.lastReturn, 1),
    last100_return_n: round(many[0]!.lastReturn, 1),
    last100_return_n_overlap: round(overlapped[0]!.lastReturn, 1),
    env_share_1: round(envShare, 3),
    forward_share_1: round(forwardShare, 3),
    amdahl_bound: amdahl(envShare + forwardShare),
    amdahl_bound_main_forwards: amdahl(envShare),
    env_steps_per_s_1: Math.round(median(alone1)),
    env_steps_per_s_n: Math.round(median(aloneN)),
    env_speedup: round(median(aloneN) / median(alone1), 2),
    config: { numEnvs, numSteps, numMinibatches, updateEpochs, totalTimesteps },
  };
  console.log(`  ${game.name}: training ${figures.steps_per_s_1} -> ${figures.steps_per_s_n} steps/s, ${figures.speedup}x with the forwards in the shares (their share with the env steps' allows ${figures.amdahl_bound}x); ${figures.steps_per_s_n_main_forwards} steps/s, ${figures.speedup_main_forwards}x with them in the main thread (the env steps' share allows ${figures.amdahl_bound_main_forwards}x); metrics ${identical ? 'identical' : 'DIFFER'}; the envs alone ${figures.env_speedup}x`);
  console.log(`  ${game.name} with overlap: ${figures.steps_per_s_n_overlap} steps/s, ${figures.speedup_overlap}x one worker's (target 1.7x: ${figures.target_overlap_met ? 'met' : 'missed'}), ${figures.overlap_over_n}x ${WORKERS} workers' without it; last-100 mean return ${figures.last100_return_1} (1 worker), ${figures.last100_return_n} (${WORKERS}), ${figures.last100_return_n_overlap} (${WORKERS} with overlap); overlap's runs ${figures.overlap_identical_across_rounds ? 'identical' : 'DIFFER'} across rounds; the update is ${(100 * figures.update_share_1).toFixed(0)}% of one worker's time, and ${(100 * figures.overlap_update_hidden).toFixed(0)}% of it ran in the waits of the env steps with overlap`);
  result[game.name] = figures;
}
loads.push(load());
result.load_average = { first: loads[0], last: loads.at(-1), max_1min: Math.max(...loads.map((l) => l[0]!)) };
console.log(JSON.stringify(result));
