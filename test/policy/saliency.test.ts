import { describe, expect, it } from 'vitest';
import { box, discrete } from '../../src/env/index.js';
import { buildPolicyFile } from '../../src/distill/export.js';
import { StudentPolicy } from '../../src/policy/index.js';
import { saliency } from '../../src/policy/saliency.js';

describe('saliency', () => {
  it('ranks the feature the decision depends on first and an ignored feature at zero', () => {
    // logit 1 = 3 * x0 + 0.5 * x1; x2 is never read.
    const file = buildPolicyFile({
      observationSpace: box([3], -10, 10), actionSpace: discrete(2), observationNormalization: null, logStd: null,
      layers: [{ inputs: 3, outputs: 2, kernel: Float32Array.of(0, 3, 0, 0.5, 0, 0), bias: new Float32Array(2), activation: 'linear' }],
    });
    const s = saliency(new StudentPolicy(file), [0.1, 0.2, 0.3]);
    expect(s[0]).toBeGreaterThan(s[1]! * 3);
    expect(s[2]).toBe(0);
    expect(s.reduce((a, b) => a + b, 0)).toBeCloseTo(1, 5);
  });
});
