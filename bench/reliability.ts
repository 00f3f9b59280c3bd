/**
 * Reliability, measured side by side in one run: SIGKILLs during training and during resumes
 * (then every file of the run checked), fuzzed student files loaded in development and production
 * builds, fuzzed run configs read as the command line reads them, and the newer surfaces: fuzzed
 * demo files, refused exports, damaged self-play checkpoints, worker faults in parallel rollouts,
 * sweep faults on a Redis queue, and fuzzed ladder files. Prints what it did, then one JSON object.
 * See bench/reliability/ for how each is done and what each count means. `--only new` runs the
 * newer surfaces alone.
 *
 *   npm run bench:reliability [-- --kills 20 --files 2000 --configs 400 --demos 600 --exports 60 --ladders 300]
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { configFuzzStats } from './reliability/config-fuzz.js';
import { killTrials } from './reliability/kills.js';
import { policyFuzzStats } from './reliability/policy-fuzz.js';
import { demoFuzzStats } from './reliability/demo-fuzz.js';
import { exportFuzzStats } from './reliability/export-fuzz.js';
import { ladderFuzzStats } from './reliability/ladder-fuzz.js';
import { selfPlayDamageStats } from './reliability/selfplay-damage.js';
import { sweepFaultStats } from './reliability/sweep-faults.js';
import { workerFaultStats } from './reliability/worker-faults.js';

const { values } = parseArgs({ options: {
  kills: { type: 'string', default: '20' }, files: { type: 'string', default: '2000' }, configs: { type: 'string', default: '400' },
  demos: { type: 'string', default: '600' }, exports: { type: 'string', default: '60' }, ladders: { type: 'string', default: '300' },
  seed: { type: 'string', default: '1' }, only: { type: 'string' },
} });
const seed = Number(values.seed);
const older = values.only !== 'new';
const figures: Record<string, unknown> = { bench: 'reliability', seed };

const dir = mkdtempSync(join(tmpdir(), 'pd-reliability-'));
try {
  if (older) {
    const kills = await killTrials({ kills: Number(values.kills), dir, seed });
    console.log(`kills: ${kills.kills} SIGKILLs (${kills.kills_during_checkpoint_write} inside a checkpoint write), ${kills.resumes} resumes, ${kills.failed_resumes} failed; ${kills.corrupt_files} damaged files; at most ${kills.max_steps_lost} steps lost (checkpoint every ${kills.checkpoint_interval_steps} steps)`);
    for (const p of kills.problems) console.log(`  ${p}`);

    const policies = await policyFuzzStats(Number(values.files), seed);
    console.log(`student files: ${policies.fuzzed_files} fuzzed; accepted ${policies.accepted_development} in development, ${policies.accepted_production} in production; ${policies.loader_crashes} crashes; bad accepts ${policies.loader_bad_accepts_development} in development, ${policies.loader_bad_accepts_production} in production`);
    for (const e of policies.examples) console.log(`  ${e}`);

    const configs = configFuzzStats(Number(values.configs), seed);
    console.log(`configs: ${configs.configs} fuzzed; ${configs.accepted} valid, ${configs.config_errors} refused with a config error (exit 2), ${configs.config_stack_traces} stack traces`);
    for (const e of configs.examples) console.log(`  ${e}`);

    const { problems: _p, ...killFigures } = kills;
    const { examples: _e, ...policyFigures } = policies;
    const { examples: _c, ...configFigures } = configs;
    Object.assign(figures, killFigures, policyFigures, configFigures);
  }

  const demos = demoFuzzStats(Number(values.demos), seed);
  console.log(`demo files: ${demos.demo_files} fuzzed (one a valid recording of 150,000 episodes); ${demos.demo_accepted} accepted, ${demos.demo_refused} refused naming the file; ${demos.demo_crashes} crashes, ${demos.demo_bad_accepts} bad accepts`);
  const exports = await exportFuzzStats(Number(values.exports), seed);
  console.log(`exports: ${exports.export_cases} cases; ${exports.export_ok} exported, ${exports.export_refused} refused with exit 2; ${exports.export_stack_traces} stack traces, ${exports.export_bad_accepts} bad accepts, ${exports.export_leftovers} with leftovers`);
  const ladders = ladderFuzzStats(Number(values.ladders), seed);
  console.log(`ladder files: ${ladders.ladder_files} fuzzed; ${ladders.ladder_accepted} played at every level, ${ladders.ladder_refused} refused; ${ladders.ladder_crashes} crashes`);
  const selfPlay = await selfPlayDamageStats(dir);
  console.log(`self-play checkpoints: ${selfPlay.selfplay_damages} damages; ${selfPlay.selfplay_fell_back} resumed from the older checkpoint, ${selfPlay.selfplay_failed_resumes} failed resumes, ${selfPlay.selfplay_bad_accepts} took the damaged one`);
  const workers = await workerFaultStats(dir);
  console.log(`worker faults: ${workers.worker_faults} (throw, exit, hang, out of memory, a hang with SIGTERM, SIGINT, SIGHUP); ${workers.worker_hangs} hangs, ${workers.worker_unnamed} unnamed, ${workers.worker_checkpoints_lost} without a whole checkpoint; at most ${workers.worker_max_signal_to_exit_s.toFixed(1)} s from a signal to the end (step limit ${workers.worker_step_limit_s} s)`);
  const sweeps = await sweepFaultStats(dir);
  console.log(`sweeps: ${sweeps.sweep_scenarios} scenarios (worker SIGKILL, Redis restart, Redis data loss), ${sweeps.sweep_runs} runs; ${sweeps.sweep_runs_lost} lost, ${sweeps.sweep_coordinator_failures} coordinator failures`);
  for (const s of [demos, exports, ladders, selfPlay, workers, sweeps]) for (const e of s.examples) console.log(`  ${e}`);
  for (const s of [demos, exports, ladders, selfPlay, workers, sweeps]) {
    const { examples: _x, ...rest } = s;
    Object.assign(figures, rest);
  }
} finally {
  rmSync(dir, { recursive: true, force: true });
}
console.log(JSON.stringify(figures));
