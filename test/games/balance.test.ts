import { HeadlessGame, Rng, checkEnv, createSceneVectorEnv } from 'phaser-distill/node';
import { initBackend } from 'phaser-distill/train';
import { afterEach, describe, expect, it } from 'vitest';
import { BalanceEnv } from '../../games/balance/balance.js';
import { BALANCE, BALANCE_AGENT } from '../../games/balance/scene.js';
import { trainTeacher } from '../helpers/teachers.js';

const hosts: HeadlessGame[] = [];
const boot = async (instances = 1) => {
  const h = await HeadlessGame.create({ game: BALANCE, instances });
  hosts.push(h);
  return h;
};
afterEach(() => {
  for (const h of hosts.splice(0)) h.destroy();
});

describe('Balance scene', () => {
  it('gives exactly the numbers of the bare simulation for the same seeds and actions', async () => {
    const host = await boot();
    const scene = host.env(BALANCE_AGENT);
    const bare = new BalanceEnv();
    const rng = new Rng(3);
    let steps = 0;
    for (let episode = 0; episode < 6; episode++) {
      const seed = 1000 + episode;
      expect(scene.reset(seed).observation).toEqual(bare.reset(seed).observation);
      for (;;) {
        // Mostly balancing, sometimes random, so episodes both fall and run long.
        const a = rng.float() < 0.8 ? (bare.state[2] + 0.5 * bare.state[3] > 0 ? 1 : 0) : rng.int(2);
        const s = scene.step(a);
        const b = bare.step(a);
        expect(s.observation).toEqual(b.observation);
        expect([s.reward, s.terminated, s.truncated]).toEqual([b.reward, b.terminated, b.truncated]);
        steps += 1;
        if (b.terminated || b.truncated) break;
      }
    }
    expect(steps).toBeGreaterThan(500);
  });

  it('passes checkEnv', async () => {
    const host = await boot();
    checkEnv(host.env(BALANCE_AGENT), { steps: 300 });
  });

  it('PPO through 8 scenes reaches a mean return of 475, as on the bare simulation', async () => {
    await initBackend('wasm');
    const env = await createSceneVectorEnv(BALANCE, { instances: 8 });
    const { trainer, best } = await trainTeacher(env, { numEnvs: 8, totalTimesteps: 120_000, seed: 1 }, 10, 475);
    trainer.dispose();
    env.close();
    expect(best).toBeGreaterThanOrEqual(475);
  }, 300_000);
});
