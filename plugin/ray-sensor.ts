/**
 * RaySensor2D: the engine-free RaySensor (src/sensors) cast into a Phaser scene, which a
 * SceneShapes gathers at each observation (bodies, tiles, shapes; see scene-shapes.ts). As with
 * Unity's rays, a ray does not see a body it starts inside: the agent's own, usually.
 *
 * Only types come from Phaser, as for the plugin.
 */
import type Phaser from 'phaser';
import { RaySensor, type RaySensorOptions } from '../src/sensors/index.js';
import { SceneShapes, type SceneShapesOptions } from './scene-shapes.js';

export interface RaySensor2DOptions extends RaySensorOptions, SceneShapesOptions {
  tags: readonly string[];
}

/** The colours `draw` uses, as Phaser colour numbers. */
export interface RayColors {
  hit?: number;
  miss?: number;
}

/** Where a sensor looks from: a position and a heading (radians, Phaser's: 0 is +x, clockwise). A game object will do. */
export interface SensorPose {
  readonly x: number;
  readonly y: number;
  readonly rotation: number;
}

export class RaySensor2D {
  /** The observation: `rayCount * (tags + 2)` numbers, rewritten by each `observe`. */
  readonly values: Float32Array;
  readonly size: number;
  readonly rayCount: number;
  private readonly sensor: RaySensor;
  private readonly shapes: SceneShapes;

  constructor(readonly scene: Phaser.Scene, readonly options: RaySensor2DOptions) {
    this.sensor = new RaySensor(options);
    this.size = this.sensor.size;
    this.rayCount = this.sensor.rayCount;
    this.values = new Float32Array(this.size);
    this.shapes = new SceneShapes(scene, options);
  }

  /** Reads the tilemap layers' colliding tiles again (after the game changes its map). */
  refreshTiles(): void {
    this.shapes.refreshTiles();
  }

  /**
   * Casts from `from`'s position along its rotation and returns `values`. With `out`, also writes
   * them there from `offset`, as an agent's `observe()` builds its observation.
   */
  observe(from: SensorPose, out?: Float32Array, offset = 0): Float32Array {
    const pose = this.sensor.pose;
    pose[0] = from.x;
    pose[1] = from.y;
    pose[2] = from.rotation;
    this.sensor.cast(this.shapes.gather(), this.values);
    if (out) out.set(this.values, offset);
    return this.values;
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
