/**
 * The ONNX import check: every shipped student and teacher, exported in each layout, runs in
 * onnxruntime-web (its wasm backend, in Node) and agrees with the plain runtime on 1,000
 * observations drawn from the game: the same greedy action for every observation, and each logit
 * or mean within 1e-4 of the runtime's. Graph optimisation 'basic' keeps the int8 arithmetic exact
 * (the default level fuses DequantizeLinear into an int8 kernel, about 4e-3 off).
 *
 * Why 1e-4, not 1e-5: onnxruntime computes in float32 and its Tanh is up to 3e-7 off Math.tanh
 * (the plain runtime sums in double precision and calls Math.tanh); an output layer with large
 * weights over 16 tanh units turns that into a few 1e-5 (Pong's 16-unit students).
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import * as ort from 'onnxruntime-web';
import { beforeAll, describe, expect, it } from 'vitest';
import type { EnvModule } from '../../src/env/index.js';
import { ONNX_LAYOUTS, policyToOnnx, type OnnxLayout } from '../../src/distill/onnx.js';
import { loadTeacher } from '../../src/distill/teacher.js';
import { loadStudentPolicy, type PolicyFile, type StudentPolicy } from '../../src/policy/index.js';
import { Rng, box, multiDiscrete } from '../../src/env/index.js';
import { randomPolicy } from '../helpers/random-policy.js';

const root = fileURLToPath(new URL('../..', import.meta.url));
const OBSERVATIONS = 1000;
const TOLERANCE = 1e-4;

/** `count` observations of `game`'s bare env, played by `policy` (greedy) from seed 5. */
async function gameObservations(game: string, policy: StudentPolicy, count: number): Promise<Float32Array> {
  const { makeVectorEnv } = (await import(join(root, 'games', game, 'env.ts'))) as EnvModule;
  const env = await makeVectorEnv({ numEnvs: 8 });
  const n = env.observationSpace.shape[0]!;
  const out = new Float32Array(count * n);
  let obs = env.reset(5);
  for (let filled = 0; filled < count; ) {
    const actions: number[] = [];
    for (let i = 0; i < env.numEnvs; i++) {
      const o = obs.subarray(i * n, (i + 1) * n);
      if (filled < count) out.set(o, n * filled++);
      actions.push(policy.act(o) as number);
    }
    obs = env.step(actions).observations;
  }
  env.close();
  return out;
}

/** The model's outputs for a batch of observations, feeding each layout's inputs. */
async function runModel(bytes: Uint8Array, layout: OnnxLayout, obs: Float32Array, n: number, choices: number): Promise<ort.InferenceSession.OnnxValueMapType> {
  const session = await ort.InferenceSession.create(bytes, { graphOptimizationLevel: 'basic' });
  const N = obs.length / n;
  const feeds: Record<string, ort.Tensor> = { [layout === 'mlagents' ? 'obs_0' : 'obs']: new ort.Tensor('float32', obs, [N, n]) };
  if (layout === 'godot') feeds.state_ins = new ort.Tensor('float32', new Float32Array(N).fill(0.5), [N]);
  if (layout === 'mlagents' && choices > 0) feeds.action_masks = new ort.Tensor('float32', new Float32Array(N * choices).fill(1), [N, choices]);
  const out = await session.run(feeds);
  await session.release();
  return out;
}

interface Case {
  game: string;
  name: string;
  file: PolicyFile;
}

const cases: Case[] = [];
const observations = new Map<string, Float32Array>();

beforeAll(async () => {
  ort.env.wasm.numThreads = 1;
  for (const game of ['balance', 'pong']) {
    const dir = join(root, 'assets/policies', game);
    for (const f of readdirSync(dir).filter((f) => /^s\d+-(float32|int8)\.json$/.test(f))) {
      cases.push({ game, name: f.replace(/\.json$/, ''), file: JSON.parse(readFileSync(join(dir, f), 'utf8')) as PolicyFile });
    }
    const teacherDir = join(root, 'assets/teachers', game);
    const teacher = await loadTeacher(Object.fromEntries(['model.json', 'weights.bin', 'run.json'].map((f) => [f, new Uint8Array(readFileSync(join(teacherDir, f)))])));
    cases.push({ game, name: 'teacher', file: teacher.policyFile() });
    teacher.dispose();
    const s8 = cases.find((c) => c.game === game && c.name === 's8-float32')!;
    observations.set(game, await gameObservations(game, loadStudentPolicy(s8.file), OBSERVATIONS));
  }
});

