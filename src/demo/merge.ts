/**
 * Demonstrations that belong together: a demo checked against the agent it is meant to teach, and
 * several demos of one agent (sessions, players, a folder of files) merged into one. Spaces are
 * compared as files store them (see storedSpace), and a mismatch says what differs, where.
 */
import type { BoxSpace, Space } from '../env/spaces.js';
import { DemoFileError, storedSpace, type Demo } from './demo-file.js';

/** What a demo is checked against: an Agent of the plugin, a policy file, an Env all have these. */
export interface SpacesOf {
  readonly observationSpace: BoxSpace;
  readonly actionSpace: Space;
}

const list = (xs: readonly number[]) => `[${xs.join(', ')}]`;

function describeSpace(s: Space): string {
  return s.type === 'discrete' ? `discrete ${s.n}` : s.type === 'multi-discrete' ? `multi-discrete ${list(s.nvec)}` : `box ${list(s.shape)}`;
}

/** The first element where two bounds differ, and how many do. */
function boundDifference(what: string, key: 'low' | 'high', a: BoxSpace, b: BoxSpace, aName: string, bName: string): string | null {
  const diff: number[] = [];
  a[key].forEach((v, i) => v !== b[key][i] && diff.push(i));
  const i = diff[0];
  if (i === undefined) return null;
  const more = diff.length > 1 ? ` (and ${diff.length - 1} more of ${a[key].length})` : '';
  return `${what} ${key}[${i}] ${a[key][i]} in ${aName}, ${b[key][i]} in ${bName}${more}`;
}

function boxDifferences(what: string, a: BoxSpace, b: BoxSpace, aName: string, bName: string): string[] {
  if (list(a.shape) !== list(b.shape)) return [`${what} shape ${list(a.shape)} in ${aName}, ${list(b.shape)} in ${bName}`];
  return [boundDifference(what, 'low', a, b, aName, bName), boundDifference(what, 'high', a, b, aName, bName)].filter((d): d is string => d !== null);
}

/**
 * How the spaces of `a` differ from those of `b`, one line each (none when they agree):
 * `observation shape [8] in the file, [10] in the agent`.
 */
export function spaceDifferences(a: SpacesOf, b: SpacesOf, aName: string, bName: string): string[] {
  const obs = boxDifferences('observation', storedSpace(a.observationSpace), storedSpace(b.observationSpace), aName, bName);
  const sa = storedSpace(a.actionSpace);
  const sb = storedSpace(b.actionSpace);
  let act: string[];
  if (sa.type === 'box' && sb.type === 'box') act = boxDifferences('action', sa, sb, aName, bName);
  else act = describeSpace(sa) === describeSpace(sb) ? [] : [`action space ${describeSpace(sa)} in ${aName}, ${describeSpace(sb)} in ${bName}`];
  return [...obs, ...act];
}

/**
 * Refuses a demo recorded from an agent whose spaces are not `agent`'s (its name may differ: a
 * demo of Pong's right paddle can teach the left one). `source` names the demo in the error.
 */
export function checkDemoSpaces(demo: Demo, agent: SpacesOf & { readonly name?: string }, source = 'demo file'): void {
  const target = agent.name === undefined ? 'the agent' : `agent '${agent.name}'`;
  const diff = spaceDifferences(demo, agent, 'the file', target);
  if (diff.length) throw new DemoFileError(`${source}: recorded from agent '${demo.agent}' with other spaces than ${target}: ${diff.join('; ')}`);
}

/**
 * One demo holding the episodes of all of `demos`, in order. They must come from one agent: the
 * same name, spaces and decision period; otherwise a DemoFileError names the two files (`sources`,
 * one per demo) and what differs.
 */
export function mergeDemos(demos: readonly Demo[], sources: readonly string[] = demos.map((_, i) => `demo ${i + 1}`)): Demo {
  const first = demos[0];
  if (!first) throw new DemoFileError('mergeDemos: no demos to merge');
  const name0 = sources[0]!;
  demos.forEach((d, i) => {
    const name = sources[i]!;
    const diff: string[] = [];
    if (d.agent !== first.agent) diff.push(`agent '${d.agent}' in ${name}, '${first.agent}' in ${name0}`);
    diff.push(...spaceDifferences(d, first, name, name0));
    if (d.decisionPeriod !== first.decisionPeriod) diff.push(`decision period ${d.decisionPeriod} in ${name}, ${first.decisionPeriod} in ${name0}`);
    if (diff.length) throw new DemoFileError(`${name}: cannot be merged with ${name0}, it is from another agent: ${diff.join('; ')}`);
  });
  if (demos.length === 1) return first;
  const concat = <T extends Float32Array | Int32Array | Float64Array>(parts: T[]): T => {
    const out = new (parts[0]!.constructor as new (n: number) => T)(parts.reduce((n, p) => n + p.length, 0));
    let at = 0;
    for (const p of parts) {
      out.set(p, at);
      at += p.length;
    }
    return out;
  };
  const episodes = demos.flatMap((d) => d.episodes.map((e) => ({ ...e })));
  const boundaries = new Int32Array(episodes.length + 1);
  episodes.forEach((e, i) => (boundaries[i + 1] = boundaries[i]! + e.length));
  return {
    agent: first.agent,
    observationSpace: first.observationSpace,
    actionSpace: first.actionSpace,
    decisionPeriod: first.decisionPeriod,
    episodes,
    observations: concat(demos.map((d) => d.observations)),
    actions: concat(demos.map((d) => d.actions) as (Int32Array | Float32Array)[]) as Int32Array | Float32Array,
    rewards: concat(demos.map((d) => d.rewards)),
    boundaries,
  };
}
