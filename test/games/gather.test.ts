/**
 * Gather (games/gather): eight runners a scene, each a slot of one vector env sharing one policy,
 * leaving and replaced by a spawner mid-scene. PPO learns it through the plain trainer, and the
 * shipped student plays it far above random.
 */
import { readFileSync } from 'node:fs';
import { Rng, loadStudentPolicy } from 'phaser-distill';
import { createSceneVectorEnv } from 'phaser-distill/node';
import { PpoTrainer, defaultPpoConfig, initBackend } from 'phaser-distill/train';
import { describe, expect, it } from 'vitest';
import { GATHER } from '../../games/gather/scene.js';

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
});
