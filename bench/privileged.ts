/**
 * Privileged teachers against direct students, at equal environment steps ("learning by cheating"
 * on a game): for each game,
 *   (a) direct: PPO straight on the student's view (its rays), with the student's small actor;
 *   (b) privileged: a large teacher (>= 100k parameters) trained by PPO on the privileged view (the
 *       whole level; Racer's track ahead), then distilled (DAgger) into the same small student on
 *       the student's view.
 * (b)'s budget holds the teacher's PPO steps and the distillation's collection steps; (a) gets the
 * same total. Each policy plays the same fresh seeds (Racer's: tracks no policy trained on). On
 * Forage every policy samples its actions (temperature 1: a student that cannot see everything
 * needs its randomness to get unstuck); on Racer each drives greedily. The last line is one JSON
 * object: the first game's figures at its top level, every game's under `games`.
 *
 *   npm run bench:privileged                   # Forage, the default budget (minutes on 2 cores)
 *   npm run bench:privileged -- --steps 400000
 *   npm run bench:privileged -- forage racer   # Racer too (its teacher's budget takes longer)
 */
import type { VectorEnv } from 'phaser-distill';
import { Rng, StudentPolicy, flatSize, teacherView } from 'phaser-distill';
import {
  PpoTrainer, defaultDistillConfig, defaultPpoConfig, distill, initBackend, runEpisodes, teacherFromTrainer,
  type DistillConfig, type PpoConfig,
} from 'phaser-distill/train';
import { createSceneVectorEnv } from 'phaser-distill/node';
import { makeVectorEnv as forageEnv } from '../games/forage/env.js';
import { makeVectorEnv as racerEnv } from '../games/racer/env-privileged.js';
import { racerGame } from '../games/racer/scene.js';

interface GameSpec {
  env: (numEnvs: number) => VectorEnv | Promise<VectorEnv>;
  /** Where every policy is evaluated (default: `env`). */
  evalEnv?: (numEnvs: number) => VectorEnv | Promise<VectorEnv>;
  /** Students and teachers act greedily (0) or sample (1: a student that cannot see everything needs its randomness to get unstuck). */
  temperature: number;
  /** The student's hidden layers, for both sides. */
  student: number[];
  /** The privileged teacher's network. */
  teacher: PpoConfig['network'];
  /** PPO settings of both sides (each changes only its network). */
  ppo: Partial<PpoConfig>;
  /** Distillation: its collection steps (rounds x stepsPerRound x numEnvs) count in the privileged budget. */
  distill: Partial<DistillConfig>;
  distillEnvs: number;
  /** Environment steps of each side by default. */
  steps: number;
  episodes: number;
}

const GAMES: Record<string, GameSpec> = {
  forage: {
    env: (numEnvs) => forageEnv({ numEnvs }),
    student: [16],
    teacher: { actorHidden: [256, 256], criticHidden: [64, 64], activation: 'tanh', initLogStd: 0 },
    ppo: { numEnvs: 32, numSteps: 64, numMinibatches: 4, updateEpochs: 4, learningRate: 5e-4, entCoef: 0.01, gamma: 0.95 },
    distill: { rounds: 5, stepsPerRound: 400, epochsPerRound: 30 },
    distillEnvs: 16,
    steps: 150_000,
    episodes: 200,
    temperature: 1,
  },
  // Not in the default run (its teacher's budget takes longer): npm run bench:privileged -- racer.
  // The teacher sees the track ahead besides the rays; every policy drives unseen tracks.
  racer: {
    env: (numEnvs) => racerEnv({ numEnvs }),
    evalEnv: (numEnvs) => createSceneVectorEnv(racerGame({ tracks: 'unseen', privileged: true }), { instances: numEnvs }),
    student: [8],
    teacher: { actorHidden: [320, 320], criticHidden: [64, 64], activation: 'tanh', initLogStd: 0 },
    ppo: { numEnvs: 16, numSteps: 128, numMinibatches: 4, updateEpochs: 4, learningRate: 5e-4, entCoef: 0.01, gamma: 0.99 },
    distill: { rounds: 4, stepsPerRound: 500, epochsPerRound: 30 },
    distillEnvs: 16,
    steps: 300_000,
    episodes: 100,
    temperature: 0,
  },
};

