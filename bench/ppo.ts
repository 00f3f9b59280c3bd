/**
 * PPO on the classic-control games and the Lander, seeds 1, 2 and 3, fixed in advance, each with its config:
 * - Balance (CartPole-v1 dynamics), the default config: the first step at which the mean return of
 *   the last 10 episodes reaches 475.
 * - Swing (Pendulum-v1 dynamics), SWING_PPO (games/swing/config.ts): the first step at which the
 *   mean return of the last 100 episodes reaches -200, within 200k steps.
 * - Lander (LunarLanderContinuous-v2 on planck), LANDER_PPO (games/lander/config.ts): the first
 *   step at which the mean return of the last 100 episodes reaches 200, within 1M steps.
 * For each seed: that step, its CPU-seconds and wall seconds, the mean of the last 100 training
 * episodes at the end, the mean return of 100 greedy episodes on fresh seeds after training, and
 * steps per second. The last line is one JSON object keyed by game.
 *
 * References, on the same 2-core machine or from the references' own benchmarks:
 * - CleanRL ppo.py (PyTorch, one thread, defaults) on CartPole-v1: 475 first reached after 107k,
 *   110k and 146k steps, about 8.1k steps per CPU-second: 13-20 CPU-seconds.
 * - Pendulum-v1: CleanRL's ppo_continuous_action scores -1142 at 8M steps in its own benchmark
 *   (about -890 at 205k here); rl-baselines3-zoo's tuned PPO with gSDE -172 +- 104 at 100k.
 * - LunarLanderContinuous-v2: rl-baselines3-zoo's tuned PPO scores 271 +- 32 at 1M steps.
 *
 *   npm run bench:ppo [-- balance|swing|lander]     (npm run bench:lander is the Lander alone)
 */
import { SyncVectorEnv, flatSize, type Env } from 'phaser-distill';
import { PpoTrainer, chooseAction, defaultPpoConfig, derivePpo, initBackend, runEpisodes, teacherFromTrainer, type PpoConfig } from 'phaser-distill/train';
import { BalanceEnv } from '../games/balance/balance.js';
import { LanderEnv } from '../games/lander/lander.js';
import { LANDER_PPO } from '../games/lander/config.js';
import { SwingEnv } from '../games/swing/swing.js';
import { SWING_PPO } from '../games/swing/config.js';

const SEEDS = [1, 2, 3];

interface Game {
  name: string;
  make: () => Env;
  config: PpoConfig;
  /** Episodes in the moving mean, and the mean that counts as solved. */
  window: number;
  threshold: number;
}

const GAMES: Game[] = [
  { name: 'balance', make: () => new BalanceEnv(), config: defaultPpoConfig, window: 10, threshold: 475 },
  { name: 'swing', make: () => new SwingEnv(), config: SWING_PPO, window: 100, threshold: -200 },
  { name: 'lander', make: () => new LanderEnv(), config: LANDER_PPO, window: 100, threshold: 200 },
];

/** Greedy episodes on seeds no training episode used. */
const EVAL_EPISODES = 100;
const EVAL_SEED = 1_000_003;

interface SeedResult {
  seed: number;
  steps_to_threshold: number | null;
  cpu_s_to_threshold: number | null;
  wall_s_to_threshold: number | null;
  final_mean_100: number;
  /** Mean return of EVAL_EPISODES greedy episodes after training. */
  eval_mean_100: number;
  steps: number;
  sps: number;
}

const cpuSeconds = (since: NodeJS.CpuUsage) => {
  const u = process.cpuUsage(since);
  return (u.user + u.system) / 1e6;
};

