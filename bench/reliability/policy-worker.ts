/**
 * Child process of policy-fuzz.ts: loads each file of a JSON array of texts with the student
 * loader (in the mode NODE_ENV gives), plays every accepted one on random observations at
 * temperatures 0 and 1, and writes one LoadOutcome per file.
 *   node --import tsx policy-worker.ts <in.json> <out.json>
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { Rng, whyNotContained } from '../../src/env/index.js';
import { PolicyFileError, loadStudentPolicy } from '../../src/policy/index.js';
import type { LoadOutcome } from './policy-fuzz.js';

const [input, output] = process.argv.slice(2) as [string, string];
const files = JSON.parse(readFileSync(input, 'utf8')) as string[];
const rng = new Rng(3);
const outcomes = files.map((text): LoadOutcome => {
  let policy;
  try {
    policy = loadStudentPolicy(text, { source: 'fuzz' });
  } catch (e) {
    const named = e instanceof PolicyFileError && /^fuzz: [\w.[\]()]+[: ]/.test(e.message);
    return { accepted: false, crash: named ? null : `${(e as Error).name}: ${(e as Error).message}`, badAction: null };
  }
  try {
    const { low, high } = policy.observationSpace;
    const obs = new Float32Array(low.length);
    for (let k = 0; k < 16; k++) {
      for (let i = 0; i < obs.length; i++) obs[i] = Math.max(low[i]!, Math.min(high[i]!, rng.uniform(-1, 1)));
      policy.temperature = k % 2;
      const action = policy.act(obs);
      const why = whyNotContained(policy.actionSpace, typeof action === 'number' ? action : Array.from(action));
      if (why) return { accepted: true, crash: null, badAction: why };
    }
    return { accepted: true, crash: null, badAction: null };
  } catch (e) {
    return { accepted: true, crash: `in play: ${(e as Error).name}: ${(e as Error).message}`, badAction: null };
  }
});
writeFileSync(output, JSON.stringify(outcomes));
