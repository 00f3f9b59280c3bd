/**
 * `phaser-distill demo <file or folder>` and `readDemos`: one file, a folder of files merged (and
 * nothing else in it read), and the refusals: files of another agent or of other spaces (the
 * difference named), a damaged file (the field named), a folder with no demos, a missing path.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, describe, expect, it, vi } from 'vitest';
import { main } from '../../src/cli/main.js';
import { readDemos, readDemosToLearn } from '../../src/run/demos.js';
import { box, discrete } from '../../src/env/index.js';
import { DemoFileError, encodeDemo, type Demo } from '../../src/demo/index.js';

const dir = mkdtempSync(join(tmpdir(), 'pd-demo-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
afterEach(() => vi.restoreAllMocks());

/** A demo of `agent` with episodes of the given lengths, every reward `reward`. */
function demo(agent: string, lengths: number[], reward: number, obsSize = 3): Demo {
  const steps = lengths.reduce((a, b) => a + b, 0);
  const boundaries = new Int32Array(lengths.length + 1);
  lengths.forEach((l, i) => (boundaries[i + 1] = boundaries[i]! + l));
  const rewards = new Float64Array(steps).fill(reward);
  return {
    agent,
    observationSpace: box([obsSize], -1, 1),
    actionSpace: discrete(3),
    decisionPeriod: 4,
    episodes: lengths.map((length) => ({ length, return: Array.from({ length }, () => reward).reduce((a, b) => a + b, 0), done: 'terminated' })),
    observations: Float32Array.from({ length: steps * obsSize }, (_, i) => ((i % 7) - 3) / 4),
    actions: Int32Array.from({ length: steps }, (_, i) => i % 3),
    rewards,
    boundaries,
  };
}

function write(path: string, d: Demo): string {
  mkdirSync(join(path, '..'), { recursive: true });
  writeFileSync(path, encodeDemo(d));
  return path;
}

/** Runs the command line, returning its exit code and what it printed. */
async function run(...args: string[]): Promise<{ code: number; out: string; err: string }> {
  const out: string[] = [];
  const err: string[] = [];
  vi.spyOn(console, 'log').mockImplementation((line: string) => void out.push(line));
  vi.spyOn(console, 'error').mockImplementation((line: string) => void err.push(line));
  const code = await main(args);
  vi.restoreAllMocks();
  return { code, out: out.join('\n'), err: err.join('\n') };
}

