/**
 * Hunt (games/hunt): three hunters of one team and behaviour, a prey of another behaviour driven
 * by a script; a catch takes two hunters at once from different sides, and is the team's: every
 * hunter gets the group reward and the team's episode ends for all in one step.
 */
import { readFileSync } from 'node:fs';
import { HeadlessGame, createSceneVectorEnv, decodeDemo, loadStudentPolicy } from 'phaser-distill/node';
import { PpoTrainer, defaultPpoConfig, initBackend } from 'phaser-distill/train';
import { describe, expect, it } from 'vitest';
import { HUNT, HUNTER, HUNTER_OBS, HUNT_STEPS, PREY, PREY_OBS, chasePrey, fleePrey, huntGame, type HuntScene } from '../../games/hunt/scene.js';
import { evaluateHunt } from '../../games/hunt/evaluate.js';

/** Scene 0's hunters put at the given offsets from a prey that stays still, then one decision of staying. */
async function oneDecision(offsets: [number, number][]) {
  const env = await createSceneVectorEnv(HUNT, { instances: 1, drivers: { [PREY]: () => 0 } });
  try {
    env.reset(4);
    const scene = env.runner.plugin(0).scene as HuntScene;
    const p = scene.prey.body;
    p.setPosition(160, 120);
    offsets.forEach(([dx, dy], i) => scene.hunters[i]!.body.setPosition(160 + dx, 120 + dy));
    for (const h of scene.hunters) h.lastDistance = scene.distance(h);
    const catches = scene.catches;
    const r = env.step(new Float32Array(3));
    // (A catch ends every slot of the scene, which then restarts: its count of catches goes on.)
    return { rewards: [...r.rewards], terminated: [...r.terminated], caught: scene.catches === catches + 1 };
  } finally {
    env.close();
  }
}

describe('Hunt', () => {
  it('a catch of two hunters from opposite sides is the whole team’s: all three get the group reward and end in the same step', async () => {
    const r = await oneDecision([[15, 0], [-15, 0], [120, 100]]);
    expect(r.caught).toBe(true);
    expect(r.terminated).toEqual([1, 1, 1]);
    // The third hunter, 150 px away, gets the catch as well as the two that made it.
    for (const reward of r.rewards) expect(reward).toBeGreaterThan(0.95);
  });

  it('two hunters on the same side, or one alone, do not catch the prey', async () => {
    const same = await oneDecision([[15, 0], [14, 6], [120, 100]]);
    expect(same.caught).toBe(false);
    expect(same.terminated).toEqual([0, 0, 0]);
    for (const reward of same.rewards) expect(Math.abs(reward)).toBeLessThan(0.05);
    const scripted = await evaluateHunt(chasePrey, { hunters: 1, episodes: 16 });
    expect(scripted.caught).toBe(0);
  });

  it('the scripted prey outruns straight chasers most of the time; the observation and the prey’s script read only what the spaces hold', async () => {
    const env = await createSceneVectorEnv(huntGame(2), { instances: 2, drivers: { [PREY]: fleePrey } });
    try {
      expect(env.numEnvs).toBe(4);
      expect(env.observationSpace.shape).toEqual([HUNTER_OBS]);
      const obs = env.reset(1);
      // A teammate is seen (flag 1), the second mate slot is empty (zeros).
      expect(obs[8]).toBe(1);
      expect([...obs.subarray(9, 12)]).toEqual([0, 0, 0]);
    } finally {
      env.close();
    }
    const three = await evaluateHunt(chasePrey, { hunters: 3, episodes: 48 });
    expect(three.rate).toBeLessThan(0.6);
  });

  it('a recording of the player as the prey says whose actions they are: the agent and its team', async () => {
    const host = await HeadlessGame.create({ game: HUNT });
    try {
      const ai = host.plugin(0);
      ai.use(HUNTER, chasePrey);
      ai.use(PREY, 'human');
      const recorder = ai.record(PREY);
      for (let f = 0; f < HUNT_STEPS + 10 && recorder.episodes.length === 0; f++) host.frame();
      expect(recorder.episodes.length).toBe(1);
      const demo = decodeDemo(recorder.toFile());
      expect(demo.agent).toBe(PREY);
      expect(demo.team).toBe('prey');
      expect(demo.observationSpace.shape).toEqual([PREY_OBS]);
    } finally {
      host.destroy();
    }
  });

  it('the shipped s4 int8 student (101 parameters), playing all three hunters, catches the scripted prey far more often than three straight chasers', async () => {
    const student = loadStudentPolicy(JSON.parse(readFileSync('assets/policies/hunt/s4-int8.json', 'utf8')));
    const team = await evaluateHunt(student, { hunters: 3, episodes: 96, seed: 77 });
    const scripted = await evaluateHunt(chasePrey, { hunters: 3, episodes: 96, seed: 77 });
    expect(team.rate).toBeGreaterThan(0.75);
    expect(scripted.rate).toBeLessThan(0.45);
  });

  it('PPO learns the team game through the plain trainer (16 scenes x 3 hunters = 48 envs, the catch a group reward): the last 100 episodes average at least 0.6 (a catch is 1; three scripted chasers get about 0.3)', async () => {
    await initBackend('wasm');
    const env = await createSceneVectorEnv(HUNT, { envs: 48, drivers: { [PREY]: fleePrey } });
    const trainer = new PpoTrainer(env, { ...defaultPpoConfig, numEnvs: 48, numSteps: 64, numMinibatches: 4, updateEpochs: 4, learningRate: 1e-3, entCoef: 0.01, totalTimesteps: 700_000, seed: 1 });
    const returns: number[] = [];
    let best = -Infinity;
    await trainer.train(({ episodes }) => {
      for (const e of episodes) returns.push(e.return);
      if (returns.length >= 100) best = Math.max(best, returns.slice(-100).reduce((a, b) => a + b, 0) / 100);
      return best < 0.6;
    });
    trainer.dispose();
    env.close();
    expect(best).toBeGreaterThanOrEqual(0.6);
  });
});
