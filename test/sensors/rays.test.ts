/**
 * RaySensor's geometry and layout, with Unity ML-Agents' own RayPerceptionSensor cases in 2D terms
 * (its tests: the angles for 3 rays over 90 degrees, a miss, a tagged cube at 10 along a 20-unit
 * ray, an untagged hit, a filtered layer, a zero length), and each shape and the grid walk.
 */
import { describe, expect, it } from 'vitest';
import { RaySensor, RayWorld, gridCell, rayAngles, type RayGrid } from '../../src/sensors/rays.js';

/** One ray straight ahead (+x from the origin) of length 20, tags [a, b]. */
const ahead = (extra: Partial<ConstructorParameters<typeof RaySensor>[0]> = {}) => new RaySensor({ raysPerDirection: 0, rayLength: 20, tags: ['a', 'b'], ...extra });
/** A number as the Float32Array observation holds it. */
const f = Math.fround;
const castOne = (sensor: RaySensor, world: RayWorld, x = 0, y = 0, rotation = 0) => {
  const out = new Float32Array(sensor.size);
  sensor.pose.set([x, y, rotation]);
  sensor.read(world, out);
  return Array.from(out);
};

describe('RaySensor', () => {
  it("orders ML-Agents' angles for 3 rays over 90 degrees, alternating as ML-Agents does, and left to right", () => {
    expect(rayAngles(3, 90, 'alternating')).toEqual([90, 60, 120, 30, 150, 0, 180]);
    expect(rayAngles(3, 90)).toEqual([180, 150, 120, 90, 60, 30, 0]);
    expect(rayAngles(0, 70)).toEqual([90]);
  });

  it('points left-to-right rays from the agent\'s left to its right (y down, as in Phaser)', () => {
    const sensor = new RaySensor({ raysPerDirection: 1, maxRayDegrees: 90, rayLength: 10, tags: [] });
    sensor.read(new RayWorld(), new Float32Array(sensor.size));
    const end = (k: number) => [sensor.lastCast[k * 5 + 2]!, sensor.lastCast[k * 5 + 3]!].map((v) => Math.round(v * 1e9) / 1e9 + 0);
    // Facing +x on screen: left is up (-y), right is down (+y).
    expect([end(0), end(1), end(2)]).toEqual([[0, -10], [10, 0], [0, 10]]);
  });

  it('reads a miss as [0, 0, 1, 1]', () => {
    expect(castOne(ahead(), new RayWorld())).toEqual([0, 0, 1, 1]);
  });

  it('gives a tagged cube at 10 along a ray of 20 the fraction (9.5 - r) / 20, thin and as a circle cast', () => {
    for (const r of [0, 0.5, 1]) {
      const world = new RayWorld();
      world.addRect(9.5, -0.5, 10.5, 0.5, 1);
      const [a, b, miss, fraction] = castOne(ahead({ castRadius: r }), world);
      expect([a, b, miss]).toEqual([0, 1, 0]);
      expect(Math.abs(fraction! - (9.5 - r) / 20)).toBeLessThan(5e-4);
    }
  });

  it('reads an untagged hit as an all-zero one-hot with the hit fraction', () => {
    const world = new RayWorld();
    world.addCircle(10, 0, 2);
    expect(castOne(ahead(), world)).toEqual([0, 0, 0, f(8 / 20)]);
  });

  it('sees through a layer its mask filters out', () => {
    const world = new RayWorld();
    world.addRect(4, -1, 5, 1, 0, 0b10);
    world.addRect(14, -1, 15, 1, 1, 0b01);
    expect(castOne(ahead({ layerMask: 0b01 }), world)).toEqual([0, 1, 0, f(14 / 20)]);
    expect(castOne(ahead(), world)).toEqual([1, 0, 0, f(4 / 20)]);
  });

  it('stays finite with a ray of length 0: every ray misses', () => {
    const world = new RayWorld();
    world.addCircle(0, 0, 5, 0);
    const out = castOne(ahead({ rayLength: 0 }), world);
    expect(out.every(Number.isFinite)).toBe(true);
    expect(out).toEqual([0, 0, 1, 1]);
  });

  it('takes the nearest of circles, rectangles and segments, and does not see one it starts inside, as Unity\'s rays do not', () => {
    const world = new RayWorld();
    world.addSegment(12, -5, 12, 5, 0);
    world.addCircle(16, 0, 1, 1);
    expect(castOne(ahead(), world)).toEqual([1, 0, 0, f(12 / 20)]);
    world.addRect(-1, -1, 1, 1, 1);
    world.addCircle(0.5, 0, 2, 1);
    expect(castOne(ahead(), world)).toEqual([1, 0, 0, f(12 / 20)]);
    // A circle cast overlapping a shape at its start does not see it either.
    const capsule = new RayWorld();
    capsule.addSegment(-3, 0.5, 3, 0.5, 1);
    capsule.addSegment(12, -5, 12, 5, 0);
    expect(castOne(ahead({ castRadius: 1 }), capsule)).toEqual([1, 0, 0, f(11 / 20)]);
  });

  it('circle-casts past a corner it does not touch and onto one it does', () => {
    // A box whose corner is at (10, 1): a ray along y = 0 with radius 0.5 passes 1 below it.
    const world = new RayWorld();
    world.addRect(10, 1, 12, 3, 0);
    expect(castOne(ahead({ castRadius: 0.5 }), world)).toEqual([0, 0, 1, 1]);
    // With radius 2 it touches the rounded corner: x = 10 - sqrt(2^2 - 1^2).
    const [, , , fraction] = castOne(ahead({ castRadius: 2 }), world);
    expect(fraction! * 20).toBeCloseTo(10 - Math.sqrt(3), 5);
  });

  it('walks a grid cell by cell to the first solid tile, and sweeps it as a circle cast', () => {
    // 8 x 3 cells of 4 x 4 from (-2, -6): the solid tile (col 5, row 1) spans x 18-22, y -2-2.
    const cells = new Uint16Array(8 * 3);
    cells[1 * 8 + 5] = gridCell(0);
    const grid: RayGrid = { x: -2, y: -6, tileWidth: 4, tileHeight: 4, cols: 8, rows: 3, cells, layer: 1 };
    const world = new RayWorld();
    world.grids.push(grid);
    const sensor = new RaySensor({ raysPerDirection: 0, rayLength: 40, tags: ['wall'] });
    expect(castOne(sensor, world)).toEqual([1, 0, f(18 / 40)]);
    // Diagonal: from (0, -4) heading 45 degrees down-right, y = x - 4 reaches y = -2 at x = 2 (outside the tile), and x = 18 at y = 14 (below the grid): a miss.
    expect(castOne(sensor, world, 0, -4, Math.PI / 4)).toEqual([0, 1, 1]);
    const thick = new RaySensor({ raysPerDirection: 0, rayLength: 40, tags: ['wall'], castRadius: 1 });
    expect(castOne(thick, world)).toEqual([1, 0, f(17 / 40)]);
    // A ray that starts outside the grid and enters it.
    expect(castOne(sensor, world, -10, 0)).toEqual([1, 0, f(28 / 40)]);
    // One that starts inside the solid tile does not see it, but sees the next one.
    cells[1 * 8 + 6] = gridCell(0);
    expect(castOne(sensor, world, 20, 0)).toEqual([1, 0, f(2 / 40)]);
  });

  it('refuses options that cannot make a sensor', () => {
    expect(() => new RaySensor({ raysPerDirection: -1, rayLength: 1, tags: [] })).toThrow(/raysPerDirection/);
    expect(() => new RaySensor({ maxRayDegrees: 200, rayLength: 1, tags: [] })).toThrow(/maxRayDegrees/);
    expect(() => new RaySensor({ rayLength: Number.NaN, tags: [] })).toThrow(/rayLength/);
  });
});
