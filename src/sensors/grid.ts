/**
 * Grid perception in 2D, engine-free: a grid of square cells centred on the agent, optionally
 * turning with it, and per cell a one-hot of `tags.length + 1` channels: channel 0 for a cell
 * with nothing detectable in it, channel t + 1 when the closest object (by its centre, from the
 * agent) among those overlapping the cell has tag t. Objects with no detectable tag are not seen.
 * It reads the same RayWorld as RaySensor (circles, rectangles, segments, tile grids).
 *
 * Layout: rows from the front of the grid to its back, each row's cells from left to right, each
 * cell's channels in a row: (row * width + col) * (tags + 1) + channel. With `rotate` the front
 * is the agent's heading; without it, the top of the screen (-y).
 */
import { DEV } from '../env/dev.js';
import type { RayGrid, RayWorld, WorldSensor } from './rays.js';

export interface GridSensorOptions {
  /** Cells across (left to right) and from front to back. */
  width: number;
  height: number;
  /** A cell's side, in world units (pixels in a Phaser scene). */
  cellSize: number;
  /** The tags the sensor tells apart, channels 1 and up. */
  tags: readonly string[];
  /** Turn the grid with the agent's heading. Default true. */
  rotate?: boolean;
  /** Which layers the grid sees. Default all. */
  layerMask?: number;
}

export class GridSensor implements WorldSensor {
  readonly width: number;
  readonly height: number;
  /** Channels per cell: tags + 1. */
  readonly channels: number;
  /** width * height * channels. */
  readonly size: number;
  /** Where the grid is and which way it faces: x, y, heading in radians (Phaser's: 0 = +x, clockwise). */
  readonly pose = new Float64Array(3);
  private readonly cell: number;
  private readonly rotate: boolean;
  private readonly mask: number;
  /** Per cell: the squared distance of its closest object so far, and that object's tag. */
  private readonly nearest: Float64Array;
  private readonly tagOf: Int32Array;
  /** The frame of the current sense: origin, front (fx, fy) and right (rx, ry) unit vectors. */
  private readonly frame = new Float64Array(6);
  /** One object in the grid's frame: its local box, and its centre's squared distance. */
  private readonly local = new Float64Array(5);

  constructor(options: GridSensorOptions) {
    if (DEV) {
      for (const key of ['width', 'height'] as const) {
        if (!Number.isInteger(options[key]) || options[key] < 1) throw new Error(`GridSensor: ${key}: expected a positive integer, got ${options[key]}`);
      }
      if (!(options.cellSize > 0 && options.cellSize < Infinity)) throw new Error(`GridSensor: cellSize: expected a finite number > 0, got ${options.cellSize}`);
    }
    this.width = options.width;
    this.height = options.height;
    this.channels = options.tags.length + 1;
    this.size = this.width * this.height * this.channels;
    this.cell = options.cellSize;
    this.rotate = options.rotate ?? true;
    this.mask = options.layerMask ?? ~0;
    this.nearest = new Float64Array(this.width * this.height);
    this.tagOf = new Int32Array(this.width * this.height);
  }

  /** Fills `out` from `offset` with what the world holds around `pose`. */
  read(world: RayWorld, out: Float32Array, offset = 0): void {
    const f = this.frame;
    const heading = this.rotate ? this.pose[2]! : -Math.PI / 2;
    f[0] = this.pose[0]!;
    f[1] = this.pose[1]!;
    f[2] = Math.cos(heading);
    f[3] = Math.sin(heading);
    f[4] = -f[3]!;
    f[5] = f[2]!;
    this.nearest.fill(Infinity);
    this.tagOf.fill(-1);
    const m = this.mask;
    const c = world.circles;
    for (let i = 0; i < world.circleCount * 5; i += 5) {
      if ((c[i + 4]! & m) !== 0 && c[i + 3]! >= 0) this.circle(c, i);
    }
    const r = world.rects;
    for (let i = 0; i < world.rectCount * 6; i += 6) {
      if ((r[i + 5]! & m) !== 0 && r[i + 4]! >= 0) this.rect(r, i, r[i + 4]!);
    }
    const s = world.segments;
    for (let i = 0; i < world.segmentCount * 6; i += 6) {
      if ((s[i + 5]! & m) !== 0 && s[i + 4]! >= 0) this.segment(s, i);
    }
    for (let g = 0; g < world.grids.length; g++) {
      const grid = world.grids[g]!;
      if ((grid.layer & m) !== 0) this.tiles(grid);
    }
    out.fill(0, offset, offset + this.size);
    for (let k = 0; k < this.nearest.length; k++) out[offset + k * this.channels + this.tagOf[k]! + 1] = 1;
  }

