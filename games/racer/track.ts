/**
 * Racer's tracks, engine-free: a closed track generated from a seed. The centreline is a polar
 * curve r(theta) = 1 + sum of a few random harmonics, stretched to fill the field, resampled at
 * equal arc length, started at a random point and driven either way round. The walls are the
 * centreline offset by half the (fixed) width either side, and checkpoint gates cross the track
 * from wall to wall every few points; gate 0 is the start and finish line.
 *
 * A track is drivable by construction: a candidate whose tightest bend is sharper than
 * MIN_BEND_RADIUS (so the inner wall would fold) or whose far-apart parts come closer than
 * MIN_TRACK_GAP (so the walls of two stretches would touch) is thrown away and the next one drawn
 * from the same generator, so a seed always gives the same track.
 *
 * Which seeds a game uses: training tracks have odd seeds and unseen (evaluation) tracks even
 * ones (`trackSeed`), so no evaluation track can ever have been trained on.
 */
import { Rng } from 'phaser-distill';
import {
  FIELD_MARGIN, GATE_COUNT, GATE_EVERY, MIN_BEND_RADIUS, MIN_TRACK_GAP, RACER_HEIGHT, RACER_WIDTH, TRACK_POINTS, TRACK_WIDTH,
} from './constants.js';

/** Which tracks a game plays: the ones training sees, or the ones kept for evaluation. */
export type TrackSet = 'train' | 'unseen';

/** The seed of track `k` of a set: odd seeds are training tracks, even seeds unseen ones. */
export function trackSeed(set: TrackSet, k: number): number {
  return ((k << 1) | (set === 'train' ? 1 : 0)) >>> 0;
}

/** The set a track seed belongs to. */
export function trackSetOf(seed: number): TrackSet {
  return (seed & 1) === 1 ? 'train' : 'unseen';
}

export interface Track {
  seed: number;
  /** Points on the centreline, x and y interleaved: [2 * TRACK_POINTS], in driving order. */
  centre: Float64Array;
  /** The unit direction of travel at each point, interleaved like `centre`. */
  tangent: Float64Array;
  /** The walls' points, on the driver's left and right of each centreline point. */
  left: Float64Array;
  right: Float64Array;
  /** Arc length from the start to each point, and the lap's length. */
  arc: Float64Array;
  length: number;
  /** The wall segments, x0 y0 x1 y1 each: the left wall's TRACK_POINTS, then the right's. */
  walls: Float64Array;
  /** Gate g crosses the track at centreline point g * GATE_EVERY, from the left wall to the right. */
  gates: Float64Array;
  /** The tightest bend's radius of curvature, measured on the centreline. */
  minBendRadius: number;
  /** The closest two far-apart parts of the centreline come. */
  minGap: number;
  /** Candidates drawn before this one passed (1: the first did). */
  attempts: number;
}

/** Harmonics 2..6 of the radius, with the largest amplitude each may be drawn with. */
const HARMONICS = [
  { k: 2, amplitude: 0.4 },
  { k: 3, amplitude: 0.3 },
  { k: 4, amplitude: 0.2 },
  { k: 5, amplitude: 0.12 },
  { k: 6, amplitude: 0.08 },
];
/** Dense samples of the polar curve before resampling at equal arc length. */
const DENSE = 8 * TRACK_POINTS;
/** Two points closer than this along the track are neighbours, not two parts of it. */
const FAR_APART = 3 * TRACK_WIDTH;
const MAX_ATTEMPTS = 10_000;

/** The track of a seed: the same numbers every time. */
export function generateTrack(seed: number): Track {
  const rng = new Rng(seed);
  for (let attempt = 1; attempt <= MAX_ATTEMPTS; attempt++) {
    const track = candidate(rng, seed, attempt);
    if (track.minBendRadius >= MIN_BEND_RADIUS && track.minGap >= MIN_TRACK_GAP) return track;
  }
  throw new Error(`racer track ${seed}: no drivable track in ${MAX_ATTEMPTS} candidates`);
}

