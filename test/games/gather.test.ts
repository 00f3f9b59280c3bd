/**
 * Gather (games/gather): eight runners a scene, each a slot of one vector env sharing one policy,
 * leaving and replaced by a spawner mid-scene. PPO learns it through the plain trainer, and the
 * shipped student plays it far above random.
 */
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { Rng, loadStudentPolicy } from 'phaser-distill';
import { createSceneVectorEnv } from 'phaser-distill/node';
import { PpoTrainer, defaultPpoConfig, initBackend } from 'phaser-distill/train';
import { describe, expect, it } from 'vitest';
import { GATHER } from '../../games/gather/scene.js';
import { makeGameEnv } from '../../src/config/env-module.js';
import { WorkerVectorEnv } from '../../src/parallel/worker-vector-env.js';

/** Mean return of the first `episodes` episodes that end, every slot played by `decide`. */
async function meanReturn(decide: (obs: Float32Array, actions: Float32Array) => void, episodes: number): Promise<number> {
  const env = await createSceneVectorEnv(GATHER, { envs: 32 });
  try {
    let obs = env.reset(77);
    const actions = new Float32Array(env.numEnvs);
    const returns: number[] = [];
    while (returns.length < episodes) {
      decide(obs, actions);
      const r = env.step(actions);
      for (const e of r.episodes) returns.push(e.return);
      obs = r.observations;
    }
    return returns.slice(0, episodes).reduce((a, b) => a + b, 0) / episodes;
  } finally {
    env.close();
  }
}

describe('Gather: many agents of one behaviour', () => {
  it('PPO learns it through the plain trainer: 4 scenes x 8 runners = 32 envs, the last 100 episodes averaging at least 1.0 (random: about -0.6)', async () => {
    await initBackend('wasm');
    const env = await createSceneVectorEnv(GATHER, { envs: 32 });
    expect(env.runner.numScenes).toBe(4);
    const trainer = new PpoTrainer(env, { ...defaultPpoConfig, numEnvs: 32, numSteps: 64, numMinibatches: 4, updateEpochs: 4, learningRate: 1e-3, entCoef: 0.01, totalTimesteps: 120_000, seed: 3 });
    const returns: number[] = [];
    let best = -Infinity;
    await trainer.train(({ episodes }) => {
      for (const e of episodes) returns.push(e.return);
      if (returns.length >= 100) best = Math.max(best, returns.slice(-100).reduce((a, b) => a + b, 0) / 100);
      return best < 1.0;
    });
    trainer.dispose();
    env.close();
    expect(best).toBeGreaterThanOrEqual(1.0);
  });

  it('the shipped s8 int8 student, deciding for all 32 runners in one call a step, scores far above random', async () => {
    const student = loadStudentPolicy(JSON.parse(readFileSync('assets/policies/gather/s8-int8.json', 'utf8')));
    const rng = new Rng(1);
    const random = await meanReturn((_, a) => a.forEach((_, i) => (a[i] = rng.int(5))), 200);
    const learned = await meanReturn((obs, a) => student.actMany(obs, 32, a), 200);
    expect(random).toBeLessThan(0);
    expect(learned).toBeGreaterThan(1.5);
  });

  it('steps the same on one thread and on two rollout workers (each a headless game of 2 scenes x 8 runners), runners leaving and coming', async () => {
    const path = resolve('games/gather/env.ts');
    const one = await makeGameEnv(path, 32);
    const two = await WorkerVectorEnv.create(path, 32, 2);
    try {
      expect([...two.reset(11)]).toEqual([...one.reset(11)]);
      const rng = new Rng(5);
      const actions = new Float32Array(32);
      let ended = 0;
      for (let t = 0; t < 120; t++) {
        for (let i = 0; i < 32; i++) actions[i] = rng.int(5);
        const a = one.step(actions);
        const b = two.step(actions);
        expect([...b.observations]).toEqual([...a.observations]);
        expect([...b.rewards]).toEqual([...a.rewards]);
        expect(b.episodes).toEqual(a.episodes);
        ended += a.episodes.length;
      }
      expect(ended).toBeGreaterThan(0);
    } finally {
      one.close();
      two.close();
    }
  });
});