  /** A circle (x, y, radius, tag at a[i..]): the cells within its radius. */
  private circle(a: Float64Array, i: number): void {
    const f = this.frame;
    const px = a[i]! - f[0]!;
    const py = a[i + 1]! - f[1]!;
    const fwd = px * f[2]! + py * f[3]!;
    const right = px * f[4]! + py * f[5]!;
    const radius = a[i + 2]!;
    const d2 = px * px + py * py;
    const h = this.cell / 2;
    const [row0, row1, col0, col1] = this.cellRange(fwd - radius, fwd + radius, right - radius, right + radius);
    for (let row = row0; row <= row1; row++) {
      for (let col = col0; col <= col1; col++) {
        const cf = ((this.height - 1) / 2 - row) * this.cell;
        const cr = (col - (this.width - 1) / 2) * this.cell;
        const dx = Math.max(Math.abs(fwd - cf) - h, 0);
        const dy = Math.max(Math.abs(right - cr) - h, 0);
        if (dx * dx + dy * dy <= radius * radius) this.offer(row, col, d2, a[i + 3]!);
      }
    }
  }

  /** An axis-aligned world rectangle (x0, y0, x1, y1 at a[i..]) with `tag`: in the grid's frame a turned box, overlap by separating axes. */
  private rect(a: Float64Array, i: number, tag: number): void {
    const f = this.frame;
    const ex = (a[i + 2]! - a[i]!) / 2;
    const ey = (a[i + 3]! - a[i + 1]!) / 2;
    const px = a[i]! + ex - f[0]!;
    const py = a[i + 1]! + ey - f[1]!;
    const fwd = px * f[2]! + py * f[3]!;
    const right = px * f[4]! + py * f[5]!;
    // The world axes in the grid's frame: x = (f[2], f[4]), y = (f[3], f[5]).
    const extentF = ex * Math.abs(f[2]!) + ey * Math.abs(f[3]!);
    const extentR = ex * Math.abs(f[4]!) + ey * Math.abs(f[5]!);
    const d2 = px * px + py * py;
    const h = this.cell / 2;
    const [row0, row1, col0, col1] = this.cellRange(fwd - extentF, fwd + extentF, right - extentR, right + extentR);
    for (let row = row0; row <= row1; row++) {
      for (let col = col0; col <= col1; col++) {
        const cf = ((this.height - 1) / 2 - row) * this.cell;
        const cr = (col - (this.width - 1) / 2) * this.cell;
        // On the grid's axes the ranges already overlap (the cell range); on the world's axes:
        // the cell's centre offset from the box's, against both radii.
        const df = cf - fwd;
        const dr = cr - right;
        const onX = Math.abs(df * f[2]! + dr * f[4]!) <= ex + h * (Math.abs(f[2]!) + Math.abs(f[4]!));
        const onY = Math.abs(df * f[3]! + dr * f[5]!) <= ey + h * (Math.abs(f[3]!) + Math.abs(f[5]!));
        if (onX && onY) this.offer(row, col, d2, tag);
      }
    }
  }

