/**
 * Lander (LunarLanderContinuous-v2 on planck): the world's constants and the engines against values
 * worked from Gymnasium's lunar_lander.py, the reward and the endings, the Phaser scene against the
 * bare simulation number for number, Gymnasium's heuristic pilot landing as it does there, and the
 * shipped students landing.
 */
import { HeadlessGame, Rng, checkEnv } from 'phaser-distill/node';
import { afterEach, describe, expect, it } from 'vitest';
import { CHUNKS, FPS, GYMNASIUM_OBSERVATION_HIGH, H, LanderEnv, W } from '../../games/lander/lander.js';
import { landerHeuristic } from '../../games/lander/policies.js';
import { LANDER, LANDER_AGENT } from '../../games/lander/scene.js';
import { expectShippedLadder, loadShipped } from '../helpers/shipped.js';

const hosts: HeadlessGame[] = [];
afterEach(() => {
  for (const h of hosts.splice(0)) h.destroy();
});

/** Gymnasium's potential on a state (float64, as the simulation keeps it). */
const shaping = (s: ArrayLike<number>) =>
  -100 * Math.sqrt(s[0]! ** 2 + s[1]! ** 2) - 100 * Math.sqrt(s[2]! ** 2 + s[3]! ** 2) - 100 * Math.abs(s[4]!) + 10 * s[6]! + 10 * s[7]!;

/** Observation units of vy per m/s: (VIEWPORT_H / SCALE / 2) / FPS. */
const VY = H / 2 / FPS;
const VX = W / 2 / FPS;

/** Runs `policy` from `seed` to the episode's end; the steps and the last step's result. */
function episode(env: LanderEnv, seed: number, policy: (o: Float32Array, t: number) => ArrayLike<number>) {
  let o = env.reset(seed).observation;
  let total = 0;
  for (let t = 0; ; t++) {
    const r = env.step(policy(o, t));
    total += r.reward;
    o = r.observation;
    if (r.terminated || r.truncated) return { steps: t + 1, total, last: r };
  }
}

