/**
 * Many agents in one scene (issue 23), side by side in one run:
 *   (a) experiences per second of Gather (games/gather) with 1 runner a scene against 8 runners a
 *       scene, the same 16 scenes, stepped through SceneVectorEnv with uniformly random actions (one
 *       experience = one slot's decision); and the same at equal slots (128 scenes of 1 against 16
 *       of 8). The three alternate ROUNDS times (each after a warm-up), and the medians are kept.
 *   (b) PPO steps per second (wall clock) on the same two settings, 16 scenes each.
 *   (c) the crowd: one student deciding for 1,000 agents at 60 decisions a second in a real
 *       Chromium page, main-thread milliseconds a frame (p95), one batched call a frame.
 *   (d) teams, on Hunt (games/hunt, a catch takes two hunters at once from different sides): three hunters trained
 *       together (the catch a group reward) against three whose policy was trained alone (one
 *       hunter a scene, the same 48 envs and BENCH_TEAM_STEPS steps) and three scripted ones, each
 *       the share of 200 fresh episodes whose prey it caught (bench/multiagent-team.ts); and the
 *       shipped teacher and students playing the same 200 episodes, and whether the shipped ladder
 *       is strictly ordered.
 *   (e) both sides learning, on Hunt: hunters and prey trained in turn in one run (train.alternate,
 *       assets/policies/hunt/hunt-both.yaml, 300k steps a side); the hunters' catch rate against the
 *       scripted and the trained prey, and the trained prey's escape rate against the shipped
 *       hunters beside the scripted prey's; and a prey trained against the shipped s16 hunters
 *       alone (train.drivers, hunt-prey.yaml) (bench/multiagent-alternate.ts).
 * The last line is one JSON object.
 *   npm run bench:multiagent
 */
import { readFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { Rng, type VectorEnv } from 'phaser-distill';
import { createSceneVectorEnv } from 'phaser-distill/node';
import { PpoTrainer, defaultPpoConfig, initBackend } from 'phaser-distill/train';
import { gatherGame } from '../games/gather/scene.js';
import { crowdFrameTimes } from './multiagent-crowd.js';
import { shippedScores, teamScores } from './multiagent-team.js';
import { alternateScores } from './multiagent-alternate.js';

const SECONDS = Number(process.env.BENCH_SECONDS ?? 2);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3);
const N_AGENTS = 8;
const SCENES = 16;
const TEAM_STEPS = Number(process.env.BENCH_TEAM_STEPS ?? 1_000_000);

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

/** Experiences (slot decisions) per second of `env` under random actions, for SECONDS. */
function experiencesPerSecond(env: VectorEnv, seed: number): number {
  const rng = new Rng(seed);
  const n = env.numEnvs;
  const actions = new Int32Array(n);
  const step = () => {
    for (let i = 0; i < n; i++) actions[i] = rng.int(5);
    env.step(actions);
  };
  for (let k = 0; k < 20; k++) step(); // warm-up
  let steps = 0;
  const t0 = performance.now();
  while (performance.now() - t0 < SECONDS * 1000) {
    for (let k = 0; k < 10; k++) step();
    steps += 10;
  }
  return (steps * n) / ((performance.now() - t0) / 1000);
}

async function envRate(agents: number, scenes: number, round: number): Promise<number> {
  const env = await createSceneVectorEnv(gatherGame(agents), { instances: scenes });
  env.reset(round + 1);
  const rate = experiencesPerSecond(env, round + 1);
  env.close();
  return rate;
}

async function ppoRate(agents: number): Promise<{ stepsPerSecond: number; meanReturn: number }> {
  const env = await createSceneVectorEnv(gatherGame(agents), { instances: SCENES });
  const numEnvs = env.numEnvs;
  const numSteps = 64;
  const config = { ...defaultPpoConfig, numEnvs, numSteps, numMinibatches: 4, updateEpochs: 2, totalTimesteps: numEnvs * numSteps * 6, learningRate: 1e-3, seed: 1 };
  const trainer = new PpoTrainer(env, config);
  const returns: number[] = [];
  const t0 = performance.now();
  let steps = 0;
  await trainer.train(({ episodes, metrics }) => {
    for (const e of episodes) returns.push(e.return);
    steps = metrics.global_step;
    return true;
  });
  const seconds = (performance.now() - t0) / 1000;
  trainer.dispose();
  env.close();
  const last = returns.slice(-100);
  return { stepsPerSecond: steps / seconds, meanReturn: last.reduce((a, b) => a + b, 0) / Math.max(1, last.length) };
}

