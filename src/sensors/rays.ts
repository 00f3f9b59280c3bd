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
 * Casting allocates nothing; a world's arrays grow only when it holds more shapes than before.
 *
 * Angles follow ML-Agents: 90 degrees is the heading, 0 the agent's right, 180 its left. Rays are
 * ordered left to right by default; 'alternating' is ML-Agents' legacy order (forward, then right
 * and left in turn).
 */

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

  addCircle(x: number, y: number, radius: number, tag = -1, layer = 1): void {
    const a = (this.circles = room(this.circles, (this.circleCount + 1) * CIRCLE));
    const i = this.circleCount++ * CIRCLE;
    a[i] = x;
    a[i + 1] = y;
    a[i + 2] = radius;
    a[i + 3] = tag;
    a[i + 4] = layer;
  }

  /** An axis-aligned rectangle from (x0, y0) to (x1, y1). */
  addRect(x0: number, y0: number, x1: number, y1: number, tag = -1, layer = 1): void {
    const a = (this.rects = room(this.rects, (this.rectCount + 1) * RECT));
    const i = this.rectCount++ * RECT;
    a[i] = Math.min(x0, x1);
    a[i + 1] = Math.min(y0, y1);
    a[i + 2] = Math.max(x0, x1);
    a[i + 3] = Math.max(y0, y1);
    a[i + 4] = tag;
    a[i + 5] = layer;
  }

  addSegment(x0: number, y0: number, x1: number, y1: number, tag = -1, layer = 1): void {
    const a = (this.segments = room(this.segments, (this.segmentCount + 1) * SEGMENT));
    const i = this.segmentCount++ * SEGMENT;
    a[i] = x0;
    a[i + 1] = y0;
    a[i + 2] = x1;
    a[i + 3] = y1;
    a[i + 4] = tag;
    a[i + 5] = layer;
  }
}

/** `a` if it holds `length` numbers, else a copy twice as large. */
function room(a: Float64Array, length: number): Float64Array {
  if (length <= a.length) return a;
  const grown = new Float64Array(Math.max(length, a.length * 2));
  grown.set(a);
  return grown;
}

/** Casts a sensor's rays into a RayWorld and writes its observation. */
export class RaySensor {
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
  /** The nearest hit of the ray being cast: distance and tag. */
  private bestT = 0;
  private bestTag = -2;

