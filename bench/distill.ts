/**
 * Distillation benchmark: per game, a PPO teacher (Balance: a 2x256 one trained here; Pong: the
 * shipped 2x64 teacher of assets/teachers/pong) against students of several sizes,
 * float32 and int8, all evaluated side by side on the same fresh seeds: return (% of the teacher),
 * action agreement, compression, bytes, and batch-1 decision time of the plain runtime against
 * TensorFlow.js predict on the same network. The last line is one JSON object.
 *
 *   npm run bench:distill                 # every game
 *   npm run bench:distill -- balance      # some games
 *   npm run bench:distill -- --retrain    # train the teachers again instead of reusing them
 *
 * Teachers are cached as checkpoints under runs/bench/ (git-ignored) and loaded back through
 * `loadTeacher`, the path the CLI takes. Reports (Markdown, JSON, SVG) go to runs/bench/distill-{game}/.
 */
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import type { VectorEnv } from 'phaser-distill';
import {
  PpoTrainer, defaultDistillConfig, defaultPpoConfig, distill, evaluatePolicies, initBackend, loadCheckpointDir, loadTeacher,
  saveCheckpointDir, serializeCheckpoint, writeReport, type CheckpointFiles, type DistillConfig, type PolicyEvaluation, type PpoConfig,
} from 'phaser-distill/train';
import { makeVectorEnv as balanceEnv } from '../games/balance/env.js';
import { makeVectorEnv as pongEnv } from '../games/pong/env.js';

/** A teacher trained here with these PPO settings until the mean of 20 episodes reaches `target`, or a shipped one. */
type TeacherSource = { train: Partial<PpoConfig>; target: number } | { shipped: string };

interface GameSpec {
  env: (numEnvs: number) => VectorEnv | Promise<VectorEnv>;
  teacher: TeacherSource;
  /** Hidden layers of each student. */
  students: number[][];
  distill: Partial<DistillConfig>;
  /** Evaluation episodes per policy. */
  episodes: number;
  numEnvs: number;
}

const big = { actorHidden: [256, 256], criticHidden: [256, 256], activation: 'tanh' as const, initLogStd: 0 };

const GAMES: Record<string, GameSpec> = {
  balance: {
    env: (numEnvs) => balanceEnv({ numEnvs }),
    teacher: { train: { network: big, totalTimesteps: 200_000, learningRate: 1e-3, seed: 3 }, target: 495 },
    students: [[32], [16], [8], [4], []],
    distill: { rounds: 4, stepsPerRound: 500, epochsPerRound: 30 },
    episodes: 100,
    numEnvs: 10,
  },
  // Pong's 2x64 teacher trains in about 2.5 minutes (assets/policies/pong/pong.yaml); a match is
  // noisier than a Balance episode, so more of them.
  pong: {
    env: (numEnvs) => pongEnv({ numEnvs }),
    teacher: { shipped: 'assets/teachers/pong' },
    students: [[32], [16], [8], [4]],
    distill: { rounds: 5, stepsPerRound: 1000, epochsPerRound: 30 },
    episodes: 320,
    numEnvs: 16,
  },
};

const EVAL_SEED = 1_000_003;

const args = process.argv.slice(2);
const retrain = args.includes('--retrain');
const names = args.filter((a) => !a.startsWith('--'));
const games = names.length ? names : Object.keys(GAMES);
for (const g of games) if (!GAMES[g]) throw new Error(`bench:distill: unknown game '${g}' (known: ${Object.keys(GAMES).join(', ')})`);

const backend = await initBackend('wasm');
async function teacherFiles(game: string, spec: GameSpec): Promise<CheckpointFiles> {
  const source = spec.teacher;
  if ('shipped' in source) {
    console.log(`${game}: the shipped teacher of ${source.shipped}`);
    return Object.fromEntries(readdirSync(source.shipped).map((f) => [f, new Uint8Array(readFileSync(join(source.shipped, f)))]));
  }
  const dir = `runs/bench/${game}-teacher`;
  const cached = retrain ? null : await loadCheckpointDir(dir);
  if (cached) {
    console.log(`${game}: teacher loaded from ${dir}`);
    return cached;
  }
  const config = { ...defaultPpoConfig, ...source.train };
  const trainer = new PpoTrainer(await spec.env(config.numEnvs), config);
  const t0 = performance.now();
  const last: number[] = [];
  await trainer.train(({ episodes }) => {
    for (const e of episodes) {
      last.push(e.return);
      if (last.length > 20) last.shift();
    }
    return !(last.length === 20 && last.reduce((a, b) => a + b) / 20 >= source.target);
  });
  const files = await serializeCheckpoint(trainer);
  await saveCheckpointDir(dir, files, trainer.globalStep);
  console.log(`${game}: teacher trained in ${((performance.now() - t0) / 1000).toFixed(1)} s, ${trainer.globalStep} steps, saved to ${dir}`);
  trainer.dispose();
  return files;
}

