/**
 * Ray-cast perception in 2D, engine-free, in Unity ML-Agents' RayPerceptionSensor layout: 2n + 1
 * rays spread over `maxRayDegrees` either side of the heading, and per ray `tags.length + 2`
 * numbers: a one-hot of the detectable tag hit (all 0 for a miss or an undetectable hit), a miss
 * flag (1 = hit nothing), and the hit fraction (distance / rayLength, 1 on a miss).
 *
 * What a ray can hit lives in a `RayWorld` of flat typed arrays: circles, axis-aligned rectangles,
 * segments and tile grids, each with a tag (an index into the sensor's tags, or -1 for "solid but
 * not detectable") and layer bits the sensor can filter on. A ray finds the nearest hit: thin rays
 * walk a grid cell by cell (Amanatides and Woo); a circle cast (`castRadius` > 0) tests each shape
 * grown by the radius exactly (rounded rectangles, capsules) and the grid cells along its band.
 * As in Unity, whose raycasts ML-Agents' sensor uses, a ray does not see a shape it starts inside
 * (for a circle cast: one its starting circle overlaps): an agent's own body, usually.
 * Casting allocates nothing; a world's arrays grow only when it holds more shapes than before.
 * `RayWorld.next*` hand out a slot to write a shape into directly, for callers that must not
 * allocate either (the `add*` methods pass numbers through a call, which can box them).
 *
 * Angles follow ML-Agents: 90 degrees is the heading, 0 the agent's right, 180 its left. Rays are
 * ordered left to right by default; 'alternating' is ML-Agents' legacy order (forward, then right
 * and left in turn).
 */
import { DEV } from '../env/dev.js';

export interface RaySensorOptions {
  /** Rays on each side of the heading: 2n + 1 in all. Default 3. */
  raysPerDirection?: number;
  /** Angle from the heading to the outermost rays, in degrees, 0 to 180. Default 70. */
  maxRayDegrees?: number;
  /** How far a ray sees, in world units (pixels in a Phaser scene). 0 sees nothing. */
  rayLength: number;
  /** Radius of a circle swept along each ray; 0 for thin rays. Default 0. */
  castRadius?: number;
  /** The tags the sensor tells apart, in one-hot order. */
  tags: readonly string[];
  /** Which layers the rays see: a shape is seen when its layer bits meet this mask. Default all. */
  layerMask?: number;
  /** Ray order. Default 'left-to-right'. */
  order?: 'left-to-right' | 'alternating';
}

/** The ML-Agents angles (degrees, 90 = the heading) of each ray, in the sensor's order. */
export function rayAngles(raysPerDirection: number, maxRayDegrees: number, order: RaySensorOptions['order'] = 'left-to-right'): number[] {
  const n = raysPerDirection;
  const delta = n === 0 ? 0 : maxRayDegrees / n;
  if (order === 'alternating') {
    const angles = [90];
    for (let i = 1; i <= n; i++) angles.push(90 - i * delta, 90 + i * delta);
    return angles;
  }
  return Array.from({ length: 2 * n + 1 }, (_, i) => 90 + n * delta - i * delta);
}

/** A grid of square-ish cells, as a tilemap layer: cell (col, row) covers [x + col * w, x + (col + 1) * w) by rows alike. */
export interface RayGrid {
  x: number;
  y: number;
  tileWidth: number;
  tileHeight: number;
  cols: number;
  rows: number;
  /** cols * rows, row by row: 0 empty, 1 solid and not detectable, t + 2 solid with tag index t. */
  cells: Uint16Array;
  layer: number;
}

/** The cell value of a solid cell with tag index `tag` (-1: not detectable). */
export const gridCell = (tag: number): number => tag + 2;

const CIRCLE = 5; // x, y, r, tag, layer
const RECT = 6; // x0, y0, x1, y1, tag, layer
const SEGMENT = 6; // x0, y0, x1, y1, tag, layer

/** What rays can hit, refilled as often as the scene changes (every cast, for moving bodies). */
export class RayWorld {
  circles: Float64Array = new Float64Array(CIRCLE * 16);
  rects: Float64Array = new Float64Array(RECT * 16);
  segments: Float64Array = new Float64Array(SEGMENT * 16);
  circleCount = 0;
  rectCount = 0;
  segmentCount = 0;
  readonly grids: RayGrid[] = [];

  /** Forgets the circles, rectangles and segments (grids stay: they are static). */
  clear(): void {
    this.circleCount = 0;
    this.rectCount = 0;
    this.segmentCount = 0;
  }

