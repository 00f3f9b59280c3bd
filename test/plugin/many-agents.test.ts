/**
 * Many agents of one behaviour in one scene (issue 23): each agent a slot of the vector env, with
 * its own observation, reward, decisions and done; agents that leave and are replaced mid-scene;
 * real headless Phaser scenes throughout.
 */
import { readFileSync } from 'node:fs';
import { EPISODE_END, HeadlessGame, Rng, createSceneVectorEnv, loadStudentPolicy, type EpisodeEndEvent, type GameDef, type SceneVectorEnv } from 'phaser-distill/node';
import { afterEach, describe, expect, it } from 'vitest';
import { CROWD_PERIOD, CrowdScene } from '../helpers/crowd-scene.js';

function crowd(count: number, options: { respawn?: boolean; life?: (s: number) => number; extra?: number; scouts?: number } = {}): GameDef {
  const scene = class extends CrowdScene {
    constructor() {
      super();
      this.count = count;
      this.respawn = options.respawn ?? true;
      if (options.life) this.life = options.life;
      this.extra = options.extra ?? 0;
      this.scouts = options.scouts ?? 0;
    }
  };
  return { scene, agent: 'ant', agentsPerScene: count, width: 100, height: 100 };
}

const envs: SceneVectorEnv[] = [];
const hosts: HeadlessGame[] = [];
async function make(game: GameDef, scenes: number): Promise<SceneVectorEnv> {
  const env = await createSceneVectorEnv(game, { instances: scenes });
  envs.push(env);
  return env;
}
afterEach(() => {
  for (const e of envs.splice(0)) e.close();
  for (const h of hosts.splice(0)) h.destroy();
});