describe('ONNX export', () => {
  it.each(ONNX_LAYOUTS)('%s: every shipped student and teacher agrees with the plain runtime in onnxruntime-web', async (layout) => {
    expect(cases.length).toBe(14);
    for (const { game, name, file } of cases) {
      const policy = loadStudentPolicy(file);
      const n = policy.observationSpace.shape[0]!;
      const branches = policy.branches;
      const choices = branches.reduce((a, b) => a + b, 0);
      const obs = observations.get(game)!;
      const bytes = await policyToOnnx(file, layout);
      const out = await runModel(bytes, layout, obs, n, choices);
      const what = `${game} ${name} (${layout})`;
      let maxDiff = 0;
      let maxScaled = 0;
      let sameAction = 0;
      for (let i = 0; i < OBSERVATIONS; i++) {
        const o = obs.subarray(i * n, (i + 1) * n);
        const ref = policy.logits(o).slice();
        const greedy = policy.act(o) as number;
        if (layout === 'mlagents') {
          const det = Number(out.deterministic_discrete_actions!.data[i]);
          const draw = Number(out.discrete_actions!.data[i]);
          expect(draw >= 0 && draw < choices, `${what}: drawn action ${draw}`).toBe(true);
          if (det === greedy) sameAction++;
        } else {
          const z = (layout === 'plain' ? out.logits! : out.output!).data as Float32Array;
          let best = 0;
          for (let j = 0; j < ref.length; j++) {
            const d = Math.abs(ref[j]! - z[i * ref.length + j]!);
            maxDiff = Math.max(maxDiff, d);
            maxScaled = Math.max(maxScaled, d / Math.max(1, Math.abs(ref[j]!)));
            if (z[i * ref.length + j]! > z[i * ref.length + best]!) best = j;
          }
          if (best === greedy) sameAction++;
        }
      }
      console.log(`onnx: ${what}: ${bytes.length} bytes, largest difference ${layout === 'mlagents' ? '(actions only)' : `${maxDiff.toExponential(2)} (relative ${maxScaled.toExponential(2)})`}`);
      expect(maxDiff, `${what}: largest logit difference`).toBeLessThanOrEqual(TOLERANCE);
      expect(sameAction, `${what}: same greedy action`).toBe(OBSERVATIONS);
      if (layout === 'godot') expect(Array.from(out.state_outs!.data as Float32Array).every((v) => v === 0.5)).toBe(true);
      if (layout === 'mlagents') {
        expect(Number(out.version_number!.data[0])).toBe(3);
        expect(Number(out.memory_size!.data[0])).toBe(0);
        expect(Array.from(out.discrete_action_output_shape!.data as Float32Array)).toEqual(branches);
      }
    }
  });
});

describe('ONNX export of the action spaces no shipped student has', () => {
  const rng = new Rng(4);
  const N = 200;
  const observationsOf = (n: number) => Float32Array.from({ length: N * n }, () => rng.uniform(-3, 3));

  it('mlagents: multi-discrete argmax and draws per branch, within the action mask', async () => {
    const file = randomPolicy({ obsSize: 5, hidden: [8], outputs: 5, actionSpace: multiDiscrete([3, 2]), dtype: 'int8' });
    const policy = loadStudentPolicy(file);
    const obs = observationsOf(5);
    // Forbid choice 0 of branch 0 in every row: argmax and draws must avoid it.
    const mask = new Float32Array(N * 5).fill(1);
    for (let i = 0; i < N; i++) mask[i * 5] = 0;
    const session = await ort.InferenceSession.create(await policyToOnnx(file, 'mlagents'), { graphOptimizationLevel: 'basic' });
    const out = await session.run({ obs_0: new ort.Tensor('float32', obs, [N, 5]), action_masks: new ort.Tensor('float32', mask, [N, 5]) });
    const det = out.deterministic_discrete_actions!.data as BigInt64Array;
    const draws = out.discrete_actions!.data as BigInt64Array;
    expect(out.deterministic_discrete_actions!.dims).toEqual([N, 2]);
    for (let i = 0; i < N; i++) {
      const o = obs.subarray(i * 5, (i + 1) * 5);
      expect([Number(det[2 * i]), Number(det[2 * i + 1])]).toEqual(Array.from(policy.act(o, mask.subarray(i * 5, (i + 1) * 5)) as number[]));
      expect(Number(draws[2 * i])).toBeGreaterThan(0);
      expect(Number(draws[2 * i])).toBeLessThan(3);
      expect([0, 1]).toContain(Number(draws[2 * i + 1]));
    }
    expect(Array.from(out.discrete_action_output_shape!.data as Float32Array)).toEqual([3, 2]);
  });

  it('mlagents, plain and godot: a box policy gives its mean, and draws, clipped to the box', async () => {
    const file = randomPolicy({ obsSize: 3, hidden: [6], outputs: 2, actionSpace: box([2], [-0.5, -1], [0.5, 1]) });
    const policy = loadStudentPolicy(file);
    const obs = observationsOf(3);
    const mlagents = await (await ort.InferenceSession.create(await policyToOnnx(file, 'mlagents'), { graphOptimizationLevel: 'basic' })).run({ obs_0: new ort.Tensor('float32', obs, [N, 3]) });
    const plain = await (await ort.InferenceSession.create(await policyToOnnx(file, 'plain'), { graphOptimizationLevel: 'basic' })).run({ obs: new ort.Tensor('float32', obs, [N, 3]) });
    const det = mlagents.deterministic_continuous_actions!.data as Float32Array;
    const draws = mlagents.continuous_actions!.data as Float32Array;
    const mean = plain.mean!.data as Float32Array;
    let clipped = 0;
    for (let i = 0; i < N; i++) {
      const o = obs.subarray(i * 3, (i + 1) * 3);
      const want = policy.act(o) as Float32Array;
      const logits = policy.logits(o);
      for (let d = 0; d < 2; d++) {
        expect(Math.abs(det[2 * i + d]! - want[d]!)).toBeLessThanOrEqual(1e-5);
        expect(Math.abs(mean[2 * i + d]! - logits[d]!)).toBeLessThanOrEqual(1e-5);
        expect(Math.abs(draws[2 * i + d]!)).toBeLessThanOrEqual(d === 0 ? 0.5 : 1);
        if (Math.abs(want[d]!) === (d === 0 ? 0.5 : 1)) clipped++;
      }
    }
    // Some means fall outside the box, so the clip was exercised.
    expect(clipped).toBeGreaterThan(0);
    expect(Array.from(mlagents.continuous_action_output_shape!.data as Float32Array)).toEqual([2]);
  });
});
