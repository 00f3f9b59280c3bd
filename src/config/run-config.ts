/**
 * Run configs (YAML or JSON), parsed strictly with zod: an unknown or mistyped key is an error that
 * names its path, in the manner of ML-Agents' trainer settings. Every PPO field is optional and
 * falls back to `defaultPpoConfig`.
 */
import { existsSync, readFileSync, statSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { isMap, isScalar, isSeq, parseDocument } from 'yaml';
import { z } from 'zod';
import {
  defaultDistillConfig, defaultEvaluateOptions, defaultImitationConfig, defaultPpoConfig, defaultSelfPlayConfig, type DistillConfig, type ImitationConfig, type PpoConfig,
} from '../train/index.js';
import { ConfigError, configProblems } from './errors.js';

const positiveInt = z.number().int().positive();
const unit = z.number().min(0).max(1);

const networkSchema = z
  .object({
    actorHidden: z.array(positiveInt).min(1),
    criticHidden: z.array(positiveInt).min(1),
    /** The hidden layers' activation, actor and critic. */
    activation: z.enum(['tanh', 'relu']),
    initLogStd: z.number(),
    /**
     * A convolutional torso before each head's MLP, over a grid in the observation (a GridSensor2D's
     * reading, or the game's own map); see the guide's Large teachers. Learns on the tfjs engine.
     */
    conv: z
      .object({
        /** Where the grid lies in the observation: height x width x channels numbers from offset, row by row, each cell's channels together. */
        grid: z
          .object({
            /** The grid's first number in the observation. */
            offset: z.number().int().min(0).default(0),
            /** Rows of cells. */
            height: positiveInt,
            /** Cells a row. */
            width: positiveInt,
            /** Numbers a cell (a GridSensor2D's: its tags + 1). */
            channels: positiveInt,
          })
          .strict(),
        /** The convolutions, in order; each 'valid' (no padding) and followed by relu. */
        layers: z
          .array(
            z
              .object({
                /** Kernels, so channels out. */
                filters: positiveInt,
                /** A kernel's side, in cells. */
                kernel: positiveInt,
                /** Cells a kernel moves at a time. */
                stride: positiveInt.default(1),
              })
              .strict(),
          )
          .min(1),
      })
      .strict()
      .nullable(),
  })
  .partial()
  .strict();

/** Behaviour cloning beside PPO (ML-Agents' behavioral_cloning); see BcConfig in src/train/ppo.ts. */
const bcSchema = z
  .object({
    /** A .demo file or a folder of them (merged), relative to the config file. */
    demos: z.string().min(1),
    /** Weight of the BC loss beside PPO's at the start. */
    strength: z.number().min(0).default(1),
    /** Env steps over which the strength falls linearly to 0; 0 keeps it. */
    steps: z.number().int().min(0).default(0),
    /** Demo pairs per BC minibatch. */
    batchSize: positiveInt.default(256),
    /** Passes over the demo training the actor on BC alone before PPO starts. */
    pretrainEpochs: z.number().int().min(0).default(0),
  })
  .strict();

const ppoSchema = z
  .object({
    totalTimesteps: positiveInt,
    numEnvs: positiveInt,
    numWorkers: positiveInt,
    /** With numWorkers 2 or more: the worker threads collect the next rollout while this thread updates on the last one (a policy lag of one update; the loss's ratio is against the recorded log-probabilities). Off by default. */
    overlap: z.boolean(),
    numSteps: positiveInt,
    numMinibatches: positiveInt,
    updateEpochs: positiveInt,
    learningRate: z.number().positive().max(1, 'at most 1 (an Adam step size above 1 only diverges)'),
    annealLr: z.boolean(),
    gamma: unit,
    gaeLambda: unit,
    normAdvantages: z.boolean(),
    clipCoef: z.number().positive(),
    clipVloss: z.boolean(),
    entCoef: z.number().min(0),
    vfCoef: z.number().min(0),
    maxGradNorm: z.number().positive(),
    targetKl: z.number().positive().nullable(),
    normalizeObservation: z.boolean(),
    normalizeReward: z.boolean(),
    network: networkSchema,
    bc: bcSchema.nullable(),
    /** What computes the updates: 'fused' (a few loops and WebAssembly SIMD: MLPs on a CPU backend), 'tfjs', or 'auto' (the default: fused on cpu and wasm up to FUSED_MAX_UNITS wide). */
    engine: z.enum(['auto', 'fused', 'tfjs']).default('auto'),
  })
  .partial()
  .strict();

/** Self-play (ML-Agents' self_play settings); see SelfPlayConfig in src/train/self-play.ts. */
const selfPlaySchema = z
  .object({
    /** Env steps between snapshots of the learner joining the pool. */
    saveSteps: positiveInt.default(defaultSelfPlayConfig.saveSteps),
    /** Env steps between changes of opponent. */
    swapSteps: positiveInt.default(defaultSelfPlayConfig.swapSteps),
    /** Snapshots kept in the pool. */
    window: positiveInt.default(defaultSelfPlayConfig.window),
    /** Chance that a change of opponent picks the newest snapshot. */
    playAgainstLatestModelRatio: unit.default(defaultSelfPlayConfig.playAgainstLatestModelRatio),
    initialElo: z.number().default(defaultSelfPlayConfig.initialElo),
    eloK: z.number().positive().default(defaultSelfPlayConfig.eloK),
    /** Opponents always in the pool: `scripted` (the game's own) or a policy file, relative to the config. */
    opponents: z
      .array(
        z
          .object({
            /** The opponent's name in the pool and in the Elo table. */
            name: z.string().regex(/^[\w-]+$/, 'letters, digits, _ and - only'),
            /** `scripted` (the game's own opponent) or a policy file, relative to the config. */
            policy: z.string().min(1),
            /** A policy file's sampling temperature; 0 plays greedily. */
            temperature: z.number().min(0).optional(),
          })
          .strict(),
      )
      .default([]),
  })
  .strict();

const nameOf = z.string().regex(/^[\w-]+$/, 'letters, digits, _ and - only');

/** Behaviours that each train their own policy in one run, a side at a time (ML-Agents' ghost trainer, team_change). */
const alternateSchema = z
  .object({
    /** The behaviours that learn, in turn order; each keeps its own network, optimiser, normalisers, checkpoints and teacher folder ({run}/{behavior}/). */
    behaviors: z.array(nameOf).min(2),
    /** Env steps a side learns before the other takes its turn (ML-Agents' team_change); the side that waits is driven by its own latest policy. */
    teamChange: positiveInt,
    /** Policies of the waiting side that play it: its latest and those its earlier turns ended with, newest first, the scenes shared out among them (ML-Agents' window); 1 plays the latest alone. */
    window: positiveInt.default(1),
  })
  .strict();

const trainSchema = z
  .object({
    /** The behaviour this run trains, in a scene of several (passed to the env module as `behavior`); default: the env module's own. */
    behavior: nameOf.optional(),
    /** What drives the scene's other behaviours, by behaviour name: `scripted` (the env module's own driver), a policy file relative to the config, or a list of them sharing the scenes out (passed to the env module as `drivers`). */
    drivers: z.record(nameOf, z.union([z.string().min(1), z.array(z.string().min(1)).min(1)])).optional(),
    /** Two or more behaviours each training its own policy, one side at a time; see the many-agents guide. Off unless given. */
    alternate: alternateSchema.optional(),
    /** PPO's settings (CleanRL's names); each key left out takes its default. */
    ppo: ppoSchema.default({}),
    /** Self-play against past snapshots of the learner (a game with an `opponent`); off unless given. */
    selfPlay: selfPlaySchema.optional(),
    /** Save a checkpoint every this many iterations (and at the end, and on Ctrl+C, SIGTERM or SIGHUP). */
    checkpointEvery: positiveInt.default(25),
    /** With numWorkers > 1: seconds a worker thread may take to answer one step before the run stops, naming it and its envs (a hang, or a thread killed out of memory). */
    workerStepLimit: z.number().positive().max(3600).default(30),
    /** The run succeeds (exit 0) only if the mean return of 10 episodes reaches this. */
    targetReturn: z.number().optional(),
  })
  .strict();

const distillConfigSchema = z
  .object({
    activation: z.enum(['tanh', 'relu']),
    rounds: positiveInt,
    stepsPerRound: positiveInt,
    driver: z.enum(['teacher', 'student', 'both']),
    betaDecay: unit,
    teacherSamples: z.boolean(),
    obsNoise: z.number().min(0),
    tau: z.number().positive(),
    lambdaSoft: z.number().min(0),
    lambdaHard: z.number().min(0),
    lambdaValue: z.number().min(0),
    epochsPerRound: positiveInt,
    minibatchSize: positiveInt,
    learningRate: z.number().positive().max(1, 'at most 1 (an Adam step size above 1 only diverges)'),
    heldOutFraction: z.number().gt(0).lt(1),
    patience: z.number().int().min(0),
    normalizeObservations: z.boolean(),
    boxTolerance: z.number().min(0),
    boxLoss: z.enum(['mse', 'kl']),
  })
  .partial()
  .strict();

/** A student: its name and its hidden layers' sizes. */
const studentSchema = z
  .object({
    /** The student's name; its files are {name}-{dtype}.json. */
    name: z.string().regex(/^[\w-]+$/, 'letters, digits, _ and - only'),
    /** Units per hidden layer, e.g. [16]; [] for a linear policy. */
    hidden: z.array(positiveInt),
  })
  .strict();

const distillSchema = z
  .object({
    /** One student per entry, each distilled from the run's teacher. */
    students: z.array(studentSchema).min(1),
    /** Weight types each student is exported as. */
    dtypes: z.array(z.enum(['float32', 'int8'])).min(1).default(['float32', 'int8']),
    /** Envs stepped together while collecting. */
    numEnvs: positiveInt.default(8),
    /** Overrides of the distillation defaults (see src/distill/config.ts). */
    config: distillConfigSchema.default({}),
  })
  .strict();

/** Behaviour cloning's overrides: the distillation keys it shares, and its epochs. */
const imitationConfigSchema = distillConfigSchema
  .pick({ activation: true, minibatchSize: true, learningRate: true, heldOutFraction: true, patience: true, normalizeObservations: true, boxTolerance: true })
  .extend({ epochs: positiveInt.optional() })
  .strict();

/** `phaser-distill imitate`: students cloned from recorded play (behaviour cloning), not from a teacher. */
const imitateSchema = z
  .object({
    /** A .demo file or a folder of them (merged), relative to the config; `--demos` on the command line wins. */
    demos: z.string().min(1).optional(),
    /** One student per entry, each cloned from the demos. */
    students: z.array(studentSchema).min(1),
    /** Weight types each student is written as. */
    dtypes: z.array(z.enum(['float32', 'int8'])).min(1).default(['float32', 'int8']),
    /** Overrides of the behaviour-cloning defaults (see src/distill/imitate.ts). */
    config: imitationConfigSchema.default({}),
  })
  .strict();

const evalSchema = z
  .object({
    episodes: positiveInt.default(defaultEvaluateOptions.episodes),
    /** Evaluation episodes' seed, apart from training's and distillation's. */
    seed: z.number().int().min(0).default(defaultEvaluateOptions.seed),
    /** Envs stepped together while evaluating. */
    numEnvs: positiveInt.default(8),
    /** Time given to each side of the latency comparison, in milliseconds. */
    latencyMs: positiveInt.default(defaultEvaluateOptions.latencyMs),
  })
  .strict();

/** Where `run` copies its results. */
const exportSchema = z
  .object({
    /** A folder for every student file, relative to the config. */
    students: z.string().min(1).optional(),
    /** A folder for the teacher (model.json, weights.bin, run.json), relative to the config. */
    teacher: z.string().min(1).optional(),
  })
  .strict();

export const runConfigSchema = z
  .object({
    /** The game's name, used in the run folder's name. */
    game: z.string().regex(/^[\w-]+$/, 'letters, digits, _ and - only'),
    /** The game's env module, relative to the config file; it exports `makeVectorEnv`. */
    env: z.string().min(1),
    /** The experiment's name, used in the run folder's name. */
    name: z.string().regex(/^[\w-]+$/, 'letters, digits, _ and - only').default('run'),
    /** Seeds training (networks, sampling, episodes) and distillation. */
    seed: z.number().int().min(0).default(1),
    /** Where run folders go, relative to the working directory. */
    runsDir: z.string().default('runs'),
    /** TensorFlow.js's backend: auto picks the first that starts (wasm on most machines; webgl is for browsers; webgpu in Node needs the optional webgpu package and a GPU). */
    backend: z.enum(['auto', 'webgpu', 'webgl', 'wasm', 'cpu']).default('auto'),
    // prefault: a missing section is parsed as {}, so its keys' own defaults fill it.
    /** Training the teacher. */
    train: trainSchema.prefault({}),
    /** Distilling the teacher into students (`run` and `distill`); no students without it. */
    distill: distillSchema.optional(),
    /** Cloning students from recorded play (`imitate`). */
    imitate: imitateSchema.optional(),
    /** Evaluating teacher and students side by side on fresh episodes. */
    eval: evalSchema.prefault({}),
    /** Where `run` copies the results, relative to the config: every student file, and the teacher. */
    export: exportSchema.optional(),
  })
  .strict();

export type RunConfig = z.infer<typeof runConfigSchema> & {
  /** Absolute path of the env module. */
  envPath: string;
  /** Absolute folder of the config file, which relative paths start from. */
  baseDir: string;
};

/** Parses and validates a config object; `source` names it in errors. */
export function parseRunConfig(raw: unknown, source: string, baseDir: string): RunConfig {
  const result = runConfigSchema.safeParse(raw);
  if (!result.success) throw configProblems(source, formatIssues(result.error.issues));
  const envPath = resolve(baseDir, result.data.env);
  const problems = problemsBeyondSchema(result.data, envPath, baseDir);
  if (problems.length) throw configProblems(source, problems);
  return { ...result.data, envPath, baseDir };
}

/** What the schema cannot see: files the config names, and keys that only make sense together. */
function problemsBeyondSchema(data: z.infer<typeof runConfigSchema>, envPath: string, baseDir: string): string[] {
  const problems: string[] = [];
  if (!existsSync(envPath)) problems.push(`config.env: no such file ${envPath} (the path is relative to the config file's folder, ${baseDir})`);
  const runs = resolve(data.runsDir);
  if (existsSync(runs) && !statSync(runs).isDirectory()) problems.push(`config.runsDir: ${runs} is a file, not a folder`);
  if (data.backend === 'webgl') problems.push('config.backend: webgl runs only in a browser; the command line runs in Node (auto, wasm, cpu, or webgpu with the webgpu package)');
  const ppo = ppoConfigOf(data);
  const batch = ppo.numEnvs * ppo.numSteps;
  if (ppo.numWorkers > ppo.numEnvs) problems.push(`config.train.ppo.numWorkers: ${ppo.numWorkers} is more than numEnvs (${ppo.numEnvs}); each worker steps a share of the envs`);
  if (ppo.numWorkers > 1 && data.train.selfPlay) problems.push(`config.train.ppo.numWorkers: self-play needs numWorkers 1 (its opponent seat is played in the main thread)`);
  if (ppo.overlap && ppo.numWorkers < 2) problems.push(`config.train.ppo.overlap: needs numWorkers 2 or more (worker threads collect the next rollout while this thread updates), got numWorkers ${ppo.numWorkers}`);
  if (ppo.overlap && ppo.network.conv) problems.push('config.train.ppo.overlap: runs MLPs only, not a network with a convolutional torso (network.conv)');
  if (ppo.numMinibatches > batch) problems.push(`config.train.ppo.numMinibatches: ${ppo.numMinibatches} is more than the batch of ${batch} steps (numEnvs ${ppo.numEnvs} x numSteps ${ppo.numSteps})`);
  if (ppo.bc && !existsSync(resolve(baseDir, ppo.bc.demos))) problems.push(`config.train.ppo.bc.demos: no such file or folder ${resolve(baseDir, ppo.bc.demos)} (the path is relative to the config file's folder, ${baseDir})`);
  data.train.selfPlay?.opponents.forEach((o, i) => {
    if (o.policy !== 'scripted' && !existsSync(resolve(baseDir, o.policy))) problems.push(`config.train.selfPlay.opponents.${i}.policy: no such file ${resolve(baseDir, o.policy)} ('scripted' for the game's own opponent, or a policy file relative to the config file's folder, ${baseDir})`);
    if (o.policy === 'scripted' && o.temperature !== undefined) problems.push(`config.train.selfPlay.opponents.${i}.temperature: the scripted opponent has no temperature`);
  });
  const { behavior, drivers, alternate } = data.train;
  for (const [name, policy] of Object.entries(drivers ?? {})) {
    const files = Array.isArray(policy) ? policy.map((p, i) => [p, `config.train.drivers.${name}.${i}`] as const) : [[policy, `config.train.drivers.${name}`] as const];
    for (const [file, key] of files) {
      if (Array.isArray(policy) && file === 'scripted') problems.push(`${key}: a list holds policy files; 'scripted' stands alone`);
      else if (file !== 'scripted' && !existsSync(resolve(baseDir, file))) problems.push(`${key}: no such file ${resolve(baseDir, file)} ('scripted' for the env module's own driver, or a policy file relative to the config file's folder, ${baseDir})`);
    }
    if (name === behavior) problems.push(`config.train.drivers.${name}: '${name}' is the behaviour this run trains (train.behavior); drivers are for the scene's other behaviours`);
  }
  if (alternate) {
    if (behavior !== undefined) problems.push(`config.train.behavior: give train.behavior (one behaviour learns) or train.alternate (several, in turn), not both`);
    alternate.behaviors.forEach((b, i) => {
      if (alternate.behaviors.indexOf(b) !== i) problems.push(`config.train.alternate.behaviors.${i}: '${b}' is listed twice`);
    });
    if (alternate.teamChange < batch) problems.push(`config.train.alternate.teamChange: ${alternate.teamChange} is less than one batch of ${batch} steps (numEnvs ${ppo.numEnvs} x numSteps ${ppo.numSteps}); a side learns whole iterations`);
    if (data.train.selfPlay) problems.push(`config.train.selfPlay: self-play and train.alternate do not go together (alternate's other side plays its own latest policy)`);
  }
  if (ppo.numWorkers > 1 && (behavior !== undefined || drivers || alternate)) problems.push(`config.train.ppo.numWorkers: train.behavior, train.drivers and train.alternate need numWorkers 1 (the workers make the env module's default env)`);
  if (ppo.totalTimesteps < batch) problems.push(`config.train.ppo.totalTimesteps: ${ppo.totalTimesteps} is less than one batch of ${batch} steps (numEnvs ${ppo.numEnvs} x numSteps ${ppo.numSteps}): no iteration would run`);
  return problems;
}

/** Reads a YAML or JSON file into plain data; a ConfigError names the file and what is wrong. */
export function readConfigFile(path: string): unknown {
  let text: string;
  try {
    // Editors on some systems start a UTF-8 file with a byte-order mark; neither parser wants it.
    text = readFileSync(path, 'utf8').replace(/^\uFEFF/, '');
  } catch (e) {
    throw new ConfigError(`${path}: cannot read the config (${(e as Error).message})`);
  }
  try {
    return path.endsWith('.json') ? JSON.parse(text) : readYaml(text);
  } catch (e) {
    throw new ConfigError(`${path}: not valid ${path.endsWith('.json') ? 'JSON' : 'YAML'} (${(e as Error).message})`);
  }
}

/**
 * YAML text as plain data; a key written twice in one mapping is an error (the second would
 * silently win). The yaml package's own check (uniqueKeys) compares every key with every other,
 * minutes for a file of 100k keys: one pass with a Set does it here.
 */
function readYaml(text: string): unknown {
  const doc = parseDocument(text, { uniqueKeys: false });
  if (doc.errors.length > 0) throw doc.errors[0];
  const seen = (node: unknown, at: string): void => {
    if (isMap(node)) {
      const keys = new Set<unknown>();
      for (const pair of node.items) {
        const key = isScalar(pair.key) ? pair.key.value : pair.key;
        if (keys.has(key)) throw new Error(`${at}.${String(key)}: the key is written twice`);
        keys.add(key);
        seen(pair.value, `${at}.${String(key)}`);
      }
    } else if (isSeq(node)) {
      node.items.forEach((item, i) => seen(item, `${at}.${i}`));
    }
  };
  seen(doc.contents, 'config');
  return doc.toJS();
}

/** Reads a YAML or JSON run config file. */
export function loadRunConfig(path: string): RunConfig {
  return parseRunConfig(readConfigFile(path), path, dirname(resolve(path)));
}

/** The full PPO config of a run: defaults, the file's overrides, and the run's seed. */
export function ppoConfigOf(config: Pick<RunConfig, 'train' | 'seed'>): PpoConfig {
  const { network, ...rest } = config.train.ppo;
  return { ...defaultPpoConfig, ...rest, network: { ...defaultPpoConfig.network, ...network }, seed: config.seed };
}

/** One line per problem, each naming the key's path from `config`. */
export function formatIssues(issues: readonly z.core.$ZodIssue[]): string[] {
  return issues.flatMap((issue) => {
    const at = ['config', ...issue.path.map(String)].join('.');
    if (issue.code === 'unrecognized_keys') return issue.keys.map((k) => `${at}.${k}: unknown key`);
    return [`${at}: ${issue.message}`];
  });
}

/** The distillation config of one student: defaults, the file's overrides, its hidden sizes, the run's seed. */
export function distillConfigOf(config: RunConfig, hidden: number[]): DistillConfig {
  return { ...defaultDistillConfig, ...config.distill?.config, hidden, seed: config.seed };
}

/** The behaviour-cloning config of one student: defaults, the file's overrides, its hidden sizes, the run's seed. */
export function imitationConfigOf(config: RunConfig, hidden: number[]): ImitationConfig {
  return { ...defaultImitationConfig, ...config.imitate?.config, hidden, seed: config.seed };
}
