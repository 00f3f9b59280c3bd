/**
 * The reliability suite, at the scale of a test run (`npm run bench:reliability` runs it larger):
 * a training run killed with SIGKILL during training and during resumes loses no file and at most
 * one checkpoint interval; fuzzed student files never crash the loader or play outside their
 * action space, and a production build refuses every file a development build refuses; fuzzed
 * configs never reach the user as a stack trace. Signals and damaged checkpoints are tested in
 * test/run/train.test.ts.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { configFuzzStats } from '../../bench/reliability/config-fuzz.js';
import { killTrials } from '../../bench/reliability/kills.js';
import { policyFuzzStats } from '../../bench/reliability/policy-fuzz.js';
import { demoFuzzStats } from '../../bench/reliability/demo-fuzz.js';
import { exportFuzzStats } from '../../bench/reliability/export-fuzz.js';
import { ladderFuzzStats } from '../../bench/reliability/ladder-fuzz.js';

const dir = mkdtempSync(join(tmpdir(), 'pd-reliability-test-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('reliability', () => {
  it('survives SIGKILLs during training and during resumes: no damaged file, at most one checkpoint interval lost', async () => {
    const s = await killTrials({ kills: 4, dir, seed: 2 });
    expect(s.problems).toEqual([]);
    expect(s.kills).toBe(4);
    expect(s.resumes).toBe(4);
    expect(s.failed_resumes).toBe(0);
    expect(s.corrupt_files).toBe(0);
    expect(s.max_steps_lost).toBeLessThanOrEqual(s.checkpoint_interval_steps);
  });

  it('loads 1,000 fuzzed student files in both builds with no crash and no bad accept', async () => {
    const s = await policyFuzzStats(1000, 2);
    expect(s.examples).toEqual([]);
    expect(s.fuzzed_files).toBe(1000);
    expect(s.loader_crashes).toBe(0);
    expect(s.loader_bad_accepts_development).toBe(0);
    expect(s.loader_bad_accepts_production).toBe(0);
    // The mutations leave some files loadable, so both verdicts were exercised.
    expect(s.accepted_production).toBeGreaterThan(50);
    expect(s.accepted_production).toBeLessThan(950);
  });

  it('reads 200 fuzzed configs with no stack trace', () => {
    const s = configFuzzStats(200, 2);
    expect(s.examples).toEqual([]);
    expect(s.configs).toBe(200);
    expect(s.config_stack_traces).toBe(0);
    expect(s.config_errors).toBeGreaterThan(100);
  });

  it('reads 300 fuzzed demo files (and one of 150,000 episodes) with no crash and no bad accept', () => {
    const s = demoFuzzStats(300, 2);
    expect(s.examples).toEqual([]);
    expect(s.demo_files).toBe(300);
    expect([s.demo_crashes, s.demo_bad_accepts]).toEqual([0, 0]);
    expect(s.demo_refused).toBeGreaterThan(200);
    expect(s.demo_accepted).toBeGreaterThan(0);
  });

  it('refuses 50 bad exports with exit 2, no stack trace and nothing left behind', async () => {
    const s = await exportFuzzStats(50, 2);
    expect(s.examples).toEqual([]);
    expect(s.export_cases).toBe(50);
    expect([s.export_stack_traces, s.export_bad_accepts, s.export_leftovers]).toEqual([0, 0, 0]);
    expect(s.export_refused).toBeGreaterThan(30);
    expect(s.export_ok).toBeGreaterThan(1);
  });

  it('plays 200 fuzzed ladder files at every level, or refuses them, with no crash', () => {
    const s = ladderFuzzStats(200, 2);
    expect(s.examples).toEqual([]);
    expect(s.ladder_files).toBe(200);
    expect(s.ladder_crashes).toBe(0);
    expect(s.ladder_accepted).toBeGreaterThan(0);
    expect(s.ladder_refused).toBeGreaterThan(100);
  });
});
