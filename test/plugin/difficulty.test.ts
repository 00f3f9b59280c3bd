import { HeadlessGame, AgentError, Difficulty, LADDER_FORMAT, Rng, type TemperedPolicy } from 'phaser-distill/node';
import Phaser from 'phaser';
import { afterEach, describe, expect, it } from 'vitest';
import { WalkScene } from '../helpers/scenes.js';

const hosts: HeadlessGame[] = [];
afterEach(() => {
  for (const h of hosts.splice(0)) h.destroy();
});

/** Always "right" (2); its temperature is recorded so the test sees which level asked. */
class Right implements TemperedPolicy {
  temperature = 0;
  act(): number {
    return 2;
  }
}

const ladder = {
  format: LADDER_FORMAT, version: 1, game: 'walk', agent: 'walker', metric: 'episode_return',
  levels: [
    { name: 'sleepy', policy: 'right', temperature: 0, reactionDelay: 0, actionNoise: 1 },
    { name: 'sharp', policy: 'right', temperature: 0, reactionDelay: 0, actionNoise: 0 },
  ],
};

describe('difficulty ladder in a real scene', () => {
  it('drives the agent at the chosen level and switches level without a restart', async () => {
    const host = await HeadlessGame.create({ game: { scene: WalkScene, width: 200, height: 100 } });
    hosts.push(host);
    const scene = host.scenes[0]! as WalkScene;
    scene.ai.restartOnDone = false;
    const difficulty = new Difficulty(scene.ai, 'walker', ladder, { right: new Right() });
    expect(difficulty).toBeInstanceOf(Difficulty);
    // Made, it drives the agent.
    expect(scene.ai.driverOf('walker')).toBe(difficulty);
    expect(difficulty.level.name).toBe('sleepy');

    // Level 0 acts at random: the dot wanders. Level 1 always pushes right: the dot runs right.
    const drift = () => {
      scene.limit = 1e9;
      const start = scene.x;
      for (let i = 0; i < 40; i++) host.frame();
      return scene.x - start;
    };
    const creates = WalkScene.creates;
    const sleepy = drift();
    difficulty.setDifficulty('sharp');
    const sharp = drift();
    expect(WalkScene.creates).toBe(creates);
    expect(sharp).toBeGreaterThan(0.35);
    expect(Math.abs(sleepy)).toBeLessThan(sharp);
    expect(() => difficulty.setDifficulty(5)).toThrow(/no difficulty level 5 \(levels 0\.\.1: 'sleepy', 'sharp'\)/);
  });

  it('plays a blending level: the weaker policy takes 1 - skill of the decisions', async () => {
    const host = await HeadlessGame.create({ game: { scene: WalkScene, width: 200, height: 100 } });
    hosts.push(host);
    const scene = host.scenes[0]! as WalkScene;
    scene.limit = 1e9;
    const counts = { right: 0, left: 0 };
    const right = { temperature: 0, act: () => (counts.right++, 2) };
    const left = { temperature: 0, act: () => (counts.left++, 0) };
    const ladder2 = { ...ladder, version: 2, levels: [{ name: 'mixed', policy: 'right', weaker: 'left', skill: 0.75, temperature: 0, reactionDelay: 0, actionNoise: 0 }] };
    new Difficulty(scene.ai, 'walker', ladder2, { right, left });
    for (let i = 0; i < 1600; i++) host.frame();
    const decisions = counts.right + counts.left;
    expect(decisions).toBeGreaterThanOrEqual(800);
    expect(Math.abs(counts.left / decisions - 0.25), JSON.stringify(counts)).toBeLessThan(0.05);
  });

  it('a seeded episode plays the same moves whatever was played before it: slips, blends and sampling restart from the episode seed', async () => {
    const host = await HeadlessGame.create({ game: { scene: WalkScene, width: 200, height: 100 } });
    hosts.push(host);
    const scene = host.scenes[0]! as WalkScene;
    /** Samples from a generator of its own, which the level reseeds. */
    class Coin implements TemperedPolicy {
      temperature = 1;
      private readonly rng = new Rng(0);
      reseed(seed: number): void {
        this.rng.seed(seed);
      }
      act(): number {
        return this.rng.int(3);
      }
    }
    const mixed = { ...ladder, version: 2, levels: [{ name: 'mixed', policy: 'coin', weaker: 'right', skill: 0.5, temperature: 1, reactionDelay: 0, actionNoise: 0.3 }] };
    const difficulty = new Difficulty(scene.ai, 'walker', mixed, { coin: new Coin(), right: new Right() });
    const moves: number[] = [];
    const act = difficulty.act.bind(difficulty);
    difficulty.act = (o, m) => {
      const a = act(o, m);
      moves.push(a as number);
      return a;
    };
    scene.limit = 1e9;
    /** The moves of 60 frames of an episode seeded `seed`, after `before` frames of whatever is in play. */
    const episode = (seed: number, before: number) => {
      for (let i = 0; i < before; i++) host.frame();
      moves.length = 0;
      scene.ai.nextSeed = seed;
      scene.scene.restart();
      for (let i = 0; i < 60; i++) host.frame();
      return [...moves];
    };
    const first = episode(11, 0);
    expect(first.length).toBeGreaterThanOrEqual(25);
    expect(new Set(first).size).toBe(3);
    expect(episode(11, 17)).toEqual(first);
    expect(episode(11, 3)).toEqual(first);
    expect(episode(12, 0)).not.toEqual(first);
  });

  it('drives every agent of a behaviour with its own memory: a reaction delay never hands one agent another\'s observation', async () => {
    /** Two pack members: 'east' sees +1 and its frame, 'west' -1 and its frame, every decision. */
    class Pack extends Phaser.Scene {
      frames = 0;
      given = { east: [] as number[], west: [] as number[] };
      create(): void {
        this.frames = 0;
        for (const [name, side] of [['east', 1], ['west', -1]] as const) {
          this.ai.agent(name, {
            behavior: 'pack',
            observation: { shape: [2], low: -1e6, high: 1e6 },
            action: { type: 'discrete', n: 3 },
            observe: () => [side, this.frames],
            act: (a) => void this.given[name].push(a),
          });
        }
      }
      override fixedUpdate(): void {
        this.frames += 1;
      }
    }
    const host = await HeadlessGame.create({ game: { scene: Pack, width: 100, height: 100 } });
    hosts.push(host);
    const scene = host.scenes[0]! as Pack;
    // Acts on the side it is shown: 2 for east's observations, 0 for west's. It sees the frame too.
    const seen: number[] = [];
    const side = { temperature: 0, act: (o: Float32Array) => (seen.push(o[1]!), o[0]! > 0 ? 2 : 0) };
    const late = { ...ladder, levels: [{ name: 'late', policy: 'side', temperature: 0, reactionDelay: 2, actionNoise: 0 }] };
    new Difficulty(scene.ai, 'pack', late, { side });
    for (let i = 0; i < 30; i++) host.frame();
    expect(scene.given.east.length).toBeGreaterThanOrEqual(25);
    expect(new Set(scene.given.east)).toEqual(new Set([2]));
    expect(new Set(scene.given.west)).toEqual(new Set([0]));
    // Each acts two decisions late: the frames shown lag the frames played.
    expect(Math.max(...seen)).toBeLessThan(scene.frames - 1);
  });

  it('names a level whose policy was not given', async () => {
    const host = await HeadlessGame.create({ game: { scene: WalkScene, width: 200, height: 100 } });
    hosts.push(host);
    expect(() => new Difficulty(host.scenes[0]!.ai, 'walker', ladder, {})).toThrow(AgentError);
    expect(() => new Difficulty(host.scenes[0]!.ai, 'walker', ladder, {})).toThrow(/level 'sleepy' plays policy 'right', which was not given/);
    const blended = { ...ladder, version: 2, levels: [{ ...ladder.levels[0]!, skill: 0.5, weaker: 'left' }] };
    expect(() => new Difficulty(host.scenes[0]!.ai, 'walker', blended, { right: new Right() })).toThrow(/level 'sleepy' blends in policy 'left', which was not given/);
  });

  it("refuses a level whose policy is named after what every object inherits ('constructor', 'toString', '__proto__')", async () => {
    const host = await HeadlessGame.create({ game: { scene: WalkScene, width: 200, height: 100 } });
    hosts.push(host);
    for (const name of ['constructor', 'toString', '__proto__', 'hasOwnProperty']) {
      const inherited = { ...ladder, levels: [{ ...ladder.levels[1]!, policy: name }] };
      expect(() => new Difficulty(host.scenes[0]!.ai, 'walker', inherited, { right: new Right() })).toThrow(new RegExp(`level 'sharp' plays policy '${name}', which was not given`));
      const weaker = { ...ladder, version: 2, levels: [{ ...ladder.levels[1]!, skill: 0.5, weaker: name }] };
      expect(() => new Difficulty(host.scenes[0]!.ai, 'walker', weaker, { right: new Right() })).toThrow(/blends in policy/);
    }
    // Given as the policies' own key, such a name plays.
    const own = { ...ladder, levels: [{ ...ladder.levels[1]!, policy: 'constructor' }] };
    const difficulty = new Difficulty(host.scenes[0]!.ai, 'walker', own, Object.fromEntries([['constructor', new Right()]]));
    expect(difficulty.act(new Float32Array(2))).toBe(2);
  });
});
