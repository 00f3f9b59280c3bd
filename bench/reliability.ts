/**
 * Reliability, measured side by side in one run: SIGKILLs during training and during resumes
 * (then every file of the run checked), fuzzed student files loaded in development and production
 * builds, and fuzzed run configs read as the command line reads them. Prints what it did, then one
 * JSON object. See bench/reliability/ for how each is done and what each count means.
 *
 *   npm run bench:reliability [-- --kills 20 --files 2000 --configs 400]
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { configFuzzStats } from './reliability/config-fuzz.js';
import { killTrials } from './reliability/kills.js';
import { policyFuzzStats } from './reliability/policy-fuzz.js';

const { values } = parseArgs({ options: { kills: { type: 'string', default: '20' }, files: { type: 'string', default: '2000' }, configs: { type: 'string', default: '400' }, seed: { type: 'string', default: '1' } } });
const seed = Number(values.seed);

const dir = mkdtempSync(join(tmpdir(), 'pd-reliability-'));
let kills;
try {
  kills = await killTrials({ kills: Number(values.kills), dir, seed });
} finally {
  rmSync(dir, { recursive: true, force: true });
}
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
console.log(JSON.stringify({ bench: 'reliability', seed, ...killFigures, ...policyFigures, ...configFigures }));
