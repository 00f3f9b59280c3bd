/**
 * RaySensor2D: the engine-free RaySensor (src/sensors) cast into a Phaser scene, which a
 * SceneShapes gathers at each observation (bodies, tiles, shapes; see scene-shapes.ts). As with
 * Unity's rays, a ray does not see a body it starts inside: the agent's own, usually.
 *
 * Only types come from Phaser, as for the plugin.
 */
import type Phaser from 'phaser';
import { RaySensor, type RaySensorOptions } from '../src/sensors/index.js';
import { SceneSensor, type SceneSensorOptions } from './scene-shapes.js';

export interface RaySensor2DOptions extends RaySensorOptions, SceneSensorOptions {
  tags: readonly string[];
}

/** The colours `draw` uses, as Phaser colour numbers. */
export interface RayColors {
  hit?: number;
  miss?: number;
}

/** `observe(from)` casts from `from`'s position along its rotation: `rayCount * (tags + 2)` numbers. */
export class RaySensor2D extends SceneSensor<RaySensor> {
  readonly rayCount: number;

  constructor(scene: Phaser.Scene, readonly options: RaySensor2DOptions) {
    super(scene, new RaySensor(options), options);
    this.rayCount = this.sensor.rayCount;
  }

  /** Draws the last cast's rays into `graphics` (cleared first): to the hit, or their full length on a miss. */
  draw(graphics: Phaser.GameObjects.Graphics, colors: RayColors = {}): void {
    const c = this.sensor.lastCast;
    graphics.clear();
    for (let k = 0; k < this.rayCount; k++) {
      const hit = c[k * 5 + 4]! !== -2;
      graphics.lineStyle(1, hit ? (colors.hit ?? 0xff5050) : (colors.miss ?? 0x50ff50), 0.8);
      graphics.lineBetween(c[k * 5]!, c[k * 5 + 1]!, c[k * 5 + 2]!, c[k * 5 + 3]!);
    }
  }
}
