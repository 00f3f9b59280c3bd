import { HeadlessGame, Rng, checkEnv, createSceneVectorEnv, findEnvProblems, sample } from 'phaser-distill/node';
import { afterEach, describe, expect, it } from 'vitest';
import { DuoScene, WalkScene } from '../helpers/scenes.js';

const hosts: HeadlessGame[] = [];
async function boot(scene: new () => Phaser.Scene, instances = 1, extra: Partial<Parameters<typeof HeadlessGame.create>[0]> = {}, stepRate?: number): Promise<HeadlessGame> {
  const host = await HeadlessGame.create({ game: { scene, width: 200, height: 100, stepRate }, instances, ...extra });
  hosts.push(host);
  return host;
}
afterEach(() => {
  for (const h of hosts.splice(0)) h.destroy();
});

/** Observations and rewards of one episode under seeded random actions. */
function rollout(env: ReturnType<HeadlessGame['env']>, seed: number, steps = 30): number[] {
  const rng = new Rng(seed + 7);
  const out = [...env.reset(seed).observation];
  for (let t = 0; t < steps; t++) {
    const r = env.step(sample(env.actionSpace, rng));
    out.push(...r.observation, r.reward, r.terminated ? 1 : 0);
    if (r.terminated || r.truncated) break;
  }
  return out;
}

describe('SceneEnv', () => {
  it('passes checkEnv on a scene that uses this.ai.rng, Phaser.Math.RND and Math.random', async () => {
    const host = await boot(WalkScene);
    expect(findEnvProblems(host.env('walker'), { steps: 100 })).toEqual([]);
  });

  it('passes checkEnv with multi-discrete (masked only via info) and box agents', async () => {
    const host = await boot(DuoScene);
    host.scenes[0]!.ai.use('mover', () => [1, 1]);
    checkEnv(host.env('thruster'), { steps: 50 });
  });

  it('replays the same trajectory for the same seed, across hosts and beside other scenes', async () => {
    const a = await boot(WalkScene);
    const b = await boot(WalkScene, 3);
    // Scene 2 of the second game, with two busy neighbours, must match scene 0 of the first.
    for (let i = 0; i < 2; i++) b.scenes[i]!.ai.use('walker', () => 2);
    const first = rollout(a.env('walker'), 11);
    expect(rollout(a.env('walker'), 11)).toEqual(first);
    expect(rollout(b.env('walker', 2), 11)).toEqual(first);
    expect(rollout(a.env('walker'), 12)).not.toEqual(first);
  });

  it('Math.random can be made to throw, naming what to use instead', async () => {
    const host = await boot(WalkScene, 1, { mathRandom: 'throw' });
    const env = host.env('walker');
    env.reset(1);
    expect(() => env.step(1)).toThrow(/Math.random\(\) was called while a headless game was stepping.*this.ai.rng or Phaser.Math.RND/);
  });

  it('never reads the wall clock: frames advance game time by a constant dt', async () => {
    const host = await boot(WalkScene, 1, {}, 50);
    const scene = host.scenes[0]!;
    const env = host.env('walker');
    env.reset(1);
    const t0 = scene.time.now;
    env.step(1);
    expect(host.dt).toBe(20);
    expect(scene.time.now - t0).toBe(40); // one decision = 2 steps of 20 ms, one a frame
    expect(scene.ai.steps).toBe(2);
  });
});

describe('SceneVectorEnv', () => {
  it('steps N scenes together with same-step auto-reset and final observations', async () => {
    const env = await createSceneVectorEnv({ scene: WalkScene, width: 200, height: 100 }, { agent: 'walker', instances: 4 });
    try {
      expect(env.numEnvs).toBe(4);
      const obs = env.reset(3);
      expect(obs).toHaveLength(12);
      const actions = new Float32Array([0, 1, 2, 1]);
      let ended = 0;
      for (let t = 0; t < 20; t++) {
        const r = env.step(actions);
        expect(r.observations).toHaveLength(12);
        if (t < 19) expect(r.episodes).toEqual([]);
        else {
          // Episodes last 40 steps = 20 decisions: all end together and restart at once.
          expect(r.episodes.map((e) => e.length)).toEqual([20, 20, 20, 20]);
          expect([...r.terminated]).toEqual([1, 1, 1, 1]);
          expect(r.finalObservations.every((o) => o instanceof Float32Array)).toBe(true);
          ended = r.episodes.length;
        }
      }
      expect(ended).toBe(4);
      expect(() => env.step([1, 1])).toThrow(/expected 4 action numbers/);
    } finally {
      env.close();
    }
  });

  it('gives the same numbers for the same seed and actions', async () => {
    const run = async () => {
      const env = await createSceneVectorEnv({ scene: WalkScene, width: 200, height: 100 }, { instances: 3 });
      const rng = new Rng(5);
      const out: number[] = [...env.reset(9)];
      for (let t = 0; t < 45; t++) {
        const r = env.step(Float32Array.from({ length: 3 }, () => rng.int(3)));
        out.push(...r.observations, ...r.rewards, ...r.terminated);
      }
      env.close();
      return out;
    };
    expect(await run()).toEqual(await run());
  });
});