  /** A slot for one more circle: write x, y, radius, tag, layer into `circles` from the index returned. */
  nextCircle(): number {
    this.circles = room(this.circles, (this.circleCount + 1) * CIRCLE);
    return this.circleCount++ * CIRCLE;
  }

  /** A slot for one more rectangle: x0, y0, x1, y1 (x0 <= x1, y0 <= y1), tag, layer into `rects`. */
  nextRect(): number {
    this.rects = room(this.rects, (this.rectCount + 1) * RECT);
    return this.rectCount++ * RECT;
  }

  /** A slot for one more segment: x0, y0, x1, y1, tag, layer into `segments`. */
  nextSegment(): number {
    this.segments = room(this.segments, (this.segmentCount + 1) * SEGMENT);
    return this.segmentCount++ * SEGMENT;
  }

  addCircle(x: number, y: number, radius: number, tag = -1, layer = 1): void {
    const i = this.nextCircle();
    const a = this.circles;
    a[i] = x;
    a[i + 1] = y;
    a[i + 2] = radius;
    a[i + 3] = tag;
    a[i + 4] = layer;
  }

  /** An axis-aligned rectangle from (x0, y0) to (x1, y1). */
  addRect(x0: number, y0: number, x1: number, y1: number, tag = -1, layer = 1): void {
    const i = this.nextRect();
    const a = this.rects;
    a[i] = Math.min(x0, x1);
    a[i + 1] = Math.min(y0, y1);
    a[i + 2] = Math.max(x0, x1);
    a[i + 3] = Math.max(y0, y1);
    a[i + 4] = tag;
    a[i + 5] = layer;
  }

  addSegment(x0: number, y0: number, x1: number, y1: number, tag = -1, layer = 1): void {
    const i = this.nextSegment();
    const a = this.segments;
    a[i] = x0;
    a[i + 1] = y0;
    a[i + 2] = x1;
    a[i + 3] = y1;
    a[i + 4] = tag;
    a[i + 5] = layer;
  }
}

/**
 * What every sensor of a RayWorld is: an observation of `size` numbers, read from the world around
 * `pose` (x, y, heading in radians, Phaser's: 0 = +x, turning clockwise).
 */
export interface WorldSensor {
  readonly size: number;
  readonly pose: Float64Array;
  read(world: RayWorld, out: Float32Array, offset?: number): void;
}

/** `a` if it holds `length` numbers, else a copy twice as large. */
function room(a: Float64Array, length: number): Float64Array {
  if (length <= a.length) return a;
  const grown = new Float64Array(Math.max(length, a.length * 2));
  grown.set(a);
  return grown;
}

/**
 * The registers of a cast: the ray, one shape's parameters, and the results. Geometry reads and
 * writes them rather than taking and returning numbers: a double that crosses a call V8 does not
 * inline is boxed, and a cast must allocate nothing.
 */
const OX = 0;
const OY = 1;
const DX = 2;
const DY = 3;
/** The shape: a centre or a corner (A, B), a far corner or end (C, D), a radius (R). */
const A = 4;
const B = 5;
const C = 6;
const D = 7;
const R = 8;
/** A geometry test's result: the distance to the first contact, or Infinity. */
const T = 9;
/** The nearest contact so far. */
const BEST = 10;
const REGISTERS = 11;

/** Casts a sensor's rays into a RayWorld and writes its observation. */
export class RaySensor implements WorldSensor {
  readonly rayCount: number;
  /** Numbers per ray: the tags' one-hot, the miss flag, the hit fraction. */
  readonly stride: number;
  /** rayCount * stride: the observation's length. */
  readonly size: number;
  /** Each ray's angle from the heading, radians, clockwise as Phaser turns (y points down). */
  private readonly offsets: Float64Array;
  /** The last cast, per ray: start x, start y, end x, end y, hit tag (-2 miss, -1 undetectable). */
  readonly lastCast: Float64Array;
  private readonly length: number;
  private readonly radius: number;
  private readonly mask: number;
  private readonly tagCount: number;
  private readonly s = new Float64Array(REGISTERS);
  /** The nearest contact's tag (-2: none yet). */
  private readonly bestTag = new Int32Array(1);