  constructor(options: RaySensorOptions) {
    const n = options.raysPerDirection ?? 3;
    const degrees = options.maxRayDegrees ?? 70;
    if (!Number.isInteger(n) || n < 0) throw new Error(`RaySensor: raysPerDirection: expected an integer >= 0, got ${n}`);
    if (!(degrees >= 0 && degrees <= 180)) throw new Error(`RaySensor: maxRayDegrees: expected 0 to 180, got ${degrees}`);
    if (!(options.rayLength >= 0 && options.rayLength < Infinity)) throw new Error(`RaySensor: rayLength: expected a finite number >= 0, got ${options.rayLength}`);
    const radius = options.castRadius ?? 0;
    if (!(radius >= 0 && radius < Infinity)) throw new Error(`RaySensor: castRadius: expected a finite number >= 0, got ${radius}`);
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

  /** Casts every ray from (x, y), heading `rotation` radians (Phaser's: 0 = +x, clockwise), into `out` from `offset`. */
  cast(world: RayWorld, x: number, y: number, rotation: number, out: Float32Array, offset = 0): void {
    const L = this.length;
    for (let k = 0; k < this.rayCount; k++) {
      const angle = rotation + this.offsets[k]!;
      const dx = Math.cos(angle);
      const dy = Math.sin(angle);
      this.bestT = L;
      this.bestTag = -2;
      if (L > 0) this.nearest(world, x, y, dx, dy);
      const o = offset + k * this.stride;
      for (let t = 0; t < this.tagCount; t++) out[o + t] = 0;
      const hit = this.bestTag !== -2;
      if (hit && this.bestTag >= 0 && this.bestTag < this.tagCount) out[o + this.bestTag] = 1;
      out[o + this.tagCount] = hit ? 0 : 1;
      out[o + this.tagCount + 1] = hit ? this.bestT / L : 1;
      const c = k * 5;
      this.lastCast[c] = x;
      this.lastCast[c + 1] = y;
      this.lastCast[c + 2] = x + dx * this.bestT;
      this.lastCast[c + 3] = y + dy * this.bestT;
      this.lastCast[c + 4] = this.bestTag;
    }
  }

  /** Finds the nearest hit within bestT along (dx, dy) from (ox, oy). */
  private nearest(w: RayWorld, ox: number, oy: number, dx: number, dy: number): void {
    const r = this.radius;
    const m = this.mask;
    for (let i = 0; i < w.circleCount * CIRCLE; i += CIRCLE) {
      if ((w.circles[i + 4]! & m) === 0) continue;
      this.keep(rayCircle(ox, oy, dx, dy, w.circles[i]!, w.circles[i + 1]!, w.circles[i + 2]! + r), w.circles[i + 3]!);
    }
    for (let i = 0; i < w.rectCount * RECT; i += RECT) {
      const a = w.rects;
      if ((a[i + 5]! & m) === 0) continue;
      this.keep(rayRect(ox, oy, dx, dy, a[i]!, a[i + 1]!, a[i + 2]!, a[i + 3]!, r), a[i + 4]!);
    }
    for (let i = 0; i < w.segmentCount * SEGMENT; i += SEGMENT) {
      const a = w.segments;
      if ((a[i + 5]! & m) === 0) continue;
      this.keep(rayCapsule(ox, oy, dx, dy, a[i]!, a[i + 1]!, a[i + 2]!, a[i + 3]!, r), a[i + 4]!);
    }
    for (let g = 0; g < w.grids.length; g++) {
      const grid = w.grids[g]!;
      if ((grid.layer & m) === 0) continue;
      if (r === 0) this.walkGrid(grid, ox, oy, dx, dy);
      else this.sweepGrid(grid, ox, oy, dx, dy, r);
    }
  }

  private keep(t: number, tag: number): void {
    if (t <= this.bestT) {
      this.bestT = t;
      this.bestTag = tag;
    }
  }

  /** A thin ray through a grid, cell by cell, from where it enters the grid to bestT. */
  private walkGrid(g: RayGrid, ox: number, oy: number, dx: number, dy: number): void {
    const x1 = g.x + g.cols * g.tileWidth;
    const y1 = g.y + g.rows * g.tileHeight;
    const enter = slab(ox, oy, dx, dy, g.x, g.y, x1, y1);
    if (enter === Infinity || enter > this.bestT) return;
    const t0 = Math.max(enter, 0);
    // The cell the ray is in at t0 (nudged inside, as it may sit on the grid's edge).
    let col = Math.min(g.cols - 1, Math.max(0, Math.floor((ox + dx * t0 - g.x) / g.tileWidth)));
    let row = Math.min(g.rows - 1, Math.max(0, Math.floor((oy + dy * t0 - g.y) / g.tileHeight)));
    const stepC = dx > 0 ? 1 : -1;
    const stepR = dy > 0 ? 1 : -1;
    const deltaC = dx === 0 ? Infinity : g.tileWidth / Math.abs(dx);
    const deltaR = dy === 0 ? Infinity : g.tileHeight / Math.abs(dy);
    let nextC = dx === 0 ? Infinity : (g.x + (col + (dx > 0 ? 1 : 0)) * g.tileWidth - ox) / dx;
    let nextR = dy === 0 ? Infinity : (g.y + (row + (dy > 0 ? 1 : 0)) * g.tileHeight - oy) / dy;
    let t = t0;
    while (t <= this.bestT) {
      const cell = g.cells[row * g.cols + col]!;
      if (cell !== 0) {
        this.keep(t, cell - 2);
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
  private sweepGrid(g: RayGrid, ox: number, oy: number, dx: number, dy: number, r: number): void {
    const ex = ox + dx * this.bestT;
    const ey = oy + dy * this.bestT;
    const c0 = Math.max(0, Math.floor((Math.min(ox, ex) - r - g.x) / g.tileWidth));
    const c1 = Math.min(g.cols - 1, Math.floor((Math.max(ox, ex) + r - g.x) / g.tileWidth));
    const r0 = Math.max(0, Math.floor((Math.min(oy, ey) - r - g.y) / g.tileHeight));
    const r1 = Math.min(g.rows - 1, Math.floor((Math.max(oy, ey) + r - g.y) / g.tileHeight));
    for (let row = r0; row <= r1; row++) {
      for (let col = c0; col <= c1; col++) {
        const cell = g.cells[row * g.cols + col]!;
        if (cell === 0) continue;
        const x = g.x + col * g.tileWidth;
        const y = g.y + row * g.tileHeight;
        this.keep(rayRect(ox, oy, dx, dy, x, y, x + g.tileWidth, y + g.tileHeight, r), cell - 2);
      }
    }
  }
}

// ---- geometry: distance along a unit direction (dx, dy) to the first contact, or Infinity ----

/** A ray and a circle (0 when the start is inside). */
export function rayCircle(ox: number, oy: number, dx: number, dy: number, cx: number, cy: number, radius: number): number {
  const mx = ox - cx;
  const my = oy - cy;
  const c = mx * mx + my * my - radius * radius;
  if (c <= 0) return 0;
  const b = mx * dx + my * dy;
  if (b > 0) return Infinity;
  const disc = b * b - c;
  return disc < 0 ? Infinity : -b - Math.sqrt(disc);
}

/** Where a ray enters a box, or Infinity; negative when it starts inside. */
function slab(ox: number, oy: number, dx: number, dy: number, x0: number, y0: number, x1: number, y1: number): number {
  let enter = -Infinity;
  let exit = Infinity;
  if (dx === 0) {
    if (ox < x0 || ox > x1) return Infinity;
  } else {
    const a = (x0 - ox) / dx;
    const b = (x1 - ox) / dx;
    enter = Math.max(enter, Math.min(a, b));
    exit = Math.min(exit, Math.max(a, b));
  }
  if (dy === 0) {
    if (oy < y0 || oy > y1) return Infinity;
  } else {
    const a = (y0 - oy) / dy;
    const b = (y1 - oy) / dy;
    enter = Math.max(enter, Math.min(a, b));
    exit = Math.min(exit, Math.max(a, b));
  }
  return enter <= exit && exit >= 0 ? enter : Infinity;
}

/** A ray and an axis-aligned rectangle grown by `radius` (its corners rounded): a circle cast against the rectangle. */
export function rayRect(ox: number, oy: number, dx: number, dy: number, x0: number, y0: number, x1: number, y1: number, radius: number): number {
  const nearX = ox < x0 ? x0 : ox > x1 ? x1 : ox;
  const nearY = oy < y0 ? y0 : oy > y1 ? y1 : oy;
  if ((ox - nearX) ** 2 + (oy - nearY) ** 2 <= radius * radius) return 0;
  const enter = slab(ox, oy, dx, dy, x0 - radius, y0 - radius, x1 + radius, y1 + radius);
  if (enter === Infinity || radius === 0) return Math.max(enter, 0);
  const t = Math.max(enter, 0);
  const px = ox + dx * t;
  const py = oy + dy * t;
  // On a face of the grown box: that is the contact. In a corner square: the corner's circle.
  if ((px >= x0 && px <= x1) || (py >= y0 && py <= y1)) return t;
  return rayCircle(ox, oy, dx, dy, px < x0 ? x0 : x1, py < y0 ? y0 : y1, radius);
}

/** A ray and a segment grown by `radius` (a capsule); a thin ray when the radius is 0. */
export function rayCapsule(ox: number, oy: number, dx: number, dy: number, ax: number, ay: number, bx: number, by: number, radius: number): number {
  if (radius === 0) return raySegment(ox, oy, dx, dy, ax, ay, bx, by);
  const ex = bx - ax;
  const ey = by - ay;
  const len = Math.hypot(ex, ey);
  let t = Math.min(rayCircle(ox, oy, dx, dy, ax, ay, radius), rayCircle(ox, oy, dx, dy, bx, by, radius));
  if (len > 0) {
    const nx = (-ey / len) * radius;
    const ny = (ex / len) * radius;
    t = Math.min(t, raySegment(ox, oy, dx, dy, ax + nx, ay + ny, bx + nx, by + ny), raySegment(ox, oy, dx, dy, ax - nx, ay - ny, bx - nx, by - ny));
    // Inside the band between the two sides: touching already.
    const u = ((ox - ax) * ex + (oy - ay) * ey) / (len * len);
    if (u >= 0 && u <= 1 && Math.abs((ox - ax) * ey - (oy - ay) * ex) / len <= radius) return 0;
  }
  return t;
}

/** A thin ray and a segment (parallel ones never meet). */
function raySegment(ox: number, oy: number, dx: number, dy: number, ax: number, ay: number, bx: number, by: number): number {
  const ex = bx - ax;
  const ey = by - ay;
  const denom = dx * ey - dy * ex;
  if (denom === 0) return Infinity;
  const qx = ax - ox;
  const qy = ay - oy;
  const t = (qx * ey - qy * ex) / denom;
  const u = (qx * dy - qy * dx) / denom;
  return t >= 0 && u >= 0 && u <= 1 ? t : Infinity;
}
