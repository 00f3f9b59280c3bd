/**
 * Self-play on real headless Pong: the opponent seat of a SceneVectorEnv (a chosen policy plays the
 * right paddle, holding its action over the learner's decision; null gives the scene's scripted
 * opponent back) and SelfPlayEnv's pool, opponent changes, Elo and saved state.
 */
import { readFileSync } from 'node:fs';
import { afterEach, describe, expect, it } from 'vitest';
import { createSceneVectorEnv, type OpponentPolicy, type PolicyFile, type SceneVectorEnv, type VectorEnv } from 'phaser-distill/node';
import { SelfPlayEnv, buildPolicyFile, defaultSelfPlayConfig, eloChange, type SelfPlayConfig } from '../../src/train/index.js';
import { PONG, PONG_OPPONENT, type PongScene } from '../../games/pong/scene.js';
import { ScriptedOpponent } from '../../games/pong/opponent.js';
import { followBall } from '../../games/pong/policies.js';
import { makeVectorEnv as balanceEnv } from '../../games/balance/env.js';
import { OBS_SIZE, PADDLE_HEIGHT, UP } from '../../games/pong/constants.js';

const envs: VectorEnv[] = [];
afterEach(() => {
  for (const e of envs.splice(0)) e.close();
});

/** Pong's vector env; closed after the test unless `wrapped` (the wrapper closes it). */
async function pong(instances: number, wrapped = true): Promise<SceneVectorEnv> {
  const env = await createSceneVectorEnv(PONG, { instances });
  if (!wrapped) envs.push(env);
  return env;
}

const student = JSON.parse(readFileSync('assets/policies/pong/s16-float32.json', 'utf8')) as PolicyFile;

/** A policy file that always moves up: a linear layer whose bias puts all the probability on UP. */
const alwaysUp: PolicyFile = buildPolicyFile({
  observationSpace: student.observationSpace, actionSpace: student.actionSpace, observationNormalization: null,
  layers: [{ inputs: OBS_SIZE, outputs: 3, kernel: new Float32Array(OBS_SIZE * 3), bias: Float32Array.from([30, 0, 0]), activation: 'linear' }],
});

/** Steps `env` with followBall on the left paddle; returns the episodes that ended. */
function play(env: VectorEnv, steps: number, each?: () => void): number {
  let obs = env.reset(5);
  let ended = 0;
  const actions = new Float32Array(env.numEnvs);
  for (let t = 0; t < steps; t++) {
    for (let i = 0; i < env.numEnvs; i++) actions[i] = followBall(obs.subarray(i * OBS_SIZE, (i + 1) * OBS_SIZE));
    each?.();
    const r = env.step(actions);
    ended += r.episodes.length;
    obs = r.observations;
  }
  return ended;
}

function config(over: Partial<SelfPlayConfig>): SelfPlayConfig {
  return { ...defaultSelfPlayConfig, ...over };
}

describe('the opponent seat of a SceneVectorEnv', () => {
  it("hands the right paddle to a chosen policy, which decides once per learner decision, and gives the scene's scripted opponent back on null", async () => {
    const env = await pong(2, false);
    expect(env.opponent?.agent).toBe(PONG_OPPONENT);
    let calls = 0;
    const up: OpponentPolicy = { act: () => (calls++, UP) };
    env.opponent!.choose = () => up;
    play(env, 30);
    // One decision per learner decision (4 steps each), in each of the 2 scenes.
    expect(calls).toBe(2 * 30);
    for (let i = 0; i < 2; i++) {
      const scene = env.runner.plugin(i).scene as PongScene;
      expect(scene.right.y).toBeCloseTo(PADDLE_HEIGHT / 2, 0);
    }
    env.opponent!.choose = () => null;
    env.reset(6);
    expect(env.runner.plugin(0).driverOf(PONG_OPPONENT)).toBeInstanceOf(ScriptedOpponent);
  });

  it('is absent where the game names no opponent, and self-play refuses such a game', async () => {
    const env = await balanceEnv({ numEnvs: 1 });
    envs.push(env);
    expect(env.opponent ?? null).toBeNull();
    expect(() => new SelfPlayEnv(env, defaultSelfPlayConfig, () => student, 1)).toThrow(/no opponent to hand over.*defineGame/);
  });
});