async function runSeed(game: Game, seed: number): Promise<SeedResult> {
  const config = { ...game.config, seed };
  const env = new SyncVectorEnv(Array.from({ length: config.numEnvs }, game.make));
  const cpu0 = process.cpuUsage();
  const wall0 = performance.now();
  const trainer = new PpoTrainer(env, config);
  const returns: number[] = [];
  let sum = 0;
  let solved: { steps: number; cpu: number; wall: number } | null = null;
  await trainer.train(({ episodes }) => {
    for (const e of episodes) {
      returns.push(e.return);
      sum += e.return - (returns.length > game.window ? returns[returns.length - 1 - game.window]! : 0);
      if (!solved && returns.length >= game.window && sum / game.window >= game.threshold) {
        solved = { steps: e.step, cpu: cpuSeconds(cpu0), wall: (performance.now() - wall0) / 1000 };
      }
    }
  });
  const wall = (performance.now() - wall0) / 1000;
  const last = returns.slice(-100);
  const teacher = teacherFromTrainer(trainer);
  const A = flatSize(env.actionSpace);
  const evaluation = runEpisodes(env, EVAL_EPISODES, EVAL_SEED, (obs, n, out) => {
    const p = teacher.predict(obs, n).policy;
    for (let i = 0; i < n; i++) chooseAction(env.actionSpace, p, i, out, i * A, null, null, env.actionMasks ?? null);
    return n;
  });
  trainer.dispose();
  const found = solved as { steps: number; cpu: number; wall: number } | null;
  return {
    seed,
    steps_to_threshold: found?.steps ?? null,
    cpu_s_to_threshold: found ? round(found.cpu, 2) : null,
    wall_s_to_threshold: found ? round(found.wall, 2) : null,
    final_mean_100: round(last.reduce((a, b) => a + b, 0) / last.length, 1),
    eval_mean_100: round(evaluation.returns.reduce((a, b) => a + b, 0) / EVAL_EPISODES, 1),
    steps: trainer.globalStep,
    sps: Math.round(trainer.globalStep / wall),
  };
}

const round = (x: number, digits: number) => Math.round(x * 10 ** digits) / 10 ** digits;
const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length === 0 ? null : s.length % 2 ? s[(s.length - 1) / 2]! : (s[s.length / 2 - 1]! + s[s.length / 2]!) / 2;
};

const only = process.argv[2];
if (only && !GAMES.some((g) => g.name === only)) throw new Error(`bench:ppo: no game '${only}' (games: ${GAMES.map((g) => g.name).join(', ')})`);
const backend = await initBackend('auto');
const summary: Record<string, unknown> = { bench: 'ppo', backend, seeds: SEEDS };
for (const game of GAMES.filter((g) => !only || g.name === only)) {
  const d = derivePpo(game.config);
  const c = game.config;
  console.log(`\nPPO on ${game.name}, backend ${backend}, ${c.numEnvs} envs x ${c.numSteps} steps, ${d.numIterations} iterations (${c.totalTimesteps} steps) per seed; solved: the mean of ${game.window} episodes reaches ${game.threshold}`);
  console.log('seed  steps_to_threshold  cpu_s_to_threshold  wall_s_to_threshold  final_mean_100  eval_mean_100  steps/s');
  const results: SeedResult[] = [];
  for (const seed of SEEDS) {
    const r = await runSeed(game, seed);
    results.push(r);
    const cell = (v: number | null, w: number) => String(v ?? 'never').padStart(w);
    console.log(`${String(seed).padStart(4)}  ${cell(r.steps_to_threshold, 18)}  ${cell(r.cpu_s_to_threshold, 18)}  ${cell(r.wall_s_to_threshold, 19)}  ${cell(r.final_mean_100, 14)}  ${cell(r.eval_mean_100, 13)}  ${cell(r.sps, 7)}`);
  }
  const solved = results.filter((r) => r.steps_to_threshold !== null);
  summary[game.name] = {
    window: game.window,
    threshold: game.threshold,
    total_steps: c.totalTimesteps,
    seeds_solved: solved.length,
    median_steps_to_threshold: median(solved.map((r) => r.steps_to_threshold!)),
    median_cpu_s_to_threshold: median(solved.map((r) => r.cpu_s_to_threshold!)),
    median_wall_s_to_threshold: median(solved.map((r) => r.wall_s_to_threshold!)),
    median_final_mean_100: median(results.map((r) => r.final_mean_100)),
    median_eval_mean_100: median(results.map((r) => r.eval_mean_100)),
    median_steps_per_s: median(results.map((r) => r.sps)),
    per_seed: results,
  };
}
console.log(JSON.stringify(summary));