  /** A segment (x0, y0, x1, y1, tag at a[i..]): the cells it crosses (clipped to each cell). */
  private segment(a: Float64Array, i: number): void {
    const f = this.frame;
    const ax = a[i]! - f[0]!;
    const ay = a[i + 1]! - f[1]!;
    const bx = a[i + 2]! - f[0]!;
    const by = a[i + 3]! - f[1]!;
    const af = ax * f[2]! + ay * f[3]!;
    const ar = ax * f[4]! + ay * f[5]!;
    const bf = bx * f[2]! + by * f[3]!;
    const br = bx * f[4]! + by * f[5]!;
    const mx = (ax + bx) / 2;
    const my = (ay + by) / 2;
    const d2 = mx * mx + my * my;
    const h = this.cell / 2;
    const [row0, row1, col0, col1] = this.cellRange(Math.min(af, bf), Math.max(af, bf), Math.min(ar, br), Math.max(ar, br));
    for (let row = row0; row <= row1; row++) {
      for (let col = col0; col <= col1; col++) {
        const cf = ((this.height - 1) / 2 - row) * this.cell;
        const cr = (col - (this.width - 1) / 2) * this.cell;
        // Liang-Barsky: the part of the segment inside the cell, as t0 <= t1 in [0, 1].
        let t0 = 0;
        let t1 = 1;
        const df = bf - af;
        const dr = br - ar;
        for (let side = 0; side < 4 && t0 <= t1; side++) {
          const p = side === 0 ? -df : side === 1 ? df : side === 2 ? -dr : dr;
          const q = side === 0 ? af - (cf - h) : side === 1 ? cf + h - af : side === 2 ? ar - (cr - h) : cr + h - ar;
          if (p === 0) {
            if (q < 0) t1 = -1;
          } else if (p < 0) {
            t0 = Math.max(t0, q / p);
          } else {
            t1 = Math.min(t1, q / p);
          }
        }
        if (t0 <= t1) this.offer(row, col, d2, a[i + 4]!);
      }
    }
  }

  /** A tile grid: its tagged solid tiles near the sensor, each as a rectangle. */
  private tiles(g: RayGrid): void {
    const f = this.frame;
    // Every tile the sensor could overlap lies within its half-diagonal of its centre.
    const reach = (Math.hypot(this.width, this.height) / 2) * this.cell;
    const c0 = Math.max(0, Math.floor((f[0]! - reach - g.x) / g.tileWidth));
    const c1 = Math.min(g.cols - 1, Math.floor((f[0]! + reach - g.x) / g.tileWidth));
    const r0 = Math.max(0, Math.floor((f[1]! - reach - g.y) / g.tileHeight));
    const r1 = Math.min(g.rows - 1, Math.floor((f[1]! + reach - g.y) / g.tileHeight));
    const box = this.local;
    for (let row = r0; row <= r1; row++) {
      for (let col = c0; col <= c1; col++) {
        const cell = g.cells[row * g.cols + col]!;
        if (cell < 2) continue;
        box[0] = g.x + col * g.tileWidth;
        box[1] = g.y + row * g.tileHeight;
        box[2] = box[0]! + g.tileWidth;
        box[3] = box[1]! + g.tileHeight;
        this.rect(box, 0, cell - 2);
      }
    }
  }

  /** The cells whose squares meet the grid-frame box [f0, f1] x [r0, r1]: rows first, then columns (inclusive). */
  private cellRange(f0: number, f1: number, r0: number, r1: number): [number, number, number, number] {
    const c = this.cell;
    const range = this.range;
    range[0] = Math.max(0, Math.floor(this.height / 2 - f1 / c));
    range[1] = Math.min(this.height - 1, Math.floor(this.height / 2 - f0 / c));
    range[2] = Math.max(0, Math.floor(r0 / c + this.width / 2));
    range[3] = Math.min(this.width - 1, Math.floor(r1 / c + this.width / 2));
    return range;
  }

  private readonly range: [number, number, number, number] = [0, 0, 0, 0];

  /** An object at squared distance `d2` with `tag` overlaps cell (row, col): kept if the closest so far. */
  private offer(row: number, col: number, d2: number, tag: number): void {
    const k = row * this.width + col;
    if (d2 < this.nearest[k]!) {
      this.nearest[k] = d2;
      this.tagOf[k] = tag;
    }
  }
}
