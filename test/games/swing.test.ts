/**
 * Swing (Pendulum-v1): the dynamics against values worked by hand from Gymnasium's equations, and
 * the Phaser scene against the bare simulation, number for number.
 */
import { HeadlessGame, LevelPolicy, Rng, checkEnv } from 'phaser-distill/node';
import { afterEach, describe, expect, it } from 'vitest';
import { SwingEnv, angleNormalize, swingStep } from '../../games/swing/swing.js';
import { SWING, SWING_AGENT } from '../../games/swing/scene.js';
import { expectShippedLadder, loadShipped } from '../helpers/shipped.js';

const hosts: HeadlessGame[] = [];
afterEach(() => {
  for (const h of hosts.splice(0)) h.destroy();
});

describe('Swing dynamics', () => {
  it('follow Pendulum-v1: semi-implicit Euler, clipped torque and speed, the reward on the state before the step', () => {
    // Upright and still, full torque: thdot' = 3 / (m l^2) * 2 * 0.05 = 0.3, th' = 0.3 * 0.05.
    let r = swingStep([0, 0], 2);
    expect(r.state[1]).toBeCloseTo(0.3, 12);
    expect(r.state[0]).toBeCloseTo(0.015, 12);
    expect(r.reward).toBeCloseTo(-0.004, 12);
    // A torque beyond 2 is clipped, in the dynamics and in the cost.
    expect(swingStep([0, 0], 5)).toEqual(r);
    // Level, no torque: gravity alone, thdot' = 3 g / (2 l) * sin(pi / 2) * 0.05 = 0.75.
    r = swingStep([Math.PI / 2, 1], 0);
    expect(r.state[1]).toBeCloseTo(1.75, 12);
    expect(r.state[0]).toBeCloseTo(Math.PI / 2 + 1.75 * 0.05, 12);
    expect(r.reward).toBeCloseTo(-((Math.PI / 2) ** 2 + 0.1), 12);
    // The speed is clipped to 8.
    expect(swingStep([Math.PI / 2, 7.9], 2).state[1]).toBe(8);
    // Hanging down costs pi^2; angles wrap into [-pi, pi).
    expect(angleNormalize(Math.PI)).toBeCloseTo(-Math.PI, 12);
    expect(angleNormalize(-3 * Math.PI / 2)).toBeCloseTo(Math.PI / 2, 12);
    expect(swingStep([Math.PI, 0], 0).reward).toBeCloseTo(-(Math.PI ** 2), 12);
  });

  it('start in [-pi, pi) x [-1, 1), never terminate, and truncate at 200 steps', () => {
    const env = new SwingEnv();
    for (let seed = 0; seed < 50; seed++) {
      env.reset(seed);
      expect(Math.abs(env.state[0])).toBeLessThanOrEqual(Math.PI);
      expect(Math.abs(env.state[1])).toBeLessThanOrEqual(1);
    }
    let steps = 0;
    for (let r = env.step([0]); ; r = env.step([0])) {
      steps += 1;
      expect(r.terminated).toBe(false);
      if (r.truncated) break;
    }
    expect(steps).toBe(200);
  });
});

describe('Swing scene', () => {
  it('gives exactly the numbers of the bare simulation for the same seeds and actions', async () => {
    const host = await HeadlessGame.create({ game: SWING });
    hosts.push(host);
    const scene = host.env(SWING_AGENT);
    const bare = new SwingEnv();
    const rng = new Rng(4);
    for (let episode = 0; episode < 3; episode++) {
      const seed = 2000 + episode;
      expect(scene.reset(seed).observation).toEqual(bare.reset(seed).observation);
      for (;;) {
        const a = Float32Array.of(rng.uniform(-2, 2));
        const s = scene.step(a);
        const b = bare.step(a);
        expect(s.observation).toEqual(b.observation);
        expect([s.reward, s.terminated, s.truncated]).toEqual([b.reward, b.terminated, b.truncated]);
        if (b.truncated) break;
      }
    }
  });

  it('passes checkEnv', async () => {
    const host = await HeadlessGame.create({ game: SWING });
    hosts.push(host);
    checkEnv(host.env(SWING_AGENT), { steps: 300 });
  });
});

describe('the shipped Swing students and ladder', () => {
  const load = (file: string) => loadShipped('swing', file);

  /** Mean return of greedy episodes of a policy on the bare simulation. */
  const meanReturn = (act: (o: Float32Array) => ArrayLike<number>, episodes: number, seed: number) => {
    const env = new SwingEnv();
    let total = 0;
    for (let e = 0; e < episodes; e++) {
      let obs = env.reset(seed + e).observation;
      for (;;) {
        const r = env.step(Float32Array.from(act(obs)));
        total += r.reward;
        obs = r.observation;
        if (r.terminated || r.truncated) break;
      }
    }
    return total / episodes;
  };

  it('every hidden-layer student swings up and holds (mean of 20 episodes above -250), the linear one does not', () => {
    for (const name of ['s16', 's8', 's4']) {
      for (const dtype of ['float32', 'int8']) {
        const policy = load(`${name}-${dtype}.json`);
        expect(meanReturn((o) => policy.act(o) as Float32Array, 20, 5000), `${name}-${dtype}`).toBeGreaterThan(-250);
      }
    }
    const linear = load('linear-int8.json');
    expect(meanReturn((o) => linear.act(o) as Float32Array, 20, 5000)).toBeLessThan(-600);
  });

  it('the ladder names shipped files and its levels are strictly ordered', () => {
    const ladder = expectShippedLadder('swing');
    // A blending level plays between its two policies: Limp (s4 at skill 0.3 toward linear).
    const limp = ladder.levels[0]!;
    expect(limp.skill).toBeLessThan(1);
    const own = load(limp.policy);
    const weaker = load(limp.weaker!);
    const level = new LevelPolicy(own, limp, own.file.actionSpace, 1, weaker);
    const blended = meanReturn((o) => level.act(o) as Float32Array, 20, 6000);
    expect(blended).toBeGreaterThan(meanReturn((o) => weaker.act(o) as Float32Array, 20, 6000) + 100);
    expect(blended).toBeLessThan(meanReturn((o) => own.act(o) as Float32Array, 20, 6000) - 100);
  });
});
