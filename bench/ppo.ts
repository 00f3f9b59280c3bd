/**
 * PPO on Balance (CartPole-v1 dynamics) with the default config, seeds 1, 2 and 3, fixed in advance.
 * For each seed: the step, CPU-seconds and wall seconds at which the mean return of the last 10
 * episodes first reaches 475, the mean of the last 100 episodes at the end, and steps per second.
 * The last line is one JSON object.
 *
 * Reference (CleanRL ppo.py, PyTorch, one thread, defaults, on the same 2-core machine): 475 first
 * reached after 107k, 110k and 146k steps, about 8.1k steps per CPU-second: 13-20 CPU-seconds.
 *
 *   npm run bench:ppo
 */
import { SyncVectorEnv } from 'phaser-distill';
import { PpoTrainer, defaultPpoConfig, derivePpo, initBackend } from 'phaser-distill/train';
import { BalanceEnv } from '../games/balance/balance.js';

const SEEDS = [1, 2, 3];
const TARGET = 475;

interface SeedResult {
  seed: number;
  steps_to_475: number | null;
  cpu_s_to_475: number | null;
  wall_s_to_475: number | null;
  final_mean_100: number;
  steps: number;
  sps: number;
}

const cpuSeconds = (since: NodeJS.CpuUsage) => {
  const u = process.cpuUsage(since);
  return (u.user + u.system) / 1e6;
};

async function runSeed(seed: number): Promise<SeedResult> {
  const config = { ...defaultPpoConfig, seed };
  const env = new SyncVectorEnv(Array.from({ length: config.numEnvs }, () => new BalanceEnv()));
  const cpu0 = process.cpuUsage();
  const wall0 = performance.now();
  const trainer = new PpoTrainer(env, config);
  const returns: number[] = [];
  let window = 0;
  let solved: Pick<SeedResult, 'steps_to_475' | 'cpu_s_to_475' | 'wall_s_to_475'> | null = null;
  await trainer.train(({ episodes }) => {
    for (const e of episodes) {
      returns.push(e.return);
      window += e.return - (returns.length > 10 ? returns[returns.length - 11]! : 0);
      if (!solved && returns.length >= 10 && window / 10 >= TARGET) {
        solved = { steps_to_475: e.step, cpu_s_to_475: cpuSeconds(cpu0), wall_s_to_475: (performance.now() - wall0) / 1000 };
      }
    }
  });
  const wall = (performance.now() - wall0) / 1000;
  const last = returns.slice(-100);
  trainer.dispose();
  const found = solved as Pick<SeedResult, 'steps_to_475' | 'cpu_s_to_475' | 'wall_s_to_475'> | null;
  return {
    seed,
    steps_to_475: found?.steps_to_475 ?? null,
    cpu_s_to_475: found ? round(found.cpu_s_to_475!, 2) : null,
    wall_s_to_475: found ? round(found.wall_s_to_475!, 2) : null,
    final_mean_100: round(last.reduce((a, b) => a + b, 0) / last.length, 1),
    steps: trainer.globalStep,
    sps: Math.round(trainer.globalStep / wall),
  };
}

const round = (x: number, digits: number) => Math.round(x * 10 ** digits) / 10 ** digits;
const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length === 0 ? null : s.length % 2 ? s[(s.length - 1) / 2]! : (s[s.length / 2 - 1]! + s[s.length / 2]!) / 2;
};

const backend = await initBackend('auto');
const d = derivePpo(defaultPpoConfig);
console.log(`PPO on Balance, backend ${backend}, ${defaultPpoConfig.numEnvs} envs x ${defaultPpoConfig.numSteps} steps, ${d.numIterations} iterations (${defaultPpoConfig.totalTimesteps} steps) per seed`);
console.log('seed  steps_to_475  cpu_s_to_475  wall_s_to_475  final_mean_100  steps/s');
const results: SeedResult[] = [];
for (const seed of SEEDS) {
  const r = await runSeed(seed);
  results.push(r);
  const cell = (v: number | null, w: number) => String(v ?? 'never').padStart(w);
  console.log(`${String(seed).padStart(4)}  ${cell(r.steps_to_475, 12)}  ${cell(r.cpu_s_to_475, 12)}  ${cell(r.wall_s_to_475, 13)}  ${cell(r.final_mean_100, 14)}  ${cell(r.sps, 7)}`);
}
const solved = results.filter((r) => r.steps_to_475 !== null);
console.log(
  JSON.stringify({
    bench: 'ppo',
    game: 'balance',
    backend,
    seeds: SEEDS,
    seeds_solved: solved.length,
    median_steps_to_475: median(solved.map((r) => r.steps_to_475!)),
    median_cpu_s_to_475: median(solved.map((r) => r.cpu_s_to_475!)),
    median_wall_s_to_475: median(solved.map((r) => r.wall_s_to_475!)),
    median_final_mean_100: median(results.map((r) => r.final_mean_100)),
    per_seed: results,
  }),
);
