/** GridSensor: which cell sees what, front to back and left to right, with and without turning. */
import { describe, expect, it } from 'vitest';
import { GridSensor, RayWorld, gridCell, type GridSensorOptions } from '../../src/sensors/index.js';

/** A 3 x 3 grid of 10-unit cells, tags [a, b]: the channel each cell shows, row by row. */
function sense(world: RayWorld, pose: [number, number, number] = [0, 0, 0], extra: Partial<GridSensorOptions> = {}): number[][] {
  const sensor = new GridSensor({ width: 3, height: 3, cellSize: 10, tags: ['a', 'b'], rotate: false, ...extra });
  const out = new Float32Array(sensor.size);
  sensor.pose.set(pose);
  sensor.read(world, out);
  const rows: number[][] = [];
  for (let row = 0; row < 3; row++) {
    rows.push([0, 1, 2].map((col) => {
      const cell = Array.from(out.subarray((row * 3 + col) * 3, (row * 3 + col) * 3 + 3));
      expect(cell.reduce((a, b) => a + b, 0), `cell ${row},${col} is one-hot`).toBe(1);
      return cell.indexOf(1);
    }));
  }
  return rows;
}

describe('GridSensor', () => {
  it('shows channel 0 where nothing is, and an object\'s tag + 1 in the cell it is in (front row first)', () => {
    const world = new RayWorld();
    expect(sense(world)).toEqual([[0, 0, 0], [0, 0, 0], [0, 0, 0]]);
    // Unturned, the front is up (-y): (0, -10) is the front row's middle cell.
    world.addCircle(0, -10, 2, 0);
    expect(sense(world)).toEqual([[0, 1, 0], [0, 0, 0], [0, 0, 0]]);
  });

  it('gives a cell to the closest object in it', () => {
    const world = new RayWorld();
    world.addCircle(0, -14, 2, 1);
    world.addCircle(0, -8, 2, 0);
    expect(sense(world)[0]).toEqual([0, 1, 0]);
  });

  it('marks every cell a rectangle or a segment overlaps', () => {
    const world = new RayWorld();
    world.addRect(-15, -15, 15, -6, 1);
    world.addSegment(-15, 10, 15, 10, 0);
    expect(sense(world)).toEqual([[2, 2, 2], [0, 0, 0], [1, 1, 1]]);
  });

  it('turns with the agent: ahead is the front row whichever way it faces', () => {
    const world = new RayWorld();
    world.addCircle(10, 0, 2, 0); // to the right on screen
    expect(sense(world, [0, 0, 0], { rotate: true })[0]).toEqual([0, 1, 0]);
    expect(sense(world, [0, 0, Math.PI / 2], { rotate: true })[1]).toEqual([1, 0, 0]);
    // Facing down-right, a 4 x 4 box centred 5 to the right is a diamond in the grid's frame: its
    // corners reach the front row's middle cell and the middle row's left one. The front row's left
    // cell lies within the diamond's bounds but not under it (by 0.1): not marked.
    const box = new RayWorld();
    box.addRect(3, -2, 7, 2, 1);
    expect(sense(box, [0, 0, Math.PI / 4], { rotate: true })).toEqual([[0, 2, 0], [2, 2, 0], [0, 0, 0]]);
  });

  it('does not see objects with no detectable tag, nor layers it filters out', () => {
    const world = new RayWorld();
    world.addCircle(0, -10, 2, -1);
    world.addCircle(0, 10, 2, 0, 0b10);
    expect(sense(world)).toEqual([[0, 0, 0], [0, 0, 0], [0, 1, 0]]);
    expect(sense(world, [0, 0, 0], { layerMask: 0b01 })).toEqual([[0, 0, 0], [0, 0, 0], [0, 0, 0]]);
  });

  it('sees the tagged tiles of a tile grid', () => {
    const cells = new Uint16Array(4 * 4);
    cells[0] = gridCell(1); // the tile from (-20, -20) to (-10, -10): the front row's left cell
    cells[5] = gridCell(-1); // a solid tile with no detectable tag: not seen
    const world = new RayWorld();
    world.grids.push({ x: -20, y: -20, tileWidth: 10, tileHeight: 10, cols: 4, rows: 4, cells, layer: 1 });
    // The sensor's cells are centred on (0, 0): the front-left one spans (-15, -15) to (-5, -5).
    expect(sense(world)).toEqual([[2, 0, 0], [0, 0, 0], [0, 0, 0]]);
  });
});
