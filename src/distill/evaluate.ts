/**
 * Evaluation of a teacher and its students on fresh seeds, side by side: return (mean, spread),
 * action agreement with the teacher on the states each student itself visits, parameters and
 * compression, file bytes raw and gzipped, and the batch-1 decision time of the plain runtime
 * against TensorFlow.js `predict` on the same network.
 *
 * Every policy acts greedily, within the env's action masks if it has them. Each env of the vector env plays a fixed share of the episodes, so
 * short episodes are not over-counted (taking the first N episodes to end would favour them).
 */
import * as tf from '@tensorflow/tfjs';
import { Rng, choiceCount, flatSize, sample, teacherView, viewFor, type VectorEnv } from '../env/index.js';
import { StudentPolicy, type PolicyFile } from '../policy/index.js';
import { defaultDistillConfig } from './config.js';
import { agrees, chooseAction } from './actions.js';
import { policyFileBytes, policyFileLayers, type DenseWeights } from './export.js';
import type { Teacher } from './teacher.js';

export interface PolicyEvaluation {
  name: string;
  role: 'teacher' | 'student';
  hidden: number[];
  dtype: 'float32' | 'int8';
  episodes: number;
  returnMean: number;
  returnStd: number;
  returnMin: number;
  returnMax: number;
  /** returnMean / the teacher's returnMean. */
  returnRatio: number;
  /**
   * (returnMean - random) / (teacher's returnMean - random), `random` being the report's
   * randomReturnMean: the share of the teacher's gain over random play that this policy keeps. It
   * reads the same whatever the sign of the returns (Swing's are all negative, where returnRatio
   * says nothing).
   */
  gainRatio: number;
  /**
   * Share of decisions where the greedy action equals the teacher's in the same state, as the env
   * receives it: box means clipped to the box, then within the tolerance.
   */
  agreement: number;
  /** Box actions only: the same share on the unclipped means (a saturated student disagrees here and not in play). */
  rawAgreement?: number;
  /** Parameters of the policy network (the teacher's actor; the critic is not shipped). */
  parameters: number;
  /** Teacher parameters / these parameters. */
  compression: number;
  /** The policy file's bytes (the teacher's actor written in the same format, float32). */
  bytes: number;
  gzipBytes: number;
  /** Microseconds per batch-1 decision: plain runtime (normalise, forward, argmax). */
  runtimeUs: number;
  /** Microseconds per batch-1 `predict` + `dataSync` of the same network in TensorFlow.js. */
  tfjsUs: number;
  /** tfjsUs / runtimeUs. */
  speedup: number;
}

export interface EvaluationReport {
  game: string;
  backend: string;
  seed: number;
  /** Mean return of uniformly random actions (within the masks) over the same episodes. */
  randomReturnMean: number;
  randomReturnStd: number;
  /**
   * What a reader should know before the table: a teacher that does not beat random play (its mean
   * within two standard errors of random's, or below it), so its students' percentages mean nothing.
   */
  warnings: string[];
  teacher: PolicyEvaluation;
  students: PolicyEvaluation[];
}

export interface EvaluateOptions {
  /** Episodes per policy, exactly. */
  episodes?: number;
  /** Seeds the evaluation episodes; keep it apart from training and distillation seeds. */
  seed?: number;
  /** Time each latency side runs for, in total, in milliseconds. */
  latencyMs?: number;
  /** Box actions: means within this distance agree. */
  boxTolerance?: number;
}

export interface NamedStudent {
  name: string;
  file: PolicyFile;
}

/** What evaluatePolicies does with an option left out; the CLI's `eval` section defaults to the same. */
export const defaultEvaluateOptions = { episodes: 100, seed: 1_000_003, latencyMs: 300, boxTolerance: defaultDistillConfig.boxTolerance } as const;

