// Under jsdom (Phaser's own test setup) the host fills only the gaps jsdom leaves.
import { HeadlessGame, checkEnv } from 'phaser-distill/node';
import { expect, it } from 'vitest';
import { PONG, PONG_AGENT } from '../../games/pong/scene.js';

it('boots Pong headless under jsdom and passes checkEnv', async () => {
  expect(typeof window.document.createElement).toBe('function');
  const host = await HeadlessGame.create({ game: PONG, instances: 2 });
  try {
    checkEnv(host.env(PONG_AGENT, 1), { steps: 200 });
  } finally {
    host.destroy();
  }
});
