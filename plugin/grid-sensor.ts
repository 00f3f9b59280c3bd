/**
 * GridSensor2D: the engine-free GridSensor (src/sensors) over a Phaser scene, which a SceneShapes
 * gathers at each observation (bodies, tiles, shapes; see scene-shapes.ts): a grid of cells
 * centred on the agent, turning with it unless `rotate` is false, one-hot per cell (channel 0
 * empty, else 1 + the tag of the closest object overlapping the cell).
 *
 * Only types come from Phaser, as for the plugin.
 */
import type Phaser from 'phaser';
import { GridSensor, type GridSensorOptions } from '../src/sensors/index.js';
import type { SensorPose } from './ray-sensor.js';
import { SceneShapes, type SceneShapesOptions } from './scene-shapes.js';

export interface GridSensor2DOptions extends GridSensorOptions, SceneShapesOptions {
  tags: readonly string[];
}

export class GridSensor2D {
  /** The observation: `width * height * (tags + 1)` numbers, rewritten by each `observe`. */
  readonly values: Float32Array;
  readonly size: number;
  private readonly sensor: GridSensor;
  private readonly shapes: SceneShapes;

  constructor(readonly scene: Phaser.Scene, readonly options: GridSensor2DOptions) {
    this.sensor = new GridSensor(options);
    this.size = this.sensor.size;
    this.values = new Float32Array(this.size);
    this.shapes = new SceneShapes(scene, options);
  }

  /** Reads the tilemap layers' colliding tiles again (after the game changes its map). */
  refreshTiles(): void {
    this.shapes.refreshTiles();
  }

  /** Senses around `from` and returns `values`; with `out`, also writes them there from `offset`. */
  observe(from: SensorPose, out?: Float32Array, offset = 0): Float32Array {
    const pose = this.sensor.pose;
    pose[0] = from.x;
    pose[1] = from.y;
    pose[2] = from.rotation;
    this.sensor.sense(this.shapes.gather(), this.values);
    if (out) out.set(this.values, offset);
    return this.values;
  }
}