const EVAL_SEED = 2_000_003;
const args = process.argv.slice(2);
const flag = (name: string): string | undefined => {
  const i = args.indexOf(name);
  return i >= 0 ? args[i + 1] : undefined;
};
const stepsFlag = flag('--steps');
const names = args.filter((a, i) => !a.startsWith('--') && args[i - 1] !== '--steps');
const games = names.length ? names : ['forage'];
for (const g of games) if (!GAMES[g]) throw new Error(`bench:privileged: unknown game '${g}' (known: ${Object.keys(GAMES).join(', ')})`);
if (stepsFlag !== undefined && !(Number(stepsFlag) > 0)) throw new Error(`bench:privileged: --steps expects a positive number of environment steps, got ${stepsFlag}`);

const backend = await initBackend('wasm');
const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
const round = (x: number, d: number) => Math.round(x * 10 ** d) / 10 ** d;

/** Mean return over `episodes` episodes from EVAL_SEED, `policy` played by the student runtime on `view` (null: uniform random actions). */
function play(env: VectorEnv, policy: StudentPolicy | null, episodes: number, view: 'student' | 'privileged' = 'student'): number {
  const played = view === 'privileged' ? teacherView(env) : env;
  const A = flatSize(env.actionSpace);
  const rng = new Rng(7);
  const returns = runEpisodes(played, episodes, EVAL_SEED, (obs, n, out) => {
    const D = flatSize(played.observationSpace);
    for (let i = 0; i < n; i++) {
      if (!policy) {
        const space = env.actionSpace;
        const sizes = space.type === 'discrete' ? [space.n] : space.type === 'multi-discrete' ? space.nvec : [];
        sizes.forEach((m, k) => (out[i * A + k] = rng.int(m)));
        continue;
      }
      const a = policy.act(obs.subarray(i * D, (i + 1) * D));
      if (typeof a === 'number') out[i * A] = a;
      else for (let k = 0; k < A; k++) out[i * A + k] = a[k]!;
    }
    return n;
  }).returns;
  return mean(returns);
}

async function trainPpo(env: VectorEnv, config: PpoConfig): Promise<{ trainer: PpoTrainer; seconds: number }> {
  const trainer = new PpoTrainer(env, config);
  const t0 = performance.now();
  await trainer.train(() => true);
  return { trainer, seconds: (performance.now() - t0) / 1000 };
}

