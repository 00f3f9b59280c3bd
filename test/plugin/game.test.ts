// A game described once: the page's Phaser config and the headless host come from the same description.
import { DistillPlugin, HeadlessGame, defineGame, phaserConfig } from 'phaser-distill/node';
import { describe, expect, it } from 'vitest';
import { WalkScene } from '../helpers/scenes.js';

class Menu {}
const global = { key: 'g', plugin: class {}, start: true };

describe('defineGame and phaserConfig', () => {
  it('make a Phaser config with the size, physics, the plugin at the step rate and the scene first', () => {
    const game = defineGame({ scene: WalkScene, width: 320, height: 200, stepRate: 50, physics: { default: 'arcade', arcade: { gravity: { x: 0, y: 10 } } } });
    const config = phaserConfig(game, { parent: 'app', scene: Menu as never, plugins: [global] });
    expect(config).toMatchObject({ width: 320, height: 200, parent: 'app', physics: game.physics });
    expect(config.scene).toEqual([WalkScene, Menu]);
    const plugins = config.plugins as { global: unknown[]; scene: { key: string; mapping: string; plugin: typeof DistillPlugin }[] };
    expect(plugins.global).toEqual([global]);
    expect(plugins.scene).toHaveLength(1);
    expect(plugins.scene[0]).toMatchObject({ key: 'DistillPlugin@50', mapping: 'ai' });
    // A subclass that carries the rate; the host test below sees it reach the scene.
    expect(plugins.scene[0]!.plugin.prototype).toBeInstanceOf(DistillPlugin);
    expect(plugins.scene[0]!.plugin).not.toBe(DistillPlugin);
    expect((phaserConfig(defineGame({ scene: WalkScene })).plugins as typeof plugins).scene[0]!.plugin).toBe(DistillPlugin);
  });

  it('reject a bad description, naming the field', () => {
    expect(() => defineGame({ scene: WalkScene, stepRate: 0 })).toThrow(/game\.stepRate must be a positive number of simulation steps a second, got 0/);
    expect(() => defineGame({ scene: WalkScene, width: 10.5 })).toThrow(/game\.width must be a positive integer/);
    expect(() => defineGame({ scene: 'walk' as never })).toThrow(/game\.scene must be a scene class/);
  });

  it('the headless host, made through phaserConfig, runs the game at its step rate, one step a frame', async () => {
    const host = await HeadlessGame.create({ game: defineGame({ scene: WalkScene, stepRate: 40 }) });
    try {
      const scene = host.scenes[0]!;
      expect(scene.ai.stepRate).toBe(40);
      expect(host.dt).toBe(25);
      for (let f = 0; f < 7; f++) host.frame();
      expect(scene.ai.steps).toBe(7);
    } finally {
      host.destroy();
    }
  });

  it('games of different step rates booted one after another in one process each run at their own rate', async () => {
    for (const stepRate of [50, 60, 40, 50]) {
      const host = await HeadlessGame.create({ game: defineGame({ scene: WalkScene, stepRate }) });
      try {
        expect(host.scenes[0]!.ai.stepRate).toBe(stepRate);
        for (let f = 0; f < 5; f++) host.frame();
        expect(host.scenes[0]!.ai.steps).toBe(5);
      } finally {
        host.destroy();
      }
    }
  });
});
