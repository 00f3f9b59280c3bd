import { HeadlessGame, DistillPlugin, EPISODE_END, AgentError, type EpisodeEndEvent } from 'phaser-distill/node';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { DuoScene, WalkScene, walkerSpec } from '../helpers/scenes.js';

const hosts: HeadlessGame[] = [];
async function boot(scene: new () => Phaser.Scene, instances = 1): Promise<HeadlessGame> {
  const host = await HeadlessGame.create({ game: { scene, width: 200, height: 100 }, instances });
  hosts.push(host);
  return host;
}
afterEach(() => {
  for (const h of hosts.splice(0)) h.destroy();
});

const listenerCounts = (scene: Phaser.Scene) =>
  Object.fromEntries(['preupdate', 'update', 'postupdate', 'shutdown', 'start', 'destroy'].map((e) => [e, scene.sys.events.listenerCount(e)]));

describe('DistillPlugin lifecycle', () => {
  it('is mapped as this.ai and found with DistillPlugin.of', async () => {
    const host = await boot(WalkScene);
    const scene = host.scenes[0]!;
    expect(scene.ai).toBeInstanceOf(DistillPlugin);
    expect(DistillPlugin.of(scene)).toBe(scene.ai);
    expect(scene.ai.names()).toEqual(['walker']);
  });

  it('leaks no listeners, agents or game objects across many restarts', async () => {
    const host = await boot(WalkScene);
    const scene = host.scenes[0]! as WalkScene;
    // The baseline is a run past its first frame, when the plugin has taken the clock and tweens over.
    host.restart(0, 1);
    host.frame();
    const listeners = listenerCounts(scene);
    const objects = scene.children.length;
    const before = WalkScene.creates;
    for (let k = 0; k < 200; k++) {
      host.restart(0, k);
      host.frame();
    }
    expect(WalkScene.creates - before).toBe(200);
    expect(listenerCounts(scene)).toEqual(listeners);
    expect(scene.children.length).toBe(objects);
    expect(scene.ai.names()).toEqual(['walker']);
  });

  it('destroy lets go of the scene, its listeners and Math.random', async () => {
    const random = Math.random;
    const host = await HeadlessGame.create({ game: { scene: WalkScene, width: 200, height: 100 } });
    expect(Math.random).not.toBe(random);
    const scene = host.scenes[0]!;
    const plugin = scene.ai;
    host.destroy();
    expect(Math.random).toBe(random);
    expect(DistillPlugin.of(scene)).toBeUndefined();
    expect(plugin.scene).toBeNull();
    expect(plugin.names()).toEqual([]);
    expect(() => host.frame()).toThrow(/destroyed/);
  });

  it('in play, ends an episode with an event and restarts the scene', async () => {
    const host = await boot(WalkScene);
    const scene = host.scenes[0]! as WalkScene;
    const ends: EpisodeEndEvent[] = [];
    scene.events.on(EPISODE_END, (e: EpisodeEndEvent) => ends.push(e));
    scene.ai.use('walker', () => 1);
    const before = WalkScene.creates;
    for (let f = 0; f < 41; f++) host.frame();
    expect(ends).toHaveLength(1);
    expect(ends[0]).toMatchObject({ agent: 'walker', done: 'terminated' });
    expect(ends[0]!.return).toBeLessThan(0);
    expect(WalkScene.creates).toBe(before + 1);
    // The restart is queued during the frame and done at the next one, which then steps it once.
    expect(scene.frames).toBe(1);
    scene.events.off(EPISODE_END);
  });
});

