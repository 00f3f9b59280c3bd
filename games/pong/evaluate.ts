/**
 * Measures a Pong policy's point win rate against the scripted opponent: matches on fresh seeds
 * in a headless game until `points` points have been played. Run as a script to evaluate the
 * saved teacher:  npx tsx games/pong/evaluate.ts [checkpoint dir] [points]
 */
import { HeadlessGame } from 'phaser-distill/node';
import type { Policy } from 'phaser-distill';
import { loadCheckpointDir } from 'phaser-distill/train';
import { PONG_HEIGHT, PONG_WIDTH, OBS_SIZE } from './constants.js';
import { PongScene, PONG_AGENT } from './scene.js';
import { TeacherPolicy } from '../shared/teacher-policy.js';
import { followBall } from './policies.js';

export interface PointStats {
  won: number;
  lost: number;
  /** Points won / points played. */
  rate: number;
  matches: number;
}

export async function evaluatePong(policy: Policy | ((obs: Float32Array) => number), options: { points?: number; seed?: number; numEnvs?: number } = {}): Promise<PointStats> {
  const points = options.points ?? 1000;
  const n = options.numEnvs ?? 16;
  const act = typeof policy === 'function' ? policy : (o: Float32Array) => policy.act(o) as number;
  const host = await HeadlessGame.create({ scene: PongScene, instances: n, width: PONG_WIDTH, height: PONG_HEIGHT });
  const env = host.vectorEnv(PONG_AGENT, true);
  try {
    let obs = env.reset(options.seed ?? 20_240_601);
    const actions = new Float32Array(n);
    let won = 0;
    let lost = 0;
    let matches = 0;
    while (won + lost < points) {
      for (let i = 0; i < n; i++) actions[i] = act(obs.subarray(i * OBS_SIZE, (i + 1) * OBS_SIZE));
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

if (import.meta.url === `file://${process.argv[1]}`) {
  const dir = process.argv[2] ?? 'assets/teachers/pong';
  const points = Number(process.argv[3] ?? 2000);
  const files = await loadCheckpointDir(dir);
  if (!files) throw new Error(`no checkpoint in ${dir} (expected ${dir}/latest)`);
  const teacher = await evaluatePong(new TeacherPolicy(files), { points });
  const follow = await evaluatePong(followBall, { points: Math.min(points, 400) });
  console.log(`teacher: won ${teacher.won} of ${teacher.won + teacher.lost} points (${(100 * teacher.rate).toFixed(1)}%) over ${teacher.matches} matches`);
  console.log(`followBall baseline: ${(100 * follow.rate).toFixed(1)}% of ${follow.won + follow.lost} points`);
  console.log(JSON.stringify({ teacher_point_win_rate: teacher.rate, points: teacher.won + teacher.lost, baseline_follow_rate: follow.rate }));
}
