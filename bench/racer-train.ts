/**
 * Racer's shipped config (assets/policies/racer/racer.yaml), the first `--iterations` iterations
 * (default 48: 98,304 of its 999,424 steps, the learning rate annealed as in the full run), side
 * by side in one run: the tfjs engine with one worker (how the config trained before the fused
 * engine, but for the rollout forwards, in the student runtime since), the fused engine with one
 * worker, the fused engine with `--workers` (default 2; each share steps its scenes and runs
 * their rollout forwards), and the same with train.ppo.overlap (the next rollout collected while
 * the main thread updates: a policy lag of one update, so not the same run). The four alternate
 * `--rounds` times (default 2), in a rotating order, and the medians are kept.
 *
 * For each: wall seconds, CPU-seconds of the process (all its threads), steps/s, the mean return
 * of the last 100 training episodes, its wall time against tfjs's (the target: at most 1/3), and
 * whether the fused runs with 1 and N workers gave the same metrics and episodes (they must: the
 * same seed trains the same way whatever numWorkers is). The machine's load average is printed
 * with each run. The last line is one JSON object.
 * With `--own-envs n`, a fifth leg: overlap with the main thread stepping n envs (the threads the
 * rest), which leaves it time for the update (the same run as the even split's).
 *   npx tsx bench/racer-train.ts [--iterations 48] [--rounds 2] [--workers 2] [--own-envs n]
 */
import { loadavg } from 'node:os';
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { PpoTrainer, initBackend, type PpoMetrics, type TrainingEpisode } from 'phaser-distill/train';
import { loadRunConfig, ppoConfigOf } from '../src/config/run-config.js';
import { makeGameEnv } from '../src/config/env-module.js';
import { WorkerVectorEnv } from '../src/parallel/worker-vector-env.js';

const { values } = parseArgs({ options: { iterations: { type: 'string', default: '48' }, rounds: { type: 'string', default: '2' }, workers: { type: 'string', default: '2' }, 'own-envs': { type: 'string' } } });
const OWN_ENVS = values['own-envs'] === undefined ? undefined : Number(values['own-envs']);
const ITERATIONS = Number(values.iterations);
const ROUNDS = Number(values.rounds);
const WORKERS = Number(values.workers);

const run = loadRunConfig(resolve('assets/policies/racer/racer.yaml'));
const base = ppoConfigOf(run);

interface Variant {
  name: string;
  engine: 'fused' | 'tfjs';
  workers: number;
  overlap?: boolean;
  /** The main thread's share of the envs (WorkerVectorEnv's ownEnvs); even shares if not given. */
  ownEnvs?: number;
}
const VARIANTS: Variant[] = [
  { name: 'tfjs, 1 worker', engine: 'tfjs', workers: 1 },
  { name: 'fused, 1 worker', engine: 'fused', workers: 1 },
  { name: `fused, ${WORKERS} workers`, engine: 'fused', workers: WORKERS },
  { name: `fused, ${WORKERS} workers, overlap`, engine: 'fused', workers: WORKERS, overlap: true },
  ...(OWN_ENVS === undefined ? [] : [{ name: `fused, ${WORKERS} workers, overlap, ${OWN_ENVS} envs in the main thread`, engine: 'fused' as const, workers: WORKERS, overlap: true, ownEnvs: OWN_ENVS }]),
];
const load = () => loadavg().map((x) => Number(x.toFixed(2)));

interface Result {
  wall: number;
  cpu: number;
  stepsPerS: number;
  trace: string;
  lastReturn: number | null;
}