describe('Lander world', () => {
  it("has Gymnasium's terrain, hull and legs", () => {
    const env = new LanderEnv();
    env.reset(1);
    const sim = env.sim;
    // Eleven points 2 m apart; the pad between the flags at chunks 4 and 6 lies at 0.99 of H / 4
    // (the smoothing's 0.33 * 3), the rest within [0, 0.99 * H / 2].
    expect(Array.from(sim.chunkX)).toEqual(Array.from({ length: CHUNKS }, (_, i) => (W / 10) * i));
    expect([sim.helipadX1, sim.helipadX2, sim.helipadY]).toEqual([8, 12, H / 4]);
    for (const i of [4, 5, 6]) expect(sim.smoothY[i]).toBeCloseTo(0.99 * (H / 4), 12);
    for (const y of sim.smoothY) {
      expect(y).toBeGreaterThanOrEqual(0);
      expect(y).toBeLessThanOrEqual(0.99 * (H / 2));
    }
    // Density 5 over the hull's 867 px^2 (at 30 px a metre); the legs' 4 x 16 px at density 1.
    expect(sim.lander.getMass()).toBeCloseTo((5 * 867) / 900, 12);
    expect(sim.legs.map((l) => l.getMass())).toEqual([64 / 900, 64 / 900].map((m) => expect.closeTo(m, 12)));
  });

  it('starts at the top centre, pushed by up to 1000 N for one step', () => {
    const env = new LanderEnv();
    let fastest = 0;
    for (let seed = 0; seed < 100; seed++) {
      const o = env.reset(seed).observation;
      expect(Math.abs(o[0]!)).toBeLessThan(0.01);
      // (H - (H / 4 + 18 / 30)) / (H / 2) = 1.41, give or take one step of the push.
      expect(o[1]).toBeGreaterThan(1.39);
      expect(o[1]).toBeLessThan(1.43);
      // 1000 N over 1 / 50 s on the 4.82 kg hull: at most 4.15 m/s each way.
      const push = (1000 / FPS / ((5 * 867) / 900)) * 1.001;
      expect(Math.abs(o[2]!)).toBeLessThan(push * VX);
      // (and one step of gravity)
      expect(Math.abs(o[3]!)).toBeLessThan(push * VY + (10 / FPS) * VY);
      expect(Math.abs(o[4]!)).toBeLessThan(0.02);
      expect([o[6], o[7]]).toEqual([0, 0]);
      fastest = Math.max(fastest, Math.abs(o[2]!));
    }
    expect(fastest).toBeGreaterThan(0.6);
  });

  it('falls at g = 10 with the engines off, and the thresholds keep them off', () => {
    const env = new LanderEnv();
    env.reset(3);
    for (let t = 0; t < 5; t++) env.step([0, 0]);
    // main <= 0 and |lateral| <= 0.5 fire nothing: free fall, 10 m/s^2 * 0.02 s a step (to the
    // little the legs' spring motors pass to the hull), no fuel.
    for (const a of [[0, 0], [-1, 0.5], [-0.3, -0.5], [0, 0.2]]) {
      const vy = env.sim.state[3]!;
      const vx = env.sim.state[2]!;
      env.step(a);
      expect(env.sim.state[3]! - vy).toBeCloseTo(-10 * 0.02 * VY, 5);
      expect(env.sim.state[2]! - vx).toBeCloseTo(0, 5);
      expect([env.sim.mainPower, env.sim.sidePower]).toEqual([0, 0]);
    }
    // Above the thresholds the throttles map to [0.5, 1]; beyond 1 they are clipped.
    for (const [a, main, side] of [[[0.5, 0.75], 0.75, 0.75], [[1, -1], 1, 1], [[3, -4], 1, 1], [[Math.fround(0.01), 0], (Math.fround(0.01) + 1) / 2, 0]] as const) {
      env.step(a);
      expect([env.sim.mainPower, env.sim.sidePower]).toEqual([main, side]);
    }
  });

  it('slows the fall with the main engine, 13 N s a step along the hull at full throttle', () => {
    const env = new LanderEnv();
    const burn = (main: number) => {
      env.reset(8);
      const vy = env.sim.state[3]!;
      for (let t = 0; t < 25; t++) env.step([main, 0]);
      return (env.sim.state[3]! - vy) / VY / (25 / FPS);
    };
    // Free fall is -10 m/s^2; full throttle adds 13 * 4 / 30 N s (+-50% dispersion) a step on 4.96 kg,
    // about 17.5 m/s^2 on average; half throttle (main just above 0) half that.
    expect(burn(-1)).toBeCloseTo(-10, 3);
    expect(burn(1)).toBeGreaterThan(-10 + 0.7 * 17.5);
    expect(burn(1)).toBeLessThan(-10 + 1.3 * 17.5);
    expect(burn(Math.fround(1e-6))).toBeGreaterThan(-10 + 0.35 * 17.5);
    expect(burn(Math.fround(1e-6))).toBeLessThan(burn(1));
  });

  it('pushes right and turns clockwise with lateral > 0.5, left and anticlockwise below -0.5', () => {
    const env = new LanderEnv();
    const kick = (lateral: number) => {
      env.reset(11);
      const vx = env.sim.state[2]!;
      const w = env.sim.state[5]!;
      env.step([0, lateral]);
      return { dvx: env.sim.state[2]! - vx, dw: env.sim.state[5]! - w };
    };
    const none = kick(0);
    const right = kick(1);
    const left = kick(-1);
    expect(right.dvx).toBeGreaterThan(none.dvx + 0.005);
    expect(right.dw).toBeLessThan(none.dw - 0.02);
    expect(left.dvx).toBeLessThan(none.dvx - 0.005);
    expect(left.dw).toBeGreaterThan(none.dw + 0.02);
  });

  it("rewards Gymnasium's shaping less the fuel, step by step", () => {
    const env = new LanderEnv();
    const rng = new Rng(5);
    let checked = 0;
    for (let seed = 0; seed < 5; seed++) {
      let o = env.reset(seed).observation;
      let before = Float64Array.from(env.sim.state);
      for (;;) {
        const a = rng.float() < 0.7 ? landerHeuristic(o) : Float32Array.of(rng.uniform(-1, 1), rng.uniform(-1, 1));
        const r = env.step(a);
        o = r.observation;
        if (r.terminated || r.truncated) break;
        const m = a[0]! > 0 ? (Math.min(1, a[0]!) + 1) / 2 : 0;
        const s = Math.abs(a[1]!) > 0.5 ? Math.min(1, Math.abs(a[1]!)) : 0;
        expect(r.reward).toBeCloseTo(shaping(env.sim.state) - shaping(before) - 0.3 * m - 0.03 * s, 9);
        before = Float64Array.from(env.sim.state);
        checked += 1;
      }
    }
    expect(checked).toBeGreaterThan(300);
  });

  it('ends a crash with -100', () => {
    const env = new LanderEnv();
    for (const seed of [0, 1, 2]) {
      const { steps, last } = episode(env, seed, () => [-1, 0]);
      expect(steps).toBeLessThan(200);
      expect([last.reward, last.terminated, last.truncated, env.sim.outcome]).toEqual([-100, true, false, 'crashed']);
    }
  });

  it('ends with -100 when the lander leaves the screen sideways (|x| >= 1)', () => {
    const env = new LanderEnv();
    // Tilt right with the lateral engine, then burn: the main engine drives it off to the right.
    const { last } = episode(env, 4, (o, t) => (t < 8 ? [-1, 1] : [1, o[4]! < -0.6 ? -1 : 0]));
    expect(last.observation[0]).toBeGreaterThanOrEqual(1);
    expect([last.reward, last.terminated, env.sim.outcome]).toEqual([-100, true, 'away']);
  });

  it('ends with +100 once the lander rests on the pad (its bodies asleep)', () => {
    const env = new LanderEnv();
    // The heuristic sets it down; then the engines stay off until Box2D puts it to sleep.
    const { last } = episode(env, 6, (o) => (o[6] && o[7] ? [-1, 0] : landerHeuristic(o)));
    expect([last.reward, last.terminated, env.sim.outcome]).toEqual([100, true, 'landed']);
    expect(env.sim.lander.isAwake()).toBe(false);
    // Both legs stand on the pad; a leg across the pad's two edges (at x = 10 m) reads 0 once
    // either contact ends, as Gymnasium's listener has it, so only one flag need be up.
    expect(last.observation[6]! + last.observation[7]!).toBeGreaterThanOrEqual(1);
    for (const leg of env.sim.legs) expect(Math.abs(leg.getPosition().x - 10)).toBeLessThan(2);
    // Between the flags (x = 8 .. 12 m).
    expect(Math.abs(last.observation[0]!)).toBeLessThan(0.2);
  });

  it('truncates at 1000 steps', () => {
    const env = new LanderEnv();
    // The heuristic told the pad is 0.6 higher than it is: it hovers and never lands.
    const hover = (o: Float32Array) => landerHeuristic([o[0]!, o[1]! - 0.6, ...o.subarray(2)]);
    const { steps, last } = episode(env, 2, hover);
    expect([steps, last.terminated, last.truncated]).toEqual([1000, false, true]);
  });

  it("leaves Gymnasium's nominal bounds in ordinary play, so the box is wider there", () => {
    const env = new LanderEnv();
    // Half a second at full throttle rises past y = 1.5.
    env.reset(0);
    let highest = 0;
    for (let t = 0; t < 25; t++) highest = Math.max(highest, env.step([1, 0]).observation[1]!);
    expect(highest).toBeGreaterThan(GYMNASIUM_OBSERVATION_HIGH[1]);
    expect(env.observationSpace.high[1]).toBeGreaterThan(1e38);
  });

  it('passes checkEnv', () => {
    checkEnv(new LanderEnv(), { steps: 300 });
  });
});

