import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { runCalibrate } from '../../src/ladder/calibrate.js';
import { decodeLadderFile } from '../../src/policy/difficulty.js';

const dir = mkdtempSync(join(tmpdir(), 'pd-cal-elo-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const pongPolicy = (name: string) => resolve('assets/policies/pong', name);

describe('calibrate by Elo', () => {
  it("rates Pong's shipped students by matches between them and the scripted opponent, anchored at 1200", async () => {
    const config = join(dir, 'pong-elo.yaml');
    writeFileSync(config, [
      'game: pong', `env: ${resolve('games/pong/env.ts')}`, 'agent: paddle', 'metric: elo', 'numEnvs: 4', 'seed: 5',
      'episodes: { min: 4, max: 16 }', 'out: ./ladder.json', 'levels:',
      `  - { name: Rookie, policy: ${pongPolicy('s4-int8.json')}, temperature: 2, reactionDelay: 8, actionNoise: 0.5 }`,
      `  - { name: Expert, policy: ${pongPolicy('s16-int8.json')} }`,
    ].join('\n'));
    const lines: string[] = [];
    const started = performance.now();
    const result = await runCalibrate(config, (line) => lines.push(line));
    console.log(`${lines.join('\n')}\n(${((performance.now() - started) / 1000).toFixed(1)} s)`);

    const ladder = decodeLadderFile(JSON.parse(readFileSync(join(dir, 'ladder.json'), 'utf8')));
    expect(ladder.metric).toBe('elo');
    expect(ladder.anchor).toEqual({ agent: 'opponent', elo: 1200 });
    const [rookie, expert] = ladder.levels.map((l) => l.strength!);
    for (const s of [rookie!, expert!]) {
      for (const v of [s.mean, s.low, s.high]) expect(Number.isFinite(v)).toBe(true);
      expect(s.low).toBeLessThan(s.mean);
      expect(s.high).toBeGreaterThan(s.mean);
      // Each level played its pairing with the scripted opponent and the one with the other level.
      expect(s.episodes).toBeGreaterThanOrEqual(8);
    }
    expect(expert!.mean).toBeGreaterThan(rookie!.mean);
    expect(result.ladder.levels[1]!.strength).toEqual(expert);
    expect(lines.some((l) => /^round 0: Rookie -?\d+ \[/.test(l))).toBe(true);
    expect(lines.some((l) => /scripted +1200/.test(l))).toBe(true);
  });

  it('refuses metric elo on a game with no opponent to hand over (Balance), naming the key', async () => {
    const config = join(dir, 'balance-elo.yaml');
    writeFileSync(config, [
      'game: balance', `env: ${resolve('games/balance/env.ts')}`, 'agent: cart', 'metric: elo', 'numEnvs: 2', 'out: ./l.json',
      'levels: [{ name: a, policy: p.json }, { name: b, policy: p.json }]',
    ].join('\n'));
    await expect(runCalibrate(config, () => undefined)).rejects.toThrow(/balance-elo\.yaml:\n {2}config\.metric: 'elo' .*has no opponent to hand over: name the agent on the other side in defineGame/);
  });
});