describe('validation', () => {
  const declare = async (extra: Record<string, unknown>, name = 'bad') => {
    const host = await boot(WalkScene);
    const scene = host.scenes[0]! as WalkScene;
    return () => scene.ai.agent(name, { ...walkerSpec(scene), ...extra } as never);
  };

  it('names the agent and what was expected in a bad spec', async () => {
    await expect(declare({ observe: 3 })).resolves.toThrow(/agent 'bad': spec.observe must be a function/);
    await expect(declare({ observation: { shape: [0] } })).resolves.toThrow(/agent 'bad': spec.observation is not a valid box: .*shape\[0\]: expected a positive integer/);
    await expect(declare({ action: { type: 'discrete', n: 0 } })).resolves.toThrow(/agent 'bad': spec.action .*n: expected a positive integer/);
    await expect(declare({ action: { type: 'continuous' } })).resolves.toThrow(/agent 'bad': .*expected 'discrete', 'multi-discrete' or 'box'/);
    await expect(declare({ decisionPeriod: 0.5 })).resolves.toThrow(/agent 'bad': spec.decisionPeriod must be a positive integer/);
    await expect(declare({ action: { type: 'box', shape: [1] }, mask: () => [true] })).resolves.toThrow(/agent 'bad': spec.mask is only for discrete/);
    await expect(declare({}, 'walker')).resolves.toThrow(/agent 'walker' is already declared in scene 'walk#0'/);
  });

  it('rejects wrong observations, NaN, bad rewards and bad done values', async () => {
    const host = await boot(WalkScene);
    const scene = host.scenes[0]! as WalkScene;
    const run = (extra: Record<string, unknown>) => {
      const agent = scene.ai.agent(`a${Math.random()}`.replace('.', ''), { ...walkerSpec(scene), ...extra } as never);
      return () => {
        agent.readObservation();
        agent.readReward();
        agent.readDone();
      };
    };
    expect(run({ observe: () => [1, 2] })).toThrow(/observe\(\) returned 2 numbers, expected 3 numbers \(observation shape \[3\]\)/);
    expect(run({ observe: () => [0, Number.NaN, 0] })).toThrow(/observe\(\) element 1 is NaN, expected a number in \[-3, 3\]/);
    expect(run({ observe: () => [0, 0, 7] })).toThrow(/observe\(\) element 2 is 7, expected a number in \[-3, 3\]/);
    expect(run({ reward: () => Number.POSITIVE_INFINITY })).toThrow(/reward\(\) returned Infinity, expected a finite number/);
    expect(run({ done: () => true })).toThrow(/done\(\) returned true, expected false, 'terminated' or 'truncated'/);
  });

  it('rejects out-of-range and masked actions from drivers and envs, naming the agent', async () => {
    const host = await boot(WalkScene);
    const env = host.env('walker');
    env.reset(1);
    expect(() => env.step(3)).toThrow(/agent 'walker': SceneEnv.step\(\) gave an invalid action: expected an integer in \[0, 2\], got 3/);
    expect(() => env.step(1.5)).toThrow(/agent 'walker'.*expected an integer in \[0, 2\], got 1.5/);

    const duo = await boot(DuoScene);
    const scene = duo.scenes[0]! as DuoScene;
    scene.ai.use('thruster', () => [2]);
    expect(() => duo.frame()).toThrow(/agent 'thruster': its driver function gave an invalid action: element 0: 2 is outside \[-1, 1\]/);
    scene.ai.use('thruster', () => [0]);
    scene.pos[1] = 1;
    scene.ai.use('mover', { act: () => [1, 2] });
    expect(() => duo.frame()).toThrow(/agent 'mover': its policy chose 2 on branch 1, which the mask forbids now/);
  });

  it('rejects bad drivers, human without a mapping, and unknown agents', async () => {
    const host = await boot(WalkScene);
    const scene = host.scenes[0]! as WalkScene;
    expect(() => scene.ai.use('walker', { policy: 1 } as never)).toThrow(/agent 'walker': use\(\) expected a policy with act\(observation\), a function \(observation\) => action, or 'human'/);
    expect(() => scene.ai.use('walker', 'human')).toThrow(/agent 'walker' cannot be driven by 'human': its spec has no human\(\) input mapping/);
    expect(() => host.env('runner')).toThrow(/agent 'runner' is not declared in scene 'walk#0' \(declared: 'walker'\)/);
    host.env('walker');
    expect(() => scene.ai.use('walker', () => 1)).toThrow(/agent 'walker' is being trained through a SceneEnv/);
    expect(AgentError.name).toBe('AgentError');
  });
});

