/**
 * PPO on the classic-control games and the Lander, seeds 1, 2 and 3, fixed in advance, each with its config:
 * - Balance (CartPole-v1 dynamics), the default config: the first step at which the mean return of
 *   the last 10 episodes reaches 475.
 * - Swing (Pendulum-v1 dynamics), SWING_PPO (games/swing/config.ts): the first step at which the
 *   mean return of the last 100 episodes reaches -200, within 200k steps.
 * - Lander (LunarLanderContinuous-v2 on planck), LANDER_PPO (games/lander/config.ts): the first
 *   step at which the mean return of 100 greedy episodes reaches 200, within 1M steps (the zoo's
 *   figure is a greedy evaluation too, at the end): every 4 rollouts (65,536 steps) training
 *   pauses for an evaluation on a separate vector env, whose CPU and wall time are left out of the
 *   figures. The training episodes, which sample their thrusts, are reported beside it.
 * For each seed: that step, its CPU-seconds and wall seconds, the mean of the last 100 training
 * episodes at the end, the mean return of 100 greedy episodes on fresh seeds after training, and
 * steps per second. Each seed runs on each learning engine (`--engines`, default fused,tfjs; the
 * order alternates by seed), so the per-engine columns are measured side by side in one run: the
 * same seeds and configs, CPU-seconds to the threshold per engine. The last line is one JSON
 * object keyed by game, then by engine.
 *
 * References, on the same 2-core machine or from the references' own benchmarks:
 * - CleanRL ppo.py (PyTorch, one thread, defaults) on CartPole-v1: 475 first reached after 107k,
 *   110k and 146k steps, about 8.1k steps per CPU-second: 13-20 CPU-seconds.
 * - Pendulum-v1: CleanRL's ppo_continuous_action scores -1142 at 8M steps in its own benchmark
 *   (about -890 at 205k here); rl-baselines3-zoo's tuned PPO with gSDE -172 +- 104 at 100k.
 * - LunarLanderContinuous-v2: rl-baselines3-zoo's tuned PPO scores 271 +- 32 at 1M steps.
 *
 * `--seeds 1,2` runs other seeds; `--until-solved` stops each seed's training once it is solved
 * (a budgeted run: its final and greedy means are then those of the policy that solved it).
 *
 *   npm run bench:ppo [-- balance|swing|lander] [--engines fused,tfjs] [--seeds 1,2,3] [--until-solved]     (npm run bench:lander is the Lander alone)
 */
import { parseArgs } from 'node:util';
import { SyncVectorEnv, type Env, type VectorEnv } from 'phaser-distill';
import { PpoTrainer, defaultPpoConfig, derivePpo, initBackend, playTeacher, teacherFromTrainer, type PpoConfig } from 'phaser-distill/train';
import { BalanceEnv } from '../games/balance/balance.js';
import { LanderEnv } from '../games/lander/lander.js';
import { LANDER_PPO } from '../games/lander/config.js';
import { SwingEnv } from '../games/swing/swing.js';
import { SWING_PPO } from '../games/swing/config.js';


interface Game {
  name: string;
  make: () => Env;
  config: PpoConfig;
  /** Episodes in the moving mean, and the mean that counts as solved. */
  window: number;
  threshold: number;
  /** Judge `threshold` on 100 greedy episodes every this many iterations, not on training episodes. */
  evaluateEvery?: number;
}

const GAMES: Game[] = [
  { name: 'balance', make: () => new BalanceEnv(), config: defaultPpoConfig, window: 10, threshold: 475 },
  { name: 'swing', make: () => new SwingEnv(), config: SWING_PPO, window: 100, threshold: -200 },
  { name: 'lander', make: () => new LanderEnv(), config: LANDER_PPO, window: 100, threshold: 200, evaluateEvery: 4 },
];

/** Greedy episodes on seeds no training episode used. */
const EVAL_EPISODES = 100;
const EVAL_SEED = 1_000_003;

interface SeedResult {
  seed: number;
  /** By the game's criterion: training episodes, or greedy evaluations if it has evaluateEvery. */
  steps_to_threshold: number | null;
  cpu_s_to_threshold: number | null;
  wall_s_to_threshold: number | null;
  final_mean_100: number;
  /** With evaluateEvery: the step at which the training episodes' moving mean first reached the threshold. */
  training_steps_to_threshold?: number | null;
  /** With evaluateEvery: [step, mean of the greedy episodes] of every evaluation. */
  evaluations?: [number, number][];
  /** Mean return of EVAL_EPISODES greedy episodes after training. */
  eval_mean_100: number;
  steps: number;
  sps: number;
}