describe('many agents of one behaviour in one scene', () => {
  it('makes every agent of every scene a slot: 4 agents x 3 scenes = 12 envs, one frame of the game for all 12 experiences', async () => {
    const env = await make(crowd(4), 3);
    expect(env.numEnvs).toBe(12);
    expect(env.agentsPerScene).toBe(4);
    const obs = env.reset(1);
    // Slot j of each scene holds that scene's ant j: its own observation.
    for (let i = 0; i < 12; i++) {
      expect(env.agentAt(i).name).toBe(`ant-${i % 4}`);
      expect([...obs.subarray(i * 3, i * 3 + 3)]).toEqual([i % 4, 0, -1]);
    }
    const host = env.runner as HeadlessGame;
    const frames = host.frames;
    const actions = Int32Array.from({ length: 12 }, (_, i) => i % 3);
    const r = env.step(actions);
    // One decision of every slot took one decision's frames of the game, not one per agent.
    expect(host.frames - frames).toBe(CROWD_PERIOD);
    for (let i = 0; i < 12; i++) {
      expect([...r.observations.subarray(i * 3, i * 3 + 3)]).toEqual([i % 4, 1, i % 3]);
      expect(r.rewards[i]).toBe((i % 4) + 1);
    }
  });

  it('credits every step to the agent that took it while agents leave and new ones take their slots (no scene restart)', async () => {
    const env = await make(crowd(4), 2);
    const host = env.runner as HeadlessGame;
    env.reset(5);
    const rng = new Rng(3);
    const seen = new Map<string, number>();
    let episodes = 0;
    for (let t = 0; t < 60; t++) {
      const before = Array.from({ length: env.numEnvs }, (_, i) => env.agentAt(i));
      const actions = Int32Array.from({ length: env.numEnvs }, () => rng.int(3));
      const r = env.step(actions);
      for (let i = 0; i < env.numEnvs; i++) {
        const ant = before[i]!;
        const serial = Number(ant.name.slice(4));
        // The reward of slot i is the reward of the ant that held it for this step.
        expect(r.rewards[i]).toBe(serial + 1);
        if (r.terminated[i]) {
          // Its final observation is that ant's, after the action this slot was given.
          expect([...r.finalObservations[i]!]).toEqual([serial, 3 + (serial % 4), actions[i]]);
          // The next observation is the first one of a new ant, which now holds the slot.
          const next = env.agentAt(i);
          expect(next).not.toBe(ant);
          expect([...r.observations.subarray(i * 3, i * 3 + 2)]).toEqual([Number(next.name.slice(4)), 0]);
        } else {
          expect(env.agentAt(i)).toBe(ant);
        }
      }
      for (const e of r.episodes) {
        const ant = before[e.env]!;
        const serial = Number(ant.name.slice(4));
        // The return and length say whose episode it was: (serial + 1) x life(serial).
        expect(e.length).toBe(3 + (serial % 4));
        expect(e.return).toBe((serial + 1) * e.length);
        const key = `${Math.floor(e.env / 4)}:${ant.name}`;
        expect(seen.has(key)).toBe(false);
        seen.set(key, e.return);
        episodes += 1;
      }
    }
    expect(episodes).toBeGreaterThan(40);
    // The scenes never restarted: their ants are numbered on from the first run.
    for (const scene of host.scenes) expect((scene as CrowdScene).ants.length).toBeGreaterThan(20);
  });

  it('restarts a scene whose agents all end their episodes with no successor', async () => {
    const env = await make(crowd(3, { respawn: false, life: () => 4 }), 2);
    const host = env.runner as HeadlessGame;
    env.reset(2);
    const first = host.scenes.map((s) => (s as CrowdScene).ants[0]);
    let r = env.step(new Int32Array(6));
    for (let t = 1; t < 4; t++) r = env.step(new Int32Array(6));
    expect([...r.terminated]).toEqual([1, 1, 1, 1, 1, 1]);
    expect(r.episodes.map((e) => e.length)).toEqual([4, 4, 4, 4, 4, 4]);
    // Each scene ran create() again: new ants from serial 0, first observations.
    host.scenes.forEach((s, c) => expect((s as CrowdScene).ants[0]).not.toBe(first[c]));
    expect([...r.observations]).toEqual([0, 0, -1, 1, 0, -1, 2, 0, -1, 0, 0, -1, 1, 0, -1, 2, 0, -1]);
  });

  it('refuses a slot left empty while others play on, naming the rule', async () => {
    const env = await make(crowd(3, { respawn: false, life: (s) => (s === 1 ? 2 : 9) }), 1);
    env.reset(2);
    env.step(new Int32Array(3));
    expect(() => env.step(new Int32Array(3))).toThrow(/scene 0: 1 agent\(s\) of 'ant' ended their episodes in one step with 0 new one\(s\) declared to take their slots, while 2 play on.*declare a successor in the step an agent ends/);
  });

  it('refuses a scene that declares another number of agents than its slots, and envs that do not divide into scenes', async () => {
    await expect(make(crowd(3, { extra: 1 }), 1)).rejects.toThrow(/scene 0 declares 4 agent\(s\) of 'ant' \('ant-0', 'ant-1', 'ant-2', 'ant-3'\) as it starts, but the game has 3 slot\(s\) a scene/);
    await expect(createSceneVectorEnv(crowd(4), { envs: 10 })).rejects.toThrow(/envs must be a positive multiple of the game's agentsPerScene \(4\), got 10/);
    const env = await createSceneVectorEnv(crowd(4), { envs: 8 });
    envs.push(env);
    expect(env.runner.numScenes).toBe(2);
    expect(env.numEnvs).toBe(8);
  });

  it('refuses agents of one behaviour with different spaces', async () => {
    const scene = class extends CrowdScene {
      override create(): void {
        super.create();
        this.ai.agent('odd', { behavior: 'ant', observation: { shape: [2] }, observe: () => [0, 0], action: { type: 'discrete', n: 3 }, act: () => {}, decisionPeriod: CROWD_PERIOD });
      }
    };
    await expect(make({ scene, agent: 'ant', agentsPerScene: 5 }, 1)).rejects.toThrow(/agent 'odd' of scene 0 has other spaces or another decisionPeriod than the first agent of 'ant'/);
  });

  it('in play, one driver chosen for the behaviour drives every agent, and the scene goes on when one agent ends', async () => {
    const host = await HeadlessGame.create({ game: crowd(3), instances: 1 });
    hosts.push(host);
    const scene = host.scenes[0] as CrowdScene;
    const ended: EpisodeEndEvent[] = [];
    scene.sys.events.on(EPISODE_END, (e: EpisodeEndEvent) => ended.push(e));
    const seen = new Set<string>();
    scene.ai.use('ant', (o) => {
      seen.add(String(o[0]));
      return 2;
    });
    for (let f = 0; f < 9; f++) host.frame();
    // ant-0 (3 decisions), ant-1 (4) left and were replaced; the first run goes on.
    expect(ended.map((e) => [e.agent, e.done, e.return])).toEqual([['ant-0', 'terminated', 3], ['ant-1', 'terminated', 8]]);
    expect(scene.ants[0]!.lastAction).toBe(2);
    expect([...seen].sort()).toEqual(['0', '1', '2', '3', '4']);
    expect(scene.ants).toHaveLength(5);
  });

  it('a second behaviour plays a frozen student or a script while the first trains, its agents outside the vector env', async () => {
    const env = await make(crowd(3, { scouts: 4 }), 2);
    const host = env.runner as HeadlessGame;
    // Scene 0's scouts play Gather's shipped student (frozen), scene 1's a script.
    const student = loadStudentPolicy(JSON.parse(readFileSync('assets/policies/gather/s8-int8.json', 'utf8')));
    let batches = 0;
    let batched = 0;
    const frozen = {
      act: (o: Float32Array) => student.act(o),
      actMany: (obs: Float32Array, count: number, actions: Float32Array) => {
        batches += 1;
        batched += count;
        student.actMany(obs, count, actions);
      },
    };
    host.plugin(0).use('scout', frozen);
    host.plugin(1).use('scout', () => 3);
    expect(env.numEnvs).toBe(6);
    env.reset(4);
    for (let t = 0; t < 9; t++) env.step(new Int32Array(6));
    // 9 ant decisions of 2 steps are 18 steps: a scout decides every 3, so 6 times, each time all four of a scene in one batched call.
    const [s0, s1] = host.scenes as CrowdScene[];
    expect(s1!.scoutDecisions).toEqual([7, 7, 7, 7]); // the first observation and six decisions
    expect(s1!.scoutActions).toEqual([3, 3, 3, 3]);
    expect(batches).toBe(6);
    expect(batched).toBe(24);
    const expected = [0, 1, 2, 3].map((k) => student.act(Float32Array.from([k / 10, -k / 10, 0, 0, 0, 0])));
    expect(s0!.scoutActions).toEqual(expected);
    // The trainer's slots hold ants only.
    for (let i = 0; i < 6; i++) expect(env.agentAt(i).behavior).toBe('ant');
  });
});
