import { HeadlessGame, checkEnv } from 'phaser-distill/node';
import { afterEach, describe, expect, it } from 'vitest';
import { evaluatePong, loadPongTeacher } from '../../games/pong/evaluate.js';
import { ScriptedOpponent } from '../../games/pong/opponent.js';
import { PONG, PONG_AGENT, PONG_OPPONENT } from '../../games/pong/scene.js';

const hosts: HeadlessGame[] = [];
afterEach(() => {
  for (const h of hosts.splice(0)) h.destroy();
});

describe('Pong', () => {
  it('passes checkEnv with the scripted opponent in the same scene', async () => {
    const host = await HeadlessGame.create({ game: PONG });
    hosts.push(host);
    checkEnv(host.env(PONG_AGENT), { steps: 300 });
    expect(host.scenes[0]!.ai.driverOf(PONG_OPPONENT)).toBeInstanceOf(ScriptedOpponent);
  });

  it('the shipped teacher, on TensorFlow.js, wins at least 90% of points against the scripted opponent on fresh seeds', async () => {
    const teacher = await loadPongTeacher();
    try {
      const stats = await evaluatePong(teacher, { points: 300, seed: 777 });
      expect(stats.rate).toBeGreaterThanOrEqual(0.9);
    } finally {
      teacher.teacher.dispose();
    }
  });
});
