/**
 * Sweep files (`phaser-distill sweep <sweep.yaml>`), parsed strictly, and their plan: a grid and/or
 * a seeded random search over run-config keys, times seeds, expanded into runs with stable indices
 * and names. Each run's config is the base config with its keys overridden, validated by the same
 * strict parser as any run config, so a key that is not a run-config key is an error naming it.
 *
 * The plan is a pure function of the sweep file (and the base config it names): the coordinator, a
 * worker on another machine and `--index i` in a CI matrix all see the same run i.
 */
import { createHash } from 'node:crypto';
import { basename, dirname, extname, join, resolve } from 'node:path';
import { z } from 'zod';
import { Rng } from '../env/rng.js';
import { parseRunConfig, readConfigFile } from '../config/run-config.js';
import { ConfigError, configProblems } from '../config/errors.js';

/** What a sweep run does, in this order: train the teacher, distil the config's students, evaluate. */
export const STAGES = ['train', 'distill', 'eval'] as const;
export type Stage = (typeof STAGES)[number];

/** What the report ranks runs by and plots. */
export const METRICS = {
  final_mean_100: 'final mean return (the last 100 training episodes, summary.json)',
  teacher_return: "teacher's evaluation return (report/report.json)",
} as const;
export type SweepMetric = keyof typeof METRICS;

const name = z.string().regex(/^[\w-]+$/, 'letters, digits, _ and - only');

/** One random-search parameter: exactly one of uniform, logUniform (both [low, high]) or choice. */
const paramSchema = z
  .object({
    uniform: z.tuple([z.number(), z.number()]),
    logUniform: z.tuple([z.number().positive(), z.number().positive()]),
    choice: z.array(z.unknown()).min(1),
  })
  .partial()
  .strict()
  .superRefine((p, ctx) => {
    const given = Object.keys(p);
    if (given.length !== 1) ctx.addIssue({ code: 'custom', message: `give exactly one of uniform: [low, high], logUniform: [low, high] or choice: [...] (got ${given.length ? given.join(', ') : 'none'})` });
    const range = p.uniform ?? p.logUniform;
    if (range && !(range[0] <= range[1])) ctx.addIssue({ code: 'custom', message: `low ${range[0]} is above high ${range[1]}` });
  });
export type SweepParam = z.infer<typeof paramSchema>;

export const sweepSchema = z
  .object({
    /** Names the sweep (its folder's default name, its queue jobs); the file's name by default. */
    name: name.optional(),
    /** The run config every run starts from: a file (relative to the sweep file) or the config inline. */
    base: z.union([z.string().min(1), z.record(z.string(), z.unknown())]),
    /** The sweep folder, relative to the working directory (as a run config's runsDir is); `sweeps/{name}` by default. */
    out: z.string().min(1).optional(),
    /** Every combination of these values: run-config keys as dotted paths, each with its list of values. */
    grid: z.record(z.string(), z.array(z.unknown()).min(1)).optional(),
    /** `count` draws of `params` from a generator seeded with `seed`: the same file always draws the same values. */
    random: z
      .object({
        count: z.number().int().positive(),
        seed: z.number().int().min(0).default(0),
        params: z.record(z.string(), paramSchema).refine((p) => Object.keys(p).length > 0, 'name at least one parameter'),
      })
      .strict()
      .optional(),
    /** Each setting is run once per seed; the base config's seed by default. */
    seeds: z.array(z.number().int().min(0)).min(1).optional(),
    /** What each run does; `train` by default. */
    stages: z.array(z.enum(STAGES)).min(1).default(['train']),
    /** What the report ranks and plots. */
    metric: z.enum(Object.keys(METRICS) as [SweepMetric, ...SweepMetric[]]).default('final_mean_100'),
  })
  .strict();

/** Keys the sweep sets itself on every run. */
const OWNED = {
  seed: "the sweep sets each run's seed: list them under 'seeds'",
  name: 'the sweep names each run',
  runsDir: 'each run goes to its own folder in the sweep folder (set out instead)',
} as const;

export interface SweepRun {
  /** Place in the plan, from 0: what `--index` takes. */
  index: number;
  /** The run's folder name in `{out}/runs/`: the index, then its overrides and seed (`002-learningRate-0.001_seed-2`). */
  id: string;
  seed: number;
  /** The keys this run sets (dotted run-config paths), in the sweep file's order; the seed apart. */
  overrides: Record<string, unknown>;
  /** The run's config, every path in it absolute: a config file anywhere reads the same. */
  config: Record<string, unknown>;
}

export interface Sweep {
  name: string;
  /** The sweep file, absolute. */
  file: string;
  /** The sweep folder, absolute. */
  out: string;
  /** Names this plan (its name, folder and every run's config): queue job ids start with it. */
  id: string;
  stages: Stage[];
  metric: SweepMetric;
  runs: SweepRun[];
}

