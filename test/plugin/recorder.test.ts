/**
 * Recording the player in a real headless Phaser scene: a scripted player presses keys each step,
 * as a player would, and the agent is driven by its human() input. The recording must hold what a
 * policy would have seen at each decision, the action the player gave at the decision's first step,
 * each decision's reward, and the returns the plugin reports; dropLast, stop, restarts and other
 * drivers keep or let go of whole episodes; a production build records the same bytes.
 */
import { DemoRecorder, EPISODE_END, HeadlessGame, Rng, decodeDemo, type EpisodeEndEvent } from 'phaser-distill/node';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { PlayerScene } from '../helpers/player-scene.js';

type Node = typeof import('phaser-distill/node');
type Scenes = typeof import('../helpers/player-scene.js');
const PERIOD = 3;
/** Decisions in an episode of PlayerScene (24 steps, 3 steps a decision). */
const DECISIONS = 8;

const hosts: HeadlessGame[] = [];
afterEach(() => {
  for (const h of hosts.splice(0)) h.destroy();
});

/** A game of PlayerScene whose episode k is seeded 100 + k, with the returns the plugin reports for `agent`. */
async function boot(node: Node = { HeadlessGame, EPISODE_END } as Node, scenes: Scenes = { PlayerScene }, agent = 'walker') {
  const host = await node.HeadlessGame.create({ game: { scene: scenes.PlayerScene, width: 100, height: 100 } });
  hosts.push(host);
  const scene = host.scenes[0]! as PlayerScene;
  const returns: number[] = [];
  let episode = 0;
  scene.events.on(node.EPISODE_END, (e: EpisodeEndEvent) => {
    if (e.agent !== agent) return;
    returns.push(e.return);
    scene.ai.nextSeed = 100 + ++episode;
  });
  host.restart(0, 100);
  // runs[k] is episode k from here on.
  scene.runs = scene.runs.slice(-1);
  return { host, scene, returns };
}

/** A player who presses a new key every step (changing it mid-decision), from a seeded generator. */
function fidgety(scene: PlayerScene, seed = 5): () => void {
  const rng = new Rng(seed);
  return () => {
    scene.held = rng.int(3);
    scene.thrust[0] = rng.uniform(-1, 1);
    scene.thrust[1] = rng.uniform(-1, 1);
  };
}

/** Plays `frames` frames, the player pressing keys before each. */
function play(host: HeadlessGame, player: () => void, frames: number): void {
  for (let f = 0; f < frames; f++) {
    player();
    host.frame();
  }
}

/** Frames for `episodes` whole episodes from a fresh start: each restart takes a frame that also steps once. */
const framesFor = (episodes: number) => episodes * 24;

