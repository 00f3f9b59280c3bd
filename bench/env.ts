/**
 * Frames per second of Pong and Balance scenes, bare and through the env adapters, side by side
 * in one run:
 *   (a) bare: the headless game stepping N Pong scenes by itself (both paddles driven by the
 *       plugin, the learner by a fixed action cycle: the game with no trainer in the loop);
 *   (b) the same N scenes through SceneVectorEnv, with the same action cycle;
 *   (c) Balance: the plain simulation (BalanceEnv) vs its scene through SceneEnv and N = 8.
 * The last line is JSON; `sceneenv_over_bare` is the smallest (b)/(a) over the N tried.
 *   npm run bench:env
 */
import { HeadlessGame } from 'phaser-distill/node';
import { BalanceEnv } from '../games/balance/balance.js';
import { BALANCE, BALANCE_AGENT } from '../games/balance/scene.js';
import { PONG, PONG_AGENT } from '../games/pong/scene.js';

const SECONDS = Number(process.env.BENCH_SECONDS ?? 1.5);
const CYCLE = [0, 1, 2, 2, 1, 0, 0, 2];

/** Runs `work` (which returns frames done) repeatedly for SECONDS; frames per second. */
function rate(work: () => number): number {
  for (let k = 0; k < 3; k++) work(); // warm-up
  let frames = 0;
  const t0 = performance.now();
  while (performance.now() - t0 < SECONDS * 1000) frames += work();
  return frames / ((performance.now() - t0) / 1000);
}

async function pongBare(n: number): Promise<number> {
  const host = await HeadlessGame.create({ game: PONG, instances: n });
  // Every scene follows the cycle, one action per decision, as the vector env's scenes do in (b).
  for (const s of host.scenes) {
    let k = 0;
    s.ai.use(PONG_AGENT, () => CYCLE[k++ % CYCLE.length]!);
  }
  const fps = rate(() => {
    for (let f = 0; f < 100; f++) host.frame();
    return 100 * n;
  });
  host.destroy();
  return fps;
}

async function pongEnv(n: number): Promise<number> {
  const host = await HeadlessGame.create({ game: PONG, instances: n });
  const env = host.vectorEnv(PONG_AGENT, true);
  const period = host.plugin(0).require(PONG_AGENT).decisionPeriod;
  const actions = CYCLE.map((a) => new Float32Array(n).fill(a));
  env.reset(1);
  let k = 0;
  const fps = rate(() => {
    for (let s = 0; s < 25; s++) env.step(actions[k++ % actions.length]!);
    return 25 * period * n;
  });
  env.close();
  return fps;
}

async function balance(): Promise<{ bare: number; scene1: number; scene8: number }> {
  const sim = new BalanceEnv();
  let k = 0;
  sim.reset(1);
  const bare = rate(() => {
    for (let s = 0; s < 1000; s++) {
      const r = sim.step(CYCLE[k++ % 8]! % 2);
      if (r.terminated || r.truncated) sim.reset();
    }
    return 1000;
  });
  const host = await HeadlessGame.create({ game: BALANCE });
  const env = host.env(BALANCE_AGENT);
  env.reset(1);
  const scene1 = rate(() => {
    for (let s = 0; s < 200; s++) {
      const r = env.step(CYCLE[k++ % 8]! % 2);
      if (r.terminated || r.truncated) env.reset();
    }
    return 200;
  });
  host.destroy();
  const host8 = await HeadlessGame.create({ game: BALANCE, instances: 8 });
  const vec = host8.vectorEnv(BALANCE_AGENT, true);
  vec.reset(1);
  // The same pushes as the plain simulation's, so episodes end (and scenes restart) as often.
  const acts = CYCLE.map((a) => new Float32Array(8).fill(a % 2));
  const scene8 = rate(() => {
    for (let s = 0; s < 100; s++) vec.step(acts[k++ % 8]!);
    return 800;
  });
  vec.close();
  return { bare, scene1, scene8 };
}

const fmt = (x: number) => `${(x / 1000).toFixed(0).padStart(6)}k`;
const ratios: Record<string, number> = {};
console.log(`Pong, scene frames per second (best of 2), ${SECONDS} s each`);
for (const n of [1, 8, 32]) {
  // Interleaved and best of two: the machine is shared, and noise only slows a run down.
  const a1 = await pongBare(n);
  const b1 = await pongEnv(n);
  const a = Math.max(a1, await pongBare(n));
  const b = Math.max(b1, await pongEnv(n));
  ratios[`n${n}`] = b / a;
  console.log(`  N=${String(n).padStart(2)}  (a) bare ${fmt(a)}  (b) SceneVectorEnv ${fmt(b)}  (b)/(a) ${(b / a).toFixed(2)}`);
}
const bal = await balance();
console.log('Balance, steps per second');
console.log(`  plain simulation ${fmt(bal.bare)}  scene via SceneEnv ${fmt(bal.scene1)} (${(bal.scene1 / bal.bare).toFixed(3)}x)  scene via SceneVectorEnv N=8 ${fmt(bal.scene8)} (${(bal.scene8 / bal.bare).toFixed(3)}x)`);
const worst = Math.min(...Object.values(ratios));
console.log(JSON.stringify({ sceneenv_over_bare: Number(worst.toFixed(3)), pong_ratio_by_n: Object.fromEntries(Object.entries(ratios).map(([k, v]) => [k, Number(v.toFixed(3))])), balance_scene_over_plain: Number((bal.scene1 / bal.bare).toFixed(4)), balance_vec8_over_plain: Number((bal.scene8 / bal.bare).toFixed(4)) }));
