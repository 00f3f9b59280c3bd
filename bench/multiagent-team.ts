/**
 * Hunt's teams (issue 23), for bench:multiagent: three hunters trained together (three a scene,
 * one shared policy, the catch a group reward) against three hunters whose policy was trained
 * alone (one hunter a scene against the same prey, the same envs and total steps), and against
 * three scripted hunters (straight at the prey). Each team plays the same fresh episodes against
 * the scripted prey; its score is the share of episodes whose prey it caught.
 */
import { createSceneVectorEnv } from 'phaser-distill/node';
import { loadStudentPolicy, type StudentPolicy } from 'phaser-distill';
import { readFileSync } from 'node:fs';
import { PpoTrainer, defaultPpoConfig, loadTeacher, teacherFromTrainer } from 'phaser-distill/train';
import { PREY, chasePrey, fleePrey, huntGame } from '../games/hunt/scene.js';
import { evaluateHunt, type HuntStats } from '../games/hunt/evaluate.js';

export interface TeamScores {
  steps: number;
  team: HuntStats;
  independent: HuntStats;
  scripted: HuntStats;
  /** The alone-trained policy on its own, one hunter against the prey, and the team's policy alone. */
  independentAlone: HuntStats;
  teamAlone: HuntStats;
  trainSeconds: { team: number; independent: number };
}

/** PPO on Hunt with `hunters` hunters a scene and 48 envs in all, for `steps` steps: its greedy policy. */
export async function trainHunters(hunters: number, steps: number, seed = 1): Promise<{ policy: StudentPolicy; seconds: number }> {
  const numEnvs = 48;
  const env = await createSceneVectorEnv(huntGame(hunters), { envs: numEnvs, drivers: { [PREY]: fleePrey } });
  const config = { ...defaultPpoConfig, numEnvs, numSteps: 64, numMinibatches: 4, updateEpochs: 4, learningRate: 1e-3, entCoef: 0.01, totalTimesteps: steps, seed };
  const trainer = new PpoTrainer(env, config);
  const t0 = performance.now();
  await trainer.train();
  const seconds = (performance.now() - t0) / 1000;
  const teacher = teacherFromTrainer(trainer);
  const policy = loadStudentPolicy(teacher.policyFile(), { source: `hunt, ${hunters} hunter(s) a scene` });
  trainer.dispose();
  env.close();
  return { policy, seconds };
}

export interface ShippedScore {
  name: string;
  parameters: number;
  stats: HuntStats;
}

/**
 * The shipped teacher (assets/teachers/hunt, its actor greedy in the student runtime) and students,
 * each playing all three hunters on the same fresh episodes: the students' share of the teacher's
 * catches and of its parameters.
 */
export async function shippedScores(episodes = 200, students = ['s16-int8', 's8-int8', 's4-int8']): Promise<ShippedScore[]> {
  const dir = 'assets/teachers/hunt';
  const files = Object.fromEntries(['model.json', 'weights.bin', 'run.json'].map((f) => [f, new Uint8Array(readFileSync(`${dir}/${f}`))]));
  const teacher = await loadTeacher(files, 'hunt teacher');
  const parameters = teacher.parameterCount;
  const teacherPolicy = loadStudentPolicy(teacher.policyFile(), { source: dir });
  teacher.dispose();
  const out: ShippedScore[] = [{ name: 'teacher', parameters, stats: await evaluateHunt(teacherPolicy, { hunters: 3, episodes, seed: 5000 }) }];
  for (const name of students) {
    const policy = loadStudentPolicy(JSON.parse(readFileSync(`assets/policies/hunt/${name}.json`, 'utf8')), { source: name });
    out.push({ name, parameters: policy.parameterCount, stats: await evaluateHunt(policy, { hunters: 3, episodes, seed: 5000 }) });
  }
  return out;
}

export async function teamScores(steps: number, episodes = 200): Promise<TeamScores> {
  const team = await trainHunters(3, steps);
  const alone = await trainHunters(1, steps);
  return {
    steps,
    team: await evaluateHunt(team.policy, { hunters: 3, episodes }),
    independent: await evaluateHunt(alone.policy, { hunters: 3, episodes }),
    scripted: await evaluateHunt(chasePrey, { hunters: 3, episodes }),
    independentAlone: await evaluateHunt(alone.policy, { hunters: 1, episodes }),
    teamAlone: await evaluateHunt(team.policy, { hunters: 1, episodes }),
    trainSeconds: { team: team.seconds, independent: alone.seconds },
  };
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const { initBackend } = await import('phaser-distill/train');
  await initBackend('wasm');
  const s = await teamScores(Number(process.argv[2] ?? 300000), Number(process.argv[3] ?? 200));
  const f = (h: HuntStats) => `${h.caught}/${h.episodes} (${(100 * h.rate).toFixed(0)}%)`;
  console.log(`hunt, ${s.steps} steps each: trained team ${f(s.team)}, alone-trained x3 ${f(s.independent)}, scripted x3 ${f(s.scripted)}; alone: alone-trained ${f(s.independentAlone)}, team policy ${f(s.teamAlone)}; train ${s.trainSeconds.team.toFixed(0)} s / ${s.trainSeconds.independent.toFixed(0)} s`);
}
