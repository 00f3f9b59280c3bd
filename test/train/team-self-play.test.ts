/**
 * Self-play for teams (issue 23): a team of learner slots against an opposing team, both of one
 * behaviour each with the same spaces (test/helpers/team-scene.ts: 'red' learns, 'blue' is the
 * opponent seat). Every agent of the opposing team plays the chosen snapshot, each learner slot's
 * episode is credited to the opponent its scene met, and a match is one Elo game, not one per
 * teammate. Real headless Phaser scenes.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { createSceneVectorEnv, type GameDef, type OpponentPolicy, type VectorEnv } from 'phaser-distill/node';
import { SelfPlayEnv, buildPolicyFile, defaultSelfPlayConfig } from '../../src/train/index.js';
import { TeamScene } from '../helpers/team-scene.js';

const TWO_V_TWO: GameDef = { scene: TeamScene, agent: 'red', opponent: 'blue', agentsPerScene: 2, width: 64, height: 64 };

const envs: VectorEnv[] = [];
afterEach(() => {
  for (const e of envs.splice(0)) e.close();
});

/** A policy file that always plays `action` (of 3), for observations of 3 numbers. */
const always = (action: number) => buildPolicyFile({
  observationSpace: { type: 'box', shape: [3], low: [-100, -100, -100], high: [100, 100, 100] }, actionSpace: { type: 'discrete', n: 3 }, observationNormalization: null,
  layers: [{ inputs: 3, outputs: 3, kernel: new Float32Array(9), bias: Float32Array.from([0, 1, 2].map((a) => (a === action ? 30 : 0))), activation: 'linear' }],
});

describe('team self-play', () => {
  it("hands every agent of the opposing team to the chosen policy, and tells the opponent seat each learner slot's match", async () => {
    const env = await createSceneVectorEnv(TWO_V_TWO, { instances: 3 });
    envs.push(env);
    expect(env.opponent?.agent).toBe('blue');
    const asked: number[] = [];
    const policy: OpponentPolicy = { act: () => 2 };
    env.opponent!.choose = (i) => (asked.push(i), policy);
    env.reset(1);
    // Every slot of the 3 scenes x 2 red agents was told as its scene started.
    expect(asked.sort((a, b) => a - b)).toEqual([0, 1, 2, 3, 4, 5]);
    env.step(Int32Array.of(0, 0, 0, 0, 0, 0));
    for (let c = 0; c < 3; c++) expect((env.runner.plugin(c).scene as TeamScene).last.blue).toEqual([2, 2]);
  });

  it('rates one Elo game a match for the team (the first slot of each scene), against the snapshot that played it', async () => {
    const env = await createSceneVectorEnv(TWO_V_TWO, { instances: 2 });
    const sp = new SelfPlayEnv(env, { ...defaultSelfPlayConfig, saveSteps: 1e9, swapSteps: 1e9 }, () => always(1), 3);
    envs.push(sp);
    expect(sp.teamSize).toBe(2);
    sp.reset(2);
    let episodes = 0;
    // A match lasts 4 decisions (red's episode ends at step 8); 12 decisions are 3 matches in each of 2 scenes.
    for (let t = 0; t < 12; t++) episodes += sp.step(Int32Array.of(0, 0, 0, 0)).episodes.length;
    expect(episodes).toBe(12);
    expect(sp.games).toBe(6);
    const [snapshot] = sp.pool();
    // Red's return is positive (its group reward): every match is a win against the snapshot.
    expect(snapshot).toMatchObject({ name: 'snapshot@0', won: 6, lost: 0 });
    expect(sp.elo).toBeGreaterThan(defaultSelfPlayConfig.initialElo);
    for (let c = 0; c < 2; c++) expect((env.runner.plugin(c).scene as TeamScene).last.blue).toEqual([1, 1]);
  });
});
