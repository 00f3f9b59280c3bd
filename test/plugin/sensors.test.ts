/**
 * The sensors in a real Phaser scene (the headless host). GridSensor2D marks the cells a wall
 * overlaps, unturned and turned. RaySensor2D: rays see Arcade bodies (a static wall, a
 * dynamic circle), a tilemap layer's colliding tiles and a Phaser.Geom line, each at its exact
 * distance and with its tag; the body a ray starts in is not seen, nor an ignored one; an
 * observation allocates nothing.
 */
import { GridSensor2D, HeadlessGame, RaySensor2D, type GameDef } from 'phaser-distill/node';
import Phaser from 'phaser';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { leastBytesPerCall } from '../helpers/allocation.js';

const TAGS = ['wall', 'coin', 'fence', 'tile'];
const f = Math.fround;
/** Where the rays start: the car's centre, facing +x. */
const AT = { x: 100, y: 100, rotation: 0 };
/** A pose of fractional numbers, as a moving game object's is. */
const MOVING = { x: 100.25, y: 99.75, rotation: 0.001 };

class Field extends Phaser.Scene {
  sensor!: RaySensor2D;
  backward!: RaySensor2D;

  constructor() {
    super('field');
  }

  create(): void {
    const car = this.add.rectangle(100, 100, 10, 10);
    this.physics.add.existing(car);
    // A static wall whose left face is 45 to the right of the car's centre.
    this.physics.add.existing(this.add.rectangle(150, 100, 10, 40).setName('wall'), true);
    // A coin 55 below (its centre at 60, radius 5).
    const coin = this.add.circle(100, 160, 5).setName('coin');
    this.physics.add.existing(coin);
    (coin.body as Phaser.Physics.Arcade.Body).setCircle(5);
    // A tile 52 to the left: column 2 of 16-pixel tiles spans x 32 to 48, row 6 spans y 96 to 112.
    const data = Array.from({ length: 10 }, (_, row) => Array.from({ length: 10 }, (_, col) => (row === 6 && col === 2 ? 1 : -1)));
    const map = this.make.tilemap({ data, tileWidth: 16, tileHeight: 16 });
    const layer = map.createLayer(0, map.addTilesetImage('__DEFAULT')!, 0, 0)!;
    layer.setCollision(1);
    // A fence 60 above.
    const fence = new Phaser.Geom.Line(50, 40, 150, 40);
    const options = { rayLength: 100, tags: TAGS, tilemapLayers: [{ layer, tag: 'tile' }], shapes: [{ shape: fence, tag: 'fence' }], ignore: [car.body as Phaser.Physics.Arcade.Body] };
    this.sensor = new RaySensor2D(this, { ...options, raysPerDirection: 2, maxRayDegrees: 90 });
    this.backward = new RaySensor2D(this, { ...options, raysPerDirection: 0 });
  }
}

const GAME: GameDef = { scene: Field, width: 200, height: 200, physics: { default: 'arcade', arcade: { gravity: { x: 0, y: 0 } } } };

describe('RaySensor2D', () => {
  let host: HeadlessGame;
  let scene: Field;
  beforeAll(async () => {
    host = await HeadlessGame.create({ game: GAME });
    scene = host.scenes[0]! as Field;
    host.frame();
  });
  afterAll(() => host.destroy());

  /** Ray k of a cast: [one-hot of 4 tags, miss flag, fraction]. */
  const ray = (values: Float32Array, k: number) => Array.from(values.subarray(k * 6, k * 6 + 6));

  it('sees bodies, tiles and shapes at their distance, with their tags, left to right', () => {
    const v = scene.sensor.observe(AT);
    expect(scene.sensor.size).toBe(5 * 6);
    // Facing +x: ray 0 points up (the agent's left), 2 ahead, 4 down (its right).
    expect(ray(v, 0)).toEqual([0, 0, 1, 0, 0, f(60 / 100)]);
    expect(ray(v, 2)).toEqual([1, 0, 0, 0, 0, f(45 / 100)]);
    expect(ray(v, 4)).toEqual([0, 1, 0, 0, 0, f(55 / 100)]);
    expect(ray(scene.backward.observe({ x: 100, y: 100, rotation: Math.PI }), 0)).toEqual([0, 0, 0, 1, 0, f(52 / 100)]);
  });

  it("does not see the body it starts inside (the agent's own), and sees through an ignored one", () => {
    const plain = new RaySensor2D(scene, { rayLength: 100, tags: TAGS, raysPerDirection: 0 });
    expect(ray(plain.observe(AT), 0)).toEqual([1, 0, 0, 0, 0, f(45 / 100)]);
    const wall = [...scene.physics.world.staticBodies].find((b) => b.gameObject.name === 'wall')!;
    const blind = new RaySensor2D(scene, { rayLength: 100, tags: TAGS, raysPerDirection: 0, ignore: [wall] });
    expect(ray(blind.observe(AT), 0)).toEqual([0, 0, 0, 0, 1, 1]);
  });

  it('writes into an observation at an offset, and draws its rays', () => {
    const out = new Float32Array(40).fill(7);
    scene.sensor.observe(AT, out, 10);
    expect(Array.from(out.subarray(0, 10))).toEqual(new Array(10).fill(7));
    expect(Array.from(out.subarray(10, 40))).toEqual(Array.from(scene.sensor.values));
    const g = scene.add.graphics();
    scene.sensor.draw(g);
    expect(g.commandBuffer.length).toBeGreaterThan(0);
  });

  it('allocates nothing per observation', async () => {
    // From a pose with a fractional coordinate, as a game object's usually is; warmed up first.
    for (let i = 0; i < 100_000; i++) scene.sensor.observe(MOVING);
    // Enough calls that the profiler's own one-off bytes vanish per call.
    const calls = 200_000;
    expect(await leastBytesPerCall(() => {
      for (let i = 0; i < calls; i++) scene.sensor.observe(MOVING);
    }, calls)).toBeLessThan(1);
  });
});

describe('GridSensor2D', () => {
  it("marks the cells the scene's objects overlap, with their tags, around the agent", async () => {
    const host = await HeadlessGame.create({ game: GAME });
    try {
      const scene = host.scenes[0]! as Field;
      host.frame();
      // 5 x 5 cells of 20 around (100, 100), unturned (front = up): the wall (x 145 to 155, y 80
      // to 120) fills the right column's rows 1 to 3; the coin, the tile and the fence lie outside.
      const grid = new GridSensor2D(scene, { width: 5, height: 5, cellSize: 20, tags: TAGS, rotate: false });
      const v = grid.observe(AT);
      expect(grid.size).toBe(5 * 5 * 5);
      const channels = Array.from({ length: 5 }, (_, row) => Array.from({ length: 5 }, (_, col) => Array.from(v.subarray((row * 5 + col) * 5, (row * 5 + col) * 5 + 5)).indexOf(1)));
      expect(channels).toEqual([
        [0, 0, 0, 0, 0],
        [0, 0, 0, 0, 1],
        [0, 0, 0, 0, 1],
        [0, 0, 0, 0, 1],
        [0, 0, 0, 0, 0],
      ]);
      // Turned to face down (+y), the wall is on the agent's left: the left column.
      const turned = new GridSensor2D(scene, { width: 5, height: 5, cellSize: 20, tags: TAGS });
      const w = turned.observe({ x: 100, y: 100, rotation: Math.PI / 2 });
      expect([1, 2, 3].map((row) => w[(row * 5) * 5 + 1])).toEqual([1, 1, 1]);
    } finally {
      host.destroy();
    }
  });
});

