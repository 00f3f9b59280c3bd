/**
 * Hill (a buggy on Matter physics): the env passes checkEnv; the throttle drives the buggy up the
 * course and coasting from rest leaves it where it stands; and the shipped students, on fresh hills,
 * beat the scripted pilot (the throttle held down, which flips the buggy on some crests) and random
 * play, as the README's table says, on a strictly ordered ladder.
 */
import { HeadlessGame, Rng, checkEnv, createSceneVectorEnv, type StudentPolicy } from 'phaser-distill/node';
import { afterEach, describe, expect, it } from 'vitest';
import { fullThrottle } from '../../games/hill/policies.js';
import { COAST, HILL, HILL_AGENT, THROTTLE, type HillScene } from '../../games/hill/scene.js';
import { expectShippedLadder, loadShipped } from '../helpers/shipped.js';

const hosts: HeadlessGame[] = [];
afterEach(() => {
  for (const h of hosts.splice(0)) h.destroy();
});

/** Mean return over `episodes` fresh hills from `seed`, 8 at a time, and how they ended. */
async function evaluate(policy: (obs: Float32Array) => number, episodes: number, seed: number): Promise<{ mean: number; returns: number[] }> {
  const env = await createSceneVectorEnv(HILL, { instances: 8 });
  try {
    let obs = env.reset(seed);
    const size = obs.length / 8;
    const returns: number[] = [];
    const actions = new Float32Array(8);
    while (returns.length < episodes) {
      for (let i = 0; i < 8; i++) actions[i] = policy(obs.subarray(i * size, (i + 1) * size));
      const r = env.step(actions);
      obs = r.observations;
      for (const e of r.episodes) returns.push(e.return);
    }
    const kept = returns.slice(0, episodes);
    return { mean: kept.reduce((a, b) => a + b, 0) / kept.length, returns: kept };
  } finally {
    env.close();
  }
}

const greedy = (p: StudentPolicy) => (o: Float32Array) => p.act(o) as number;

describe('Hill', () => {
  it('passes checkEnv', async () => {
    const host = await HeadlessGame.create({ game: HILL });
    hosts.push(host);
    checkEnv(host.env(HILL_AGENT), { steps: 300 });
  });

  it('the throttle drives the buggy up the course; coasting from rest leaves it standing', async () => {
    const host = await HeadlessGame.create({ game: HILL });
    hosts.push(host);
    const scene = host.scenes[0]! as HillScene;
    for (const [action, moves] of [[THROTTLE, true], [COAST, false]] as const) {
      host.restart(0, 5);
      host.frame();
      scene.ai.use(HILL_AGENT, () => action);
      const x0 = scene.chassis.position.x;
      for (let f = 0; f < 120; f++) host.frame();
      const moved = scene.chassis.position.x - x0;
      if (moves) expect(moved).toBeGreaterThan(150);
      else expect(Math.abs(moved)).toBeLessThan(20);
    }
  });

  it('the shipped students beat the scripted pilot and random play on fresh hills, on a strictly ordered ladder', async () => {
    const seed = 90_001;
    const scripted = await evaluate(fullThrottle, 16, seed);
    const student = await evaluate(greedy(loadShipped('hill', 's16-int8.json')), 16, seed);
    const rng = new Rng(5);
    const random = await evaluate(() => rng.int(3), 16, seed);
    console.log(`hill on 16 fresh hills: s16-int8 ${student.mean.toFixed(2)}, scripted ${scripted.mean.toFixed(2)}, random ${random.mean.toFixed(2)}`);
    expect(student.mean).toBeGreaterThan(scripted.mean + 4);
    expect(student.mean).toBeGreaterThan(random.mean + 3);
    expectShippedLadder('hill');
  });
});
