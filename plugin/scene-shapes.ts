/**
 * What a sensor sees of a Phaser scene, gathered into a RayWorld (src/sensors): the scene's Arcade
 * bodies (circles and rectangles, dynamic and static), its Matter bodies (circles, and polygons as
 * their edges; each part of a compound body; static ones too; not sensors), the colliding tiles of
 * the tilemap layers it was given (read once into a grid; `refreshTiles()` reads them again), and
 * plain Phaser.Geom shapes. A body's tag is its collision category's entry in `categoryTags`, else
 * `tagOf(gameObject)` (by default the object's name, else its texture key), else, for a Matter
 * body, its label; one with no tag among the sensor's `tags` is solid but not detectable. As for
 * Arcade bodies and Unity's rays, a sensor does not see a Matter part it looks from inside.
 *
 * Gathering allocates nothing once the arrays have grown to the scene's size: bodies are visited
 * with one callback made once, not an iterator per frame, and written straight into the world's
 * arrays (numbers passed through a call can be boxed).
 *
 * Only types come from Phaser, as for the plugin.
 */
import type Phaser from 'phaser';
import { DEV } from '../src/env/dev.js';
import type { ObservationSensor } from './agent.js';
import { SHUTDOWN } from './events.js';
import { RayWorld, gridCell, type RayGrid, type WorldSensor } from '../src/sensors/index.js';

type ArcadeBody = Phaser.Physics.Arcade.Body | Phaser.Physics.Arcade.StaticBody;

/** What a sensor reads of a Matter body (MatterJS.BodyType): Matter is reached through the scene, never imported. */
interface MatterBody {
  parts: MatterBody[];
  vertices: { x: number; y: number }[];
  position: { x: number; y: number };
  circleRadius?: number;
  label: string;
  isSensor: boolean;
  gameObject?: Phaser.GameObjects.GameObject | null;
  collisionFilter: { category: number };
}

/** A Matter composite: the world's bodies, and its nested composites'. */
interface MatterComposite {
  bodies: MatterBody[];
  composites: MatterComposite[];
}
type TileLayer = Phaser.Tilemaps.TilemapLayer | Phaser.Tilemaps.TilemapGPULayer;
type GeomShape = Phaser.Geom.Circle | Phaser.Geom.Rectangle | Phaser.Geom.Line | Phaser.Geom.Polygon | Phaser.Geom.Triangle;

/** What a scene sensor sees, and how it tags it. */
export interface SceneShapesOptions {
  /** The tags the sensor tells apart. */
  tags: readonly string[];
  /** The tag of a game object. Default: its name, else its texture key. */
  tagOf?: (gameObject: Phaser.GameObjects.GameObject) => string | undefined;
  /** Tags by collision category (a single bit; Arcade's, or Matter's collisionFilter.category): looked up before `tagOf`. */
  categoryTags?: Readonly<Record<number, string>>;
  /** Tilemap layers whose colliding tiles the sensor sees, each with the tag of its tiles (none: solid, not detectable). */
  tilemapLayers?: readonly { layer: TileLayer; tag?: string }[];
  /** Plain shapes the sensor sees, in world coordinates (a track's walls, say). */
  shapes?: readonly { shape: GeomShape; tag?: string }[];
  /** Bodies the sensor does not see (Arcade bodies, or Matter bodies). */
  ignore?: readonly (ArcadeBody | MatterJS.BodyType)[];
}

export class SceneShapes {
  readonly world = new RayWorld();
  /** Whether anything gathered so far carried one of the sensor's tags. */
  matched = false;
  private readonly tagIndex: Map<string, number>;
  private readonly ignored: Set<object>;
  private readonly tagOf: (gameObject: Phaser.GameObjects.GameObject) => string | undefined;
  private readonly shapes: readonly { shape: GeomShape; tag?: string }[];
  /** Adds one Arcade body to the world; made once so that visiting a Set allocates nothing. */
  private readonly addBody: (body: ArcadeBody) => void;

  constructor(readonly scene: Phaser.Scene, private readonly options: SceneShapesOptions) {
    this.tagIndex = new Map(options.tags.map((t, i) => [t, i]));
    this.ignored = new Set<object>(options.ignore ?? []);
    this.shapes = options.shapes ?? [];
    const tagOf = options.tagOf ?? defaultTag;
    this.tagOf = tagOf;
    this.addBody = (body) => {
      if (!body.enable || this.ignored.has(body)) return;
      const category = body.collisionCategory;
      const name = options.categoryTags?.[category] ?? (body.gameObject ? tagOf(body.gameObject) : undefined);
      const tag = this.tag(name);
      const w = this.world;
      if (body.isCircle) {
        // From the radius, not halfWidth or center: a static body floors its halfWidth.
        const i = w.nextCircle();
        const a = w.circles;
        a[i] = body.x + body.radius;
        a[i + 1] = body.y + body.radius;
        a[i + 2] = body.radius;
        a[i + 3] = tag;
        a[i + 4] = category;
      } else {
        const i = w.nextRect();
        const a = w.rects;
        a[i] = body.x;
        a[i + 1] = body.y;
        a[i + 2] = body.x + body.width;
        a[i + 3] = body.y + body.height;
        a[i + 4] = tag;
        a[i + 5] = category;
      }
    };
    this.refreshTiles();
  }