const cpuSeconds = (since: NodeJS.CpuUsage) => {
  const u = process.cpuUsage(since);
  return (u.user + u.system) / 1e6;
};

/** Mean return of EVAL_EPISODES greedy episodes of the trainer's policy, from EVAL_SEED. */
function greedyMean(trainer: PpoTrainer, env: VectorEnv): number {
  const { returns } = playTeacher(env, teacherFromTrainer(trainer), EVAL_EPISODES, EVAL_SEED);
  return returns.reduce((a, b) => a + b, 0) / returns.length;
}

async function runSeed(game: Game, seed: number, engine: Engine): Promise<SeedResult> {
  const config = { ...game.config, seed, engine };
  const makeEnv = () => new SyncVectorEnv(Array.from({ length: config.numEnvs }, game.make));
  const env = makeEnv();
  const evalEnv = game.evaluateEvery ? makeEnv() : env;
  const cpu0 = process.cpuUsage();
  const wall0 = performance.now();
  // Time spent evaluating, left out of the training figures.
  let evalCpu = 0;
  let evalWall = 0;
  const trainingCpu = () => cpuSeconds(cpu0) - evalCpu;
  const trainingWall = () => (performance.now() - wall0) / 1000 - evalWall;
  const trainer = new PpoTrainer(env, config);
  if (trainer.learner.engine !== engine) throw new Error(`bench:ppo: asked for the ${engine} engine, got ${trainer.learner.engine}`);
  const returns: number[] = [];
  const evaluations: [number, number][] = [];
  let sum = 0;
  let iteration = 0;
  let solved: { steps: number; cpu: number; wall: number } | null = null;
  let trainingSolved: number | null = null;
  await trainer.train(({ episodes }) => {
    for (const e of episodes) {
      returns.push(e.return);
      sum += e.return - (returns.length > game.window ? returns[returns.length - 1 - game.window]! : 0);
      if (trainingSolved === null && returns.length >= game.window && sum / game.window >= game.threshold) {
        trainingSolved = e.step;
        if (!game.evaluateEvery) solved = { steps: e.step, cpu: trainingCpu(), wall: trainingWall() };
      }
    }
    iteration += 1;
    if (game.evaluateEvery && iteration % game.evaluateEvery === 0) {
      const at = { cpu: trainingCpu(), wall: trainingWall() };
      const c0 = process.cpuUsage();
      const w0 = performance.now();
      const mean = greedyMean(trainer, evalEnv);
      evalCpu += cpuSeconds(c0);
      evalWall += (performance.now() - w0) / 1000;
      evaluations.push([trainer.globalStep, round(mean, 1)]);
      console.log(`      step ${trainer.globalStep}: greedy mean ${mean.toFixed(1)}, training mean of ${game.window} ${returns.length >= game.window ? (sum / game.window).toFixed(1) : '-'}`);
      if (!solved && mean >= game.threshold) solved = { steps: trainer.globalStep, ...at };
    }
    if (UNTIL_SOLVED && solved) return false;
  });
  const wall = trainingWall();
  const last = returns.slice(-100);
  const evalMean = greedyMean(trainer, evalEnv);
  trainer.dispose();
  const found = solved as { steps: number; cpu: number; wall: number } | null;
  return {
    seed,
    steps_to_threshold: found?.steps ?? null,
    cpu_s_to_threshold: found ? round(found.cpu, 2) : null,
    wall_s_to_threshold: found ? round(found.wall, 2) : null,
    final_mean_100: round(last.reduce((a, b) => a + b, 0) / last.length, 1),
    ...(game.evaluateEvery ? { training_steps_to_threshold: trainingSolved, evaluations } : {}),
    eval_mean_100: round(evalMean, 1),
    steps: trainer.globalStep,
    sps: Math.round(trainer.globalStep / wall),
  };
}

const round = (x: number, digits: number) => Math.round(x * 10 ** digits) / 10 ** digits;
const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length === 0 ? null : s.length % 2 ? s[(s.length - 1) / 2]! : (s[s.length / 2 - 1]! + s[s.length / 2]!) / 2;
};

