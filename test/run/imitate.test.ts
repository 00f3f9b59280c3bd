/**
 * `phaser-distill imitate <config> --demos <path>`: Balance students cloned from 20 episodes of the
 * scripted expert recorded through the human path, written as policy files and evaluated; the
 * config's imitate keys parsed strictly (a mistyped one refused, exit 2, the key named).
 */
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, afterEach, describe, expect, it, vi } from 'vitest';
import 'phaser-distill/node';
import { loadStudentPolicy } from 'phaser-distill';
import { main } from '../../src/cli/main.js';
import { runImitate } from '../../src/run/imitate.js';
import { recordExpert } from '../../games/shared/record-expert.js';
import { BALANCE, BALANCE_AGENT } from '../../games/balance/scene.js';
import { balanceExpert } from '../../games/balance/expert.js';

const dir = mkdtempSync(join(tmpdir(), 'pd-imitate-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
afterEach(() => vi.restoreAllMocks());

function config(name: string, imitate: Record<string, unknown>): string {
  const path = join(dir, `${name}.json`);
  writeFileSync(path, JSON.stringify({ game: 'balance', env: resolve('games/balance/env.ts'), name, runsDir: join(dir, 'runs'), imitate, eval: { episodes: 10, numEnvs: 2 } }));
  return path;
}

describe('phaser-distill imitate', () => {
  it('clones students from recorded expert play, writes float32 and int8 policy files, and reports returns against the recorded ones', async () => {
    const rec = await recordExpert(BALANCE, BALANCE_AGENT, balanceExpert, { episodes: 20, seed: 10_000 });
    expect(rec.returns).toEqual(Array(20).fill(500));
    const demos = join(dir, 'balance.demo');
    writeFileSync(demos, rec.bytes);
    const cfg = config('clone', { students: [{ name: 'bc16', hidden: [16] }], config: { epochs: 40 } });
    const lines: string[] = [];
    const out = await runImitate(cfg, demos, (l) => lines.push(l));
    expect(out.files.map((f) => f.split('/').pop())).toEqual(['bc16-float32.json', 'bc16-int8.json']);
    for (const f of out.files) expect(loadStudentPolicy(readFileSync(f, 'utf8')).file.meta).toMatchObject({ learnedFrom: 'demonstrations', student: 'bc16' });
    expect(out.report.demoReturnMean).toBe(500);
    for (const s of out.report.students) expect(s.demoReturnRatio).toBeGreaterThanOrEqual(0.9);
    expect(existsSync(join(out.runDir, 'imitation.json'))).toBe(true);
    expect(lines.join('\n')).toMatch(/\| bc16-int8 \| 16 \|/);
  });

  it('refuses a mistyped imitate key (exit 2), naming it, and a config with no demos', async () => {
    const err = vi.spyOn(console, 'error').mockImplementation(() => {});
    expect(await main(['imitate', config('typo', { students: [{ name: 'bc', hidden: [8] }], config: { epoch: 5 } })])).toBe(2);
    expect(err.mock.calls.flat().join('\n')).toMatch(/config\.imitate\.config\.epoch: unknown key/);
    expect(await main(['imitate', config('typo2', { student: [{ name: 'bc', hidden: [8] }] })])).toBe(2);
    expect(err.mock.calls.flat().join('\n')).toMatch(/config\.imitate\.student: unknown key/);
    expect(await main(['imitate', config('nodemos', { students: [{ name: 'bc', hidden: [8] }] })])).toBe(2);
    expect(err.mock.calls.flat().join('\n')).toMatch(/config\.imitate\.demos: no demonstrations given/);
  });
});
