import { describe, expect, it } from 'vitest';
import { Rng } from '../../src/env/index.js';
import { dequantizeRows, quantizeRowsInt8 } from '../../src/distill/quantize.js';
import { MlpRuntime, decodePolicyFile } from '../../src/policy/index.js';
import { discrete } from '../../src/env/index.js';
import { randomPolicy } from '../helpers/random-policy.js';

describe('int8 quantisation', () => {
  it('keeps every weight within half a step (scale / 2) of its float value, per row', () => {
    const rng = new Rng(4);
    const outputs = 12;
    const inputs = 33;
    // Rows of very different magnitudes: per-row scales must keep the small rows precise.
    const w = Float32Array.from({ length: outputs * inputs }, (_, i) => rng.normal() * 10 ** ((Math.floor(i / inputs) % 4) - 2));
    const q = quantizeRowsInt8(w, outputs, inputs);
    const back = dequantizeRows(q, outputs, inputs);
    for (let o = 0; o < outputs; o++) {
      const row = w.subarray(o * inputs, (o + 1) * inputs);
      const max = Math.max(...Array.from(row, Math.abs));
      expect(q.scales[o]).toBeCloseTo(max / 127, 6);
      for (let i = 0; i < inputs; i++) {
        expect(Math.abs(back[o * inputs + i]! - row[i]!)).toBeLessThanOrEqual(q.scales[o]! / 2 * (1 + 1e-6));
        expect(Math.abs(q.q[o * inputs + i]!)).toBeLessThanOrEqual(127);
      }
    }
  });

  it('maps an all-zero row to zeros with scale 0', () => {
    const q = quantizeRowsInt8(new Float32Array(6), 2, 3);
    expect(Array.from(q.scales)).toEqual([0, 0]);
    expect(Array.from(dequantizeRows(q, 2, 3))).toEqual([0, 0, 0, 0, 0, 0]);
  });

  it('moves a linear layer output by at most (scale / 2) * sum |x| per unit', () => {
    const f32 = randomPolicy({ obsSize: 8, hidden: [], outputs: 4, actionSpace: discrete(4), normalize: false, seed: 9 });
    const i8 = randomPolicy({ obsSize: 8, hidden: [], outputs: 4, actionSpace: discrete(4), normalize: false, seed: 9, dtype: 'int8' });
    const a = new MlpRuntime(decodePolicyFile(f32).layers);
    const layer = decodePolicyFile(i8).layers[0]!;
    const b = new MlpRuntime([layer]);
    const rng = new Rng(2);
    for (let k = 0; k < 100; k++) {
      const x = Float32Array.from({ length: 8 }, () => 5 * rng.normal());
      a.input.set(x);
      b.input.set(x);
      const ya = Array.from(a.run());
      const yb = b.run();
      const l1 = x.reduce((s, v) => s + Math.abs(v), 0);
      ya.forEach((v, o) => expect(Math.abs(v - yb[o]!)).toBeLessThanOrEqual((layer.scales![o]! / 2) * l1 + 1e-4));
    }
  });
});
