/**
 * Headless rendering: a scene that makes its textures at run time, as games do, trains in Node with
 * no guard in its own code. Its create() draws a tileset on a canvas texture and builds a tilemap
 * layer from it, bakes a Graphics into a texture, fills a RenderTexture and a DynamicTexture, writes
 * text, emits particles and moves the camera; then the scenes are stepped as training steps them.
 * Each of these threw "Cannot read properties of null (reading 'gl')" (or 'blendModes') in Node
 * before the headless host had a renderer that draws nothing.
 */
import { createSceneVectorEnv, defineGame } from 'phaser-distill/node';
import Phaser from 'phaser';
import { describe, expect, it } from 'vitest';

class Painted extends Phaser.Scene {
  walker!: Phaser.GameObjects.Image;

  constructor() {
    super('painted');
  }

  create(): void {
    // A tileset drawn at run time, and a tilemap layer made of it.
    if (!this.textures.exists('tiles')) {
      const tiles = this.textures.createCanvas('tiles', 32, 16)!;
      tiles.context.fillStyle = '#335';
      tiles.context.fillRect(0, 0, 16, 16);
      tiles.context.fillStyle = '#aa8';
      tiles.context.fillRect(16, 0, 16, 16);
      tiles.refresh();
    }
    const map = this.make.tilemap({ data: [[0, 1, 0, 1], [1, 0, 1, 0]], tileWidth: 16, tileHeight: 16 });
    map.createLayer(0, map.addTilesetImage('tiles')!, 0, 0);
    // A sprite baked from Graphics.
    if (!this.textures.exists('walker')) {
      const g = this.add.graphics();
      g.fillStyle(0xff8800).fillCircle(8, 8, 8);
      g.generateTexture('walker', 16, 16);
      g.destroy();
    }
    this.walker = this.add.image(40, 40, 'walker');
    const rt = this.add.renderTexture(100, 100, 64, 64);
    rt.fill(0x224422);
    rt.draw(this.walker);
    const dynamic = this.textures.exists('trail') ? this.textures.get('trail') : this.textures.addDynamicTexture('trail', 32, 32)!;
    (dynamic as Phaser.Textures.DynamicTexture).fill(0x00ff00);
    this.add.text(4, 4, 'score 0', { fontSize: '12px' }).setText('score 1');
    this.add.particles(40, 40, 'walker', { speed: 40, lifespan: 300, frequency: 50 });
    this.cameras.main.startFollow(this.walker).setZoom(1.5);
    this.ai.agent('walker', {
      observation: { shape: [2], low: -1, high: 1 },
      action: { type: 'discrete', n: 3 },
      observe: () => [this.walker.x / 200 - 1, this.walker.y / 200 - 1],
      act: (a) => (this.walker.x = Phaser.Math.Clamp(this.walker.x + (a - 1) * 2, 0, 400)),
      reward: () => (this.walker.x > 60 ? 1 : 0),
      done: () => (this.walker.x >= 100 ? 'terminated' : false),
      decisionPeriod: 2,
    });
  }
}

describe('headless rendering', () => {
  it('a scene that makes textures, text, particles and camera moves at run time trains in Node', async () => {
    const env = await createSceneVectorEnv(defineGame({ scene: Painted, width: 200, height: 200 }), { instances: 2 });
    try {
      env.reset(1);
      let rewards = 0;
      let ends = 0;
      const actions = new Float32Array([2, 2]);
      for (let t = 0; t < 200; t++) {
        const r = env.step(actions);
        rewards += r.rewards.reduce((a, b) => a + b, 0);
        ends += r.terminated.reduce((a, b) => a + b, 0);
      }
      // Walking right, each env reached the reward zone and ended episodes, restarting its scene.
      expect(rewards).toBeGreaterThan(0);
      expect(ends).toBeGreaterThanOrEqual(4);
    } finally {
      env.close();
    }
  });
});
