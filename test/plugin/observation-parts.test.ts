/**
 * Observations built from parts, in a real headless Phaser scene: the numbers observe() gives, then
 * each sensor's reading, stacked over the last k decisions (oldest first). A car drives towards a
 * wall, so each frame's ray fraction is smaller than the one before.
 */
import { HeadlessGame, RaySensor2D, checkEnv, type AgentSpec, type GameDef } from 'phaser-distill/node';
import Phaser from 'phaser';
import { afterEach, describe, expect, it } from 'vitest';

const f = Math.fround;
/** Pixels the car moves per simulation step. */
const SPEED = 2;

class Approach extends Phaser.Scene {
  static spec: Partial<AgentSpec<{ type: 'discrete'; n: 2 }>> = {};
  car!: Phaser.GameObjects.Rectangle;
  eyes!: RaySensor2D;
  steps = 0;

  constructor() {
    super('approach');
  }

  create(): void {
    this.steps = 0;
    this.car = this.add.rectangle(20, 50, 6, 6);
    // A wall 180 ahead of the car's centre; the ray sees 200.
    const wall = new Phaser.Geom.Line(200, 0, 200, 100);
    this.eyes = new RaySensor2D(this, { rayLength: 200, tags: ['wall'], raysPerDirection: 0, shapes: [{ shape: wall, tag: 'wall' }], from: this.car });
    this.ai.agent('driver', {
      observation: { shape: [1], low: 0, high: 1000 },
      observe: () => [this.steps],
      sensors: [this.eyes],
      stack: 3,
      action: { type: 'discrete', n: 2 },
      act: (a) => (this.car.x += a * SPEED),
      done: () => (this.steps >= 60 ? 'truncated' : false),
      decisionPeriod: 2,
      ...Approach.spec,
    });
  }

  override fixedUpdate(): void {
    this.steps += 1;
  }
}

const GAME: GameDef = { scene: Approach, width: 220, height: 100 };
const hosts: HeadlessGame[] = [];
async function boot(spec: Partial<AgentSpec<{ type: 'discrete'; n: 2 }>> = {}): Promise<HeadlessGame> {
  Approach.spec = spec;
  const host = await HeadlessGame.create({ game: GAME });
  hosts.push(host);
  return host;
}
afterEach(() => {
  for (const h of hosts.splice(0)) h.destroy();
  Approach.spec = {};
});

/** One frame: [steps, wall one-hot, miss flag, hit fraction]. */
const frame = (obs: Float32Array, k: number) => Array.from(obs.subarray(k * 4, k * 4 + 4));

describe('observations from parts', () => {
  it('puts observe()\'s numbers, then each sensor\'s, in one box, stacked oldest first', async () => {
    const host = await boot();
    const env = host.env('driver');
    expect(env.observationSpace.shape).toEqual([12]);
    expect(Array.from(env.observationSpace.low)).toEqual([0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0]);
    expect(Array.from(env.observationSpace.high)).toEqual([1000, 1, 1, 1, 1000, 1, 1, 1, 1000, 1, 1, 1]);

    // At the start every slot holds the first observation.
    let obs = env.reset(1).observation;
    const start = [0, 1, 0, f(180 / 200)];
    expect([frame(obs, 0), frame(obs, 1), frame(obs, 2)]).toEqual([start, start, start]);

    // Each decision is 2 steps at 2 pixels a step: 4 pixels closer to the wall.
    obs = env.step(1).observation;
    const after1 = [2, 1, 0, f(176 / 200)];
    expect([frame(obs, 0), frame(obs, 1), frame(obs, 2)]).toEqual([start, start, after1]);
    obs = env.step(1).observation;
    obs = env.step(0).observation;
    expect([frame(obs, 0), frame(obs, 1), frame(obs, 2)]).toEqual([after1, [4, 1, 0, f(172 / 200)], [6, 1, 0, f(172 / 200)]]);

    // A restart begins a fresh stack.
    obs = env.reset(2).observation;
    expect([frame(obs, 0), frame(obs, 1), frame(obs, 2)]).toEqual([start, start, start]);
  });

  it('an agent may observe through sensors alone, and the env passes checkEnv', async () => {
    const host = await boot({ observation: undefined, observe: undefined, stack: 1 });
    const env = host.env('driver');
    expect(env.observationSpace.shape).toEqual([3]);
    expect(Array.from(env.reset(1).observation)).toEqual([1, 0, f(180 / 200)]);
    env.close();
    const host2 = await boot();
    expect(() => checkEnv(host2.env('driver'), { steps: 40 })).not.toThrow();
  });

  it('says what is wrong with a bad stack, a bad sensor, an agent that observes nothing, and a sensor with nowhere to look from', async () => {
    const declare = async (spec: Record<string, unknown>) => {
      const host = await boot();
      const scene = host.scenes[0]! as Approach;
      return () => scene.ai.agent('other', { ...(scene.ai.require('driver').spec as AgentSpec), ...spec } as never).readObservation();
    };
    await expect(declare({ stack: 0 })).resolves.toThrow(/agent 'other': spec.stack must be a positive integer/);
    await expect(declare({ sensors: [{ size: 3 }] })).resolves.toThrow(/agent 'other': spec.sensors\[0\] must be a sensor \{ size, low, high, sense\(out, offset\) \}/);
    await expect(declare({ observation: undefined, observe: undefined, sensors: [] })).resolves.toThrow(/agent 'other': the agent observes nothing/);
    await expect(declare({ observe: undefined })).resolves.toThrow(/agent 'other': spec.observe must be a function/);
    const host = await boot();
    const scene = host.scenes[0]! as Approach;
    const blind = new RaySensor2D(scene, { rayLength: 10, tags: [] });
    await expect(declare({ sensors: [blind] })).resolves.toThrow(/needs `from`, the game object it looks from/);
    const liar = { size: 1, low: 0, high: 1, sense: (out: Float32Array, at: number) => (out[at] = 2) };
    await expect(declare({ sensors: [liar] })).resolves.toThrow(/agent 'other': sensors\[0\] wrote 2 at its element 0, expected a number in \[0, 1\]/);
  });
});
