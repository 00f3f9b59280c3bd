/**
 * Teams (issue 23): agents carry a team (`spec.team`); a group reward goes to every member of a
 * team still playing, and a team's episode ends for all its members at once; a scene's other
 * behaviour plays what `drivers` gives it while one behaviour trains. Real headless Phaser scenes.
 */
import { EPISODE_END, HeadlessGame, createSceneVectorEnv, type EpisodeEndEvent, type GameDef, type SceneVectorEnv } from 'phaser-distill/node';
import { afterEach, describe, expect, it } from 'vitest';
import { TEAM_PERIOD, TeamScene } from '../helpers/team-scene.js';

const TEAMS: GameDef = { scene: TeamScene, agent: 'red', agentsPerScene: 2, width: 64, height: 64 };

const envs: SceneVectorEnv[] = [];
const hosts: HeadlessGame[] = [];
afterEach(() => {
  for (const e of envs.splice(0)) e.close();
  for (const h of hosts.splice(0)) h.destroy();
});

async function redEnv(scenes: number, blue: (obs: Float32Array) => number = () => 2): Promise<SceneVectorEnv> {
  const env = await createSceneVectorEnv(TEAMS, { instances: scenes, drivers: { blue } });
  envs.push(env);
  return env;
}

describe('teams and group rewards', () => {
  it("gives the group reward to every member of the team, and the team's episode ends for all its members in one step", async () => {
    const env = await redEnv(2);
    env.reset(1);
    const actions = Int32Array.of(0, 1, 1, 0);
    // Step 1 (frames 1-2): own rewards only.
    let r = env.step(actions);
    expect([...r.rewards].map((x) => Number(x.toFixed(4)))).toEqual([0.1, 0.2, 0.1, 0.2]);
    // Step 2 (frames 3-4): the group reward of frame 3 reaches both red members of every scene.
    r = env.step(actions);
    expect([...r.rewards].map((x) => Number(x.toFixed(4)))).toEqual([5.1, 5.2, 5.1, 5.2]);
    // Frames 5-6, then 7-8: endTeamEpisode at frame 8 ends both members at once, terminated.
    r = env.step(actions);
    expect([...r.terminated]).toEqual([0, 0, 0, 0]);
    r = env.step(actions);
    expect([...r.terminated]).toEqual([1, 1, 1, 1]);
    expect(r.episodes.map((e) => Number(e.return.toFixed(4))).sort()).toEqual([5.4, 5.4, 5.8, 5.8]);
    // The scene restarted for both slots: the new episode starts at step 0.
    for (let i = 0; i < 4; i++) expect(r.observations[i * 3 + 1]).toBe(0);
    expect(env.agentAt(0).team).toBe('red');
  });

  it('drives the other behaviour with the driver given for it (a script here), deciding on its own observation', async () => {
    const seen: number[] = [];
    const env = await redEnv(1, (obs) => {
      seen.push(obs[0]!);
      return 1;
    });
    env.reset(3);
    env.step(Int32Array.of(2, 2));
    const scene = env.runner.plugin(0).scene as TeamScene;
    expect(scene.last.blue).toEqual([1, 1]);
    expect(scene.last.red).toEqual([2, 2]);
    expect(new Set(seen)).toEqual(new Set([0, 1]));
    expect(env.runner.plugin(0).agentsOfTeam(0).map((a) => a.name)).toEqual(['blue-0', 'blue-1']);
  });

  it('refuses a group reward to a team no agent plays for, a reward that is not a finite number, a bad spec.team, and drivers for the trained behaviour', async () => {
    const host = await HeadlessGame.create({ game: TEAMS, instances: 1 });
    hosts.push(host);
    const ai = host.plugin(0);
    expect(() => ai.addGroupReward('green', 1)).toThrow(/no agent of scene 'teams#0' plays for team "green" \(teams: "red", 0\)/);
    expect(() => ai.addGroupReward('red', Number.NaN)).toThrow(/reward must be a finite number/);
    expect(() => ai.endTeamEpisode('red', 'over' as 'terminated')).toThrow(/done must be 'terminated' or 'truncated'/);
    const spec = { observation: { shape: [1] }, action: { type: 'discrete' as const, n: 2 }, observe: () => [0], act: () => {} };
    expect(() => ai.agent('x', { ...spec, team: -1 })).toThrow(/spec.team must be a non-empty name or a non-negative integer/);
    expect(() => ai.agent('y', { ...spec, team: '' })).toThrow(/spec.team/);
    await expect(createSceneVectorEnv(TEAMS, { instances: 1, drivers: { red: () => 0 } })).rejects.toThrow(/drivers names 'red', the behaviour being trained/);
  });

  it('in play, a group reward counts in each member’s return and the scene restarts when the team’s episode ends', async () => {
    const host = await HeadlessGame.create({ game: { ...TEAMS, agent: undefined }, instances: 1 });
    hosts.push(host);
    const ai = host.plugin(0);
    ai.restartOnDone = true;
    ai.use('red', () => 0);
    ai.use('blue', () => 0);
    const ends: { agent: string; return: number }[] = [];
    ai.systems.events.on(EPISODE_END, (e: EpisodeEndEvent) => ends.push(e));
    for (let f = 0; f < 8 + TEAM_PERIOD; f++) host.frame();
    expect(ends.map((e) => e.agent).sort()).toEqual(['red-0', 'red-1']);
    expect(ends.map((e) => Number(e.return.toFixed(4))).sort()).toEqual([5.4, 5.8]);
  });
});