/** Evaluates the teacher and every student on the same fresh episode seeds. */
export async function evaluatePolicies(game: string, env: VectorEnv, teacher: Teacher, students: NamedStudent[], options: EvaluateOptions = {}): Promise<EvaluationReport> {
  const episodes = options.episodes ?? defaultEvaluateOptions.episodes;
  const seed = options.seed ?? defaultEvaluateOptions.seed;
  const latencyMs = options.latencyMs ?? defaultEvaluateOptions.latencyMs;
  const tolerance = options.boxTolerance ?? defaultEvaluateOptions.boxTolerance;
  // A privileged teacher plays on its view of the env; the students on theirs.
  const privileged = viewFor(env, teacher.obsSize, `evaluate '${game}'`) === 'privileged';
  const space = env.actionSpace;
  const A = flatSize(space);
  const D = flatSize(env.observationSpace);

  // A teacher with a convolutional torso has no student-format file: its row comes from its own forward.
  const teacherFile = teacher.hasPolicyFile ? teacher.policyFile() : null;
  const teacherRun = playTeacher(privileged ? teacherView(env) : env, teacher, episodes, seed);
  const randomRun = playRandom(env, episodes, seed);
  const randomReturns = randomRun.returns;
  const randomReturnMean = mean(randomReturns);
  const randomReturnStd = std(randomReturns);
  const all = [...(teacherFile ? [{ name: teacher.name, role: 'teacher' as const, file: teacherFile }] : []), ...students.map((s) => ({ ...s, role: 'student' as const }))];
  const rows: PolicyEvaluation[] = teacherFile ? [] : [await teacherRow(teacher, teacherRun, latencyMs)];
  for (const entry of all) {
    const policy = new StudentPolicy(entry.file, { source: entry.name });
    const P = policy.file.layers[policy.file.layers.length - 1]!.outputs;
    let run = teacherRun;
    let agreement = 1;
    let rawAgreement: number | undefined;
    if (entry.role === 'student') {
      let agree = 0;
      let agreeRaw = 0;
      let total = 0;
      const logits = new Float32Array(env.numEnvs * P);
      run = runEpisodes(env, episodes, seed, (obs, n, out, active) => {
        for (let i = 0; i < n; i++) logits.set(policy.logits(obs.subarray(i * D, (i + 1) * D)), i * P);
        const t = teacher.predict(privileged ? env.privileged!.observations() : obs, n).policy;
        const masks = env.actionMasks ?? null;
        for (let i = 0; i < n; i++) {
          chooseAction(space, logits, i, out, i * A, null, null, masks);
          if (active[i]) {
            total += 1;
            if (agrees(space, logits, t, i, tolerance, masks, true)) agree += 1;
            if (space.type === 'box' && agrees(space, logits, t, i, tolerance, masks)) agreeRaw += 1;
          }
        }
        return n;
      });
      agreement = total ? agree / total : 0;
      if (space.type === 'box') rawAgreement = total ? agreeRaw / total : 0;
    }
    const bytes = policyFileBytes(entry.file);
    // Timed on observations of its own view (a privileged teacher's differ from its students').
    const observations = entry.role === 'teacher' || !privileged ? teacherRun.observations : randomRun.observations;
    const latency = await compareLatency(policy, policyFileLayers(entry.file), observations, latencyMs);
    rows.push({
      name: entry.name,
      role: entry.role,
      hidden: entry.file.layers.slice(0, -1).map((l) => l.outputs),
      dtype: entry.file.layers.some((l) => l.dtype === 'int8') ? 'int8' : 'float32',
      ...returnStats(run.returns),
      returnRatio: 0,
      gainRatio: 0,
      agreement,
      ...(space.type === 'box' ? { rawAgreement: rawAgreement ?? 1 } : {}),
      parameters: policy.parameterCount,
      compression: 0,
      bytes: bytes.length,
      gzipBytes: await gzipSize(bytes),
      runtimeUs: latency.runtimeUs,
      tfjsUs: latency.tfjsUs,
      speedup: latency.tfjsUs / latency.runtimeUs,
    });
  }
  const [t, ...s] = rows as [PolicyEvaluation, ...PolicyEvaluation[]];
  for (const row of rows) {
    row.returnRatio = t.returnMean === 0 ? 0 : row.returnMean / t.returnMean;
    row.gainRatio = t.returnMean === randomReturnMean ? 0 : (row.returnMean - randomReturnMean) / (t.returnMean - randomReturnMean);
    row.compression = t.parameters / row.parameters;
  }
  const warnings: string[] = [];
  if (!beatsRandom(t.returnMean, t.returnStd, randomReturnMean, randomReturnStd, episodes)) {
    warnings.push(`the teacher does not beat random play: its mean return ${t.returnMean.toFixed(1)} ± ${t.returnStd.toFixed(1)} against random actions' ${randomReturnMean.toFixed(1)} ± ${randomReturnStd.toFixed(1)} over ${episodes} episodes; the students' percentages of it say nothing (train longer, or see "My game does not learn" in the docs)`);
  }
  return { game, backend: tf.getBackend(), seed, randomReturnMean, randomReturnStd, warnings, teacher: t, students: s };
}