describe('phaser-distill demo', () => {
  it('reads one file: episodes, steps, mean return and the spaces', async () => {
    const file = write(join(dir, 'one', 'pong.demo'), demo('paddle', [4, 2], 0.5));
    const { code, out, err } = await run('demo', file);
    expect(err).toBe('');
    expect(code).toBe(0);
    expect(out.split('\n')).toEqual([
      "agent 'paddle': 1 file, 2 episodes, 6 steps, mean return 1.500 (min 1, max 2)",
      'observation: box [3] in [-1, 1]',
      'action: discrete 3',
      'decision period: 4 simulation steps',
    ]);
  });

  it("merges every .demo file of a folder by name, and reads nothing else there", async () => {
    const folder = join(dir, 'sessions');
    write(join(folder, 'b.demo'), demo('paddle', [3], -1));
    write(join(folder, 'a.demo'), demo('paddle', [2, 5], 1));
    writeFileSync(join(folder, 'notes.txt'), 'not a demo');
    write(join(folder, 'old', 'c.demo'), demo('opponent', [9], 0));
    const read = readDemos(folder);
    expect(read.files).toEqual([
      { path: join(folder, 'a.demo'), agent: 'paddle', episodes: 2, steps: 7 },
      { path: join(folder, 'b.demo'), agent: 'paddle', episodes: 1, steps: 3 },
    ]);
    expect(read.demo.episodes.map((e) => e.return)).toEqual([2, 5, -3]);
    expect([...read.demo.boundaries]).toEqual([0, 2, 7, 10]);
    expect([...read.demo.actions]).toEqual([...demo('paddle', [2, 5], 1).actions, ...demo('paddle', [3], -1).actions]);

    const { code, out } = await run('demo', folder);
    expect(code).toBe(0);
    expect(out.split('\n').slice(0, 3)).toEqual([
      `${join(folder, 'a.demo')}: 2 episodes, 7 steps`,
      `${join(folder, 'b.demo')}: 1 episode, 3 steps`,
      "agent 'paddle': 2 files, 3 episodes, 10 steps, mean return 1.333 (min -3, max 5)",
    ]);
  });

  it('refuses files of another agent or of other spaces, naming both files and the difference', async () => {
    const agents = join(dir, 'agents');
    write(join(agents, 'a.demo'), demo('paddle', [2], 1));
    write(join(agents, 'b.demo'), demo('opponent', [2], 1));
    let r = await run('demo', agents);
    expect(r.code).toBe(2);
    expect(r.out).toBe('');
    expect(r.err).toBe(`${join(agents, 'b.demo')}: cannot be merged with ${join(agents, 'a.demo')}, it is from another agent: agent 'opponent' in ${join(agents, 'b.demo')}, 'paddle' in ${join(agents, 'a.demo')}`);

    const spaces = join(dir, 'spaces');
    write(join(spaces, 'a.demo'), demo('paddle', [2], 1, 8));
    write(join(spaces, 'b.demo'), demo('paddle', [2], 1, 10));
    r = await run('demo', spaces);
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/b\.demo: cannot be merged with .*a\.demo, it is from another agent: observation shape \[10\] in .*b\.demo, \[8\] in .*a\.demo$/);
    expect(() => readDemos(spaces)).toThrow(/observation shape \[10\] in .*b\.demo, \[8\] in .*a\.demo$/);
  });

  it('refuses a damaged file, an empty folder and a missing path, naming them', async () => {
    const damaged = join(dir, 'damaged.demo');
    writeFileSync(damaged, encodeDemo(demo('paddle', [3], 1)).subarray(0, 60));
    let r = await run('demo', damaged);
    expect(r.code).toBe(2);
    expect(r.err).toMatch(new RegExp(`^${damaged.replace(/[.\\]/g, '\\$&')}: (header|body): .*the file is truncated`));

    mkdirSync(join(dir, 'empty'));
    r = await run('demo', join(dir, 'empty'));
    expect(r.code).toBe(2);
    expect(r.err).toBe(`${join(dir, 'empty')}: no .demo files in this folder`);
    r = await run('demo', join(dir, 'nowhere.demo'));
    expect(r.code).toBe(2);
    expect(r.err).toBe(`${join(dir, 'nowhere.demo')}: no such file or folder`);

    r = await run('demo');
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/phaser-distill demo <file or folder>/);
  });

  it('reads a recording of 200,000 episodes (no spread of them into Math.min)', async () => {
    const path = write(join(dir, 'many', 'many.demo'), { ...demo('paddle', Array.from({ length: 200_000 }, () => 1), 0.5, 1), meta: undefined });
    const r = await run('demo', path);
    expect(r.err).toBe('');
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/^agent 'paddle': 1 file, 200000 episodes, 200000 steps, mean return 0\.500 \(min 0\.5, max 0\.5\)/);
  });

  it('refuses demos that hold nothing to learn from, or observations too spread for a policy file, naming the path', () => {
    const empty = write(join(dir, 'learn', 'empty.demo'), demo('paddle', [], 1));
    expect(readDemos(empty).demo.rewards.length).toBe(0);
    expect(() => readDemosToLearn(empty)).toThrow(DemoFileError);
    expect(() => readDemosToLearn(empty)).toThrow(new RegExp(`^${empty.replace(/[.\\]/g, '\\$&')}: steps: 0 decisions in 1 file\\(s\\), nothing to learn from`));
    const wide = demo('paddle', [4], 1);
    wide.observationSpace = box([3], -Infinity, Infinity);
    wide.observations[4] = 3e38;
    const spread = write(join(dir, 'learn2', 'spread.demo'), wide);
    expect(() => readDemosToLearn(spread)).toThrow(/spread\.demo: observations: element 1 spreads too far for a policy file's float32 normalisation/);
    expect(readDemosToLearn(write(join(dir, 'learn3', 'ok.demo'), demo('paddle', [4], 1))).demo.rewards.length).toBe(4);
  });
});