type Engine = 'fused' | 'tfjs';
const args = parseArgs({ allowPositionals: true, options: { engines: { type: 'string', default: 'fused,tfjs' }, seeds: { type: 'string', default: '1,2,3' }, 'until-solved': { type: 'boolean', default: false } } });
const SEEDS = args.values.seeds.split(',').map(Number);
if (SEEDS.some((x) => !Number.isInteger(x))) throw new Error(`bench:ppo: --seeds takes whole numbers, not '${args.values.seeds}'`);
const UNTIL_SOLVED = args.values['until-solved'];
const only = args.positionals[0];
if (only && !GAMES.some((g) => g.name === only)) throw new Error(`bench:ppo: no game '${only}' (games: ${GAMES.map((g) => g.name).join(', ')})`);
const ENGINES = args.values.engines.split(',') as Engine[];
for (const e of ENGINES) if (e !== 'fused' && e !== 'tfjs') throw new Error(`bench:ppo: --engines takes fused and tfjs, not '${e}'`);
const backend = await initBackend('auto');
const summary: Record<string, unknown> = { bench: 'ppo', backend, seeds: SEEDS, engines: ENGINES, until_solved: UNTIL_SOLVED };
for (const game of GAMES.filter((g) => !only || g.name === only)) {
  const d = derivePpo(game.config);
  const c = game.config;
  const criterion = game.evaluateEvery ? `the mean of ${EVAL_EPISODES} greedy episodes, every ${game.evaluateEvery} iterations,` : `the mean of ${game.window} training episodes`;
  console.log(`\nPPO on ${game.name}, backend ${backend}, ${c.numEnvs} envs x ${c.numSteps} steps, ${d.numIterations} iterations (${c.totalTimesteps} steps) per seed; solved: ${criterion} reaches ${game.threshold}`);
  console.log('seed  engine  steps_to_threshold  cpu_s_to_threshold  wall_s_to_threshold  final_mean_100  eval_mean_100  steps/s');
  const resultsOf = Object.fromEntries(ENGINES.map((e) => [e, [] as SeedResult[]])) as Record<Engine, SeedResult[]>;
  for (const [i, seed] of SEEDS.entries()) {
    for (const engine of i % 2 === 0 ? ENGINES : [...ENGINES].reverse()) {
      const r = await runSeed(game, seed, engine);
      resultsOf[engine].push(r);
      const cell = (v: number | null, w: number) => String(v ?? 'never').padStart(w);
      console.log(`${String(seed).padStart(4)}  ${engine.padStart(6)}  ${cell(r.steps_to_threshold, 18)}  ${cell(r.cpu_s_to_threshold, 18)}  ${cell(r.wall_s_to_threshold, 19)}  ${cell(r.final_mean_100, 14)}  ${cell(r.eval_mean_100, 13)}  ${cell(r.sps, 7)}`);
    }
  }
  const perEngine: Record<string, unknown> = {};
  for (const engine of ENGINES) {
    const results = resultsOf[engine];
    perEngine[engine] = engineSummary(game, results);
  }
  const median_cpu = ENGINES.map((e) => `${e} ${(perEngine[e] as { median_cpu_s_to_threshold: number | null }).median_cpu_s_to_threshold ?? 'never'}`).join(', ');
  console.log(`median CPU-seconds to ${game.threshold}: ${median_cpu}`);
  summary[game.name] = {
    criterion: game.evaluateEvery ? 'greedy_evaluation' : 'training_episodes',
    window: game.window,
    threshold: game.threshold,
    total_steps: c.totalTimesteps,
    ...perEngine,
  };
}
console.log(JSON.stringify(summary));

/** One engine's figures over the seeds. */
function engineSummary(game: Game, results: SeedResult[]): Record<string, unknown> {
  const solved = results.filter((r) => r.steps_to_threshold !== null);
  return {
    seeds_solved: solved.length,
    median_steps_to_threshold: median(solved.map((r) => r.steps_to_threshold!)),
    ...(game.evaluateEvery ? { seeds_solved_by_training_episodes: results.filter((r) => r.training_steps_to_threshold !== null).length } : {}),
    median_cpu_s_to_threshold: median(solved.map((r) => r.cpu_s_to_threshold!)),
    median_wall_s_to_threshold: median(solved.map((r) => r.wall_s_to_threshold!)),
    median_final_mean_100: median(results.map((r) => r.final_mean_100)),
    median_eval_mean_100: median(results.map((r) => r.eval_mean_100)),
    median_steps_per_s: median(results.map((r) => r.sps)),
    per_seed: results,
  };
}