/**
 * The row of a teacher the student format does not hold (a convolutional torso): its returns, its
 * actor's parameters and float32 bytes, and its batch-1 decision time in TensorFlow.js; no plain
 * runtime time (NaN), as it has no plain runtime.
 */
async function teacherRow(teacher: Teacher, run: ReturnType<typeof runEpisodes>, latencyMs: number): Promise<PolicyEvaluation> {
  const params = teacher.net.actor.params;
  const weights = new Float32Array(params.reduce((n, p) => n + p.size, 0));
  params.reduce((at, p) => (weights.set(p.dataSync() as Float32Array, at), at + p.size), 0);
  const bytes = new Uint8Array(weights.buffer);
  const timings: number[] = [];
  const start = performance.now();
  for (let c = 0; c < 3 || performance.now() - start < latencyMs; c++) {
    const t0 = performance.now();
    teacher.predict(run.observations[c % run.observations.length]!, 1);
    timings.push((performance.now() - t0) * 1000);
  }
  return {
    name: teacher.name, role: 'teacher', hidden: teacher.net.actor.mlp.sizes.slice(1, -1), dtype: 'float32',
    ...returnStats(run.returns), returnRatio: 0, gainRatio: 0, agreement: 1,
    ...(teacher.actionSpace.type === 'box' ? { rawAgreement: 1 } : {}),
    parameters: teacher.parameterCount, compression: 0, bytes: bytes.length, gzipBytes: await gzipSize(bytes),
    runtimeUs: Number.NaN, tfjsUs: median(timings.slice(1)), speedup: Number.NaN,
  };
}

/** A row's episodes and return statistics. */
function returnStats(r: readonly number[]): Pick<PolicyEvaluation, 'episodes' | 'returnMean' | 'returnStd' | 'returnMin' | 'returnMax'> {
  return { episodes: r.length, returnMean: mean(r), returnStd: std(r), returnMin: Math.min(...r), returnMax: Math.max(...r) };
}

/** Whether a mean return is above random's by more than two standard errors of their difference. */
export function beatsRandom(mean: number, std: number, randomMean: number, randomStd: number, episodes: number): boolean {
  const se = Math.sqrt((std * std + randomStd * randomStd) / Math.max(1, episodes));
  return mean - randomMean > 2 * se;
}

/** The teacher's greedy episodes (within the env's masks), as runEpisodes plays them. */
export function playTeacher(env: VectorEnv, teacher: Teacher, episodes: number, seed: number): ReturnType<typeof runEpisodes> {
  const A = flatSize(env.actionSpace);
  return runEpisodes(env, episodes, seed, (obs, n, out) => {
    const p = teacher.predict(obs, n).policy;
    for (let i = 0; i < n; i++) chooseAction(env.actionSpace, p, i, out, i * A, null, null, env.actionMasks ?? null);
    return n;
  });
}

/**
 * Random play, the floor gain ratios are measured from: uniform choices among the allowed ones
 * (equal logits, sampled), or uniform in the box.
 */
export function playRandom(env: VectorEnv, episodes: number, seed: number): ReturnType<typeof runEpisodes> {
  const space = env.actionSpace;
  const A = flatSize(space);
  const rng = new Rng(seed + 1);
  const flat = new Float32Array(env.numEnvs * (choiceCount(space) || 1));
  return runEpisodes(env, episodes, seed, (_obs, n, out) => {
    for (let i = 0; i < n; i++) {
      if (space.type === 'box') out.set(sample(space, rng) as Float32Array, i * A);
      else chooseAction(space, flat, i, out, i * A, rng, null, env.actionMasks ?? null);
    }
    return n;
  });
}