describe('recording the player', () => {
  it("keeps the scene's observations (stacked, as a policy sees them), the action at each decision's first step, the rewards, and the plugin's returns", async () => {
    const { host, scene, returns } = await boot();
    scene.ai.use('walker', 'human');
    const recorder = scene.ai.record('walker');
    expect(recorder).toBeInstanceOf(DemoRecorder);
    play(host, fidgety(scene), framesFor(3));
    expect(returns).toHaveLength(3);
    expect(recorder.episodes).toEqual(returns.map((r) => ({ length: DECISIONS, return: r, done: 'terminated' })));
    expect(recorder.steps).toBe(3 * DECISIONS);

    const demo = decodeDemo(recorder.toFile());
    expect(demo).toEqual(recorder.toDemo());
    expect(demo.agent).toBe('walker');
    expect(demo.decisionPeriod).toBe(PERIOD);
    expect(demo.observationSpace).toEqual({ type: 'box', shape: [4], low: [-3, -3, -3, -3], high: [3, 3, 3, 3] });
    expect([...demo.boundaries]).toEqual([0, 8, 16, 24]);
    for (let k = 0; k < 3; k++) {
      const run = scene.runs[k]!;
      // observe() ran at the episode's start (for the recording, as for a policy) and at each decision's end.
      expect(run.seen).toHaveLength(DECISIONS + 1);
      expect(run.acts).toHaveLength(DECISIONS * PERIOD);
      for (let d = 0; d < DECISIONS; d++) {
        const s = k * DECISIONS + d;
        // Oldest frame first: the one before (or the first, at the start), then this decision's.
        const expected = [...run.seen[Math.max(0, d - 1)]!, ...run.seen[d]!].map(Math.fround);
        expect([...demo.observations.subarray(s * 4, s * 4 + 4)], `episode ${k} decision ${d}`).toEqual(expected);
        expect(demo.actions[s]).toBe(run.acts[d * PERIOD]);
        expect(demo.rewards[s]).toBe(run.rewards[d]);
      }
    }
    // The player changed keys mid-decision: the recording is not simply every step's key.
    expect(scene.runs[0]!.acts.some((a, i) => i % PERIOD !== 0 && a !== scene.runs[0]!.acts[i - (i % PERIOD)])).toBe(true);
  });

  it('records what a policy would have seen: a policy playing the same actions sees the same observations', async () => {
    // A player who keeps a key for a whole decision plays exactly as a policy of those choices.
    const recorded = await boot();
    const { scene } = recorded;
    const rng = new Rng(9);
    const steady = () => {
      if (scene.frames % PERIOD === 0) scene.held = rng.int(3);
    };
    scene.ai.use('walker', 'human');
    const recorder = scene.ai.record('walker');
    play(recorded.host, steady, framesFor(2));
    const demo = recorder.toDemo();
    expect(demo.episodes).toHaveLength(2);

    const replayed = await boot();
    const seen: number[][] = [];
    let d = 0;
    replayed.scene.ai.use('walker', (o) => {
      seen.push([...o]);
      return demo.actions[d++]!;
    });
    play(replayed.host, () => undefined, framesFor(2));
    expect(d).toBe(demo.actions.length);
    expect(seen.flat()).toEqual([...demo.observations]);
    expect(replayed.returns).toEqual(demo.episodes.map((e) => e.return));
    expect(replayed.returns).toEqual(recorded.returns);
  });

  it('records box actions as the player gave them, copied, beside a second recorder', async () => {
    const { host, scene } = await boot();
    scene.ai.use('walker', 'human');
    scene.ai.use('thruster', 'human');
    const walker = scene.ai.record('walker');
    const thruster = scene.ai.record('thruster');
    play(host, fidgety(scene), framesFor(2));
    const demo = decodeDemo(thruster.toFile());
    expect(demo.actions).toBeInstanceOf(Float32Array);
    expect(demo.episodes).toEqual([{ length: 24, return: 12, done: 'truncated' }, { length: 24, return: 12, done: 'truncated' }]);
    expect([...demo.actions]).toEqual(scene.runs.slice(0, 2).flatMap((r) => r.thrusts.flat()).map(Math.fround));
    expect([...demo.observations]).toEqual(scene.runs.slice(0, 2).flatMap((r) => r.thrustSeen.slice(0, 24).flat()));
    expect(walker.episodes).toHaveLength(2);
  });

  it('dropLast lets go of the last episode; a restart, another driver or stop() lets go of the one under way', async () => {
    const { host, scene, returns } = await boot();
    const player = fidgety(scene);
    scene.ai.use('walker', 'human');
    const recorder = scene.ai.record('walker');
    play(host, player, framesFor(3));
    const three = recorder.toDemo();
    expect(recorder.dropLast()).toEqual({ length: DECISIONS, return: returns[2], done: 'terminated' });
    expect(recorder.episodes.map((e) => e.return)).toEqual(returns.slice(0, 2));
    const two = recorder.toDemo();
    expect([...two.observations]).toEqual([...three.observations.subarray(0, 2 * DECISIONS * 4)]);
    expect([...two.actions]).toEqual([...three.actions.subarray(0, 2 * DECISIONS)]);
    expect([...two.boundaries]).toEqual([0, 8, 16]);

    // Half an episode, then the scene restarts: that half is not kept; the next episode is.
    play(host, player, 12);
    host.restart(0, 7);
    play(host, player, 24);
    expect(recorder.episodes).toHaveLength(3);
    expect(recorder.episodes[2]).toEqual({ length: DECISIONS, return: returns[returns.length - 1], done: 'terminated' });

    // A policy takes two decisions mid-episode: the player's decisions before are let go, those after kept, with their return.
    play(host, player, 6);
    scene.ai.use('walker', () => 1);
    play(host, player, 6);
    scene.ai.use('walker', 'human');
    const run = scene.run;
    play(host, player, 12);
    expect(recorder.episodes).toHaveLength(4);
    expect(recorder.episodes[3]).toEqual({ length: 4, return: run.rewards.slice(4).reduce((a, b) => a + b, 0), done: 'terminated' });
    expect(recorder.toDemo().rewards.subarray(-4)).toEqual(Float64Array.from(run.rewards.slice(4)));

    // stop(): the episode under way is let go, nothing more is recorded, what was kept stays.
    play(host, player, 12);
    recorder.stop();
    expect(recorder.recording).toBe(false);
    expect(scene.ai.taps.size).toBe(0);
    play(host, player, 36);
    expect(recorder.episodes).toHaveLength(4);
    expect(decodeDemo(recorder.toFile()).episodes).toHaveLength(4);
  });

  it("does not give a decision the player began, and a policy took over, the policy's reward; release() cuts an episode too", async () => {
    const { host, scene } = await boot();
    const player = fidgety(scene);
    scene.ai.use('walker', 'human');
    const recorder = scene.ai.record('walker');
    // Decision 0, then one step into decision 1: a policy takes over, decides twice; the player again from step 9.
    play(host, player, 4);
    scene.ai.use('walker', () => 0);
    play(host, player, 5);
    scene.ai.use('walker', 'human');
    play(host, player, 15);
    const run = scene.runs[0]!;
    // Rewards read: the player's decision 0, the policy's first decision, then the player's five.
    expect(run.rewards).toHaveLength(7);
    expect(recorder.episodes).toEqual([{ length: 5, return: run.rewards.slice(2).reduce((a, b) => a + b, 0), done: 'terminated' }]);
    expect([...recorder.toDemo().actions]).toEqual([9, 12, 15, 18, 21].map((k) => run.acts[k]));

    // Let go of for two steps mid-episode: the player's decisions after coming back are kept, not those before.
    play(host, player, 7);
    scene.ai.release('walker');
    play(host, player, 2);
    scene.ai.use('walker', 'human');
    play(host, player, 15);
    expect(recorder.episodes).toHaveLength(2);
    expect(recorder.episodes[1]!.length).toBe(5);
    expect(recorder.episodes[1]!.return).toBe(scene.runs[1]!.rewards.slice(-5).reduce((a, b) => a + b, 0));
  });

  it('records nothing while a policy drives, follows a later use(human), and a second record() replaces the first', async () => {
    const { host, scene } = await boot();
    const first = scene.ai.record('walker');
    scene.ai.use('walker', () => 2);
    play(host, () => undefined, framesFor(1));
    expect(first.episodes).toEqual([]);
    expect(decodeDemo(first.toFile()).rewards).toHaveLength(0);
    const second = scene.ai.record('walker');
    expect(first.recording).toBe(false);
    scene.ai.use('walker', 'human');
    play(host, fidgety(scene), framesFor(1));
    expect(first.episodes).toEqual([]);
    expect(second.episodes).toHaveLength(1);
  });

  it('refuses an agent with no human() input, and says what to import when recording is not loaded', async () => {
    const { scene } = await boot();
    scene.ai.agent('scripted', { observation: { shape: [1] }, action: { type: 'discrete', n: 2 }, observe: () => [0], act: () => undefined });
    expect(() => scene.ai.record('scripted')).toThrow(/agent 'scripted' cannot be driven by 'human': its spec has no human\(\) input mapping/);
    vi.resetModules();
    const bare = await import('../../plugin/plugin.js');
    expect(() => bare.DistillPlugin.prototype.record.call({} as never, 'walker')).toThrow(/this\.ai\.record\('walker'\): recording is not loaded: import 'phaser-distill\/record' once in the game/);
  });

  it('records the same bytes in a production build', async () => {
    const session = async (node: Node, scenes: Scenes) => {
      const { host, scene } = await boot(node, scenes);
      scene.ai.use('walker', 'human');
      const recorder = scene.ai.record('walker');
      play(host, fidgety(scene), framesFor(2) + 10);
      return recorder.toFile();
    };
    const dev = await session(await import('phaser-distill/node'), await import('../helpers/player-scene.js'));
    vi.stubEnv('NODE_ENV', 'production');
    vi.resetModules();
    let prod: Uint8Array;
    try {
      const node = await import('phaser-distill/node');
      expect((await import('../../src/env/dev.js')).DEV).toBe(false);
      prod = await session(node, await import('../helpers/player-scene.js'));
    } finally {
      vi.unstubAllEnvs();
    }
    expect(decodeDemo(dev).episodes).toHaveLength(2);
    expect(prod).toEqual(dev);
  });
});
