/**
 * Forage (games/forage): the forager's rays and the teacher's level view on known layouts; a
 * privileged teacher learns on its view by PPO through the plain trainer, distillation keeps both
 * views in its datasets and fits a student that reads the rays alone, and the exported student file
 * holds only the student's view.
 */
import { Rng, RunningMeanStd, StudentPolicy, teacherView, type VectorEnv } from 'phaser-distill';
import { createSceneVectorEnv } from 'phaser-distill/node';
import {
  DistillDataset, PpoTrainer, collect, defaultDistillConfig, defaultPpoConfig, distill, evaluatePolicies, initBackend, runEpisodes, teacherFromTrainer,
  type Teacher,
} from 'phaser-distill/train';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EMPTY, FOOD_CELL, ForageWorld, LEVEL_SIZE, RAY_RANGE, RAY_SIZE, SIZE, WALL, WINDOW } from '../../games/forage/forage.js';
import { FORAGE } from '../../games/forage/scene.js';
import { makeGameEnv } from '../../src/config/env-module.js';
import { loadRunConfig } from '../../src/config/run-config.js';
import { WorkerVectorEnv } from '../../src/parallel/worker-vector-env.js';

/** A level with no inner walls and no food, the forager at (x, y). */
function emptyWorld(x: number, y: number): ForageWorld {
  const w = new ForageWorld(new Rng(1));
  for (let j = 1; j < SIZE - 1; j++) for (let i = 1; i < SIZE - 1; i++) w.cells[j * SIZE + i] = EMPTY;
  w.x = x;
  w.y = y;
  return w;
}

const TEACHER_STEPS = 60_000;
let env: VectorEnv;
let trainer: PpoTrainer;
let teacher: Teacher;
let randomReturn = 0;

beforeAll(async () => {
  await initBackend('wasm');
  env = await createSceneVectorEnv(FORAGE, { instances: 16 });
  // A privileged teacher small enough for a test (the bench's is 256x256): PPO on the teacher's view of the same envs.
  trainer = new PpoTrainer(teacherView(env), {
    ...defaultPpoConfig, numEnvs: 16, numSteps: 64, numMinibatches: 4, updateEpochs: 4, learningRate: 1e-3, entCoef: 0.01, gamma: 0.95, totalTimesteps: TEACHER_STEPS, seed: 2,
    network: { actorHidden: [64], criticHidden: [64], activation: 'tanh', initLogStd: 0 },
  });
  await trainer.train(() => true);
  teacher = teacherFromTrainer(trainer);
  randomReturn = (await evaluatePolicies('forage', env, teacher, [], { episodes: 64, seed: 9, latencyMs: 1 })).randomReturnMean;
}, 240_000);
afterAll(() => {
  trainer?.dispose();
  env?.close();
});