/** Reads a sweep file and expands its plan; a ConfigError names the file and each bad key's path. */
export function loadSweep(path: string): Sweep {
  const file = resolve(path);
  const parsed = sweepSchema.safeParse(readConfigFile(file));
  if (!parsed.success) throw configProblems(path, parsed.error.issues.map(formatSweepIssue));
  const s = parsed.data;
  const sweepName = s.name ?? basename(file, extname(file)).replace(/[^\w-]/g, '_');
  const problems: string[] = [];

  let baseRaw: Record<string, unknown>;
  let baseDir: string;
  let baseSource: string;
  if (typeof s.base === 'string') {
    baseSource = resolve(dirname(file), s.base);
    const raw = readConfigFile(baseSource);
    if (!isMapping(raw)) throw new ConfigError(`${path}: sweep.base: ${baseSource} holds no mapping`);
    baseRaw = raw;
    baseDir = dirname(baseSource);
  } else {
    baseRaw = s.base;
    baseDir = dirname(file);
    baseSource = `${path} (sweep.base)`;
  }

  const grid = Object.entries(s.grid ?? {});
  const params = Object.entries(s.random?.params ?? {});
  for (const [key, where] of [...grid.map(([k]) => [k, 'grid'] as const), ...params.map(([k]) => [k, 'random.params'] as const)]) {
    const owned = OWNED[key as keyof typeof OWNED];
    if (owned) problems.push(`sweep.${where}.${key}: ${owned}`);
    if (!/^[^.]+(\.[^.]+)*$/.test(key)) problems.push(`sweep.${where}.${key}: not a dotted key path (train.ppo.learningRate)`);
  }
  for (const [key] of params) if (s.grid && key in s.grid) problems.push(`sweep.random.params.${key}: also in sweep.grid; a key is swept one way`);
  if (!s.stages.includes('train')) problems.push("sweep.stages: every run trains its teacher first: list 'train'");
  if (s.stages.includes('distill') && !isMapping(baseRaw.distill)) problems.push("sweep.stages: 'distill' needs a distill section in the base config (the students to make)");
  if (s.metric === 'teacher_return' && !s.stages.includes('eval')) problems.push("sweep.metric: teacher_return needs 'eval' in sweep.stages");
  if (problems.length) throw configProblems(path, problems);

  // The settings: the grid's combinations (the last key changing fastest), each with every random draw.
  let points: Record<string, unknown>[] = [{}];
  for (const [key, values] of grid) points = points.flatMap((p) => values.map((v) => ({ ...p, [key]: v })));
  if (s.random) {
    const draws = drawRandom(s.random.seed, s.random.count, params);
    points = points.flatMap((p) => draws.map((d) => ({ ...p, ...d })));
  }
  const seeds = s.seeds ?? [typeof baseRaw.seed === 'number' ? baseRaw.seed : 1];
  const settings = points.flatMap((overrides) => seeds.map((seed) => ({ overrides, seed })));
  const out = resolve(s.out ?? join('sweeps', sweepName));
  const width = Math.max(3, String(settings.length - 1).length);
  const runName = typeof baseRaw.name === 'string' ? baseRaw.name : 'run';
  const sweepKeys = Object.fromEntries([...grid.map(([k]) => [k, 'grid']), ...params.map(([k]) => [k, 'random.params'])]) as Record<string, string>;

  const runs: SweepRun[] = [];
  const seen = new Set<string>();
  settings.forEach(({ overrides, seed }, index) => {
    const number = String(index).padStart(width, '0');
    const id = `${number}-${readableName(overrides, seed)}`;
    const raw = structuredClone(baseRaw);
    for (const [key, value] of Object.entries(overrides)) {
      const problem = setPath(raw, key, value);
      if (problem) report(`sweep.${sweepKeys[key]}.${key}: ${problem}`, '');
    }
    Object.assign(raw, { seed, name: `${runName}-${number}`, runsDir: join(out, 'runs', id) });
    delete raw.export;
    try {
      const config = parseRunConfig(raw, `${path}: run ${index}`, baseDir);
      runs.push({ index, id, seed, overrides, config: absolutePaths({ ...raw, env: config.envPath }, baseDir) });
    } catch (e) {
      if (!(e instanceof ConfigError)) throw e;
      // Each problem with the sweep key that set it and the first run it was met in.
      for (const line of e.message.split('\n').slice(1)) {
        const at = /^\s*config\.(\S+):/.exec(line)?.[1];
        const key = Object.keys(overrides).find((k) => at === k || at?.startsWith(`${k}.`));
        if (key) report(`sweep.${sweepKeys[key]}.${key} = ${JSON.stringify(overrides[key])}`, ` (run ${index}): ${line.trim()}`);
        else report(`${baseSource}: ${line.trim()}`, '');
      }
    }
  });
  /** Each problem once (`what` + `why`), naming the first run it was met in (`where`, inside `why`). */
  function report(what: string, why: string): void {
    const key = what + why.replace(/^ \(run \d+\)/, '');
    if (!seen.has(key)) problems.push(what + why);
    seen.add(key);
  }
  if (problems.length) throw configProblems(path, problems);
  const id = `${sweepName}-${createHash('sha256').update(JSON.stringify([out, s.stages, runs.map((r) => r.config)])).digest('hex').slice(0, 10)}`;
  return { name: sweepName, file, out, id, stages: STAGES.filter((st) => s.stages.includes(st)), metric: s.metric, runs };
}