describe('several agents and hot swap', () => {
  it('drives each agent at its own decision period and action kind', async () => {
    const host = await boot(DuoScene);
    const scene = host.scenes[0]! as DuoScene;
    const seen = { mover: 0, thruster: 0 };
    scene.ai.use('mover', (obs, mask) => {
      seen.mover += 1;
      expect(obs).toHaveLength(2);
      expect(mask).toHaveLength(6);
      return [2, 1];
    });
    scene.ai.use('thruster', { act: (obs) => (seen.thruster++, [obs[0]! > 0 ? -0.5 : 0.5]) });
    for (let f = 0; f < 12; f++) host.frame();
    expect(seen).toEqual({ mover: 4, thruster: 12 });
    expect(scene.acted).toEqual({ mover: 12, thruster: 12 });
    expect(scene.pos[0]).toBeCloseTo(1.2);
    expect(scene.ai.episodeReturn('mover')).toBe(4);
  });

  it('trains one agent through a SceneEnv while another is driven by a function', async () => {
    const host = await boot(DuoScene);
    const scene = host.scenes[0]! as DuoScene;
    let thrusterCalls = 0;
    scene.ai.use('thruster', () => (thrusterCalls++, [0.25]));
    const env = host.env('mover');
    const first = env.reset(5);
    expect(first.info.actionMask).toEqual(new Uint8Array([1, 1, 1, 1, 1, 1]));
    let r = env.step([1, 2]);
    expect(r.observation[1]).toBeCloseTo(0.3);
    expect(thrusterCalls).toBe(3);
    r = env.step([1, 2]);
    expect(r.observation[1]).toBeCloseTo(0.6);
    expect(r.info.actionMask).toEqual(new Uint8Array([1, 1, 1, 1, 1, 0]));
    expect(() => env.step([1, 2])).toThrow(/agent 'mover': SceneEnv.step\(\) chose 2 on branch 1, which the mask forbids now/);
    for (let k = 0; k < 9 && !r.truncated; k++) r = env.step([1, 1]);
    expect(r.truncated).toBe(true);
    expect(scene.thrust).toBe(0.25);
  });

  it('gives every scene\'s mask, for its current observation, through SceneVectorEnv.actionMasks', async () => {
    const host = await boot(DuoScene, 2);
    const env = host.vectorEnv('mover');
    env.reset(3);
    expect(env.actionMasks).toEqual(new Uint8Array(12).fill(1));
    // Scene 0 moves down twice (0.6: down forbidden), scene 1 stays put.
    env.step([1, 2, 1, 1]);
    env.step([1, 2, 1, 1]);
    expect(Array.from(env.actionMasks!)).toEqual([1, 1, 1, 1, 1, 0, 1, 1, 1, 1, 1, 1]);
  });

  it('swaps a driver at run time without restarting the scene', async () => {
    const host = await boot(WalkScene);
    const scene = host.scenes[0]! as WalkScene;
    const calls = { a: 0, b: 0 };
    scene.ai.use('walker', () => (calls.a++, 2));
    const creates = WalkScene.creates;
    for (let f = 0; f < 10; f++) host.frame();
    const x = scene.x;
    scene.ai.use('walker', { act: () => (calls.b++, 0) });
    host.frame();
    expect(calls).toEqual({ a: 5, b: 1 });
    for (let f = 0; f < 9; f++) host.frame();
    expect(calls).toEqual({ a: 5, b: 5 });
    expect(scene.x).toBeLessThan(x);
    expect(WalkScene.creates).toBe(creates);
    expect(scene.frames).toBe(20);
    scene.ai.release('walker');
    host.frame();
    expect(calls.b).toBe(5);
  });
});

