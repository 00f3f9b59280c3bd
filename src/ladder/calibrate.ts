/**
 * `phaser-distill calibrate <config>`: plays each difficulty level against the game's reference
 * opponent until neighbouring levels' 95% confidence intervals separate (or an episode cap is
 * reached), then writes a ladder file with each level's measured strength. A ladder whose levels
 * are not strictly ordered, weakest first, is a failure: the file is still written, the exit code
 * says so. With `metric: elo` the levels also play each other, and are rated by Elo
 * (calibrate-elo.ts).
 */
import { readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { z } from 'zod';
import { flatSize, type VectorEnv } from '../env/index.js';
import { LADDER_FORMAT, LADDER_VERSION, LevelPolicy, MAX_REACTION_DELAY, type LadderFile, type LadderLevel, type Strength } from '../policy/difficulty.js';
import { loadStudentPolicy } from '../policy/index.js';
import { formatIssues, readConfigFile } from '../config/run-config.js';
import { configProblems } from '../config/errors.js';
import { writeFileAtomic } from '../run/files.js';
import { makeGameEnv } from '../config/env-module.js';
import { actEach, calibrateByElo, formatElo } from './calibrate-elo.js';

const levelSchema = z
  .object({
    name: z.string().min(1),
    policy: z.string().min(1),
    temperature: z.number().min(0).default(0),
    reactionDelay: z.number().int().min(0).max(MAX_REACTION_DELAY).default(0),
    actionNoise: z.number().min(0).max(1).default(0),
    /** The share of `policy` against `weaker` (see src/policy/difficulty.ts); below 1 needs `weaker`. */
    skill: z.number().min(0).max(1).optional(),
    weaker: z.string().min(1).optional(),
  })
  .strict()
  .refine((l) => l.skill === undefined || l.skill === 1 || l.weaker !== undefined, { message: 'a skill below 1 blends in a weaker policy: give `weaker`', path: ['weaker'] })
  .refine((l) => l.weaker === undefined || (l.skill !== undefined && l.skill < 1), { message: 'a weaker policy plays only at a skill below 1: give `skill`', path: ['skill'] });

export const calibrateConfigSchema = z
  .object({
    game: z.string().min(1),
    /** The game's env module (relative to the config), whose vector env plays the reference opponent. */
    env: z.string().min(1),
    agent: z.string().min(1),
    /**
     * point_win_rate: share of +1 rewards among +-1 rewards (points); episode_return: mean return;
     * elo: Elo from matches between the levels and against the scripted opponent (at 1200), for
     * a game that names an `opponent` (episodes then count games a pairing).
     */
    metric: z.enum(['point_win_rate', 'episode_return', 'elo']),
    seed: z.number().int().min(0).default(10_000),
    numEnvs: z.number().int().positive().default(8),
    episodes: z.object({ min: z.number().int().positive(), max: z.number().int().positive() }).strict().default({ min: 40, max: 640 }),
    /** Where the ladder file goes, relative to the config; level policies are resolved from there too. */
    out: z.string().min(1),
    levels: z.array(levelSchema).min(2),
  })
  .strict();

export type CalibrateConfig = z.infer<typeof calibrateConfigSchema>;

/** What a level did over its episodes. */
export interface Outcome {
  returns: number[];
  won: number;
  lost: number;
}

/**
 * Plays `episodes` episodes of one level in `env` (one LevelPolicy per env, so each has its own
 * memory). Each env owns an equal share of the episodes, counted from its start: the first
 * episodes to end anywhere would favour short ones (a quick catch, an early fall) in a wide vector
 * env, so an env's episodes past its share, and their points, are played but not counted.
 */
export function playLevel(env: VectorEnv, make: (envIndex: number) => LevelPolicy, episodes: number, seed: number): Outcome {
  const n = env.numEnvs;
  const policies = Array.from({ length: n }, (_, i) => make(i));
  const actSize = flatSize(env.actionSpace);
  const actions = new Float32Array(n * actSize);
  const share = Array.from({ length: n }, (_, i) => Math.floor(episodes / n) + (i < episodes % n ? 1 : 0));
  const ended = new Array<number>(n).fill(0);
  const out: Outcome = { returns: [], won: 0, lost: 0 };
  let obs = env.reset(seed);
  while (out.returns.length < episodes) {
    actEach(env, policies, obs, actions);
    const r = env.step(actions);
    for (let i = 0; i < n; i++) {
      if (ended[i]! >= share[i]!) continue;
      if (r.rewards[i]! > 0) out.won += 1;
      else if (r.rewards[i]! < 0) out.lost += 1;
    }
    for (const e of r.episodes) {
      if (ended[e.env]! < share[e.env]!) out.returns.push(e.return);
      ended[e.env]! += 1;
      policies[e.env]!.reset();
    }
    obs = r.observations;
  }
  return out;
}

/** 95% interval: Wilson's for a rate of points, the normal one for a mean return. */
export function strengthOf(o: Outcome, metric: Exclude<CalibrateConfig['metric'], 'elo'>): Strength {
  if (metric === 'point_win_rate') {
    const n = o.won + o.lost;
    const p = n ? o.won / n : 0;
    const z = 1.96;
    const centre = (p + (z * z) / (2 * n)) / (1 + (z * z) / n);
    const half = (z * Math.sqrt((p * (1 - p)) / n + (z * z) / (4 * n * n))) / (1 + (z * z) / n);
    return { mean: p, low: n ? centre - half : 0, high: n ? centre + half : 1, episodes: o.returns.length };
  }
  const n = o.returns.length;
  const mean = o.returns.reduce((a, b) => a + b, 0) / n;
  const sd = Math.sqrt(o.returns.reduce((a, b) => a + (b - mean) ** 2, 0) / Math.max(1, n - 1));
  return { mean, low: mean - (1.96 * sd) / Math.sqrt(n), high: mean + (1.96 * sd) / Math.sqrt(n), episodes: n };
}

/** Neighbours k-1 and k whose intervals overlap while k's mean is the higher: more games could part them. */
function overlappingNeighbours(strengths: readonly Strength[]): Set<number> {
  const out = new Set<number>();
  strengths.forEach((s, k) => {
    if (k > 0 && !(s.low > strengths[k - 1]!.high) && s.mean > strengths[k - 1]!.mean) out.add(k).add(k - 1);
  });
  return out;
}

/** True when every level's interval lies wholly above the previous level's. */
export function strictlyOrdered(strengths: readonly Strength[]): boolean {
  return strengths.every((s, i) => i === 0 || s.low > strengths[i - 1]!.high);
}

export interface CalibrationResult {
  ladder: LadderFile;
  ordered: boolean;
  path: string;
}

export async function runCalibrate(configPath: string, log: (line: string) => void = console.log): Promise<CalibrationResult> {
  const parsed = calibrateConfigSchema.safeParse(readConfigFile(configPath));
  if (!parsed.success) throw configProblems(configPath, formatIssues(parsed.error.issues));
  const config = parsed.data;
  const baseDir = dirname(resolve(configPath));
  const outPath = resolve(baseDir, config.out);
  const env = await makeGameEnv(resolve(baseDir, config.env), config.numEnvs);
  const seat = env.opponent ?? null;
  if (config.metric === 'elo' && !seat) {
    env.close();
    throw configProblems(configPath, [`config.metric: 'elo' rates levels by matches in which they also take the opponent's seat, and the game of config.env (${config.env}) has no opponent to hand over: name the agent on the other side in defineGame({ ..., opponent: '...' }), or measure by point_win_rate or episode_return`]);
  }

  const outcomes: Outcome[] = config.levels.map(() => ({ returns: [], won: 0, lost: 0 }));
  // Each level's student, loaded once and reseeded for every round it plays.
  const load = (path: string) => loadStudentPolicy(JSON.parse(readFileSync(resolve(dirname(outPath), path), 'utf8')), { source: path });
  const policies = config.levels.map((level) => load(level.policy));
  const weaker = config.levels.map((level) => (level.weaker === undefined ? null : load(level.weaker)));
  const play = (k: number, episodes: number, round: number) => {
    const level = config.levels[k]!;
    const policy = policies[k]!;
    policy.reseed(config.seed + k);
    // Its own stream, apart from every level's policy: the two must not draw the same noise.
    weaker[k]?.reseed(config.seed + 7_777_777 + k);
    const o = playLevel(env, (i) => new LevelPolicy(policy, level, env.actionSpace, config.seed + 7919 * k + i, weaker[k]), episodes, config.seed + 1_000_003 * round + 101 * k);
    const into = outcomes[k]!;
    into.returns.push(...o.returns);
    into.won += o.won;
    into.lost += o.lost;
  };

  const metric = config.metric;
  let strengths: Strength[];
  let elo: ReturnType<typeof calibrateByElo> | null = null;
  try {
    if (metric === 'elo') {
      elo = calibrateByElo(env, seat!, {
        names: config.levels.map((l) => l.name),
        makeLevel: (k, seed) => new LevelPolicy(policies[k]!, config.levels[k]!, env.actionSpace, seed, weaker[k]),
        reseed: (k, stream) => {
          policies[k]!.reseed(config.seed + k + 7_919 * stream);
          weaker[k]?.reseed(config.seed + 7_777_777 + k + 7_919 * stream);
        },
        episodes: config.episodes,
        seed: config.seed,
        log,
      });
      strengths = elo.strengths;
    } else {
      // Every level starts with `min` episodes; the levels of any pair still overlapping get as many again.
      let round = 0;
      config.levels.forEach((_, k) => play(k, config.episodes.min, round));
      for (;;) {
        strengths = outcomes.map((o) => strengthOf(o, metric));
        log(`round ${round}: ${strengths.map((s, k) => `${config.levels[k]!.name} ${fmt(s)}`).join(' | ')}`);
        const growable = [...overlappingNeighbours(strengths)].filter((k) => outcomes[k]!.returns.length < config.episodes.max);
        if (growable.length === 0) break;
        round += 1;
        for (const k of growable) play(k, Math.min(outcomes[k]!.returns.length, config.episodes.max - outcomes[k]!.returns.length), round);
      }
    }
  } finally {
    env.close();
  }

  const show = (s: Strength) => (elo ? formatElo(s) : fmt(s));
  const levels: LadderLevel[] = config.levels.map((l, k) => ({ ...l, strength: strengths[k]! }));
  const ladder: LadderFile = { format: LADDER_FORMAT, version: LADDER_VERSION, game: config.game, agent: config.agent, metric, ...(elo ? { anchor: elo.anchor } : {}), levels };
  writeFileAtomic(outPath, JSON.stringify(ladder, null, 2) + '\n');
  // By Elo, neighbours are ordered when their gap's own interval lies above 0.
  const ordered = elo ? elo.gaps.every((g) => g.low > 0) : strictlyOrdered(levels.map((l) => l.strength!));
  log(`ladder written to ${relative(process.cwd(), outPath) || join('.', outPath)}`);
  if (elo) log(`  ${'scripted'.padEnd(12)} ${elo.anchor.elo} (the game's own '${elo.anchor.agent}', the anchor)`);
  for (const l of levels) log(`  ${l.name.padEnd(12)} ${show(l.strength!)}  (temperature ${l.temperature}, delay ${l.reactionDelay}, noise ${l.actionNoise}, ${l.policy}${l.weaker ? `, skill ${l.skill ?? 1} against ${l.weaker}` : ''})`);
  if (elo) for (const p of elo.pairings) log(`  ${p.names[0]} against ${p.names[1]}: scored ${p.score} of ${p.games} games`);
  if (elo) elo.gaps.forEach((g, k) => log(`  ${levels[k + 1]!.name} - ${levels[k]!.name}: ${g.gap.toFixed(0)} Elo [${g.low.toFixed(0)}, ${g.high.toFixed(0)}]`));
  log(ordered ? 'levels are strictly ordered' : `levels are NOT strictly ordered: ${elo ? "a neighbouring level's Elo gap is not surely above 0" : 'neighbouring intervals overlap or decrease'}`);
  return { ladder, ordered, path: outPath };
}

function fmt(s: Strength): string {
  return `${s.mean.toFixed(3)} [${s.low.toFixed(3)}, ${s.high.toFixed(3)}] over ${s.episodes} episodes`;
}
