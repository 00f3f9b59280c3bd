/**
 * Hunt with both sides learning (issue 23), for bench:multiagent: one run of
 * assets/policies/hunt/hunt-both.yaml (`train.alternate`: the hunters and the prey each train their
 * own policy, a side at a time, `teamChange` steps a turn), then, on the same fresh episodes:
 * the alternately-trained hunters' catch rate against the scripted prey (fleePrey) and against the
 * trained prey; and the trained prey's escape rate against the shipped hunters (assets/teachers/hunt,
 * 1M steps against the scripted prey) beside the scripted prey's. Each policy acts greedily in the
 * student runtime, from the files the run exported (`{run}/{behavior}/policy.json`).
 * Beside it, one run of assets/policies/hunt/hunt-prey.yaml (`train.behavior: prey`, the hunters
 * driven by the shipped s16 student through `train.drivers`): that prey's escape rate against the
 * shipped hunters (the teacher it never met, and the s16 it trained against).
 *   npx tsx bench/multiagent-alternate.ts [steps a side] [teamChange] [episodes] [window] [seed]
 */
// The headless host's browser globals, before anything imports Phaser.
import 'phaser-distill/node';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadStudentPolicy, type StudentPolicy } from 'phaser-distill';
import { loadTeacher } from 'phaser-distill/train';
import { fleePrey } from '../games/hunt/scene.js';
import { evaluateHunt, type HuntStats } from '../games/hunt/evaluate.js';
import { loadRunConfig } from '../src/config/run-config.js';
import { runTrain } from '../src/run/train.js';

export interface AlternateScores {
  stepsPerSide: number;
  teamChange: number;
  window: number;
  trainSeconds: number;
  /** The alternately-trained hunters against the scripted prey, and against the trained prey. */
  huntersVsScripted: HuntStats;
  huntersVsTrained: HuntStats;
  /** The shipped hunters against the scripted prey, and against the trained prey (escape = 1 - rate). */
  shippedVsScripted: HuntStats;
  shippedVsTrained: HuntStats;
  /** The prey trained against the shipped s16 hunters alone (hunt-prey.yaml), for the same steps, against the shipped teacher and s16. */
  preyOnlySeconds: number;
  shippedVsPreyOnly: HuntStats;
  s16VsPreyOnly: HuntStats;
  s16VsScripted: HuntStats;
}

const readPolicy = (path: string): StudentPolicy => loadStudentPolicy(JSON.parse(readFileSync(path, 'utf8')), { source: path });

export async function alternateScores(stepsPerSide = 300000, teamChange = 150000, episodes = 200, window?: number, seed?: number): Promise<AlternateScores> {
  const loaded = loadRunConfig('assets/policies/hunt/hunt-both.yaml');
  const base = { ...loaded, seed: seed ?? loaded.seed };
  window ??= base.train.alternate!.window;
  const runsDir = mkdtempSync(join(tmpdir(), 'hunt-both-'));
  try {
    const config = { ...base, runsDir, train: { ...base.train, alternate: { ...base.train.alternate!, teamChange, window }, ppo: { ...base.train.ppo, totalTimesteps: stepsPerSide } } };
    const started = performance.now();
    const run = await runTrain({ config }, { log: () => undefined });
    const trainSeconds = (performance.now() - started) / 1000;
    if (run.interrupted) throw new Error(`the alternating run stopped early (exit ${run.exitCode})`);
    const preyBase = loadRunConfig('assets/policies/hunt/hunt-prey.yaml');
    const preyStarted = performance.now();
    const preyRun = await runTrain({ config: { ...preyBase, seed: base.seed, runsDir, train: { ...preyBase.train, ppo: { ...preyBase.train.ppo, totalTimesteps: stepsPerSide } } } }, { log: () => undefined });
    const preyOnlySeconds = (performance.now() - preyStarted) / 1000;
    if (preyRun.interrupted) throw new Error(`the prey's run stopped early (exit ${preyRun.exitCode})`);
    const preyOnly = loadTeacher(Object.fromEntries(['model.json', 'weights.bin', 'run.json'].map((f) => [f, new Uint8Array(readFileSync(join(preyRun.runDir, 'teacher', f)))])), 'prey teacher');
    const preyOnlyPolicy = loadStudentPolicy((await preyOnly).policyFile(), { source: 'prey teacher' });
    (await preyOnly).dispose();
    const s16 = readPolicy('assets/policies/hunt/s16-float32.json');
    const hunters = readPolicy(join(run.runDir, 'hunter', 'policy.json'));
    const prey = readPolicy(join(run.runDir, 'prey', 'policy.json'));
    const dir = 'assets/teachers/hunt';
    const teacher = await loadTeacher(Object.fromEntries(['model.json', 'weights.bin', 'run.json'].map((f) => [f, new Uint8Array(readFileSync(join(dir, f)))])), 'hunt teacher');
    const shipped = loadStudentPolicy(teacher.policyFile(), { source: dir });
    teacher.dispose();
    const evalSeed = 7000;
    return {
      stepsPerSide,
      teamChange,
      window,
      trainSeconds,
      huntersVsScripted: await evaluateHunt(hunters, { episodes, seed: evalSeed, prey: fleePrey }),
      huntersVsTrained: await evaluateHunt(hunters, { episodes, seed: evalSeed, prey }),
      shippedVsScripted: await evaluateHunt(shipped, { episodes, seed: evalSeed, prey: fleePrey }),
      shippedVsTrained: await evaluateHunt(shipped, { episodes, seed: evalSeed, prey }),
      preyOnlySeconds,
      shippedVsPreyOnly: await evaluateHunt(shipped, { episodes, seed: evalSeed, prey: preyOnlyPolicy }),
      s16VsPreyOnly: await evaluateHunt(s16, { episodes, seed: evalSeed, prey: preyOnlyPolicy }),
      s16VsScripted: await evaluateHunt(s16, { episodes, seed: evalSeed, prey: fleePrey }),
    };
  } finally {
    rmSync(runsDir, { recursive: true, force: true });
  }
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const { initBackend } = await import('phaser-distill/train');
  await initBackend('wasm');
  const s = await alternateScores(Number(process.argv[2] ?? 300000), Number(process.argv[3] ?? 150000), Number(process.argv[4] ?? 200), process.argv[5] === undefined ? undefined : Number(process.argv[5]), process.argv[6] === undefined ? undefined : Number(process.argv[6]));
  const pct = (x: number) => `${(100 * x).toFixed(1)}%`;
  console.log(`hunt, both sides learning (${s.stepsPerSide} steps a side, teamChange ${s.teamChange}, window ${s.window}, ${s.trainSeconds.toFixed(0)} s):`);
  console.log(`  alternately-trained hunters catch: the scripted prey ${pct(s.huntersVsScripted.rate)}, the trained prey ${pct(s.huntersVsTrained.rate)}`);
  console.log(`  against the shipped hunters, escapes: the trained prey ${pct(1 - s.shippedVsTrained.rate)}, the scripted prey ${pct(1 - s.shippedVsScripted.rate)}`);
  console.log(`  a prey trained against the shipped s16 hunters alone (${s.preyOnlySeconds.toFixed(0)} s) escapes: the shipped teacher ${pct(1 - s.shippedVsPreyOnly.rate)}, s16 ${pct(1 - s.s16VsPreyOnly.rate)} (the scripted prey: ${pct(1 - s.shippedVsScripted.rate)}, ${pct(1 - s.s16VsScripted.rate)})`);
}