  constructor(options: RaySensorOptions) {
    const n = options.raysPerDirection ?? 3;
    const degrees = options.maxRayDegrees ?? 70;
    const radius = options.castRadius ?? 0;
    // The game's own options: checked in development builds, as agent specs are (see dev.ts).
    if (DEV) {
      if (!Number.isInteger(n) || n < 0) throw new Error(`RaySensor: raysPerDirection: expected an integer >= 0, got ${n}`);
      if (!(degrees >= 0 && degrees <= 180)) throw new Error(`RaySensor: maxRayDegrees: expected 0 to 180, got ${degrees}`);
      if (!(options.rayLength >= 0 && options.rayLength < Infinity)) throw new Error(`RaySensor: rayLength: expected a finite number >= 0, got ${options.rayLength}`);
      if (!(radius >= 0 && radius < Infinity)) throw new Error(`RaySensor: castRadius: expected a finite number >= 0, got ${radius}`);
    }
    this.rayCount = 2 * n + 1;
    this.tagCount = options.tags.length;
    this.stride = this.tagCount + 2;
    this.size = this.rayCount * this.stride;
    // ML-Agents' angle a (90 = ahead, 180 = left) is a turn of (90 - a) degrees clockwise on screen.
    this.offsets = Float64Array.from(rayAngles(n, degrees, options.order), (a) => ((90 - a) * Math.PI) / 180);
    this.lastCast = new Float64Array(this.rayCount * 5);
    this.length = options.rayLength;
    this.radius = radius;
    this.mask = options.layerMask ?? ~0;
  }

  /**
   * Where the next cast starts: x, y, and the heading in radians (Phaser's: 0 = +x, turning
   * clockwise). Written here rather than passed: numbers passed to a call can be boxed.
   */
  readonly pose = new Float64Array(3);

  /** Casts every ray from `pose` into `out` from `offset`. */
  read(world: RayWorld, out: Float32Array, offset = 0): void {
    const s = this.s;
    const L = this.length;
    const x = this.pose[0]!;
    const y = this.pose[1]!;
    for (let k = 0; k < this.rayCount; k++) {
      const angle = this.pose[2]! + this.offsets[k]!;
      s[OX] = x;
      s[OY] = y;
      s[DX] = Math.cos(angle);
      s[DY] = Math.sin(angle);
      s[BEST] = L;
      this.bestTag[0] = -2;
      if (L > 0) this.nearest(world);
      const tag = this.bestTag[0]!;
      const o = offset + k * this.stride;
      for (let t = 0; t < this.tagCount; t++) out[o + t] = 0;
      if (tag >= 0 && tag < this.tagCount) out[o + tag] = 1;
      out[o + this.tagCount] = tag === -2 ? 1 : 0;
      out[o + this.tagCount + 1] = tag === -2 ? 1 : s[BEST]! / L;
      const c = k * 5;
      this.lastCast[c] = x;
      this.lastCast[c + 1] = y;
      this.lastCast[c + 2] = x + s[DX]! * s[BEST]!;
      this.lastCast[c + 3] = y + s[DY]! * s[BEST]!;
      this.lastCast[c + 4] = tag;
    }
  }

  /** The nearest contact of the ray in the registers, within BEST. */
  private nearest(w: RayWorld): void {
    const s = this.s;
    const m = this.mask;
    const r = this.radius;
    const circles = w.circles;
    for (let i = 0; i < w.circleCount * CIRCLE; i += CIRCLE) {
      if ((circles[i + 4]! & m) === 0) continue;
      s[A] = circles[i]!;
      s[B] = circles[i + 1]!;
      s[R] = circles[i + 2]! + r;
      hitCircle(s);
      this.keep(circles[i + 3]!);
    }
    const rects = w.rects;
    for (let i = 0; i < w.rectCount * RECT; i += RECT) {
      if ((rects[i + 5]! & m) === 0) continue;
      this.loadFour(rects, i);
      hitRect(s);
      this.keep(rects[i + 4]!);
    }
    const segments = w.segments;
    for (let i = 0; i < w.segmentCount * SEGMENT; i += SEGMENT) {
      if ((segments[i + 5]! & m) === 0) continue;
      this.loadFour(segments, i);
      hitCapsule(s);
      this.keep(segments[i + 4]!);
    }
    for (let g = 0; g < w.grids.length; g++) {
      const grid = w.grids[g]!;
      if ((grid.layer & m) === 0) continue;
      if (r === 0) this.walkGrid(grid);
      else this.sweepGrid(grid);
    }
  }

  /** A rectangle's or a segment's four numbers from `a` at `i` into A to D, and the cast's radius into R. */
  private loadFour(a: Float64Array, i: number): void {
    const s = this.s;
    s[A] = a[i]!;
    s[B] = a[i + 1]!;
    s[C] = a[i + 2]!;
    s[D] = a[i + 3]!;
    s[R] = this.radius;
  }

  /** Keeps the contact in T if it is the nearest so far. */
  private keep(tag: number): void {
    const s = this.s;
    if (s[T]! <= s[BEST]!) {
      s[BEST] = s[T]!;
      this.bestTag[0] = tag;
    }
  }