describe('SelfPlayEnv', () => {
  it('starts the pool with a snapshot, adds one every saveSteps, keeps the window, and with ratio 1 plays the newest', async () => {
    let taken = 0;
    const sp = new SelfPlayEnv(await pong(4), config({ saveSteps: 64, swapSteps: 32, window: 2, playAgainstLatestModelRatio: 1, opponents: [{ name: 'scripted', policy: 'scripted' }] }), () => (taken++, student), 1);
    envs.push(sp);
    sp.reset(1);
    expect(sp.pool().map((p) => p.name)).toEqual(['snapshot@0', 'scripted']);
    expect(sp.opponentOf(0)).toBe('snapshot@0');
    play(sp, 100);
    // 4 envs x 100 steps = 400 env steps: snapshots at 64, 128, ..., 384; the window keeps two.
    expect(taken).toBe(1 + 6);
    expect(sp.pool().map((p) => p.name)).toEqual(['snapshot@320', 'snapshot@384', 'scripted']);
    expect(sp.currentOpponent).toBe('snapshot@384');
  });

  it("rates every finished match against the opponent that played it: the learner's Elo moves by K (score - expected), the opponent's by the opposite", async () => {
    const sp = new SelfPlayEnv(await pong(4), config({ saveSteps: 1e9, swapSteps: 8, playAgainstLatestModelRatio: 0.3, opponents: [{ name: 'scripted', policy: 'scripted' }, { name: 'up', policy: alwaysUp }] }), () => alwaysUp, 2);
    envs.push(sp);
    let obs = sp.reset(3);
    const actions = new Float32Array(4);
    const seen = new Set<string>();
    let games = 0;
    for (let t = 0; t < 4000 && games < 24; t++) {
      for (let i = 0; i < 4; i++) actions[i] = followBall(obs.subarray(i * OBS_SIZE, (i + 1) * OBS_SIZE));
      const playing = [0, 1, 2, 3].map((i) => sp.opponentOf(i));
      const before = { elo: sp.elo, pool: Object.fromEntries(sp.pool().map((p) => [p.name, p.elo])) };
      const r = sp.step(actions);
      let elo = before.elo;
      const pool = { ...before.pool };
      for (const e of r.episodes) {
        const who = playing[e.env]!;
        seen.add(who);
        const change = eloChange(elo, pool[who]!, e.return > 0 ? 1 : e.return < 0 ? 0 : 0.5, defaultSelfPlayConfig.eloK);
        elo += change;
        pool[who]! -= change;
        games += 1;
      }
      expect(sp.elo).toBeCloseTo(elo, 9);
      for (const p of sp.pool()) expect(p.elo).toBeCloseTo(pool[p.name]!, 9);
      obs = r.observations;
    }
    expect(sp.games).toBe(games);
    expect(games).toBeGreaterThanOrEqual(24);
    console.log(`opponents seen: ${[...seen].join(', ')}; ratings: ${JSON.stringify(sp.pool())}`);
    // followBall beats a paddle that only goes up (here the snapshot too): their ratings must fall below where they started.
    expect(seen).toEqual(new Set(['snapshot@0', 'up', 'scripted']));
    for (const name of ['snapshot@0', 'up']) {
      const p = sp.pool().find((q) => q.name === name)!;
      expect(p.won, name).toBeGreaterThan(p.lost);
      expect(p.elo, name).toBeLessThan(defaultSelfPlayConfig.initialElo);
    }
  });

  it('saves its state and a fresh one restored from it has the same Elo, pool and ratings, and plays the same opponent next', async () => {
    const cfg = config({ saveSteps: 200, swapSteps: 40, window: 3, opponents: [{ name: 'scripted', policy: 'scripted' }] });
    const a = new SelfPlayEnv(await pong(4), cfg, () => student, 4);
    envs.push(a);
    play(a, 1500);
    const state = JSON.parse(JSON.stringify(a.getState())) as ReturnType<SelfPlayEnv['getState']>;
    expect(state.games).toBeGreaterThan(0);
    expect(state.elo).not.toBe(cfg.initialElo);
    const b = new SelfPlayEnv(await pong(4), cfg, () => student, 99);
    envs.push(b);
    b.setState(state);
    expect(b.elo).toBe(a.elo);
    expect(b.pool()).toEqual(a.pool());
    expect(JSON.stringify(b.getState())).toBe(JSON.stringify(state));
    b.reset(7);
    for (let i = 0; i < 4; i++) expect(b.opponentOf(i)).toBe(state.current);
  });

  it('never chooses a snapshot that left the pool, when snapshots and swaps fall on different steps, and every saved state resumes', async () => {
    // A window of 1 with snapshots every 40 steps and swaps every 24: the current opponent is often pushed out of the pool.
    const cfg = config({ saveSteps: 40, swapSteps: 24, window: 1, playAgainstLatestModelRatio: 0 });
    const a = new SelfPlayEnv(await pong(4), cfg, () => student, 8);
    envs.push(a);
    const b = new SelfPlayEnv(await pong(4), cfg, () => student, 9);
    envs.push(b);
    let checked = 0;
    play(a, 300, () => {
      expect(a.pool().map((p) => p.name)).toContain(a.currentOpponent);
      if (checked++ % 25 === 0) {
        b.setState(JSON.parse(JSON.stringify(a.getState())) as ReturnType<SelfPlayEnv['getState']>);
        b.reset(checked);
      }
    });
    expect(a.getState().snapshots).toHaveLength(1);
  });
});