  /** Reads the tilemap layers' colliding tiles again (after the game changes its map). */
  refreshTiles(): void {
    this.world.grids.length = 0;
    for (const { layer, tag } of this.options.tilemapLayers ?? []) this.world.grids.push(this.gridOf(layer, this.tag(tag)));
  }

  /**
   * The world as the scene is now, seen from (`x`, `y`): its bodies and shapes gathered afresh, its
   * tiles as last read.
   */
  gather(x = NaN, y = NaN): RayWorld {
    const world = this.world;
    world.clear();
    const arcade = (this.scene as { physics?: Phaser.Physics.Arcade.ArcadePhysics }).physics?.world;
    if (arcade) {
      arcade.bodies.forEach(this.addBody);
      arcade.staticBodies.forEach(this.addBody);
    }
    const matter = (this.scene as unknown as { matter?: { world?: { localWorld: MatterComposite } } }).matter?.world;
    if (matter) this.addComposite(matter.localWorld, x, y);
    for (let i = 0; i < this.shapes.length; i++) this.addShape(this.shapes[i]!.shape, this.tag(this.shapes[i]!.tag));
    return world;
  }

  private addComposite(composite: MatterComposite, x: number, y: number): void {
    const bodies = composite.bodies;
    for (let i = 0; i < bodies.length; i++) this.addMatterBody(bodies[i]!, x, y);
    const nested = composite.composites;
    for (let i = 0; i < nested.length; i++) this.addComposite(nested[i]!, x, y);
  }

  /** A Matter body's parts (a compound body's parts[0] is their hull, and is skipped): circles as circles, polygons as their edges. */
  private addMatterBody(body: MatterBody, x: number, y: number): void {
    if (body.isSensor || this.ignored.has(body)) return;
    const category = body.collisionFilter.category;
    const tag = this.tag(this.options.categoryTags?.[category] ?? (body.gameObject ? this.tagOf(body.gameObject) : undefined) ?? body.label);
    const w = this.world;
    const parts = body.parts;
    for (let p = parts.length > 1 ? 1 : 0; p < parts.length; p++) {
      const part = parts[p]!;
      if (part.circleRadius) {
        w.addCircle(part.position.x, part.position.y, part.circleRadius, tag, category);
        continue;
      }
      const v = part.vertices;
      if (insideConvex(v, x, y)) continue;
      for (let i = 0; i < v.length; i++) {
        const a = v[i]!;
        const b = v[i + 1 === v.length ? 0 : i + 1]!;
        w.addSegment(a.x, a.y, b.x, b.y, tag, category);
      }
    }
  }

  /** The tag's index among the sensor's tags, or -1 (solid, not detectable). */
  private tag(name: string | undefined): number {
    const index = name === undefined ? -1 : (this.tagIndex.get(name) ?? -1);
    if (index >= 0) this.matched = true;
    return index;
  }

  private addShape(shape: GeomShape, tag: number): void {
    const w = this.world;
    // Phaser.Geom shapes carry their kind as a number: CIRCLE 0, LINE 2, POLYGON 4, RECTANGLE 5, TRIANGLE 6.
    switch (shape.type) {
      case 0: {
        const s = shape as Phaser.Geom.Circle;
        w.addCircle(s.x, s.y, s.radius, tag);
        return;
      }
      case 2: {
        const s = shape as Phaser.Geom.Line;
        w.addSegment(s.x1, s.y1, s.x2, s.y2, tag);
        return;
      }
      case 4: {
        const p = (shape as Phaser.Geom.Polygon).points;
        for (let i = 0; i < p.length; i++) {
          const a = p[i]!;
          const b = p[(i + 1) % p.length]!;
          w.addSegment(a.x, a.y, b.x, b.y, tag);
        }
        return;
      }
      case 5: {
        const s = shape as Phaser.Geom.Rectangle;
        w.addRect(s.x, s.y, s.x + s.width, s.y + s.height, tag);
        return;
      }
      case 6: {
        const s = shape as Phaser.Geom.Triangle;
        w.addSegment(s.x1, s.y1, s.x2, s.y2, tag);
        w.addSegment(s.x2, s.y2, s.x3, s.y3, tag);
        w.addSegment(s.x3, s.y3, s.x1, s.y1, tag);
        return;
      }
      default:
        if (DEV) throw new Error(`sensor options: shapes: a Phaser.Geom shape of type ${String(shape.type)} is not one a sensor sees (Circle, Line, Polygon, Rectangle, Triangle)`);
    }
  }