  /** A thin ray through a grid, cell by cell, from where it enters the grid to BEST. */
  private walkGrid(g: RayGrid): void {
    const s = this.s;
    const ox = s[OX]!;
    const oy = s[OY]!;
    const dx = s[DX]!;
    const dy = s[DY]!;
    s[A] = g.x;
    s[B] = g.y;
    s[C] = g.x + g.cols * g.tileWidth;
    s[D] = g.y + g.rows * g.tileHeight;
    slab(s);
    if (s[T]! === Infinity || s[T]! > s[BEST]!) return;
    const t0 = Math.max(s[T]!, 0);
    // The cell the ray is in at t0 (clamped: it may sit on the grid's edge).
    let col = Math.min(g.cols - 1, Math.max(0, Math.floor((ox + dx * t0 - g.x) / g.tileWidth)));
    let row = Math.min(g.rows - 1, Math.max(0, Math.floor((oy + dy * t0 - g.y) / g.tileHeight)));
    const stepC = dx > 0 ? 1 : -1;
    const stepR = dy > 0 ? 1 : -1;
    const deltaC = dx === 0 ? Infinity : g.tileWidth / Math.abs(dx);
    const deltaR = dy === 0 ? Infinity : g.tileHeight / Math.abs(dy);
    let nextC = dx === 0 ? Infinity : (g.x + (col + (dx > 0 ? 1 : 0)) * g.tileWidth - ox) / dx;
    let nextR = dy === 0 ? Infinity : (g.y + (row + (dy > 0 ? 1 : 0)) * g.tileHeight - oy) / dy;
    let t = t0;
    while (t <= s[BEST]!) {
      const cell = g.cells[row * g.cols + col]!;
      // (t > 0: the cell the ray starts in is one it starts inside)
      if (cell !== 0 && t > 0) {
        s[T] = t;
        this.keep(cell - 2);
        return;
      }
      if (nextC < nextR) {
        col += stepC;
        t = nextC;
        nextC += deltaC;
      } else {
        row += stepR;
        t = nextR;
        nextR += deltaR;
      }
      if (col < 0 || row < 0 || col >= g.cols || row >= g.rows) return;
    }
  }

  /** A circle cast through a grid: every solid cell in the swept band's bounds, each as a rounded rectangle. */
  private sweepGrid(g: RayGrid): void {
    const s = this.s;
    const r = this.radius;
    const ex = s[OX]! + s[DX]! * s[BEST]!;
    const ey = s[OY]! + s[DY]! * s[BEST]!;
    const c0 = Math.max(0, Math.floor((Math.min(s[OX]!, ex) - r - g.x) / g.tileWidth));
    const c1 = Math.min(g.cols - 1, Math.floor((Math.max(s[OX]!, ex) + r - g.x) / g.tileWidth));
    const r0 = Math.max(0, Math.floor((Math.min(s[OY]!, ey) - r - g.y) / g.tileHeight));
    const r1 = Math.min(g.rows - 1, Math.floor((Math.max(s[OY]!, ey) + r - g.y) / g.tileHeight));
    for (let row = r0; row <= r1; row++) {
      for (let col = c0; col <= c1; col++) {
        const cell = g.cells[row * g.cols + col]!;
        if (cell === 0) continue;
        s[A] = g.x + col * g.tileWidth;
        s[B] = g.y + row * g.tileHeight;
        s[C] = s[A]! + g.tileWidth;
        s[D] = s[B]! + g.tileHeight;
        s[R] = r;
        hitRect(s);
        this.keep(cell - 2);
      }
    }
  }
}

// ---- geometry on the registers: T = the distance along the unit ray (DX, DY) from (OX, OY) to
// the first contact, or Infinity, also when the ray starts inside the shape ----

/** A circle: centre (A, B), radius R. */
function hitCircle(s: Float64Array): void {
  const mx = s[OX]! - s[A]!;
  const my = s[OY]! - s[B]!;
  const c = mx * mx + my * my - s[R]! * s[R]!;
  const b = mx * s[DX]! + my * s[DY]!;
  const disc = b * b - c;
  s[T] = c <= 0 || b > 0 || disc < 0 ? Infinity : -b - Math.sqrt(disc);
}

