/**
 * Fuzzed ladder files: the shipped ladders, each broken by one to three random mutations (a field
 * deleted or replaced by an odd value, a level's policy or weaker named after what every object
 * inherits, a level copied), from one seed. Each is played as a game plays it: a Difficulty over
 * the policies the shipped ladder names, every level chosen in turn and asked for a decision. A
 * good outcome is a refusal naming the ladder (LadderError or AgentError) or actions in the agent's
 * space at every level; anything else thrown is a crash (the game would stop at that decision).
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { allPaths } from './json-paths.js';
import { Rng, contains, discrete, type Space } from '../../src/env/index.js';
import { LadderError, type TemperedPolicy } from '../../src/policy/difficulty.js';
import { Difficulty, type DifficultyHost } from '../../plugin/difficulty.js';
import { AgentError, type Policy } from '../../plugin/agent.js';

const root = fileURLToPath(new URL('../..', import.meta.url));

export interface LadderFuzzStats {
  ladder_files: number;
  ladder_accepted: number;
  ladder_refused: number;
  ladder_crashes: number;
  examples: string[];
}

const INHERITED = ['constructor', 'toString', '__proto__', 'hasOwnProperty', 'valueOf', 'isPrototypeOf'];
const ODD: unknown[] = [null, -1, 0, 0.5, 1, 2, 1e300, -1e300, 'x', '', true, [], {}, ...INHERITED];

/** A host with one agent of `space`: what a Difficulty needs of the plugin. */
function host(space: Space): DifficultyHost {
  let driver: unknown = null;
  return {
    systems: { events: { on: () => undefined, off: () => undefined } },
    use: (_name: string, d: Policy) => void (driver = d),
    release: () => void (driver = null),
    driverOf: () => driver,
    require: () => ({ actionSpace: space }),
    episodeSeed: 0,
  };
}

/** A policy that always picks choice `a`. */
const fixed = (a: number): TemperedPolicy => ({ temperature: 0, act: () => a });

export function ladderFuzzStats(count: number, seed: number): LadderFuzzStats {
  const rng = new Rng(seed);
  const stats: LadderFuzzStats = { ladder_files: 0, ladder_accepted: 0, ladder_refused: 0, ladder_crashes: 0, examples: [] };
  const bases = ['pong', 'racer'].map((game) => JSON.parse(readFileSync(join(root, 'assets/policies', game, 'ladder.json'), 'utf8')) as { agent: string; levels: { policy: string; weaker?: string }[] });
  const space = discrete(3);
  for (let k = 0; k < count; k++) {
    const base = bases[k % bases.length]!;
    const doc = structuredClone(base) as unknown as Record<string, unknown>;
    // The policies the game gives: those the shipped ladder names, by those names only.
    const policies = Object.fromEntries([...new Set(base.levels.flatMap((l) => [l.policy, ...(l.weaker ? [l.weaker] : [])]))].map((name, i) => [name, fixed(i % 3)]));
    const n = 1 + rng.int(3);
    for (let m = 0; m < n; m++) {
      const levels = doc.levels as Record<string, unknown>[] | undefined;
      const kind = rng.int(6);
      if (kind <= 1 && Array.isArray(levels) && levels.length && typeof levels[0] === 'object' && levels[0] !== null) {
        const level = levels[rng.int(levels.length)]!;
        if (typeof level === 'object' && level !== null) (level as Record<string, unknown>)[rng.float() < 0.7 ? 'policy' : 'weaker'] = INHERITED[rng.int(INHERITED.length)];
        continue;
      }
      if (kind === 2 && Array.isArray(levels) && levels.length) {
        levels.push(structuredClone(levels[rng.int(levels.length)]!));
        continue;
      }
      const paths = allPaths(doc);
      const [parent, key] = paths[rng.int(paths.length)]!;
      if (kind === 3) {
        if (Array.isArray(parent)) parent.splice(Number(key), 1);
        else delete (parent as Record<string, unknown>)[key];
      } else (parent as Record<string, unknown>)[key] = structuredClone(ODD[rng.int(ODD.length)]);
    }
    stats.ladder_files += 1;
    try {
      const difficulty = new Difficulty(host(space), base.agent, doc, policies, 7);
      const obs = new Float32Array(8);
      for (let level = 0; level < difficulty.ladder.levels.length; level++) {
        difficulty.setDifficulty(level);
        for (let t = 0; t < 3; t++) {
          const a = difficulty.act(obs);
          if (!contains(space, a)) throw new Error(`level ${level} played ${JSON.stringify(a)}, outside the agent's action space`);
        }
      }
      stats.ladder_accepted += 1;
    } catch (e) {
      if (e instanceof LadderError || e instanceof AgentError) stats.ladder_refused += 1;
      else {
        stats.ladder_crashes += 1;
        if (stats.examples.length < 10) stats.examples.push(`ladder ${k}: ${(e as Error).stack ?? String(e)}`);
      }
    }
  }
  return stats;
}