describe('Forage', () => {
  it('rays: per direction, how near the first wall and the first food before it are, nothing past a wall or past RAY_RANGE cells', () => {
    expect(RAY_RANGE).toBe(4);
    const w = emptyWorld(6, 5);
    w.cells[3 * SIZE + 6] = WALL; // two cells up
    w.cells[5 * SIZE + 8] = FOOD_CELL; // two cells right
    w.cells[1 * SIZE + 6] = FOOD_CELL; // up, behind the wall
    w.cells[5 * SIZE + 1] = FOOD_CELL; // five cells left: out of range
    w.cells[8 * SIZE + 3] = FOOD_CELL; // three cells down-left
    const out = new Float32Array(RAY_SIZE);
    w.rays(out, 0);
    const f = Math.fround;
    // up, up-right, right, down-right, down, down-left, left, up-left: [wall, food] each
    // (the border is 4 cells away up-right, right and down-right: a wall reading of 1/4 there)
    expect(Array.from(out)).toEqual([f(3 / 4), 0, f(1 / 4), 0, f(1 / 4), f(3 / 4), f(1 / 4), 0, 0, 0, 0, f(2 / 4), 0, 0, 0, 0]);
    // At the border: the wall one cell away is the nearest reading, 1.
    const edge = emptyWorld(1, 1);
    edge.rays(out, 0);
    expect(out[0]).toBe(1);
    expect(out[2 * 6]).toBe(1);
  });

  it('the teacher\'s level view: walls and food over a window centred on the forager, outside the level a wall', () => {
    const w = emptyWorld(2, 3);
    w.cells[3 * SIZE + 8] = FOOD_CELL;
    const out = new Float32Array(LEVEL_SIZE);
    w.levelView(out);
    const h = (WINDOW - 1) / 2;
    const at = (plane: number, dx: number, dy: number) => out[plane * WINDOW * WINDOW + (dy + h) * WINDOW + (dx + h)];
    expect(at(1, 6, 0)).toBe(1);
    expect(out.subarray(WINDOW * WINDOW).reduce((a, b) => a + b, 0)).toBe(1);
    expect(at(0, 0, 0)).toBe(0);
    expect(at(0, -2, 0)).toBe(1); // the border column x = 0
    expect(at(0, -h, -h)).toBe(1); // outside the level
    expect(at(0, 1, 1)).toBe(0);
  });

  it('the agent declares the rays for the student and the level for the teacher; a privileged teacher learns on its view (64 units, 60k steps) well above random', async () => {
    expect(env.observationSpace.shape).toEqual([RAY_SIZE]);
    expect(env.privileged!.observationSpace.shape).toEqual([RAY_SIZE + LEVEL_SIZE]);
    expect(teacher.obsSize).toBe(RAY_SIZE + LEVEL_SIZE);
    const report = await evaluatePolicies('forage', env, teacher, [], { episodes: 64, seed: 9, latencyMs: 1 });
    console.log(`forage test: teacher ${report.teacher.returnMean.toFixed(2)}, random ${randomReturn.toFixed(2)}`);
    expect(report.teacher.returnMean).toBeGreaterThan(randomReturn + 1.5);
  });

  it('distillation: the datasets hold both views, the teacher labels its view, the student learns from the rays and its file holds only them', async () => {
    const T = RAY_SIZE + LEVEL_SIZE;
    const train = new DistillDataset(RAY_SIZE, 4, 64, T);
    const heldOut = new DistillDataset(RAY_SIZE, 4, 64, T);
    const rng = new Rng(4);
    collect(env, teacher, train, heldOut, env.reset(5), { steps: 10, beta: 1, teacherSamples: true, obsNoise: 0, heldOutFraction: 0.2, rng, obsSpread: new RunningMeanStd(RAY_SIZE) });
    expect(train.size + heldOut.size).toBe(160);
    for (let i = 0; i < train.size; i++) {
      const view = train.teacherObs.subarray(i * T, (i + 1) * T);
      // The teacher's view starts with the student's observation; the level follows.
      expect(Array.from(view.subarray(0, RAY_SIZE))).toEqual(Array.from(train.obs.subarray(i * RAY_SIZE, (i + 1) * RAY_SIZE)));
      expect(view.subarray(RAY_SIZE).reduce((a, b) => a + b, 0)).toBeGreaterThan(0);
    }
    // The labels are the teacher's outputs on its view.
    const again = teacher.predict(train.teacherObs.subarray(0, 3 * T), 3).policy;
    for (let k = 0; k < 12; k++) expect(train.targets[k]).toBeCloseTo(again[k]!, 5);
    // A dataset without room for the teacher's view is refused.
    expect(() => collect(env, teacher, new DistillDataset(RAY_SIZE, 4), new DistillDataset(RAY_SIZE, 4), env.reset(5), { steps: 1, beta: 1, teacherSamples: true, obsNoise: 0, heldOutFraction: 0, rng, obsSpread: new RunningMeanStd(RAY_SIZE) }))
      .toThrow(/privileged view of 594 numbers; make its datasets with teacherObsSize 594/);

    const student = await distill({ name: 'forage', env, teacher }, { ...defaultDistillConfig, hidden: [16], rounds: 3, stepsPerRound: 100, epochsPerRound: 20 });
    const file = student.toPolicyFile(0, 'int8');
    student.dispose();
    expect(file.observationSpace.shape).toEqual([RAY_SIZE]);
    expect(file.layers[0]!.inputs).toBe(RAY_SIZE);
    expect(file.observationNormalization!.mean.length).toBe(RAY_SIZE);
    const policy = new StudentPolicy(JSON.parse(JSON.stringify(file)));
    expect(policy.parameterCount).toBeLessThan(0.01 * new StudentPolicy(teacher.policyFile()).parameterCount);
    // Evaluated side by side: the teacher on its view, the student on the rays, both above random.
    const report = await evaluatePolicies('forage', env, teacher, [{ name: 's16', file }], { episodes: 64, seed: 9, latencyMs: 1 });
    expect(report.students[0]!.parameters).toBe(policy.parameterCount);
    // A student that sees only rays gets stuck acting greedily (the same rays, the same move): it plays sampling, as the bench does.
    const sampling = new StudentPolicy(file, { temperature: 1, seed: 3 });
    const returns = runEpisodes(env, 64, 9, (obs, n, out) => {
      for (let i = 0; i < n; i++) out[i] = sampling.act(obs.subarray(i * RAY_SIZE, (i + 1) * RAY_SIZE)) as number;
      return n;
    }).returns;
    const sampled = returns.reduce((a, b) => a + b, 0) / returns.length;
    console.log(`forage test: student ${report.students[0]!.returnMean.toFixed(2)} greedy, ${sampled.toFixed(2)} sampling; teacher ${report.teacher.returnMean.toFixed(2)}`);
    expect(sampled).toBeGreaterThan(randomReturn + 1);
  });
});

describe('Forage through the command line\'s path', () => {
  it('its config loads, its env module makes envs with a privileged view, and parallel rollouts, which do not carry it, are refused by name', async () => {
    const config = loadRunConfig('assets/policies/forage/forage.yaml');
    expect(config.train.ppo.network?.actorHidden).toEqual([256, 256]);
    const made = await makeGameEnv(config.envPath, 2);
    expect(made.privileged!.observationSpace.shape).toEqual([RAY_SIZE + LEVEL_SIZE]);
    made.close();
    await expect(WorkerVectorEnv.create(config.envPath, 4, 2)).rejects.toThrow(/numWorkers: the agent declares a privileged view \(spec.privileged\), which parallel rollouts do not carry; train its teacher with numWorkers 1/);
  });
});
