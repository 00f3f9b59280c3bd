/**
 * Recording play on the Pong page, end to end, as a player does it: in headless Chromium the right
 * paddle is played with held arrow keys (real key presses; game time fast-forwarded in the page,
 * so the machine's speed does not matter), the page's Record button keeps two matches, "Drop last
 * match" lets go of the second, and "Download pong.demo" saves the file, caught as a real browser
 * download. The command line then reads that file: `phaser-distill demo` describes it and
 * `phaser-distill imitate` (the shipped Pong imitation config, with a temporary runs folder and a
 * short evaluation) clones students from it, written as policy files that load.
 */
import { execFile } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import type { Page } from 'playwright-core';
import { afterAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { decodeDemo } from '../../src/demo/index.js';
import { loadStudentPolicy } from '../../src/policy/index.js';
import { openPage, screenshot, useBrowser } from './harness.js';

const h = useBrowser();
const run = promisify(execFile);
const dir = mkdtempSync(join(tmpdir(), 'pd-recording-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

interface Episode {
  length: number;
  return: number;
  done: 'terminated' | 'truncated';
}

/** What the test reads of the page (window.pong). */
interface PongHooks {
  ready?: boolean;
  error?: string;
  restart(seed: number): void;
  advance(steps: number): void;
  scene(): { frames: number; ball: { y: number }; right: { y: number } };
  recording: { recording(): boolean; episodes(): Episode[]; steps(): number; lastDownload(): { name: string; bytes: number } | null };
}
type Win = { pong: PongHooks };

/** Simulation steps run between two looks at the field: a player's reaction, a seventh of a second. */
const LOOK_EVERY = 8;
/** Two matches take at most 2 x 3600 steps; this bounds the loop well above that. */
const MAX_STEPS = 3 * 3600;

async function ready(page: Page): Promise<void> {
  await page.waitForFunction(() => {
    const p = (window as unknown as Partial<Win>).pong;
    return p?.ready === true || p?.error !== undefined;
  }, undefined);
  expect(await page.evaluate(() => (window as unknown as Win).pong.error)).toBeUndefined();
}

const kept = (page: Page) => page.evaluate(() => (window as unknown as Win).pong.recording.episodes());

/** The CLI, as a user runs it: its own Node process. */
async function cli(args: string[]): Promise<{ code: number; out: string }> {
  try {
    const { stdout, stderr } = await run(process.execPath, ['bin/phaser-distill.mjs', ...args], { maxBuffer: 16 << 20 });
    return { code: 0, out: stdout + stderr };
  } catch (e) {
    const err = e as { code?: number; stdout?: string; stderr?: string };
    return { code: typeof err.code === 'number' ? err.code : -1, out: `${err.stdout ?? ''}${err.stderr ?? ''}` };
  }
}

describe('recording play on the Pong page', () => {
  it('records two matches of the right paddle with the arrow keys, drops one, downloads pong.demo, and imitate learns from it', async () => {
    const { page, errors } = await openPage(h, 'games/pong/index.html');
    await ready(page);
    // The default: you play the right paddle.
    expect(await page.inputValue('#opponent')).toBe('human');
    // Nothing kept yet: the drop and download buttons wait for a match.
    expect(await page.isDisabled('#drop-last')).toBe(true);
    expect(await page.isDisabled('#download')).toBe(true);

    // A fresh match, then Record, pressed as a player presses it.
    await page.evaluate(() => (window as unknown as Win).pong.restart(4242));
    await page.waitForFunction(() => (window as unknown as Win).pong.scene().frames >= 2);
    await page.click('#record');
    expect(await page.textContent('#record')).toBe('Stop recording');
    expect(await page.evaluate(() => (window as unknown as Win).pong.recording.recording())).toBe(true);

    // The player: every few steps, look where the ball is and hold the arrow that moves the paddle
    // towards it (or neither when level with it). A held key's keydown repeats, as a keyboard's
    // does, so a new match (the scene restarts and forgets held keys) sees it too.
    let held: string | null = null;
    const presses = { ArrowUp: 0, ArrowDown: 0 };
    let steps = 0;
    while (steps < MAX_STEPS) {
      const look = await page.evaluate((n) => {
        const pong = (window as unknown as Win).pong;
        pong.advance(n);
        const scene = pong.scene();
        return { ball: scene.ball.y, paddle: scene.right.y, kept: pong.recording.episodes().length };
      }, LOOK_EVERY);
      steps += LOOK_EVERY;
      if (look.kept >= 2) break;
      const want = look.ball < look.paddle - 12 ? 'ArrowUp' : look.ball > look.paddle + 12 ? 'ArrowDown' : null;
      if (held && held !== want) await page.keyboard.up(held);
      if (want) {
        await page.keyboard.down(want);
        if (want !== held) presses[want] += 1;
      }
      held = want;
    }
    if (held) await page.keyboard.up(held);
    const two = await kept(page);
    console.log(`recorded on the Pong page (${steps} steps fast-forwarded, presses ${JSON.stringify(presses)}): ${JSON.stringify(two)}`);
    expect(two.length, JSON.stringify(two)).toBe(2);
    expect(presses.ArrowUp).toBeGreaterThan(0);
    expect(presses.ArrowDown).toBeGreaterThan(0);
    for (const e of two) {
      // A match ends at 5 points (terminated) or 3,600 steps (truncated); the right paddle decides every step.
      expect(e.length).toBeGreaterThan(0);
      expect(e.length).toBeLessThanOrEqual(3600);
      expect(Number.isInteger(e.return) && Math.abs(e.return) <= 5, JSON.stringify(e)).toBe(true);
      if (e.done === 'terminated') expect(Math.abs(e.return)).toBeGreaterThanOrEqual(1);
    }
    // The page lists both, with their returns.
    expect(await page.locator('#recorded-matches li').allTextContents()).toEqual(two.map((e) => expect.stringContaining(`return ${e.return}, ${e.length} decisions`)));

    // Stop recording (the match under way is let go), then drop the second match.
    await page.click('#record');
    expect(await page.textContent('#record')).toBe('Record');
    expect(await kept(page)).toEqual(two);
    await page.click('#drop-last');
    const one = await kept(page);
    expect(one).toEqual([two[0]]);
    const first = one[0]!;
    expect(await page.locator('#recorded-matches li').count()).toBe(1);
    expect(await page.textContent('#recorded')).toContain(`1 match kept, ${first.length} decisions`);
    await screenshot(page, 'pong-recording');

    // Download pong.demo, caught as the browser's download.
    const [download] = await Promise.all([page.waitForEvent('download'), page.click('#download')]);
    expect(download.suggestedFilename()).toBe('pong.demo');
    const file = join(dir, 'pong.demo');
    await download.saveAs(file);
    const offered = await page.evaluate(() => (window as unknown as Win).pong.recording.lastDownload());
    expect(offered?.name).toBe('pong.demo');
    expect(statSync(file).size).toBe(offered!.bytes);
    expect(errors).toEqual([]);
    await page.close();

    // The file holds the kept match: its decisions, its rewards summing to its return, the keys pressed.
    const demo = decodeDemo(new Uint8Array(readFileSync(file)), file);
    expect(demo.agent).toBe('opponent');
    expect(demo.episodes).toEqual([first]);
    expect(demo.rewards.length).toBe(first.length);
    expect(demo.rewards.reduce((a, b) => a + b, 0)).toBe(first.return);
    expect(demo.observations.length).toBe(first.length * 7);
    const actions = Array.from(demo.actions);
    const counts = [0, 1, 2].map((a) => actions.filter((x) => x === a).length);
    console.log(`the downloaded demo: ${first.length} decisions, return ${first.return} (${first.done}); actions up/stay/down ${counts.join('/')}`);
    // Up (0) and down (2) were both pressed in the match kept, and nothing else was recorded.
    expect(counts[0]).toBeGreaterThan(0);
    expect(counts[2]).toBeGreaterThan(0);
    expect(counts[0]! + counts[1]! + counts[2]!).toBe(first.length);

    // phaser-distill demo reads it as one episode, with the page's steps and return.
    const described = await cli(['demo', file]);
    expect(described.code, described.out).toBe(0);
    expect(described.out).toContain(`agent 'opponent': 1 file, 1 episode, ${first.length} step${first.length === 1 ? '' : 's'}, mean return ${first.return.toFixed(3)}`);

    // phaser-distill imitate: the shipped Pong config, with its runs in a temporary folder, fewer
    // epochs and a short evaluation.
    const shipped = parse(readFileSync('assets/policies/imitation/pong.yaml', 'utf8')) as { imitate: { students: { name: string }[]; dtypes: string[]; config?: object } };
    const runsDir = join(dir, 'runs');
    const config = join(dir, 'pong-imitate.json');
    writeFileSync(config, JSON.stringify({
      ...shipped,
      env: resolve('games/pong/env.ts'),
      runsDir,
      imitate: { ...shipped.imitate, config: { ...shipped.imitate.config, epochs: 30, patience: 10 } },
      eval: { episodes: 2, numEnvs: 2 },
    }));
    const imitated = await cli(['imitate', config, '--demos', file]);
    console.log(imitated.out);
    expect(imitated.code, imitated.out).toBe(0);
    expect(imitated.out).toContain(`demos: 1 file(s), 1 episodes, ${first.length} decisions of agent 'opponent'`);
    const runs = readdirSync(runsDir);
    expect(runs).toHaveLength(1);
    const runDir = join(runsDir, runs[0]!);
    const expected = shipped.imitate.students.flatMap((s) => shipped.imitate.dtypes.map((d) => `${s.name}-${d}.json`)).sort();
    expect(expected.length).toBeGreaterThan(0);
    expect(readdirSync(join(runDir, 'students')).sort()).toEqual(expected);
    for (const name of expected) {
      const policy = loadStudentPolicy(readFileSync(join(runDir, 'students', name), 'utf8'));
      expect(policy.file.meta, name).toMatchObject({ learnedFrom: 'demonstrations', demos: ['pong.demo'] });
      expect(policy.observationSpace.shape).toEqual([7]);
      // It plays: a choice among up, stay and down for each recorded observation.
      for (let i = 0; i < demo.rewards.length; i += Math.max(1, Math.floor(demo.rewards.length / 50))) {
        const a = policy.act(demo.observations.subarray(i * 7, i * 7 + 7)) as number;
        expect([0, 1, 2]).toContain(a);
      }
    }
    const report = JSON.parse(readFileSync(join(runDir, 'imitation.json'), 'utf8')) as { demoEpisodes: number; demoReturnMean: number; students: { name: string }[] };
    expect(report.demoEpisodes).toBe(1);
    expect(report.demoReturnMean).toBe(first.return);
    expect(report.students.map((s) => `${s.name}.json`).sort()).toEqual(expected);
  });
});
