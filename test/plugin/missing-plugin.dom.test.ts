// A game whose config forgets the plugin: the scene's first this.ai names the fault and the fix.
import { HeadlessGame } from 'phaser-distill/node';
import Phaser from 'phaser';
import { expect, it } from 'vitest';
import { WalkScene } from '../helpers/scenes.js';

it('a scene without the plugin is told to install it, and a scene with it is not', async () => {
  let caught: unknown = null;
  let created = false;
  class Forgotten extends Phaser.Scene {
    constructor() {
      super('forgotten');
    }
    create(): void {
      try {
        this.ai.agent('x', { observation: { shape: [1] }, action: { type: 'discrete', n: 2 }, observe: () => [0], act: () => undefined });
      } catch (e) {
        caught = e;
      }
      created = true;
    }
  }
  const game = new Phaser.Game({ type: Phaser.HEADLESS, banner: false, audio: { noAudio: true }, scene: [Forgotten] });
  try {
    await expect.poll(() => created, { timeout: 30_000 }).toBe(true);
  } finally {
    game.destroy(true);
  }
  expect(String(caught)).toMatch(/AgentError: scene 'forgotten' has no this\.ai: its game does not install the phaser-distill plugin\. Make the game config with phaserConfig\(game\)/);
  // The plugin, installed, is the scene's own this.ai.
  const host = await HeadlessGame.create({ game: { scene: WalkScene } });
  try {
    expect(host.scenes[0]!.ai.names()).toEqual(['walker']);
  } finally {
    host.destroy();
  }
});
