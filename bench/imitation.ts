/**
 * Imitation benchmark. Per game (Balance, Pong): 20 episodes of a scripted expert recorded through
 * the human path a player uses (games/shared/record-expert.ts: a real headless scene, the agent
 * driven by 'human', this.ai.record), a student cloned from them (src/distill/imitate.ts), and
 * expert and student (float32 and int8 policy files, played by the plain runtime) evaluated on the
 * same fresh seeds. The last
 * line is one JSON object. The recordings are written to runs/bench/imitation/{game}.demo (git-ignored),
 * for `phaser-distill imitate assets/policies/imitation/{game}.yaml --demos runs/bench/imitation/{game}.demo`.
 *
 *   npm run bench:imitation
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { initBackend, imitate, evaluateImitation, imitationMarkdown, defaultImitationConfig, type NamedStudent } from 'phaser-distill/train';
import type { Action, GameDef, VectorEnv } from 'phaser-distill';
import { recordExpert, type ExpertRecording } from '../games/shared/record-expert.js';
import { BALANCE, BALANCE_AGENT } from '../games/balance/scene.js';
import { balanceExpert } from '../games/balance/expert.js';
import { makeVectorEnv as balanceEnv } from '../games/balance/env.js';
import { PONG, PONG_AGENT } from '../games/pong/scene.js';
import { followBall } from '../games/pong/policies.js';
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
  pong: { game: PONG, agent: PONG_AGENT, expert: followBall, env: (n) => pongEnv({ numEnvs: n }), recordSeed: 20_000 },
};

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
console.log(JSON.stringify(result));