async function main(): Promise<void> {
  const one: number[] = [];
  const many: number[] = [];
  const oneEqualSlots: number[] = [];
  for (let r = 0; r < ROUNDS; r++) {
    one.push(await envRate(1, SCENES, r));
    many.push(await envRate(N_AGENTS, SCENES, r));
    oneEqualSlots.push(await envRate(1, SCENES * N_AGENTS, r));
    console.log(`round ${r + 1}: ${SCENES} scenes x 1 runner ${one.at(-1)!.toFixed(0)} experiences/s, ${SCENES} scenes x ${N_AGENTS} runners ${many.at(-1)!.toFixed(0)}, ${SCENES * N_AGENTS} scenes x 1 runner ${oneEqualSlots.at(-1)!.toFixed(0)}`);
  }
  const e1 = median(one);
  const eN = median(many);
  const eq = median(oneEqualSlots);
  console.log(`experiences/s (medians of ${ROUNDS}): 1 runner a scene ${e1.toFixed(0)}, ${N_AGENTS} a scene ${eN.toFixed(0)}: ${(eN / e1).toFixed(2)}x at ${SCENES} scenes; at ${SCENES * N_AGENTS} slots each, ${(eN / eq).toFixed(2)}x`);

  await initBackend('wasm');
  const ppo1 = await ppoRate(1);
  const ppoN = await ppoRate(N_AGENTS);
  console.log(`PPO on ${SCENES} scenes (wall clock, learner included): 1 runner a scene ${ppo1.stepsPerSecond.toFixed(0)} steps/s, ${N_AGENTS} a scene ${ppoN.stepsPerSecond.toFixed(0)} (${(ppoN.stepsPerSecond / ppo1.stepsPerSecond).toFixed(2)}x)`);

  const teams = await teamScores(TEAM_STEPS);
  const pct = (r: number) => `${(100 * r).toFixed(0)}%`;
  console.log(`Hunt teams (${TEAM_STEPS} steps each, ${teams.team.episodes} episodes each): trained together ${pct(teams.team.rate)} caught, members trained alone ${pct(teams.independent.rate)}, scripted ${pct(teams.scripted.rate)}; training ${teams.trainSeconds.team.toFixed(0)} s and ${teams.trainSeconds.independent.toFixed(0)} s`);

  const shipped = await shippedScores();
  const teacher = shipped[0]!;
  // The best student within 5% of the teacher's parameters, by its share of the teacher's catches.
  const small = shipped.slice(1).filter((s) => s.parameters <= 0.05 * teacher.parameters);
  const best = small.reduce<(typeof shipped)[number] | null>((a, s) => (a === null || s.stats.rate > a.stats.rate ? s : a), null);
  console.log(`Hunt's shipped policies, three hunters on the same ${teacher.stats.episodes} episodes: ${shipped.map((s) => `${s.name} (${s.parameters} parameters) ${pct(s.stats.rate)}`).join(', ')}`);

  // The shipped ladder as calibrated (phaser-distill calibrate assets/policies/hunt/ladder.yaml): each level's 95% interval above the one below.
  const ladder = JSON.parse(readFileSync('assets/policies/hunt/ladder.json', 'utf8')) as { levels: { name: string; strength: { low: number; high: number } }[] };
  const ordered = ladder.levels.every((l, i) => i === 0 || l.strength.low > ladder.levels[i - 1]!.strength.high);

  const both = await alternateScores();
  console.log(`Hunt, both sides learning (${both.stepsPerSide} steps a side, teamChange ${both.teamChange}, ${both.trainSeconds.toFixed(0)} s): the hunters catch the scripted prey ${pct(both.huntersVsScripted.rate)}, the trained prey ${pct(both.huntersVsTrained.rate)}; against the shipped hunters the trained prey escapes ${pct(1 - both.shippedVsTrained.rate)}, the scripted prey ${pct(1 - both.shippedVsScripted.rate)}; a prey trained against the shipped s16 alone escapes the shipped teacher ${pct(1 - both.shippedVsPreyOnly.rate)}`);

  const crowd = await crowdFrameTimes();
  console.log(`crowd: ${crowd.agents} agents, ${crowd.decisionsPerSecond} decisions/s each, in Chromium: ${crowd.frames} frames, main-thread ms a frame in the plugin's step p50 ${crowd.p50.toFixed(2)}, p95 ${crowd.p95.toFixed(2)}, max ${crowd.max.toFixed(1)} (of which the scene's own fixedUpdate p95 ${crowd.gameP95.toFixed(2)}); ${crowd.stepsPerFrame.toFixed(2)} steps a frame; student ${crowd.student}, ${crowd.parameters} parameters, one actMany call a step`);

  console.log(JSON.stringify({
    game: 'gather',
    agents_per_scene: N_AGENTS,
    scenes: SCENES,
    experiences_per_s_1_agent: Math.round(e1),
    experiences_per_s_n_agents: Math.round(eN),
    speedup: Number((eN / e1).toFixed(2)),
    experiences_per_s_1_agent_equal_slots: Math.round(eq),
    speedup_equal_slots: Number((eN / eq).toFixed(2)),
    ppo_steps_per_s_1_agent: Math.round(ppo1.stepsPerSecond),
    ppo_steps_per_s_n_agents: Math.round(ppoN.stepsPerSecond),
    ppo_speedup: Number((ppoN.stepsPerSecond / ppo1.stepsPerSecond).toFixed(2)),
    crowd_agents: crowd.agents,
    crowd_decisions_per_s: crowd.decisionsPerSecond,
    crowd_ms_per_frame_p50: Number(crowd.p50.toFixed(3)),
    crowd_ms_per_frame_p95: Number(crowd.p95.toFixed(3)),
    load_average_1min: Number(loadavg()[0]!.toFixed(1)),
    team_game: 'hunt',
    team_steps: TEAM_STEPS,
    team_score: Number(teams.team.rate.toFixed(3)),
    scripted_team_score: Number(teams.scripted.rate.toFixed(3)),
    independent_team_score: Number(teams.independent.rate.toFixed(3)),
    team_beats_scripted: teams.team.rate > teams.scripted.rate,
    team_beats_independent: teams.team.rate > teams.independent.rate,
    shipped_teacher_score: Number(teacher.stats.rate.toFixed(3)),
    best_small_student: best?.name ?? null,
    best_small_student_score: best ? Number(best.stats.rate.toFixed(3)) : null,
    best_small_student_share_of_teacher: best ? Number((best.stats.rate / teacher.stats.rate).toFixed(3)) : null,
    best_small_student_share_of_parameters: best ? Number((best.parameters / teacher.parameters).toFixed(4)) : null,
    team_ladder_strictly_ordered: ordered,
    alternate_steps_per_side: both.stepsPerSide,
    alternate_team_change: both.teamChange,
    alternate_train_seconds: Math.round(both.trainSeconds),
    alternate_hunters_vs_scripted_prey: Number(both.huntersVsScripted.rate.toFixed(3)),
    alternate_hunters_vs_trained_prey: Number(both.huntersVsTrained.rate.toFixed(3)),
    trained_prey_escape_vs_shipped: Number((1 - both.shippedVsTrained.rate).toFixed(3)),
    scripted_prey_escape_vs_shipped: Number((1 - both.shippedVsScripted.rate).toFixed(3)),
    trained_prey_beats_scripted: both.shippedVsTrained.rate < both.shippedVsScripted.rate,
    prey_only_escape_vs_shipped: Number((1 - both.shippedVsPreyOnly.rate).toFixed(3)),
  }));
}

await main();
