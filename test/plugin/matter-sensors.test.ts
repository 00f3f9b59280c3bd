/**
 * The sensors see Matter bodies as they see Arcade ones (test/plugin/sensors.test.ts lays out the
 * same field): a static rectangle tagged by its game object's name, a circle by its label, a
 * compound body (only its parts, not their hull) by its collision category, a polygon turned 45
 * degrees by its label, each at its exact distance; the body a ray starts inside is not seen, nor
 * an ignored one, nor a sensor body; GridSensor2D marks the cells a Matter body overlaps.
 */
import { GridSensor2D, HeadlessGame, RaySensor2D, type GameDef } from 'phaser-distill/node';
import Phaser from 'phaser';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const TAGS = ['wall', 'coin', 'fence', 'rock'];
const f = Math.fround;
const AT = { x: 100, y: 100, rotation: 0 };
const FENCE_CATEGORY = 0x0004;

class MatterField extends Phaser.Scene {
  car!: MatterJS.BodyType;
  wall!: MatterJS.BodyType;

  constructor() {
    super('matter-field');
  }

  create(): void {
    // The agent's own body: a box around where the rays start.
    this.car = this.matter.add.rectangle(100, 100, 10, 10);
    // A static wall whose left face is 45 to the right, tagged by its game object's name.
    this.wall = this.matter.add.gameObject(this.add.rectangle(150, 100, 10, 40).setName('wall'), { isStatic: true }).body as MatterJS.BodyType;
    // A coin 55 below (centre 60 below, radius 5), tagged by its label.
    this.matter.add.circle(100, 160, 5, { label: 'coin', isStatic: true });
    // A fence above: a compound of a bar (its lower face 58 above) and a post, tagged by its category.
    const bar = this.matter.bodies.rectangle(100, 40, 100, 4);
    const post = this.matter.bodies.circle(160, 40, 4);
    const fence = this.matter.body.create({ parts: [bar, post], isStatic: true });
    fence.collisionFilter.category = FENCE_CATEGORY;
    this.matter.world.add(fence);
    // A rock to the left: a square of radius 10 turned 45 degrees (Matter's 4-gon), its right corner at x 50.
    this.matter.add.polygon(40, 100, 4, 10, { label: 'rock', isStatic: true, angle: Math.PI / 4 });
    // A sensor body just ahead: rays pass through it.
    this.matter.add.rectangle(125, 100, 4, 60, { isSensor: true, isStatic: true, label: 'wall' });
  }
}

const GAME: GameDef = { scene: MatterField, width: 200, height: 200, physics: { default: 'matter', matter: { gravity: { x: 0, y: 0 } } } };

describe('RaySensor2D and GridSensor2D on Matter bodies', () => {
  let host: HeadlessGame;
  let scene: MatterField;
  beforeAll(async () => {
    host = await HeadlessGame.create({ game: GAME });
    scene = host.scenes[0]! as MatterField;
    host.frame();
  });
  afterAll(() => host.destroy());

  const ray = (values: Float32Array, k: number) => Array.from(values.subarray(k * 6, k * 6 + 6));
  const options = { rayLength: 100, tags: TAGS, categoryTags: { [FENCE_CATEGORY]: 'fence' } };

  it('sees rectangles, circles, compound parts and turned polygons at their distance, with their tags', () => {
    const sensor = new RaySensor2D(scene, { ...options, raysPerDirection: 2, maxRayDegrees: 90 });
    const v = sensor.observe(AT);
    // Ray 0 points up (the agent's left), 2 ahead, 4 down.
    expect(ray(v, 2)).toEqual([1, 0, 0, 0, 0, f(45 / 100)]);
    expect(ray(v, 4)).toEqual([0, 1, 0, 0, 0, f(55 / 100)]);
    expect(ray(v, 0)).toEqual([0, 0, 1, 0, 0, f(58 / 100)]);
    const back = new RaySensor2D(scene, { ...options, raysPerDirection: 0 }).observe({ x: 100, y: 100, rotation: Math.PI });
    expect(ray(back, 0).slice(0, 5)).toEqual([0, 0, 0, 1, 0]);
    // The turned square's right corner: 10 from its centre at x 40.
    expect(ray(back, 0)[5]).toBeCloseTo(50 / 100, 5);
  });

  it("does not see the body it starts inside, an ignored body, or a sensor body", () => {
    // The car around the origin is not ignored here, and not seen; the sensor body at x 125 is passed through.
    const plain = new RaySensor2D(scene, { ...options, raysPerDirection: 0 });
    expect(ray(plain.observe(AT), 0)).toEqual([1, 0, 0, 0, 0, f(45 / 100)]);
    const blind = new RaySensor2D(scene, { ...options, raysPerDirection: 0, ignore: [scene.wall] });
    expect(ray(blind.observe(AT), 0)).toEqual([0, 0, 0, 0, 1, 1]);
  });

  it('GridSensor2D marks the cells a Matter body overlaps', () => {
    const grid = new GridSensor2D(scene, { width: 5, height: 5, cellSize: 20, tags: TAGS, rotate: false, ignore: [scene.car] });
    const v = grid.observe(AT);
    const channels = Array.from({ length: 5 }, (_, row) => Array.from({ length: 5 }, (_, col) => Array.from(v.subarray((row * 5 + col) * 5, (row * 5 + col) * 5 + 5)).indexOf(1)));
    expect(channels).toEqual([
      [0, 0, 0, 0, 0],
      [0, 0, 0, 0, 1],
      [0, 0, 0, 0, 1],
      [0, 0, 0, 0, 1],
      [0, 0, 0, 0, 0],
    ]);
  });
});
