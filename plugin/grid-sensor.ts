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
import { SceneSensor, type SceneSensorOptions } from './scene-shapes.js';

export interface GridSensor2DOptions extends GridSensorOptions, SceneSensorOptions {
  tags: readonly string[];
}

/** `observe(from)` reads the cells around `from`: `width * height * (tags + 1)` numbers. */
export class GridSensor2D extends SceneSensor<GridSensor> {
  constructor(scene: Phaser.Scene, readonly options: GridSensor2DOptions) {
    super(scene, new GridSensor(options), options);
  }
}
