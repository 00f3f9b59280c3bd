/**
 * Decisions in simulation time: a student plays the same game whatever the display's frame rate.
 * Each game is played by a shipped student (greedy) for one whole match from the same seed, in a
 * headless game whose frames are those of a 30, 60 and 144 Hz display; every decision (what the
 * agent saw, what it chose) and the match's return must be the same.
 */
import { readFileSync } from 'node:fs';
import { EPISODE_END, HeadlessGame, loadStudentPolicy, type EpisodeEndEvent, type GameDef } from 'phaser-distill/node';
import { describe, expect, it } from 'vitest';
import { BALANCE } from '../../games/balance/scene.js';
import { PONG } from '../../games/pong/scene.js';

interface Played {
  decisions: number[][];
  return: number;
  frames: number;
}

async function playMatch(game: GameDef, student: string, frameRate: number, seed: number): Promise<Played> {
  const host = await HeadlessGame.create({ game, frameRate });
  try {
    const scene = host.scenes[0]!;
    const policy = loadStudentPolicy(readFileSync(student, 'utf8'));
    const decisions: number[][] = [];
    let ended: EpisodeEndEvent | null = null;
    scene.events.on(EPISODE_END, (e: EpisodeEndEvent) => {
      if (e.agent === game.agent) ended ??= e;
    });
    host.restart(0, seed);
    scene.ai.use(game.agent!, (observation) => {
      const action = policy.act(observation) as number;
      decisions.push([...observation, action]);
      return action;
    });
    // A match is at most 3600 steps of Pong (500 of Balance); 144 Hz frames are 2.4 to a step.
    for (let f = 0; f < 10_000 && !ended; f++) host.frame();
    expect(ended, `no match ended at ${frameRate} Hz`).not.toBeNull();
    return { decisions, return: ended!.return, frames: host.frames };
  } finally {
    host.destroy();
  }
}

describe('a student plays the same game at any display rate', () => {
  const games: [string, GameDef, string][] = [
    ['Pong', PONG, 'assets/policies/pong/s16-int8.json'],
    ['Balance', BALANCE, 'assets/policies/balance/s8-int8.json'],
  ];
  it.each(games)('%s: the same decisions and return at 30, 60 and 144 Hz', async (_name, game, student) => {
    const [at30, at60, at144] = [await playMatch(game, student, 30, 7), await playMatch(game, student, 60, 7), await playMatch(game, student, 144, 7)];
    expect(at60.decisions.length).toBeGreaterThan(100);
    // The displays drew different numbers of frames for the same match, in the same time on the
    // clock (within a frame of the slowest display)...
    const seconds = (p: Played, hz: number) => p.frames / hz;
    expect(at30.frames).toBeLessThan(at60.frames);
    expect(at144.frames).toBeGreaterThan(at60.frames);
    expect(Math.abs(seconds(at30, 30) - seconds(at60, 60))).toBeLessThan(1 / 30 + 1e-9);
    expect(Math.abs(seconds(at144, 144) - seconds(at60, 60))).toBeLessThan(1 / 30 + 1e-9);
    // ...and the agent lived through the same steps.
    for (const other of [at30, at144]) {
      expect(other.decisions.length).toBe(at60.decisions.length);
      expect(other.decisions).toEqual(at60.decisions);
      expect(other.return).toBe(at60.return);
    }
  });
});
