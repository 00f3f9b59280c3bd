/**
 * Measures a Pong policy's point win rate against the scripted opponent, or against another
 * policy playing the right paddle: matches on fresh seeds in a headless game until `points`
 * points have been played. Run as a script to evaluate the shipped teacher (TensorFlow.js) and
 * students:  npx tsx games/pong/evaluate.ts [points]
 */
import { readFileSync, readdirSync } from 'node:fs';
import { HeadlessGame } from 'phaser-distill/node';
import { loadStudentPolicy, type OpponentPolicy, type Policy, type StudentPolicy } from 'phaser-distill';
import { initBackend, loadTeacher } from 'phaser-distill/train';
import { OBS_SIZE } from './constants.js';
import { PONG, PONG_AGENT } from './scene.js';
import { TeacherDriver } from '../shared/teacher-driver.js';
import { followBall } from './policies.js';

/** A policy that decides for all envs in one call (the TensorFlow.js teacher: one forward, not 16). */
export interface BatchPolicy {
  actBatch(observations: Float32Array, n: number): ArrayLike<number>;
}

/** The shipped Pong teacher, on TensorFlow.js (wasm in Node). */
export async function loadPongTeacher(dir = 'assets/teachers/pong'): Promise<TeacherDriver> {
  await initBackend('auto');
  const files = Object.fromEntries(['model.json', 'weights.bin', 'run.json'].map((f) => [f, new Uint8Array(readFileSync(`${dir}/${f}`))]));
  return new TeacherDriver(await loadTeacher(files, 'pong teacher'));
}

/** A teacher folder's actor as a plain greedy policy (the student runtime: the same choices as TensorFlow.js, and fast). */
export async function loadTeacherPolicy(dir: string): Promise<StudentPolicy> {
  await initBackend('auto');
  const files = Object.fromEntries(['model.json', 'weights.bin', 'run.json'].map((f) => [f, new Uint8Array(readFileSync(`${dir}/${f}`))]));
  const teacher = await loadTeacher(files, dir);
  try {
    return loadStudentPolicy(teacher.policyFile(), { source: dir });
  } finally {
    teacher.dispose();
  }
}

export interface PointStats {
  won: number;
  lost: number;
  /** Points won / points played. */
  rate: number;
  matches: number;
}

/**
 * `opponent` makes the right paddle's policy for each env (one per env, as a policy may keep
 * memory); without it the right paddle is the scene's scripted opponent.
 */
export async function evaluatePong(policy: Policy | BatchPolicy | ((obs: Float32Array) => number), options: { points?: number; seed?: number; numEnvs?: number; opponent?: (env: number) => OpponentPolicy } = {}): Promise<PointStats> {
  const points = options.points ?? 1000;
  const n = options.numEnvs ?? 16;
  const decide = (obs: Float32Array, actions: Float32Array) => {
    if ('actBatch' in policy) return actions.set(policy.actBatch(obs, n));
    const act = typeof policy === 'function' ? policy : (o: Float32Array) => policy.act(o) as number;
    for (let i = 0; i < n; i++) actions[i] = act(obs.subarray(i * OBS_SIZE, (i + 1) * OBS_SIZE));
  };
  const host = await HeadlessGame.create({ game: PONG, instances: n });
  const env = host.vectorEnv(PONG_AGENT, true);
  if (options.opponent) {
    const opponents = Array.from({ length: n }, (_, i) => options.opponent!(i));
    env.opponent!.choose = (i) => opponents[i]!;
  }
  try {
    let obs = env.reset(options.seed ?? 20_240_601);
    const actions = new Float32Array(n);
    let won = 0;
    let lost = 0;
    let matches = 0;
    while (won + lost < points) {
      decide(obs, actions);
      const r = env.step(actions);
      for (let i = 0; i < n; i++) {
        if (r.rewards[i]! > 0) won += r.rewards[i]!;
        else lost -= r.rewards[i]!;
      }
      matches += r.episodes.length;
      obs = r.observations;
    }
    return { won, lost, rate: won / (won + lost), matches };
  } finally {
    env.close();
  }
}

/**
 * Two policies head to head, each on each side for half the points (the sides are mirror images,
 * but serves and the paddles' timing are not shared): `a`'s share of all points played.
 */
export async function headToHead(a: Policy, b: Policy, options: { points?: number; seed?: number } = {}): Promise<PointStats> {
  const half = Math.ceil((options.points ?? 1000) / 2);
  const seed = options.seed ?? 20_240_601;
  const left = await evaluatePong(a, { points: half, seed, opponent: () => b });
  const right = await evaluatePong(b, { points: half, seed: seed + 1, opponent: () => a });
  const won = left.won + right.lost;
  const lost = left.lost + right.won;
  return { won, lost, rate: won / (won + lost), matches: left.matches + right.matches };
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const points = Number(process.argv[2] ?? 2000);
  const report = (name: string, s: PointStats) => console.log(`${name}: won ${s.won} of ${s.won + s.lost} points (${(100 * s.rate).toFixed(1)}%) over ${s.matches} matches`);
  const teacher = await evaluatePong(await loadPongTeacher(), { points });
  report('teacher (TensorFlow.js)', teacher);
  const students: Record<string, number> = {};
  for (const f of readdirSync('assets/policies/pong').filter((n) => /^s\d+-\w+\.json$/.test(n)).map((n) => n.replace(/\.json$/, ''))) {
    const s = await evaluatePong(loadStudentPolicy(readFileSync(`assets/policies/pong/${f}.json`, 'utf8')), { points });
    report(`student ${f}`, s);
    students[f] = s.rate;
  }
  const follow = await evaluatePong(followBall, { points: Math.min(points, 400) });
  report('followBall baseline', follow);
  console.log(JSON.stringify({ teacher_point_win_rate: teacher.rate, points: teacher.won + teacher.lost, students, baseline_follow_rate: follow.rate }));
}