const mean = (xs: readonly number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
const std = (xs: readonly number[]) => {
  const m = mean(xs);
  return Math.sqrt(xs.reduce((a, b) => a + (b - m) ** 2, 0) / xs.length);
};

/**
 * Plays exactly `episodes` episodes from `env.reset(seed)`, each env a fixed share of them (the
 * first `episodes % numEnvs` envs one more), so short episodes are not favoured. `decide` writes
 * actions for all envs; `active[i]` says whether env i's current episode counts. Returns the returns and up to 512 visited observations (for timing).
 */
export function runEpisodes(env: VectorEnv, episodes: number, seed: number, decide: (obs: Float32Array, n: number, out: Float32Array, active: Uint8Array) => number): { returns: number[]; observations: Float32Array[] } {
  const N = env.numEnvs;
  const D = flatSize(env.observationSpace);
  const quota = Int32Array.from({ length: N }, (_, i) => Math.floor(episodes / N) + (i < episodes % N ? 1 : 0));
  const done = new Int32Array(N);
  const active = Uint8Array.from(quota, (q) => (q > 0 ? 1 : 0));
  const out = new Float32Array(N * flatSize(env.actionSpace));
  const returns: number[] = [];
  const observations: Float32Array[] = [];
  let obs = env.reset(seed);
  let step = 0;
  while (returns.length < episodes) {
    decide(obs, N, out, active);
    if (observations.length < 512 && step % 3 === 0) observations.push(obs.slice(0, D));
    const r = env.step(out);
    for (const e of r.episodes) {
      if (done[e.env]! < quota[e.env]!) returns.push(e.return);
      done[e.env]! += 1;
      if (done[e.env]! >= quota[e.env]!) active[e.env] = 0;
    }
    obs = r.observations;
    step += 1;
  }
  return { returns, observations };
}

/**
 * Batch-1 decision time of the plain runtime and of TensorFlow.js predict on the same layers,
 * measured in alternating blocks so both sides see the same machine load. Medians of the blocks.
 */
export async function compareLatency(policy: StudentPolicy, layers: DenseWeights[], observations: Float32Array[], totalMs: number): Promise<{ runtimeUs: number; tfjsUs: number }> {
  const model = layersModel(layers);
  const D = layers[0]!.inputs;
  try {
    const runtimeBlock = (calls: number) => {
      const t0 = performance.now();
      let sink = 0;
      for (let c = 0; c < calls; c++) {
        const a = policy.act(observations[c % observations.length]!);
        sink += typeof a === 'number' ? a : a[0]!;
      }
      const t = performance.now() - t0;
      latencySink = sink; // keeps the loop from being optimised away
      return (t * 1000) / calls;
    };
    const tfjsBlock = (calls: number) => {
      const t0 = performance.now();
      for (let c = 0; c < calls; c++) {
        const x = tf.tensor2d(observations[c % observations.length]!, [1, D]);
        const y = model.predict(x) as tf.Tensor;
        y.dataSync();
        x.dispose();
        y.dispose();
      }
      return ((performance.now() - t0) * 1000) / calls;
    };
    // Warm up (JIT, wasm kernels), then size blocks to about 10 ms each so that a block is long
    // against the timer's resolution and both sides alternate many times within `totalMs`.
    const perBlock = (us: number) => Math.max(10, Math.round(10_000 / Math.max(us, 1e-3)));
    const runtimeCalls = perBlock(Math.min(runtimeBlock(200), runtimeBlock(2_000)));
    const tfjsCalls = perBlock(Math.min(tfjsBlock(10), tfjsBlock(20)));
    const runtime: number[] = [];
    const tfjs: number[] = [];
    const start = performance.now();
    while (performance.now() - start < totalMs || runtime.length < 3) {
      runtime.push(runtimeBlock(runtimeCalls));
      tfjs.push(tfjsBlock(tfjsCalls));
    }
    return { runtimeUs: median(runtime), tfjsUs: median(tfjs) };
  } finally {
    model.dispose();
  }
}

let latencySink = 0;

/** A TensorFlow.js Sequential model with exactly these dense layers. */
export function layersModel(layers: DenseWeights[]): tf.Sequential {
  const model = tf.sequential();
  layers.forEach((l, i) => model.add(tf.layers.dense({ units: l.outputs, activation: l.activation, inputShape: i === 0 ? [l.inputs] : undefined })));
  tf.tidy(() => layers.forEach((l, i) => model.layers[i]!.setWeights([tf.tensor2d(l.kernel, [l.inputs, l.outputs]), tf.tensor1d(l.bias)])));
  return model;
}

/** Size of `bytes` after gzip (CompressionStream: Node 18+ and browsers). */
export async function gzipSize(bytes: Uint8Array): Promise<number> {
  const stream = new Blob([bytes as Uint8Array<ArrayBuffer>]).stream().pipeThrough(new CompressionStream('gzip'));
  return (await new Response(stream).arrayBuffer()).byteLength;
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
}