function candidate(rng: Rng, seed: number, attempts: number): Track {
  const terms = HARMONICS.map(({ k, amplitude }) => ({ k, a: rng.uniform(0, amplitude), phase: rng.uniform(0, 2 * Math.PI) }));
  const reverse = rng.float() < 0.5;
  const start = rng.int(TRACK_POINTS);

  // The polar curve, densely, then stretched to fill the field less the margin and half the width.
  const dense = new Float64Array(2 * DENSE);
  for (let i = 0; i < DENSE; i++) {
    const theta = (2 * Math.PI * i) / DENSE;
    let r = 1;
    for (const t of terms) r += t.a * Math.cos(t.k * theta + t.phase);
    dense[2 * i] = r * Math.cos(theta);
    dense[2 * i + 1] = r * Math.sin(theta);
  }
  fit(dense, FIELD_MARGIN + TRACK_WIDTH / 2);

  const centre = resample(dense, TRACK_POINTS, reverse, start);
  return build(seed, centre, attempts);
}

/** Scales and moves the points (in place) so their bounding box fills the field less `inset` on every side. */
function fit(points: Float64Array, inset: number): void {
  let x0 = Infinity;
  let y0 = Infinity;
  let x1 = -Infinity;
  let y1 = -Infinity;
  for (let i = 0; i < points.length; i += 2) {
    x0 = Math.min(x0, points[i]!);
    x1 = Math.max(x1, points[i]!);
    y0 = Math.min(y0, points[i + 1]!);
    y1 = Math.max(y1, points[i + 1]!);
  }
  const sx = (RACER_WIDTH - 2 * inset) / (x1 - x0);
  const sy = (RACER_HEIGHT - 2 * inset) / (y1 - y0);
  for (let i = 0; i < points.length; i += 2) {
    points[i] = inset + (points[i]! - x0) * sx;
    points[i + 1] = inset + (points[i + 1]! - y0) * sy;
  }
}

/** `n` points at equal arc length along the closed polyline, from point `start` on, either way round. */
function resample(dense: Float64Array, n: number, reverse: boolean, start: number): Float64Array {
  const m = dense.length / 2;
  // The polyline in driving order, closed: m + 1 points.
  const xs = new Float64Array(m + 1);
  const ys = new Float64Array(m + 1);
  for (let i = 0; i <= m; i++) {
    const j = reverse ? (m - (i % m)) % m : i % m;
    xs[i] = dense[2 * j]!;
    ys[i] = dense[2 * j + 1]!;
  }
  let total = 0;
  for (let i = 0; i < m; i++) total += Math.sqrt((xs[i + 1]! - xs[i]!) ** 2 + (ys[i + 1]! - ys[i]!) ** 2);
  const out = new Float64Array(2 * n);
  const step = total / n;
  let seg = 0;
  let walked = 0;
  // Point k sits at arc length (k + start) * step: the track starts at a random point. Walking
  // the targets in increasing order visits each segment once.
  for (let q = 0; q < n; q++) {
    const target = q * step;
    for (;;) {
      const len = Math.sqrt((xs[seg + 1]! - xs[seg]!) ** 2 + (ys[seg + 1]! - ys[seg]!) ** 2);
      if (walked + len >= target || seg >= m - 1) {
        const f = len > 0 ? Math.min(1, (target - walked) / len) : 0;
        const k = (q - start + n) % n;
        out[2 * k] = xs[seg]! + f * (xs[seg + 1]! - xs[seg]!);
        out[2 * k + 1] = ys[seg]! + f * (ys[seg + 1]! - ys[seg]!);
        break;
      }
      walked += len;
      seg += 1;
    }
  }
  return out;
}

