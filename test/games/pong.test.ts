import { HeadlessGame, checkEnv } from 'phaser-distill/node';
import { afterEach, describe, expect, it } from 'vitest';
import { evaluatePong, headToHead, loadPongTeacher, loadTeacherPolicy } from '../../games/pong/evaluate.js';
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

  it('the shipped self-play teacher, which never met the scripted opponent, beats the scripted-trained teacher head to head and wins at least 90% of points against the scripted opponent', async () => {
    const selfPlay = await loadTeacherPolicy('assets/teachers/pong-selfplay');
    const scriptedTrained = await loadTeacherPolicy('assets/teachers/pong');
    const h2h = await headToHead(selfPlay, scriptedTrained, { points: 400, seed: 4242 });
    const vsScripted = await evaluatePong(selfPlay, { points: 400, seed: 4343 });
    console.log(`self-play teacher: ${(100 * h2h.rate).toFixed(1)}% of ${h2h.won + h2h.lost} points against the scripted-trained teacher, ${(100 * vsScripted.rate).toFixed(1)}% of ${vsScripted.won + vsScripted.lost} against the scripted opponent`);
    expect(h2h.rate).toBeGreaterThanOrEqual(0.6);
    expect(vsScripted.rate).toBeGreaterThanOrEqual(0.9);
    // The sides are mirror images: the same policy on both is an even match.
    const mirror = await headToHead(scriptedTrained, scriptedTrained, { points: 400, seed: 4444 });
    expect(mirror.rate).toBeGreaterThan(0.4);
    expect(mirror.rate).toBeLessThan(0.6);
  });
});