describe('a production build of a game', () => {
  type Modules = [typeof import('phaser-distill/node'), typeof import('../helpers/scenes.js')];
  const load = async (): Promise<Modules> => [await import('phaser-distill/node'), await import('../helpers/scenes.js')];

  /** Plays 100 frames (two episodes and a half, restarts included) and tries one development check. */
  async function play([node, scenes]: Modules): Promise<{ xs: number[]; ends: number; checked: boolean }> {
    const host = await node.HeadlessGame.create({ game: { scene: scenes.WalkScene, width: 200, height: 100 } });
    try {
      const scene = host.scenes[0]! as WalkScene;
      host.restart(0, 11);
      let ends = 0;
      scene.events.on(node.EPISODE_END, () => ends++);
      scene.ai.use('walker', (o) => (o[1]! > o[0]! ? 2 : 0));
      const xs: number[] = [];
      for (let f = 0; f < 100; f++) {
        host.frame();
        xs.push(scene.x);
      }
      // An observation outside the declared box: a development check.
      const loose = scene.ai.agent('loose', { ...scenes.walkerSpec(scene), observe: () => [0, 0, 7] });
      let checked = false;
      try {
        loose.readObservation();
      } catch {
        checked = true;
      }
      return { xs, ends, checked };
    } finally {
      host.destroy();
    }
  }

  // NODE_ENV=production, as a bundler sets it for a release build, compiles the development checks
  // out (src/env/dev.ts); the game must play exactly as it did in development.
  it('plays the same frames as development, without the development checks', async () => {
    const dev = await play(await load());
    vi.stubEnv('NODE_ENV', 'production');
    vi.resetModules();
    let prod: Awaited<ReturnType<typeof play>>;
    try {
      prod = await play(await load());
    } finally {
      vi.unstubAllEnvs();
    }
    expect(dev.checked).toBe(true);
    expect(prod.checked).toBe(false);
    expect(dev.ends).toBe(2);
    expect(prod.ends).toBe(dev.ends);
    expect(new Set(dev.xs).size).toBeGreaterThan(50);
    expect(prod.xs).toEqual(dev.xs);
  });

  it('replaces a reward or done that cannot be right, with one warning naming the agent', async () => {
    vi.stubEnv('NODE_ENV', 'production');
    vi.resetModules();
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => undefined);
    try {
      const [node, scenes] = await load();
      const host = await node.HeadlessGame.create({ game: { scene: scenes.WalkScene, width: 200, height: 100 } });
      try {
        const scene = host.scenes[0]! as WalkScene;
        let ends = 0;
        scene.events.on(node.EPISODE_END, () => ends++);
        // A reward that is a string would concatenate into the return; a done of 'yes' would end
        // every episode at its first step and restart the scene every frame.
        const odd = scene.ai.agent('odd', { ...scenes.walkerSpec(scene), reward: () => 'lots' as unknown as number, done: () => 'yes' as unknown as false });
        const nan = scene.ai.agent('nan', { ...scenes.walkerSpec(scene), reward: () => Number.NaN, done: () => false });
        scene.ai.use('odd', () => 1);
        scene.ai.use('nan', () => 1);
        for (let f = 0; f < 40; f++) host.frame();
        expect(ends).toBe(0);
        expect(odd.episodeReturn).toBe(0);
        expect(nan.episodeReturn).toBe(0);
        const lines = warn.mock.calls.map((c) => String(c[0]));
        expect(lines.filter((l) => l.startsWith("agent 'odd': "))).toEqual(["agent 'odd': done() gave yes, used false (warned once)"]);
        expect(lines.filter((l) => l.startsWith("agent 'nan': "))).toEqual(["agent 'nan': reward() gave NaN, used 0 (warned once)"]);
      } finally {
        host.destroy();
      }
    } finally {
      warn.mockRestore();
      vi.unstubAllEnvs();
    }
  });

  it('still refuses an observe() of the wrong length, naming the agent', async () => {
    vi.stubEnv('NODE_ENV', 'production');
    vi.resetModules();
    try {
      const [node, scenes] = await load();
      const host = await node.HeadlessGame.create({ game: { scene: scenes.WalkScene, width: 200, height: 100 } });
      try {
        const scene = host.scenes[0]! as WalkScene;
        const short = scene.ai.agent('short', { ...scenes.walkerSpec(scene), observe: () => [scene.x, scene.target] });
        expect(() => short.readObservation()).toThrow(/^agent 'short': observe\(\) gave 2 numbers, not 3$/);
        const none = scene.ai.agent('none', { ...scenes.walkerSpec(scene), observe: () => undefined as unknown as number[] });
        expect(() => none.readObservation()).toThrow(/^agent 'none': observe\(\) gave undefined numbers, not 3$/);
      } finally {
        host.destroy();
      }
    } finally {
      vi.unstubAllEnvs();
    }
  });
});
