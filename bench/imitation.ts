/**
 * Imitation benchmark. Per game (Balance, Pong): 20 episodes of a scripted expert recorded through
 * the human path a player uses (games/shared/record-expert.ts: a real headless scene, the agent
 * driven by 'human', this.ai.record), a student cloned from them (src/distill/imitate.ts), and
 * expert and student (float32 and int8 policy files, played by the plain runtime) evaluated on the
 * same fresh seeds. Then PPO on Balance with and without BC from its 20 demos (a BC loss beside
 * PPO's; the same after BC pre-training of the actor), same seeds (SEEDS): the env steps each takes to the teacher threshold (the mean of the last 10 training
 * episodes reaching 475, as bench/ppo.ts measures Balance), side by side. Pong's PPO (1M steps in
 * assets/policies/pong/pong.yaml) takes minutes a run on 2 cores, so it runs on one seed and only
 * with --pong; then steps_with_bc and steps_without_bc are Pong's (ppo_game says which game). The last
 * line is one JSON object. The recordings are written to runs/bench/imitation/{game}.demo (git-ignored),
 * for `phaser-distill imitate assets/policies/imitation/{game}.yaml --demos runs/bench/imitation/{game}.demo`.
 *
 *   npm run bench:imitation
 *   npm run bench:imitation -- --no-ppo     # the cloning half only
 *   npm run bench:imitation -- --pong       # also Pong's PPO with and without BC (one seed, two runs of up to 1M steps: about 5 more minutes)
 *   npm run bench:imitation -- --selfplay   # also bench/selfplay.ts (a self-play Pong teacher, 1M steps, about 4 more minutes): the selfplay_* keys
 *   npm run bench:players                   # all of it: --pong --selfplay
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { initBackend, imitate, type BcConfig, evaluateImitation, imitationMarkdown, defaultImitationConfig, type NamedStudent } from 'phaser-distill/train';
import type { Action, GameDef, VectorEnv } from 'phaser-distill';
import { compareBc, median } from './imitation-ppo.js';
import { benchSelfPlay } from './selfplay.js';
import { recordExpert, type ExpertRecording } from '../games/shared/record-expert.js';
import { BALANCE, BALANCE_AGENT } from '../games/balance/scene.js';
import { balanceExpert } from '../games/balance/expert.js';
import { makeVectorEnv as balanceEnv } from '../games/balance/env.js';
import { PONG, PONG_AGENT } from '../games/pong/scene.js';
import { aimBall } from '../games/pong/policies.js';
import { makeVectorEnv as pongEnv } from '../games/pong/env.js';

const EPISODES = 20;
const EVAL_EPISODES = 100;
const EVAL_SEED = 1_000_003;

interface GameSpec {
  game: GameDef;
  agent: string;
  expert: (obs: Float32Array) => Action;
  env: (numEnvs: number) => VectorEnv | Promise<VectorEnv>;
  recordSeed: number;
}

const GAMES: Record<string, GameSpec> = {
  balance: { game: BALANCE, agent: BALANCE_AGENT, expert: balanceExpert, env: (n) => balanceEnv({ numEnvs: n }), recordSeed: 10_000 },
  pong: { game: PONG, agent: PONG_AGENT, expert: aimBall, env: (n) => pongEnv({ numEnvs: n }), recordSeed: 20_000 },
};

const args = process.argv.slice(2);
const SEEDS = [1, 2, 3];
const backend = await initBackend('wasm');
console.log(`backend ${backend}; ${EPISODES} expert episodes per game recorded through the human path; evaluation: ${EVAL_EPISODES} episodes from seed ${EVAL_SEED}`);
const result: Record<string, unknown> = {};
const ratios: Record<string, number> = {};
const recordings: Record<string, ExpertRecording> = {};
for (const [name, spec] of Object.entries(GAMES)) {
  let t = performance.now();
  const rec = await recordExpert(spec.game, spec.agent, spec.expert, { episodes: EPISODES, seed: spec.recordSeed, meta: { game: name, expert: spec.expert.name } });
  recordings[name] = rec;
  // For the command line: phaser-distill imitate assets/policies/imitation/{game}.yaml --demos runs/bench/imitation/{game}.demo
  mkdirSync('runs/bench/imitation', { recursive: true });
  writeFileSync(`runs/bench/imitation/${name}.demo`, rec.bytes);
  const recordS = (performance.now() - t) / 1000;
  t = performance.now();
  const student = await imitate(rec.demo, { ...defaultImitationConfig });
  const trainS = (performance.now() - t) / 1000;
  const files: NamedStudent[] = (['float32', 'int8'] as const).map((dtype) => ({ name: `bc${student.config.hidden.join('x')}-${dtype}`, file: student.toPolicyFile(dtype, { game: name }) }));
  const env = await spec.env(8);
  const report = await evaluateImitation(name, env, rec.demo, files, { episodes: EVAL_EPISODES, seed: EVAL_SEED, expert: spec.expert });
  env.close();
  console.log(`\n${imitationMarkdown(report)}`);
  console.log(`recorded ${rec.demo.rewards.length} decisions in ${recordS.toFixed(1)} s; cloned in ${trainS.toFixed(1)} s over ${student.history.length} epochs, held-out accuracy ${(100 * student.keptAccuracy!).toFixed(1)}%`);
  ratios[name] = report.students[0]!.expertReturnRatio!;
  result[`${name}_expert_return`] = report.expert!.returnMean;
  result[`${name}_student_return`] = report.students[0]!.returnMean;
  result[`${name}_student_int8_return`] = report.students[1]!.returnMean;
  result[`${name}_held_out_accuracy`] = student.keptAccuracy;
  student.dispose();
}
result.bc_return_ratio = ratios;
if (!args.includes('--no-ppo')) {
  // ML-Agents' strength 1 on a demo minibatch per PPO minibatch, annealed to 0 over 50k steps; and the
  // same after 10 epochs of BC pre-training of the actor.
  const loss: BcConfig = { demos: 'runs/bench/imitation/balance.demo', strength: 1, steps: 50_000, batchSize: 256, pretrainEpochs: 0 };
  const variants = [
    { name: 'PPO', bc: null },
    { name: 'PPO + BC loss', bc: loss },
    { name: 'BC pre-training + PPO + BC loss', bc: { ...loss, pretrainEpochs: 10 } },
  ];
  console.log(`\nPPO on Balance (defaultPpoConfig), same seeds, with and without BC from the 20 recorded episodes (strength ${loss.strength} annealed over ${loss.steps} steps, batch ${loss.batchSize}; pre-training 10 epochs): steps until the mean of the last 10 training episodes reaches 475 (at least 8000: 10 episodes of 500 steps on 8 envs)`);
  const cmp = await compareBc((n) => balanceEnv({ numEnvs: n }), {}, variants, recordings.balance!.demo, SEEDS, 10, 475, console.log);
  const med = (name: string) => median(cmp[name]!.map((r) => r.steps));
  console.log(`median over seeds ${SEEDS.join(', ')}: ${variants.map((v) => `${v.name} ${med(v.name) ?? 'not reached'}`).join(' | ')} steps`);
  Object.assign(result, {
    ppo_game: 'balance', ppo_threshold: 475, ppo_seeds: SEEDS,
    steps_without_bc: med('PPO'), steps_with_bc: med('BC pre-training + PPO + BC loss'), steps_with_bc_loss_only: med('PPO + BC loss'),
    balance_steps_per_seed: Object.fromEntries(variants.map((v) => [v.name, cmp[v.name]!.map((r) => r.steps)])),
  });
}
if (args.includes('--pong')) {
  // Pong's shipped teacher settings (assets/policies/pong/pong.yaml), one seed: up to
  // 1M steps a run (about 3 minutes here). The threshold: the mean of the last 20 training matches (sampled actions) reaching 4 (5 : 1).
  // BC from aimBall's matches: 50 epochs of pre-training (with 10 or 20 the actor's sampled choices
  // return about 2.5 and PPO took longer than alone), then strength 1 annealed over 50k steps.
  const pong = { totalTimesteps: 1_000_000, numEnvs: 16, numSteps: 128, numMinibatches: 4, updateEpochs: 4, learningRate: 0.0005, gamma: 0.99, gaeLambda: 0.95, entCoef: 0.01 };
  const bc: BcConfig = { demos: 'runs/bench/imitation/pong.demo', strength: 1, steps: 50_000, batchSize: 256, pretrainEpochs: 50 };
  const variants = [{ name: 'PPO', bc: null }, { name: 'BC pre-training + PPO + BC loss', bc }];
  console.log(`\nPPO on Pong (pong.yaml's settings, 1M steps at most), seed 1, with and without BC from the 20 recorded matches (strength ${bc.strength} annealed over ${bc.steps} steps, pre-training ${bc.pretrainEpochs} epochs): steps until the mean of the last 20 training matches reaches 4`);
  const cmp = await compareBc((n) => pongEnv({ numEnvs: n }), pong, variants, recordings.pong!.demo, [1], 20, 4, console.log);
  Object.assign(result, {
    balance_steps_without_bc: result.steps_without_bc, balance_steps_with_bc: result.steps_with_bc,
    ppo_game: 'pong', ppo_threshold: 4, ppo_seeds: [1],
    steps_without_bc: cmp.PPO![0]!.steps, steps_with_bc: cmp['BC pre-training + PPO + BC loss']![0]!.steps,
  });
}
if (args.includes('--selfplay')) {
  console.log('\nSelf-play on Pong (bench/selfplay.ts): a teacher trained against its own snapshots only, played against the scripted-trained teacher and the scripted opponent');
  Object.assign(result, await benchSelfPlay(null));
}
console.log(JSON.stringify(result));