const fmt = (x: number, d: number) => x.toFixed(d);
const round = (x: number, d: number) => Math.round(x * 10 ** d) / 10 ** d;
const summary: Record<string, unknown> = {};

for (const game of games) {
  const spec = GAMES[game]!;
  const files = await teacherFiles(game, spec);
  const hidden = (JSON.parse(new TextDecoder().decode(files['run.json'])) as { config: PpoConfig }).config.network.actorHidden;
  const teacher = await loadTeacher(files, `teacher ${hidden.join('x')}`);
  const students = [];
  const distillEnv = await spec.env(8);
  for (const hidden of spec.students) {
    const t0 = performance.now();
    const config: DistillConfig = { ...defaultDistillConfig, ...spec.distill, hidden };
    const student = await distill({ name: game, env: distillEnv, teacher }, config);
    const agreement = student.keptAgreement!;
    const size = hidden.join('x') || 'linear';
    console.log(`${game}: student ${size} distilled in ${((performance.now() - t0) / 1000).toFixed(1)} s (${student.history.length} epochs, held-out agreement ${fmt(100 * agreement, 2)}%)`);
    for (const dtype of ['float32', 'int8'] as const) students.push({ name: `student ${size}${dtype === 'int8' ? ' int8' : ''}`, file: student.toPolicyFile(0, dtype) });
    student.dispose();
  }
  distillEnv.close();
  const evalEnv = await spec.env(spec.numEnvs);
  const report = await evaluatePolicies(game, evalEnv, teacher, students, { episodes: spec.episodes, seed: EVAL_SEED, latencyMs: 400 });
  evalEnv.close();
  teacher.dispose();
  const written = await writeReport(`runs/bench/distill-${game}`, report);

  console.log(`\n${game}: ${report.teacher.episodes} episodes per policy from seed ${EVAL_SEED}, TensorFlow.js backend ${backend}`);
  console.log('policy                 params  of teacher  compression  bytes  gzip  return (mean ± std)  % teacher  agreement  runtime us  tfjs us  speedup');
  for (const r of [report.teacher, ...report.students]) {
    console.log([
      r.name.padEnd(21), String(r.parameters).padStart(7), `${fmt(100 / r.compression, 2)}%`.padStart(10), `${fmt(r.compression, 0)}x`.padStart(11),
      String(r.bytes).padStart(6), String(r.gzipBytes).padStart(5), `${fmt(r.returnMean, 1)} ± ${fmt(r.returnStd, 1)}`.padStart(19),
      `${fmt(100 * r.returnRatio, 1)}%`.padStart(9), `${fmt(100 * r.agreement, 2)}%`.padStart(9), fmt(r.runtimeUs, 3).padStart(10),
      fmt(r.tfjsUs, 1).padStart(8), `${fmt(r.speedup, r.speedup < 10 ? 1 : 0)}x`.padStart(8),
    ].join('  '));
  }
  console.log(`report: ${written.join(', ')}`);

  // The smallest student that keeps >= 95% (the int8 one when both sizes tie, as it ships smaller).
  const keeping = report.students.filter((s) => s.returnRatio >= 0.95).sort((a, b) => a.parameters - b.parameters || (a.dtype === 'int8' ? -1 : 1));
  const best = keeping[0] ?? null;
  const twin = (s: PolicyEvaluation, dtype: 'float32' | 'int8') => report.students.find((x) => x.parameters === s.parameters && x.dtype === dtype)!;
  const int8Losses = report.students.filter((s) => s.dtype === 'float32').map((s) => 1 - twin(s, 'int8').returnMean / s.returnMean);
  summary[game] = {
    teacher_params: report.teacher.parameters,
    teacher_return: round(report.teacher.returnMean, 1),
    smallest_95: best && {
      name: best.name,
      params: best.parameters,
      params_ratio: round(best.parameters / report.teacher.parameters, 5),
      return_ratio: round(best.returnRatio, 4),
      agreement: round(best.agreement, 4),
      gzip_bytes: best.gzipBytes,
      int8_loss: round(1 - twin(best, 'int8').returnMean / twin(best, 'float32').returnMean, 4),
      runtime_us: round(best.runtimeUs, 3),
      tfjs_us: round(best.tfjsUs, 1),
      speedup_vs_tfjs: round(best.speedup, 1),
    },
    worst_int8_loss: round(Math.max(...int8Losses), 4),
  };
}

console.log(JSON.stringify({ bench: 'distill', backend, eval_seed: EVAL_SEED, games: summary }));