/** Tangents, walls, gates and the drivability measures of a centreline. */
function build(seed: number, centre: Float64Array, attempts: number): Track {
  const n = centre.length / 2;
  const px = (i: number) => centre[2 * (((i % n) + n) % n)]!;
  const py = (i: number) => centre[2 * (((i % n) + n) % n) + 1]!;
  const tangent = new Float64Array(2 * n);
  const left = new Float64Array(2 * n);
  const right = new Float64Array(2 * n);
  const arc = new Float64Array(n);
  const half = TRACK_WIDTH / 2;
  let length = 0;
  let minBendRadius = Infinity;
  for (let i = 0; i < n; i++) {
    const dx = px(i + 1) - px(i - 1);
    const dy = py(i + 1) - py(i - 1);
    const d = Math.hypot(dx, dy);
    const tx = dx / d;
    const ty = dy / d;
    tangent[2 * i] = tx;
    tangent[2 * i + 1] = ty;
    // y points down the screen: the driver's left of a heading (tx, ty) is (ty, -tx).
    left[2 * i] = px(i) + ty * half;
    left[2 * i + 1] = py(i) - tx * half;
    right[2 * i] = px(i) - ty * half;
    right[2 * i + 1] = py(i) + tx * half;
    arc[i] = length;
    length += Math.hypot(px(i + 1) - px(i), py(i + 1) - py(i));
    minBendRadius = Math.min(minBendRadius, circumradius(px(i - 1), py(i - 1), px(i), py(i), px(i + 1), py(i + 1)));
  }
  // A candidate that bends too sharply is thrown away anyway: the gap is only measured if it does not.
  let minGap2 = Infinity;
  for (let i = 0; i < n && minBendRadius >= MIN_BEND_RADIUS; i++) {
    for (let j = i + 1; j < n; j++) {
      const along = Math.min(arc[j]! - arc[i]!, length - (arc[j]! - arc[i]!));
      if (along < FAR_APART) continue;
      minGap2 = Math.min(minGap2, (centre[2 * i]! - centre[2 * j]!) ** 2 + (centre[2 * i + 1]! - centre[2 * j + 1]!) ** 2);
    }
  }
  const minGap = Math.sqrt(minGap2);
  const walls = new Float64Array(8 * n);
  for (let i = 0; i < n; i++) {
    const j = (i + 1) % n;
    walls.set([left[2 * i]!, left[2 * i + 1]!, left[2 * j]!, left[2 * j + 1]!], 4 * i);
    walls.set([right[2 * i]!, right[2 * i + 1]!, right[2 * j]!, right[2 * j + 1]!], 4 * (n + i));
  }
  const gates = new Float64Array(4 * GATE_COUNT);
  for (let g = 0; g < GATE_COUNT; g++) {
    const i = g * GATE_EVERY;
    gates.set([left[2 * i]!, left[2 * i + 1]!, right[2 * i]!, right[2 * i + 1]!], 4 * g);
  }
  return { seed, centre, tangent, left, right, arc, length, walls, gates, minBendRadius, minGap, attempts };
}

/** The radius of the circle through three points (Infinity when they lie on a line). */
function circumradius(ax: number, ay: number, bx: number, by: number, cx: number, cy: number): number {
  const cross = (bx - ax) * (cy - ay) - (by - ay) * (cx - ax);
  if (cross === 0) return Infinity;
  const ab = Math.hypot(bx - ax, by - ay);
  const bc = Math.hypot(cx - bx, cy - by);
  const ca = Math.hypot(ax - cx, ay - cy);
  return (ab * bc * ca) / (2 * Math.abs(cross));
}

/** True when a circle of radius `r` at (x, y) touches a wall of the track. */
export function touchesWall(track: Track, x: number, y: number, r: number): boolean {
  const w = track.walls;
  const r2 = r * r;
  for (let s = 0; s < w.length; s += 4) {
    if (segmentDistance2(x, y, w[s]!, w[s + 1]!, w[s + 2]!, w[s + 3]!) < r2) return true;
  }
  return false;
}

/** Squared distance from (x, y) to the segment (ax, ay)-(bx, by). */
export function segmentDistance2(x: number, y: number, ax: number, ay: number, bx: number, by: number): number {
  const dx = bx - ax;
  const dy = by - ay;
  const len2 = dx * dx + dy * dy;
  let t = len2 > 0 ? ((x - ax) * dx + (y - ay) * dy) / len2 : 0;
  t = t < 0 ? 0 : t > 1 ? 1 : t;
  const ex = ax + t * dx - x;
  const ey = ay + t * dy - y;
  return ex * ex + ey * ey;
}

/**
 * True when a move from (x0, y0) to (x1, y1) crosses gate `g` going forward (along the track's
 * direction of travel there); crossing it backwards does not count.
 */
export function crossesGate(track: Track, g: number, x0: number, y0: number, x1: number, y1: number): boolean {
  const i = (g % GATE_COUNT) * GATE_EVERY;
  const mx = x1 - x0;
  const my = y1 - y0;
  if (mx * track.tangent[2 * i]! + my * track.tangent[2 * i + 1]! <= 0) return false;
  const q = track.gates;
  return segmentsCross(x0, y0, x1, y1, q[4 * g]!, q[4 * g + 1]!, q[4 * g + 2]!, q[4 * g + 3]!);
}

