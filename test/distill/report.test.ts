import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { EvaluationReport, PolicyEvaluation } from '../../src/distill/evaluate.js';
import { writeReport } from '../../src/distill/report.js';

const dir = mkdtempSync(join(tmpdir(), 'pd-report-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const row = (over: Partial<PolicyEvaluation>): PolicyEvaluation => ({
  name: 'x', role: 'student', hidden: [16], dtype: 'float32', episodes: 100, returnMean: 500, returnStd: 0, returnMin: 500, returnMax: 500,
  returnRatio: 1, gainRatio: 1, agreement: 0.99, parameters: 114, compression: 10, bytes: 900, gzipBytes: 600, runtimeUs: 0.3, tfjsUs: 40, speedup: 133, ...over,
});
const report: EvaluationReport = {
  game: 'balance <test>', backend: 'wasm', seed: 1, randomReturnMean: 20, randomReturnStd: 5, warnings: [],
  teacher: row({ name: 'teacher', role: 'teacher', hidden: [256, 256], parameters: 67_586, compression: 1, agreement: 1 }),
  students: [row({ name: 's16' }), row({ name: 's16-int8', dtype: 'int8', returnMean: 480, returnRatio: 0.96, gainRatio: 460 / 480 }), row({ name: 's8', hidden: [8], parameters: 58, returnRatio: 0.5 })],
};

describe('report writer', () => {
  it('writes Markdown, JSON and an SVG of return vs size', async () => {
    const files = await writeReport(dir, report);
    expect(files.map((f) => f.slice(dir.length + 1))).toEqual(['report.md', 'report.json', 'return-vs-size.svg']);
    const md = readFileSync(join(dir, 'report.md'), 'utf8');
    expect(md.split('\n').filter((l) => l.startsWith('| ') && !l.startsWith('| policy'))).toHaveLength(4);
    expect(md).toContain('| s16-int8 | 16 | int8 | 114 | 10.0x | 900 | 600 | 480.0 ± 0.0 | 96.0% | 95.8% | 99.00% | 0.300 | 40.0 | 133x |');
    expect(JSON.parse(readFileSync(join(dir, 'report.json'), 'utf8'))).toEqual(report);
    const svg = readFileSync(join(dir, 'return-vs-size.svg'), 'utf8');
    expect(svg.startsWith('<svg xmlns="http://www.w3.org/2000/svg"')).toBe(true);
    expect(svg.trim().endsWith('</svg>')).toBe(true);
    // One marker per policy (plus three in the legend), and the game name escaped.
    expect(svg.match(/<title>/g)).toHaveLength(4);
    expect(svg).toContain('balance &lt;test&gt;');
    expect(svg).not.toContain('NaN');
  });
});
