/**
 * How well students cloned from demonstrations play: each student (a policy file, played by the
 * plain runtime, greedily within the env's masks) and, when given, the scripted expert that was
 * recorded, on the same fresh seeds; returns as a share of the demo's recorded return (its
 * header's episodes) and of the expert's on those seeds, and of the gain over random play.
 */
import { Rng, flatSize, sample, type Action, type VectorEnv } from '../env/index.js';
import { StudentPolicy, policyOutputCount } from '../policy/index.js';
import type { Demo } from '../demo/index.js';
import { chooseAction } from './actions.js';
import { gzipSize, runEpisodes, type NamedStudent } from './evaluate.js';
import { policyFileBytes } from './export.js';

export interface ImitationEvaluation {
  name: string;
  /** Hidden layer sizes; [] for the expert. */
  hidden: number[];
  dtype: 'float32' | 'int8' | null;
  episodes: number;
  returnMean: number;
  returnStd: number;
  returnMin: number;
  returnMax: number;
  /** returnMean / the demo's mean recorded return. */
  demoReturnRatio: number;
  /** returnMean / the expert's returnMean on the same seeds; null without an expert. */
  expertReturnRatio: number | null;
  /** (returnMean - random) / (demo's mean return - random): the share of the recorded play's gain over random kept. */
  gainRatio: number;
  /** The policy file's bytes and gzipped bytes (0 for the expert). */
  bytes: number;
  gzipBytes: number;
}

export interface ImitationReport {
  game: string;
  seed: number;
  /** The demo's episodes and mean return, as recorded. */
  demoEpisodes: number;
  demoReturnMean: number;
  randomReturnMean: number;
  expert: ImitationEvaluation | null;
  students: ImitationEvaluation[];
}

export interface ImitationEvaluateOptions {
  /** Episodes per policy, exactly. Default 100. */
  episodes?: number;
  /** Seeds the evaluation episodes. Default 1_000_003 (evaluatePolicies'). */
  seed?: number;
  /** The recorded expert as a function of the observation, to play on the same seeds. */
  expert?: (observation: Float32Array) => Action;
}

/** Evaluates every student (and the expert, if given) on the same fresh episode seeds of `env`. */
export async function evaluateImitation(game: string, env: VectorEnv, demo: Demo, students: NamedStudent[], options: ImitationEvaluateOptions = {}): Promise<ImitationReport> {
  const episodes = options.episodes ?? 100;
  const seed = options.seed ?? 1_000_003;
  const space = env.actionSpace;
  const A = flatSize(space);
  const D = flatSize(env.observationSpace);
  const P = policyOutputCount(space);
  const masks = () => env.actionMasks ?? null;
  const demoReturnMean = mean(demo.episodes.map((e) => e.return));
  const rng = new Rng(seed + 1);
  const zeros = new Float32Array(env.numEnvs * P);
  const random = runEpisodes(env, episodes, seed, (_obs, n, out) => {
    for (let i = 0; i < n; i++) {
      if (space.type === 'box') out.set(sample(space, rng) as Float32Array, i * A);
      else chooseAction(space, zeros, i, out, i * A, rng, null, masks());
    }
    return n;
  }).returns;
  const randomReturnMean = mean(random);
  const row = (name: string, returns: number[], hidden: number[], dtype: ImitationEvaluation['dtype'], bytes: number, gzipBytes: number): ImitationEvaluation => {
    const m = mean(returns);
    return {
      name, hidden, dtype, episodes: returns.length, returnMean: m,
      returnStd: Math.sqrt(mean(returns.map((r) => (r - m) ** 2))), returnMin: Math.min(...returns), returnMax: Math.max(...returns),
      demoReturnRatio: demoReturnMean === 0 ? 0 : m / demoReturnMean, expertReturnRatio: null,
      gainRatio: demoReturnMean === randomReturnMean ? 0 : (m - randomReturnMean) / (demoReturnMean - randomReturnMean),
      bytes, gzipBytes,
    };
  };
  let expert: ImitationEvaluation | null = null;
  if (options.expert) {
    const act = options.expert;
    const returns = runEpisodes(env, episodes, seed, (obs, n, out) => {
      for (let i = 0; i < n; i++) {
        const a = act(obs.subarray(i * D, (i + 1) * D));
        if (typeof a === 'number') out[i * A] = a;
        else out.set(a, i * A);
      }
      return n;
    }).returns;
    expert = row('expert', returns, [], null, 0, 0);
  }
  const rows: ImitationEvaluation[] = [];
  for (const s of students) {
    const policy = new StudentPolicy(s.file, { source: s.name });
    const logits = new Float32Array(env.numEnvs * P);
    const returns = runEpisodes(env, episodes, seed, (obs, n, out) => {
      for (let i = 0; i < n; i++) logits.set(policy.logits(obs.subarray(i * D, (i + 1) * D)), i * P);
      for (let i = 0; i < n; i++) chooseAction(space, logits, i, out, i * A, null, null, masks());
      return n;
    }).returns;
    const bytes = policyFileBytes(s.file);
    rows.push(row(s.name, returns, s.file.layers.slice(0, -1).map((l) => l.outputs), s.file.layers.some((l) => l.dtype === 'int8') ? 'int8' : 'float32', bytes.length, await gzipSize(bytes)));
  }
  if (expert) for (const r of [expert, ...rows]) r.expertReturnRatio = expert.returnMean === 0 ? 0 : r.returnMean / expert.returnMean;
  return { game, seed, demoEpisodes: demo.episodes.length, demoReturnMean, randomReturnMean, expert, students: rows };
}

/** The report as a Markdown table. */
export function imitationMarkdown(r: ImitationReport): string {
  const pct = (x: number | null) => (x === null ? '-' : `${(100 * x).toFixed(1)}%`);
  const lines = [
    `## ${r.game}: students cloned from ${r.demoEpisodes} recorded episodes (mean return ${r.demoReturnMean.toFixed(2)}; random ${r.randomReturnMean.toFixed(2)})`,
    '',
    '| policy | hidden | return (mean +- std) | of recorded | of expert, same seeds | of gain over random | bytes (gzip) |',
    '|---|---|---|---|---|---|---|',
  ];
  for (const e of [...(r.expert ? [r.expert] : []), ...r.students]) {
    lines.push(`| ${e.name} | ${e.hidden.join('x') || '-'} | ${e.returnMean.toFixed(2)} +- ${e.returnStd.toFixed(2)} | ${pct(e.demoReturnRatio)} | ${pct(e.expertReturnRatio)} | ${pct(e.gainRatio)} | ${e.bytes ? `${e.bytes} (${e.gzipBytes})` : '-'} |`);
  }
  return lines.join('\n');
}

function mean(xs: number[]): number {
  return xs.length ? xs.reduce((a, b) => a + b, 0) / xs.length : 0;
}