/** True when the segments p0-p1 and q0-q1 intersect (touching at an end counts). */
function segmentsCross(p0x: number, p0y: number, p1x: number, p1y: number, q0x: number, q0y: number, q1x: number, q1y: number): boolean {
  const rx = p1x - p0x;
  const ry = p1y - p0y;
  const sx = q1x - q0x;
  const sy = q1y - q0y;
  const denom = rx * sy - ry * sx;
  if (denom === 0) return false;
  const t = ((q0x - p0x) * sy - (q0y - p0y) * sx) / denom;
  const u = ((q0x - p0x) * ry - (q0y - p0y) * rx) / denom;
  return t >= 0 && t <= 1 && u >= 0 && u <= 1;
}

/**
 * The centreline point nearest (x, y), looked for within `window` points of `hint` (a car moves
 * a fraction of a point per step, so its last nearest point is a good hint).
 */
export function nearestPoint(track: Track, x: number, y: number, hint: number, window = 8): number {
  const c = track.centre;
  const n = c.length / 2;
  let best = hint;
  let bestD = Infinity;
  for (let k = -window; k <= window; k++) {
    const i = (((hint + k) % n) + n) % n;
    const d = (c[2 * i]! - x) ** 2 + (c[2 * i + 1]! - y) ** 2;
    if (d < bestD) {
      bestD = d;
      best = i;
    }
  }
  return best;
}

/**
 * The arc length along the centreline of (x, y)'s projection on it, near centreline point
 * `point` (its nearest): on the segment before or after that point, whichever is closer.
 */
export function arcPosition(track: Track, x: number, y: number, point: number): number {
  const c = track.centre;
  const n = c.length / 2;
  let best = Infinity;
  let s = track.arc[point]!;
  for (const from of [(point + n - 1) % n, point]) {
    const to = (from + 1) % n;
    const ax = c[2 * from]!;
    const ay = c[2 * from + 1]!;
    const dx = c[2 * to]! - ax;
    const dy = c[2 * to + 1]! - ay;
    const len2 = dx * dx + dy * dy;
    const t = Math.max(0, Math.min(1, ((x - ax) * dx + (y - ay) * dy) / len2));
    const d = (ax + t * dx - x) ** 2 + (ay + t * dy - y) ** 2;
    if (d < best) {
      best = d;
      s = track.arc[from]! + t * Math.sqrt(len2);
    }
  }
  return s;
}

/**
 * How far round a car is, in gates: the gates it has crossed, plus the share of the way from the
 * last of them to the next that it has covered (0 to 1, held at 1 until it crosses).
 */
export function gateProgress(track: Track, gatesPassed: number, nextGate: number, arc: number): number {
  const L = track.length;
  const last = track.arc[((nextGate + GATE_COUNT - 1) % GATE_COUNT) * GATE_EVERY]!;
  const spacing = (track.arc[nextGate * GATE_EVERY]! - last + L) % L;
  let d = arc - last;
  // Wrapped into [-L/2, L/2): a car just behind its last gate is a little behind, not a lap ahead.
  d = ((d + L / 2) % L + L) % L - L / 2;
  return gatesPassed + Math.max(0, Math.min(1, d / spacing));
}

/** Where a car starts on the grid: `slot` 0 on the start line, then staggered rows behind it. */
export function gridPosition(track: Track, slot: number): { x: number; y: number; rotation: number } {
  const n = track.centre.length / 2;
  // Two abreast, a row every 2 points (about 28 px) behind the line.
  const i = (((-2 * Math.floor(slot / 2)) % n) + n) % n;
  const side = slot % 2 === 0 ? 0.22 : -0.22;
  const tx = track.tangent[2 * i]!;
  const ty = track.tangent[2 * i + 1]!;
  return {
    x: track.centre[2 * i]! + ty * side * TRACK_WIDTH,
    y: track.centre[2 * i + 1]! - tx * side * TRACK_WIDTH,
    rotation: Math.atan2(ty, tx),
  };
}
