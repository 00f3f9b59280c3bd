/**
 * Distillation benchmark: per game, a large PPO teacher (2x256) against students of several sizes,
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
import type { EnvModule, VectorEnv } from 'phaser-distill';
import {
  PpoTrainer, defaultDistillConfig, defaultPpoConfig, distill, evaluatePolicies, initBackend, loadCheckpointDir, loadTeacher,
  saveCheckpointDir, serializeCheckpoint, writeReport, type DistillConfig, type PolicyEvaluation, type PpoConfig,
} from 'phaser-distill/train';

interface GameSpec {
  /** The game's env module, as the CLI loads it (imported only when the game is benchmarked). */
  env: () => Promise<EnvModule>;
  /** PPO settings of the teacher. */
  teacher: Partial<PpoConfig>;
  /** Teacher training stops once the mean of the last 20 episodes reaches this. */
  teacherTarget: number;
  /** Hidden layers of each student. */
  students: number[][];
  distill: Partial<DistillConfig>;
}

const big = { actorHidden: [256, 256], criticHidden: [256, 256], activation: 'tanh' as const, initLogStd: 0 };

/** Games the benchmark knows; Pong joins here once it exists. */
const GAMES: Record<string, GameSpec> = {
  balance: {
    env: () => import('../games/balance/env.js'),
    teacher: { network: big, totalTimesteps: 200_000, learningRate: 1e-3, seed: 3 },
    teacherTarget: 495,
    students: [[32], [16], [8], [4], []],
    distill: { rounds: 4, stepsPerRound: 500, epochsPerRound: 30 },
  },
};

const EPISODES = 100;
const EVAL_SEED = 1_000_003;

const args = process.argv.slice(2);
const retrain = args.includes('--retrain');
const names = args.filter((a) => !a.startsWith('--'));
const games = names.length ? names : Object.keys(GAMES);
for (const g of games) if (!GAMES[g]) throw new Error(`bench:distill: unknown game '${g}' (known: ${Object.keys(GAMES).join(', ')})`);

const backend = await initBackend('wasm');
const vec = async (spec: GameSpec, numEnvs: number): Promise<VectorEnv> => (await spec.env()).makeVectorEnv({ numEnvs });

async function teacherFiles(game: string, spec: GameSpec) {
  const dir = `runs/bench/${game}-teacher`;
  const cached = retrain ? null : await loadCheckpointDir(dir);
  if (cached) {
    console.log(`${game}: teacher loaded from ${dir}`);
    return cached;
  }
  const config = { ...defaultPpoConfig, ...spec.teacher };
  const trainer = new PpoTrainer(await vec(spec, config.numEnvs), config);
  const t0 = performance.now();
  const last: number[] = [];
  await trainer.train(({ episodes }) => {
    for (const e of episodes) {
      last.push(e.return);
      if (last.length > 20) last.shift();
    }
    return !(last.length === 20 && last.reduce((a, b) => a + b) / 20 >= spec.teacherTarget);
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
  const teacher = await loadTeacher(await teacherFiles(game, spec), `teacher ${big.actorHidden.join('x')}`);
  const students = [];
  for (const hidden of spec.students) {
    const t0 = performance.now();
    const config: DistillConfig = { ...defaultDistillConfig, ...spec.distill, hidden };
    const student = await distill({ name: game, env: await vec(spec, 8), teacher }, config);
    const agreement = student.history[student.history.length - 1]!['fidelity/held_out_agreement'];
    const size = hidden.join('x') || 'linear';
    console.log(`${game}: student ${size} distilled in ${((performance.now() - t0) / 1000).toFixed(1)} s (${student.history.length} epochs, held-out agreement ${fmt(100 * agreement, 2)}%)`);
    for (const dtype of ['float32', 'int8'] as const) students.push({ name: `student ${size}${dtype === 'int8' ? ' int8' : ''}`, file: student.toPolicyFile(0, dtype) });
    student.dispose();
  }
  const report = await evaluatePolicies(game, await vec(spec, 10), teacher, students, { episodes: EPISODES, seed: EVAL_SEED, latencyMs: 400 });
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

console.log(JSON.stringify({ bench: 'distill', backend, episodes: EPISODES, eval_seed: EVAL_SEED, games: summary }));