/**
 * `count` draws of every parameter, in the file's order, from one generator seeded with `seed`.
 * Numbers are rounded to 4 significant digits (kept inside [low, high]) so names and configs read well.
 */
export function drawRandom(seed: number, count: number, params: [string, SweepParam][]): Record<string, unknown>[] {
  const rng = new Rng(seed);
  const round = (x: number, lo: number, hi: number) => Math.min(hi, Math.max(lo, Number(x.toPrecision(4))));
  return Array.from({ length: count }, () =>
    Object.fromEntries(
      params.map(([key, p]) => {
        if (p.choice) return [key, p.choice[rng.int(p.choice.length)]];
        if (p.uniform) return [key, round(rng.uniform(p.uniform[0], p.uniform[1]), ...p.uniform)];
        const [lo, hi] = p.logUniform!;
        return [key, round(Math.exp(rng.uniform(Math.log(lo), Math.log(hi))), lo, hi)];
      }),
    ),
  );
}

/** `learningRate-0.001_seed-2`: each key's last part (the whole path where two share it), its value, and the seed. */
function readableName(overrides: Record<string, unknown>, seed: number): string {
  const keys = Object.keys(overrides);
  const last = (k: string) => k.split('.').pop()!;
  const parts = keys.map((k) => `${keys.filter((o) => last(o) === last(k)).length > 1 ? k : last(k)}-${formatValue(overrides[k])}`);
  return [...parts, `seed-${seed}`].join('_').replace(/[^\w.+-]/g, '_').slice(0, 100);
}

/** A value as a short string: numbers as they print, lists joined with x, mappings as JSON. */
export function formatValue(v: unknown): string {
  if (Array.isArray(v)) return v.map(formatValue).join('x');
  if (v !== null && typeof v === 'object') return JSON.stringify(v);
  return String(v);
}

/** Sets `raw`'s dotted `path` to `value`, making mappings on the way; a problem if the way runs through a value that is not a mapping or list. */
function setPath(raw: Record<string, unknown>, path: string, value: unknown): string | null {
  const keys = path.split('.');
  let at: unknown = raw;
  for (let i = 0; i < keys.length - 1; i++) {
    const holder = at as Record<string, unknown>;
    if (holder[keys[i]!] === undefined || holder[keys[i]!] === null) holder[keys[i]!] = {};
    at = holder[keys[i]!];
    if (typeof at !== 'object' || at === null) return `config.${keys.slice(0, i + 1).join('.')} is ${JSON.stringify(at)}, not a mapping, in the base config`;
  }
  (at as Record<string, unknown>)[keys.at(-1)!] = value;
  return null;
}

function isMapping(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/**
 * The run config with every file it names made absolute. A run's config file is written into its
 * own folder, far from the base config that the relative paths start from. These are all the
 * run-config keys that name files; `export` is dropped (a sweep never copies results out).
 */
function absolutePaths(raw: Record<string, unknown>, baseDir: string): Record<string, unknown> {
  const config = structuredClone(raw) as {
    env: string;
    train?: { ppo?: { bc?: { demos?: string } | null }; selfPlay?: { opponents?: { policy?: string }[] } };
    imitate?: { demos?: string };
  };
  const abs = (p: string) => resolve(baseDir, p);
  const bc = config.train?.ppo?.bc;
  if (bc?.demos) bc.demos = abs(bc.demos);
  for (const o of config.train?.selfPlay?.opponents ?? []) if (o.policy && o.policy !== 'scripted') o.policy = abs(o.policy);
  if (config.imitate?.demos) config.imitate.demos = abs(config.imitate.demos);
  return config as unknown as Record<string, unknown>;
}

/** A zod issue as `sweep.<path>: <message>`, unknown keys one a line. */
function formatSweepIssue(issue: z.core.$ZodIssue): string {
  const at = ['sweep', ...issue.path.map(String)].join('.');
  if (issue.code === 'unrecognized_keys') return issue.keys.map((k) => `${at}.${k}: unknown key`).join('\n  ');
  return `${at}: ${issue.message}`;
}