  /** A tilemap layer's colliding tiles as a grid (in world units, the layer's position and scale). */
  private gridOf(layer: TileLayer, tag: number): RayGrid {
    const data = layer.layer;
    const cells = new Uint16Array(data.width * data.height);
    for (let row = 0; row < data.height; row++) {
      for (let col = 0; col < data.width; col++) {
        const tile = data.data[row]![col];
        if (tile && tile.index !== -1 && tile.collides) cells[row * data.width + col] = gridCell(tag);
      }
    }
    return {
      x: layer.x, y: layer.y,
      tileWidth: data.tileWidth * layer.scaleX, tileHeight: data.tileHeight * layer.scaleY,
      cols: data.width, rows: data.height, cells, layer: 1,
    };
  }
}

/** Scenes and tag lists already warned of as matching nothing. */
const warnedTags = new Set<string>();

/** Whether (x, y) lies inside a convex polygon (Matter's parts are convex), whichever way it winds. */
function insideConvex(v: readonly { x: number; y: number }[], x: number, y: number): boolean {
  let sign = 0;
  for (let i = 0; i < v.length; i++) {
    const a = v[i]!;
    const b = v[i + 1 === v.length ? 0 : i + 1]!;
    const cross = (b.x - a.x) * (y - a.y) - (b.y - a.y) * (x - a.x);
    if (cross === 0) continue;
    if (sign === 0) sign = Math.sign(cross);
    else if (Math.sign(cross) !== sign) return false;
  }
  return sign !== 0;
}

function defaultTag(gameObject: Phaser.GameObjects.GameObject): string | undefined {
  if (gameObject.name) return gameObject.name;
  const texture = (gameObject as { texture?: { key?: string } }).texture;
  return texture?.key;
}

/** Where a sensor looks from: a position and a heading (radians, Phaser's: 0 is +x, clockwise). A game object will do. */
export interface SensorPose {
  readonly x: number;
  readonly y: number;
  readonly rotation: number;
}

export interface SceneSensorOptions extends SceneShapesOptions {
  /** Where the sensor looks from when an agent reads it (in its spec's `sensors`): a game object will do. */
  from?: SensorPose;
}

/**
 * An engine-free sensor reading a Phaser scene: RaySensor2D and GridSensor2D are these. Every
 * number it gives is in [0, 1]. Listed in an agent's `sensors`, it is read from `from` with each
 * observation; `observe(from)` reads it by hand.
 */
export class SceneSensor<S extends WorldSensor> implements ObservationSensor {
  /** The observation: `size` numbers, rewritten by each `observe`. */
  readonly values: Float32Array;
  readonly size: number;
  readonly low = 0;
  readonly high = 1;
  /** Where an agent's reading looks from; set it when the game object is made after the sensor. */
  from: SensorPose | null;
  private readonly shapes: SceneShapes;

  constructor(readonly scene: Phaser.Scene, protected readonly sensor: S, options: SceneSensorOptions) {
    this.size = sensor.size;
    this.values = new Float32Array(this.size);
    this.shapes = new SceneShapes(scene, options);
    this.from = options.from ?? null;
    if (DEV && options.tags.length > 0) scene.sys.events.once(SHUTDOWN, () => this.warnUnmatched(options.tags));
  }

  /** Observations this run of the scene. */
  private reads = 0;

  /** A run of the scene in which none of the sensor's tags matched anything it saw: most likely a tag spelt otherwise than the scene names its objects. Warned once a scene and tag list. */
  private warnUnmatched(tags: readonly string[]): void {
    const key = `${this.scene.sys.settings.key}: ${tags.join(', ')}`;
    if (this.reads === 0 || this.shapes.matched || warnedTags.has(key)) return;
    warnedTags.add(key);
    console.warn(`scene '${this.scene.sys.settings.key}': a sensor's tags [${tags.map((t) => `'${t}'`).join(', ')}] matched nothing it saw in a whole run of the scene (${this.reads} observations). A body's tag is its categoryTags entry, else tagOf(gameObject) (by default the game object's name, else its texture key), else a Matter body's label; tiles and shapes take the tag given with them (warned once)`);
  }

  /** An agent's reading: `observe(from)` into the agent's observation. */
  sense(out: Float32Array, offset: number): void {
    if (DEV && !this.from) throw new Error('a sensor in an agent\'s sensors needs `from`, the game object it looks from (an option, or set sensor.from)');
    this.observe(this.from!, out, offset);
  }

  /** Reads the tilemap layers' colliding tiles again (after the game changes its map). */
  refreshTiles(): void {
    this.shapes.refreshTiles();
  }

  /**
   * Reads the scene around `from` and returns `values`. With `out`, also writes them there from
   * `offset`, as an agent's `observe()` builds its observation. The pose is copied into the sensor
   * rather than passed along: numbers passed to a call can be boxed.
   */
  observe(from: SensorPose, out?: Float32Array, offset = 0): Float32Array {
    const pose = this.sensor.pose;
    pose[0] = from.x;
    pose[1] = from.y;
    pose[2] = from.rotation;
    this.reads += 1;
    this.sensor.read(this.shapes.gather(from.x, from.y), this.values);
    if (out) out.set(this.values, offset);
    return this.values;
  }
}