async function train(v: Variant): Promise<Result> {
  const config = { ...base, engine: v.engine, numWorkers: v.workers, overlap: v.overlap ?? false };
  const env = v.workers === 1 ? await makeGameEnv(run.envPath, config.numEnvs) : await WorkerVectorEnv.create(run.envPath, config.numEnvs, v.workers, { ownEnvs: v.ownEnvs });
  const trainer = new PpoTrainer(env, config);
  if (trainer.learner.engine !== v.engine) throw new Error(`bench: asked for ${v.engine}, got ${trainer.learner.engine}`);
  const metrics: Omit<PpoMetrics, 'charts/SPS'>[] = [];
  const episodes: TrainingEpisode[] = [];
  const cpu0 = process.cpuUsage();
  const t0 = performance.now();
  await trainer.train(({ metrics: { 'charts/SPS': _wallClock, ...rest }, episodes: ended }) => {
    metrics.push(rest);
    episodes.push(...ended);
    return trainer.iteration < ITERATIONS;
  });
  const wall = (performance.now() - t0) / 1000;
  const u = process.cpuUsage(cpu0);
  const steps = trainer.globalStep;
  trainer.dispose();
  env.close();
  const last = episodes.slice(-100);
  return { wall, cpu: (u.user + u.system) / 1e6, stepsPerS: steps / wall, trace: JSON.stringify({ metrics, episodes }), lastReturn: last.length ? last.reduce((a, e) => a + e.return, 0) / last.length : null };
}

const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  const m = Math.floor(s.length / 2);
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
};
const round = (x: number, digits: number) => Number(x.toFixed(digits));

const backend = await initBackend(run.backend);
console.log(`Racer's shipped config, the first ${ITERATIONS} of ${Math.floor(base.totalTimesteps / (base.numEnvs * base.numSteps))} iterations (${ITERATIONS * base.numEnvs * base.numSteps} steps), ${ROUNDS} rounds, backend ${backend}; load average ${load().join(', ')}`);
const loads: number[][] = [load()];
const results = new Map<string, Result[]>(VARIANTS.map((v) => [v.name, []]));
for (let r = 0; r < ROUNDS; r++) {
  const order = VARIANTS.map((_, k) => VARIANTS[(k + r) % VARIANTS.length]!);
  for (const v of order) {
    const x = await train(v);
    results.get(v.name)!.push(x);
    loads.push(load());
    console.log(`  round ${r + 1}: ${v.name}: ${x.wall.toFixed(1)} s wall, ${x.cpu.toFixed(1)} CPU-s, ${x.stepsPerS.toFixed(0)} steps/s, last-100 mean return ${x.lastReturn?.toFixed(2) ?? '-'}; load average ${loads.at(-1)!.join(', ')}`);
  }
}
const summary: Record<string, unknown> = { iterations: ITERATIONS, steps: ITERATIONS * base.numEnvs * base.numSteps };
for (const v of VARIANTS) {
  const xs = results.get(v.name)!;
  summary[v.name] = { wall_s: round(median(xs.map((x) => x.wall)), 1), cpu_s: round(median(xs.map((x) => x.cpu)), 1), steps_per_s: Math.round(median(xs.map((x) => x.stepsPerS))), last100_return: xs[0]!.lastReturn === null ? null : round(xs[0]!.lastReturn, 2) };
}
const tfjs = summary[VARIANTS[0]!.name] as { wall_s: number; cpu_s: number };
for (const v of VARIANTS.slice(1)) {
  const s = summary[v.name] as { wall_s: number; cpu_s: number; wall_of_tfjs?: number; cpu_of_tfjs?: number; target_third_met?: boolean };
  s.wall_of_tfjs = round(s.wall_s / tfjs.wall_s, 3);
  s.cpu_of_tfjs = round(s.cpu_s / tfjs.cpu_s, 3);
  s.target_third_met = s.wall_s <= tfjs.wall_s / 3;
  console.log(`${v.name}: ${s.wall_of_tfjs} of tfjs's wall time (target at most 1/3: ${s.target_third_met ? 'met' : 'missed'}), ${s.cpu_of_tfjs} of its CPU time`);
}
const overlapRuns = VARIANTS.slice(3).flatMap((v) => results.get(v.name)!);
summary.overlap_identical_across_rounds_and_splits = overlapRuns.every((x) => x.trace === overlapRuns[0]!.trace);
loads.push(load());
summary.load_average = { first: loads[0], last: loads.at(-1), max_1min: Math.max(...loads.map((l) => l[0]!)) };
const fused = [...results.get(VARIANTS[1]!.name)!, ...results.get(VARIANTS[2]!.name)!];
summary.fused_identical_across_workers = fused.every((x) => x.trace === fused[0]!.trace);
console.log(JSON.stringify(summary));
