// A production build of a game that forgets the plugin: one short line names the fault, not
// "Cannot read properties of undefined (reading 'rng')".
import { expect, it } from 'vitest';

it('in a production build, a scene without the plugin gets a one-line error naming it', async () => {
  // As a bundler's release build replaces it: read when src/env/dev.ts first loads, below.
  process.env.NODE_ENV = 'production';
  const { DEV } = await import('../../src/env/dev.js');
  expect(DEV).toBe(false);
  // The headless host's browser stubs (jsdom has no 2D canvas), then the plugin's entry.
  await import('phaser-distill/node');
  await import('phaser-distill');
  const Phaser = (await import('phaser')).default;
  let caught: unknown = null;
  let created = false;
  class Forgotten extends Phaser.Scene {
    constructor() {
      super('forgotten');
    }
    create(): void {
      try {
        void this.ai.rng;
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
  expect(String(caught)).toBe("AgentError: phaser-distill: scene 'forgotten' has no this.ai: install the plugin (phaserConfig)");
});