describe('Lander heuristic', () => {
  it("lands as in Gymnasium: a mean return over 200 on 20 seeded episodes", () => {
    const env = new LanderEnv();
    const seeds = Array.from({ length: 20 }, (_, i) => i);
    const returns = seeds.map((seed) => episode(env, seed, (o) => landerHeuristic(o)).total);
    const mean = returns.reduce((a, b) => a + b, 0) / returns.length;
    console.log(`Lander heuristic: mean return ${mean.toFixed(1)} over seeds 0-19 (min ${Math.min(...returns).toFixed(1)}, max ${Math.max(...returns).toFixed(1)})`);
    expect(mean).toBeGreaterThanOrEqual(200);
  });
});

describe('Lander scene', () => {
  it('gives exactly the numbers of the bare simulation for the same seeds and actions', async () => {
    const host = await HeadlessGame.create({ game: LANDER });
    hosts.push(host);
    const scene = host.env(LANDER_AGENT);
    const bare = new LanderEnv();
    const rng = new Rng(4);
    const ends = new Set<string>();
    let steps = 0;
    for (let episode = 0; episode < 4; episode++) {
      const seed = 3000 + episode;
      let o = bare.reset(seed).observation;
      expect(scene.reset(seed).observation).toEqual(o);
      // Mostly the heuristic, with random throttles mixed in (more of them in later episodes).
      for (;;) {
        const a = rng.float() < 0.9 - 0.2 * episode ? landerHeuristic(o) : Float32Array.of(rng.uniform(-1, 1), rng.uniform(-1, 1));
        const s = scene.step(a);
        const b = bare.step(a);
        o = b.observation;
        expect(s.observation).toEqual(b.observation);
        expect([s.reward, s.terminated, s.truncated]).toEqual([b.reward, b.terminated, b.truncated]);
        steps += 1;
        if (b.terminated || b.truncated) break;
      }
      ends.add(bare.sim.outcome ?? 'truncated');
    }
    expect(steps).toBeGreaterThan(400);
    expect(ends.size).toBeGreaterThan(1);
  });

  it('passes checkEnv', async () => {
    const host = await HeadlessGame.create({ game: LANDER });
    hosts.push(host);
    checkEnv(host.env(LANDER_AGENT), { steps: 300 });
  });
});

describe('the shipped Lander students and ladder', () => {
  const load = (file: string) => loadShipped('lander', file);

  it('every hidden-layer student lands at least 9 of 10 flights, float32 and int8', () => {
    const env = new LanderEnv();
    for (const name of ['s16', 's8', 's4']) {
      for (const dtype of ['float32', 'int8']) {
        const policy = load(`${name}-${dtype}.json`);
        let landed = 0;
        for (let seed = 7000; seed < 7010; seed++) {
          episode(env, seed, (o) => policy.act(o) as Float32Array);
          if (env.sim.outcome === 'landed') landed += 1;
        }
        expect(landed, `${name}-${dtype}`).toBeGreaterThanOrEqual(9);
      }
    }
  });

  it('the ladder names shipped files and its levels are strictly ordered', () => {
    expectShippedLadder('lander');
  });
});
