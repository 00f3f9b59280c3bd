/**
 * Reports that tell the truth: box agreement is measured on the actions the env receives (means
 * clipped to the box), with the unclipped figure beside it; a teacher that does not beat random
 * play is flagged in the report and its Markdown.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { SyncVectorEnv, box } from '../../src/env/index.js';
import { StudentPolicy, type PolicyFile } from '../../src/policy/index.js';
import { agrees, beatsRandom, evaluatePolicies, initBackend, reportMarkdown, type Teacher } from '../../src/train/index.js';
import { buildPolicyFile } from '../../src/distill/export.js';
import { MatchEnv } from '../helpers/tiny-envs.js';

/** A linear policy for MatchEnv (box [-2, 2]) whose mean is `scale` * x + `bias`. */
function linear(scale: number, bias: number): PolicyFile {
  return buildPolicyFile({
    observationSpace: box([1], -1, 1), actionSpace: box([1], -2, 2), observationNormalization: null,
    layers: [{ inputs: 1, outputs: 1, kernel: Float32Array.of(scale), bias: Float32Array.of(bias), activation: 'linear' }],
    logStd: [-1],
  });
}

/** A teacher as evaluation sees one, answering from a policy file (no TensorFlow.js network needed for these numbers). */
function teacherOf(file: PolicyFile): Teacher {
  const policy = new StudentPolicy(file, { source: 'teacher' });
  return {
    name: 'teacher', obsSize: 1, hasPolicyFile: true, policyFile: () => file,
    predict: (obs: Float32Array, n: number) => ({ policy: Float32Array.from({ length: n }, (_, i) => policy.logits(obs.subarray(i, i + 1))[0]!), value: new Float32Array(n) }),
  } as unknown as Teacher;
}

const envs = () => new SyncVectorEnv(Array.from({ length: 4 }, () => new MatchEnv()));

beforeAll(async () => {
  await initBackend('cpu');
});

describe('box agreement', () => {
  it('agrees(clip) compares what the env receives: two means past the same bound agree, the raw means do not', () => {
    const space = box([2], -1, 1);
    const a = Float32Array.of(3, 0.5);
    const b = Float32Array.of(1.05, 0.52);
    expect(agrees(space, a, b, 0, 0.1)).toBe(false);
    expect(agrees(space, a, b, 0, 0.1, null, true)).toBe(true);
    // Past opposite bounds, clipped or not, they disagree.
    expect(agrees(space, Float32Array.of(3, 0), Float32Array.of(-3, 0), 0, 0.1, null, true)).toBe(false);
  });

  it('a student saturated past the same bound as the teacher keeps 100% agreement on the env\'s actions, 0% on the raw means', async () => {
    // The teacher pushes to +5 everywhere, the student to +2.5: both act +2 (the box's top).
    const report = await evaluatePolicies('match', envs(), teacherOf(linear(0, 5)), [{ name: 'sat', file: linear(0, 2.5) }, { name: 'follow', file: linear(1, 0) }], { episodes: 8, seed: 5, latencyMs: 1 });
    const [sat, follow] = report.students;
    expect(sat!.agreement).toBe(1);
    expect(sat!.rawAgreement).toBe(0);
    expect(sat!.returnRatio).toBeCloseTo(1, 6);
    // A student that acts x (never +2) disagrees both ways.
    expect(follow!.agreement).toBe(0);
    expect(follow!.rawAgreement).toBe(0);
    const md = reportMarkdown(report);
    expect(md).toContain('| agreement | agreement, unclipped |');
    expect(md).toMatch(/\| sat \|.*\| 100\.00% \| 0\.00% \|/);
  });
});

describe('a teacher that does not beat random play', () => {
  it('beatsRandom wants more than two standard errors of the difference', () => {
    expect(beatsRandom(10, 0, 5, 0, 10)).toBe(true);
    expect(beatsRandom(5.5, 3, 5, 3, 10)).toBe(false);
    expect(beatsRandom(4, 0, 5, 0, 10)).toBe(false);
    expect(beatsRandom(5.5, 1, 5, 1, 10_000)).toBe(true);
  });

  it('is flagged in the report and at the top of its Markdown; a good teacher is not', async () => {
    // Acting +2 whatever x is: far worse than random in MatchEnv (reward -(a - x)^2).
    const bad = await evaluatePolicies('match', envs(), teacherOf(linear(0, 5)), [], { episodes: 16, seed: 5, latencyMs: 1 });
    expect(bad.teacher.returnMean).toBeLessThan(bad.randomReturnMean);
    expect(bad.warnings).toHaveLength(1);
    expect(bad.warnings[0]).toMatch(/^the teacher does not beat random play: its mean return -?\d+\.\d ± \d+\.\d against random actions' -?\d+\.\d ± \d+\.\d over 16 episodes/);
    expect(reportMarkdown(bad)).toContain(`> **Warning:** ${bad.warnings[0]}.`);
    // Acting x exactly: the best return, 0.
    const good = await evaluatePolicies('match', envs(), teacherOf(linear(1, 0)), [], { episodes: 16, seed: 5, latencyMs: 1 });
    expect(good.teacher.returnMean).toBeCloseTo(0, 4);
    expect(good.warnings).toEqual([]);
    expect(reportMarkdown(good)).not.toContain('Warning');
  });
});