const summary: Record<string, unknown> = {};
const rows: string[] = [];
for (const game of games) {
  const spec = GAMES[game]!;
  const steps = stepsFlag ? Number(stepsFlag) : spec.steps;
  const ppo = { ...defaultPpoConfig, ...spec.ppo, seed: 1 };
  const distillSteps = (spec.distill.rounds ?? defaultDistillConfig.rounds) * (spec.distill.stepsPerRound ?? defaultDistillConfig.stepsPerRound) * spec.distillEnvs;
  if (distillSteps >= steps) throw new Error(`bench:privileged: ${game}: the distillation alone takes ${distillSteps} steps, the budget is ${steps}`);
  const evalEnv = await (spec.evalEnv ?? spec.env)(16);
  const temperature = spec.temperature;

  // (a) PPO on the student's view, with the student's actor.
  const directEnv = await spec.env(ppo.numEnvs);
  const direct = await trainPpo(directEnv, { ...ppo, totalTimesteps: steps, network: { ...ppo.network, actorHidden: spec.student, criticHidden: [64, 64] } });
  const directFile = teacherFromTrainer(direct.trainer, 'direct').policyFile();
  const directPolicy = new StudentPolicy(directFile, { temperature, seed: 7 });
  const directReturn = play(evalEnv, directPolicy, spec.episodes);
  direct.trainer.dispose();
  directEnv.close();
  console.log(`${game}: direct student ${spec.student.join('x')} trained on its view in ${direct.seconds.toFixed(1)} s (${steps} steps): return ${directReturn.toFixed(2)}`);

  // (b) the privileged teacher, then its distillation into the same student.
  const gameEnv = await spec.env(ppo.numEnvs);
  const teacherSteps = steps - distillSteps;
  const taught = await trainPpo(teacherView(gameEnv), { ...ppo, totalTimesteps: teacherSteps, network: spec.teacher });
  const teacher = teacherFromTrainer(taught.trainer, 'teacher');
  const teacherFile = teacher.policyFile();
  const teacherParams = new StudentPolicy(teacherFile).parameterCount;
  const teacherReturn = play(evalEnv, new StudentPolicy(teacherFile, { temperature, seed: 7 }), spec.episodes, 'privileged');
  console.log(`${game}: privileged teacher ${spec.teacher.actorHidden.join('x')} (${teacherParams} parameters) trained in ${taught.seconds.toFixed(1)} s (${taught.trainer.globalStep} steps): return ${teacherReturn.toFixed(2)}`);
  const distillEnv = await spec.env(spec.distillEnvs);
  const t0 = performance.now();
  const student = await distill({ name: game, env: distillEnv, teacher }, { ...defaultDistillConfig, ...spec.distill, hidden: spec.student });
  const distillSeconds = (performance.now() - t0) / 1000;
  const studentFile = student.toPolicyFile(0, 'float32');
  student.dispose();
  distillEnv.close();
  const studentPolicy = new StudentPolicy(studentFile, { temperature, seed: 7 });
  const studentParams = studentPolicy.parameterCount;
  const privilegedReturn = play(evalEnv, studentPolicy, spec.episodes);
  const randomReturn = play(evalEnv, null, spec.episodes);
  taught.trainer.dispose();
  gameEnv.close();
  evalEnv.close();
  console.log(`${game}: privileged student distilled in ${distillSeconds.toFixed(1)} s (${distillSteps} steps): return ${privilegedReturn.toFixed(2)}; random ${randomReturn.toFixed(2)}`);

  const usedSteps = taught.trainer.globalStep + distillSteps;
  // Gains over random play, in % of the teacher's: the measure that still reads where returns are near zero or negative.
  const gainPct = (r: number) => (100 * (r - randomReturn)) / (teacherReturn - randomReturn);
  const ratio = directReturn > 0 && privilegedReturn > 0 ? `${(privilegedReturn / directReturn).toFixed(2)}x` : 'n/a';
  rows.push(`| ${game} | ${steps} | ${randomReturn.toFixed(2)} | ${directReturn.toFixed(2)} (${gainPct(directReturn).toFixed(1)}%) | ${teacherReturn.toFixed(2)} | ${privilegedReturn.toFixed(2)} (${gainPct(privilegedReturn).toFixed(1)}%) | ${ratio} | ${(gainPct(privilegedReturn) - gainPct(directReturn)).toFixed(1)} | ${(100 * privilegedReturn / teacherReturn).toFixed(1)}% | ${teacherParams} | ${studentParams} |`);
  summary[game] = {
    env_steps: steps, privileged_env_steps: usedSteps, random_return: round(randomReturn, 3),
    direct_student_return: round(directReturn, 3), privileged_teacher_return: round(teacherReturn, 3), privileged_student_return: round(privilegedReturn, 3),
    student_over_direct: directReturn > 0 ? round(privilegedReturn / directReturn, 3) : null,
    direct_gain_pct: round(gainPct(directReturn), 1), privileged_gain_pct: round(gainPct(privilegedReturn), 1), gain_points: round(gainPct(privilegedReturn) - gainPct(directReturn), 1),
    student_of_teacher: round(privilegedReturn / teacherReturn, 3),
    teacher_params: teacherParams, student_params: studentParams, student_share_of_teacher: round(studentParams / teacherParams, 5),
    seconds: { direct: round(direct.seconds, 1), teacher: round(taught.seconds, 1), distill: round(distillSeconds, 1) },
  };
}

console.log('');
console.log(`backend ${backend}; students and teachers ${games.map((g) => `${g}: ${GAMES[g]!.temperature ? 'sample their actions (temperature 1)' : 'act greedily'}`).join(', ')}, on ${EVAL_SEED}'s seeds`);
console.log('(a student\'s % is its gain over random in % of the teacher\'s; points: the privileged student\'s % less the direct one\'s)');
console.log('| game | env steps (each side) | random | direct student | privileged teacher | privileged student | student / direct | points | student / teacher | teacher params | student params |');
console.log('| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |');
for (const r of rows) console.log(r);
const first = summary[games[0]!] as Record<string, unknown>;
console.log(JSON.stringify({ game: games[0], ...first, games: summary }));