/** Where the ray enters the box (A, B)-(C, D), negative when it starts inside, or Infinity. */
function slab(s: Float64Array): void {
  const ox = s[OX]!;
  const oy = s[OY]!;
  const dx = s[DX]!;
  const dy = s[DY]!;
  let enter = -Infinity;
  let exit = Infinity;
  if (dx === 0) {
    if (ox < s[A]! || ox > s[C]!) exit = -Infinity;
  } else {
    const a = (s[A]! - ox) / dx;
    const b = (s[C]! - ox) / dx;
    enter = Math.max(enter, Math.min(a, b));
    exit = Math.min(exit, Math.max(a, b));
  }
  if (dy === 0) {
    if (oy < s[B]! || oy > s[D]!) exit = -Infinity;
  } else {
    const a = (s[B]! - oy) / dy;
    const b = (s[D]! - oy) / dy;
    enter = Math.max(enter, Math.min(a, b));
    exit = Math.min(exit, Math.max(a, b));
  }
  s[T] = enter <= exit && exit >= 0 ? enter : Infinity;
}

/** The box (A, B)-(C, D) grown by R, its corners rounded: a circle cast against the box. */
function hitRect(s: Float64Array): void {
  const ox = s[OX]!;
  const oy = s[OY]!;
  const x0 = s[A]!;
  const y0 = s[B]!;
  const x1 = s[C]!;
  const y1 = s[D]!;
  const r = s[R]!;
  const nearX = ox < x0 ? x0 : ox > x1 ? x1 : ox;
  const nearY = oy < y0 ? y0 : oy > y1 ? y1 : oy;
  if ((ox - nearX) ** 2 + (oy - nearY) ** 2 <= r * r) {
    s[T] = Infinity;
    return;
  }
  s[A] = x0 - r;
  s[B] = y0 - r;
  s[C] = x1 + r;
  s[D] = y1 + r;
  slab(s);
  if (s[T]! === Infinity || r === 0) {
    s[T] = Math.max(s[T]!, 0);
    return;
  }
  const t = Math.max(s[T]!, 0);
  const px = ox + s[DX]! * t;
  const py = oy + s[DY]! * t;
  // On a face of the grown box: that is the contact. In a corner square: the corner's circle.
  if ((px >= x0 && px <= x1) || (py >= y0 && py <= y1)) {
    s[T] = t;
    return;
  }
  s[A] = px < x0 ? x0 : x1;
  s[B] = py < y0 ? y0 : y1;
  hitCircle(s);
}

/** The segment (A, B)-(C, D) grown by R (a capsule); a thin ray's crossing when R is 0. */
function hitCapsule(s: Float64Array): void {
  const ax = s[A]!;
  const ay = s[B]!;
  const bx = s[C]!;
  const by = s[D]!;
  const r = s[R]!;
  if (r === 0) {
    hitSegment(s);
    return;
  }
  const ex = bx - ax;
  const ey = by - ay;
  const len = Math.sqrt(ex * ex + ey * ey);
  const ox = s[OX]!;
  const oy = s[OY]!;
  const u = len > 0 ? ((ox - ax) * ex + (oy - ay) * ey) / (len * len) : -1;
  // Inside the band between the two sides, or in an end's circle: the cast starts inside.
  const inBand = u >= 0 && u <= 1 && Math.abs((ox - ax) * ey - (oy - ay) * ex) / len <= r;
  if (inBand || (ox - ax) ** 2 + (oy - ay) ** 2 <= r * r || (ox - bx) ** 2 + (oy - by) ** 2 <= r * r) {
    s[T] = Infinity;
    return;
  }
  hitCircle(s); // the end at (A, B), radius R
  let best = s[T]!;
  s[A] = bx;
  s[B] = by;
  hitCircle(s);
  best = Math.min(best, s[T]!);
  if (len > 0) {
    const nx = (-ey / len) * r;
    const ny = (ex / len) * r;
    for (let side = -1; side <= 1; side += 2) {
      s[A] = ax + side * nx;
      s[B] = ay + side * ny;
      s[C] = bx + side * nx;
      s[D] = by + side * ny;
      hitSegment(s);
      best = Math.min(best, s[T]!);
    }
  }
  s[T] = best;
}

/** A thin ray and the segment (A, B)-(C, D) (a parallel one never meets it). */
function hitSegment(s: Float64Array): void {
  const ex = s[C]! - s[A]!;
  const ey = s[D]! - s[B]!;
  const denom = s[DX]! * ey - s[DY]! * ex;
  const qx = s[A]! - s[OX]!;
  const qy = s[B]! - s[OY]!;
  const t = (qx * ey - qy * ex) / denom;
  const u = (qx * s[DY]! - qy * s[DX]!) / denom;
  s[T] = denom !== 0 && t >= 0 && u >= 0 && u <= 1 ? t : Infinity;
}
