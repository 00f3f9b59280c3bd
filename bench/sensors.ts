/**
 * RaySensor2D against phaser-raycaster (npm, the Phaser raycasting plugin) on the same rays in the
 * same headless Phaser scene, side by side in one run: 15 rays over +-90 degrees, 400 pixels long,
 * among 20 rectangles and 10 circles with static Arcade bodies, from 64 positions. Timed in
 * alternating blocks so both see the same machine load (medians of the blocks); the hit distances
 * are compared ray by ray (a ray that reaches the field's edge is a miss for both); bytes allocated
 * per frame (one cast of all rays) come from V8's sampling heap profiler, less what it counts on a
 * loop that does nothing. RaySensor2D gathers the bodies again at every cast; phaser-raycaster maps
 * the objects once, as static. GridSensor2D (9 x 9 cells of 40 px) is timed alone: it has no peer.
 *
 *   npm run bench:sensors
 */
import { Session } from 'node:inspector/promises';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import { Rng } from '../src/env/index.js';

// The headless host's browser globals before Phaser; phaser-raycaster's package entry does not
// resolve in Node, so its built file is loaded, and it reads the global Phaser.
const node = await import('../plugin/node.js');
const Phaser = (await import('phaser')).default;
(globalThis as { Phaser?: unknown }).Phaser ??= Phaser;
const require = createRequire(import.meta.url);
const raycasterModule = require(fileURLToPath(new URL('../node_modules/phaser-raycaster/dist/phaser-raycaster.js', import.meta.url))) as { default?: unknown };
const PhaserRaycaster = raycasterModule.default ?? raycasterModule;

const RAYS_PER_DIRECTION = 7;
const RAY_COUNT = 2 * RAYS_PER_DIRECTION + 1;
const LENGTH = 400;
const POSITIONS = 64;

interface PeerRay {
  setOrigin(x: number, y: number): void;
  setAngle(angle: number): void;
  cast(): { x: number; y: number } | false;
}

class Field extends Phaser.Scene {
  sensor!: InstanceType<typeof node.RaySensor2D>;
  grid!: InstanceType<typeof node.GridSensor2D>;
  peer!: PeerRay;
  readonly positions: { x: number; y: number; rotation: number }[] = [];

  constructor() {
    super('field');
  }

  create(): void {
    const rng = new Rng(7);
    const objects: Phaser.GameObjects.GameObject[] = [];
    for (let i = 0; i < 20; i++) {
      const r = this.add.rectangle(rng.uniform(50, 950), rng.uniform(50, 950), rng.uniform(10, 60), rng.uniform(10, 60));
      this.physics.add.existing(r, true);
      objects.push(r);
    }
    for (let i = 0; i < 10; i++) {
      const c = this.add.circle(rng.uniform(50, 950), rng.uniform(50, 950), rng.uniform(5, 25));
      this.physics.add.existing(c, true);
      (c.body as Phaser.Physics.Arcade.StaticBody).setCircle(c.radius);
      objects.push(c);
    }
    // Where agents stand: in the open, not inside an obstacle (where the two differ by design:
    // RaySensor2D, as Unity's rays, does not see what it starts in; phaser-raycaster does).
    while (this.positions.length < POSITIONS) {
      const at = { x: rng.uniform(100, 900), y: rng.uniform(100, 900), rotation: rng.uniform(-Math.PI, Math.PI) };
      if (!objects.some((o) => (o as unknown as { getBounds(): Phaser.Geom.Rectangle }).getBounds().contains(at.x, at.y))) this.positions.push(at);
    }
    this.sensor = new node.RaySensor2D(this, { rayLength: LENGTH, tags: [], raysPerDirection: RAYS_PER_DIRECTION, maxRayDegrees: 90 });
    this.grid = new node.GridSensor2D(this, { width: 9, height: 9, cellSize: 40, tags: ['rect', 'circle'], tagOf: (o) => (o.type === 'Arc' ? 'circle' : 'rect') });
    const raycaster = (this as unknown as { raycasterPlugin: { createRaycaster(): { mapGameObjects(o: unknown[], dynamic: boolean): void; createRay(o: unknown): PeerRay } } }).raycasterPlugin.createRaycaster();
    raycaster.mapGameObjects(objects, false);
    this.peer = raycaster.createRay({ origin: { x: 0, y: 0 }, detectionRange: LENGTH });
  }
}

const game = new Phaser.Game({
  type: Phaser.HEADLESS, width: 1000, height: 1000, banner: false, audio: { noAudio: true },
  physics: { default: 'arcade', arcade: { gravity: { x: 0, y: 0 } } },
  plugins: { scene: [{ key: 'PhaserRaycaster', plugin: PhaserRaycaster, mapping: 'raycasterPlugin' }] },
  scene: [Field],
} as Phaser.Types.Core.GameConfig);
// The game boots on its own timers; wait for the scene's create().
for (let i = 0; i < 250 && !(game.scene.scenes[0] as Field | undefined)?.sensor; i++) await new Promise((r) => setTimeout(r, 20));
const scene = game.scene.scenes[0] as Field;
if (!scene?.sensor) throw new Error('bench:sensors: the scene did not start');
game.loop.stop();

// The rays' world angles, as RaySensor2D casts them (left to right), for the peer.
const offsets = Array.from({ length: RAY_COUNT }, (_, k) => ((90 - (90 + 90 - (k * 90) / RAYS_PER_DIRECTION)) * Math.PI) / 180);
const ours = (p: number) => scene.sensor.observe(scene.positions[p]!);
const peerHits = new Float64Array(RAY_COUNT);
const theirs = (p: number) => {
  const { x, y, rotation: r } = scene.positions[p]!;
  scene.peer.setOrigin(x, y);
  for (let k = 0; k < RAY_COUNT; k++) {
    scene.peer.setAngle(r + offsets[k]!);
    const hit = scene.peer.cast();
    peerHits[k] = hit ? Math.hypot(hit.x - x, hit.y - y) : LENGTH;
    // phaser-raycaster stops a ray that hits nothing at its bounds (the game's 1000 x 1000): a miss.
    if (Math.abs(peerHits[k]! - toBounds(x, y, r + offsets[k]!)) < 1e-6) peerHits[k] = LENGTH;
  }
};

/** How far a ray from (x, y) at `angle` runs before it leaves the 1000 x 1000 field. */
function toBounds(x: number, y: number, angle: number): number {
  const dx = Math.cos(angle);
  const dy = Math.sin(angle);
  const tx = dx > 0 ? (1000 - x) / dx : dx < 0 ? -x / dx : Infinity;
  const ty = dy > 0 ? (1000 - y) / dy : dy < 0 ? -y / dy : Infinity;
  return Math.min(tx, ty);
}

// The same answers: hit distances ray by ray.
let maxDiff = 0;
let hits = 0;
for (let p = 0; p < POSITIONS; p++) {
  const v = ours(p);
  theirs(p);
  for (let k = 0; k < RAY_COUNT; k++) {
    const d = v[k * 2 + 1]! * LENGTH;
    if (v[k * 2] === 0) hits++;
    maxDiff = Math.max(maxDiff, Math.abs(d - Math.min(peerHits[k]!, LENGTH)));
  }
}

/** Milliseconds of the real clock (the headless host gives Phaser a clock of its own). */
const now = () => Number(process.hrtime.bigint()) / 1e6;

/** Frames (all rays from one position) a second, median of alternating 150 ms blocks. */
function rate(): { ours: number; theirs: number } {
  const block = (f: (p: number) => unknown) => {
    const t0 = now();
    let frames = 0;
    while (now() - t0 < 150) f(frames++ % POSITIONS);
    return frames / ((now() - t0) / 1000);
  };
  const a: number[] = [];
  const b: number[] = [];
  for (let i = 0; i < 12; i++) {
    a.push(block(ours));
    b.push(block(theirs));
  }
  const median = (xs: number[]) => xs.sort((p, q) => p - q)[xs.length >> 1]!;
  return { ours: median(a), theirs: median(b) };
}

async function bytesPerFrame(f: (p: number) => unknown, frames: number): Promise<number> {
  const session = new Session();
  session.connect();
  for (let i = 0; i < frames; i++) f(i % POSITIONS);
  await session.post('HeapProfiler.startSampling', { samplingInterval: 32, includeObjectsCollectedByMinorGC: true, includeObjectsCollectedByMajorGC: true });
  for (let i = 0; i < frames; i++) f(i % POSITIONS);
  const { profile } = (await session.post('HeapProfiler.stopSampling')) as { profile: { head: Node } };
  session.disconnect();
  const total = (n: Node): number => n.selfSize + n.children.reduce((s, c) => s + total(c), 0);
  return total(profile.head) / frames;
}
interface Node {
  selfSize: number;
  children: Node[];
}

// The profiler's own bytes, measured on a loop that does nothing, are taken off each count.
const idle = (frames: number) => bytesPerFrame(() => 0, frames);
const speed = rate();
// The grid sensor alone (no peer): observations a second and bytes a frame.
const grid = (p: number) => scene.grid.observe(scene.positions[p]!);
const gridRate = (() => {
  const t0 = now();
  let frames = 0;
  while (now() - t0 < 1000) grid(frames++ % POSITIONS);
  return frames / ((now() - t0) / 1000);
})();
const gridBytes = Math.max(0, (await bytesPerFrame(grid, 20_000)) - (await idle(20_000)));
// (the peer is far slower: fewer frames suffice to see what it allocates)
const oursBytes = Math.max(0, (await bytesPerFrame(ours, 50_000)) - (await idle(50_000)));
const theirBytes = Math.max(0, (await bytesPerFrame(theirs, 200)) - (await idle(200)));
game.destroy(true);

const raysPerS = speed.ours * RAY_COUNT;
const peerRaysPerS = speed.theirs * RAY_COUNT;
console.log(`${RAY_COUNT} rays of ${LENGTH} px from ${POSITIONS} positions among 20 rectangles and 10 circles; ${hits} of ${POSITIONS * RAY_COUNT} rays hit`);
console.log(`RaySensor2D      ${Math.round(raysPerS).toLocaleString('en').padStart(12)} rays/s  ${oursBytes.toFixed(1).padStart(8)} bytes allocated a frame`);
console.log(`phaser-raycaster ${Math.round(peerRaysPerS).toLocaleString('en').padStart(12)} rays/s  ${theirBytes.toFixed(1).padStart(8)} bytes allocated a frame`);
console.log(`largest difference in hit distance: ${maxDiff.toExponential(2)} px`);
console.log(`GridSensor2D (9 x 9 cells of 40 px, 2 tags): ${Math.round(gridRate).toLocaleString('en')} observations/s, ${gridBytes.toFixed(1)} bytes allocated a frame`);
console.log(JSON.stringify({
  bench: 'sensors', rays: RAY_COUNT, ray_length: LENGTH,
  rays_per_s: Math.round(raysPerS), peer_rays_per_s: Math.round(peerRaysPerS), speedup: Number((raysPerS / peerRaysPerS).toFixed(2)),
  bytes_allocated_per_frame: Number(oursBytes.toFixed(2)), peer_bytes_allocated_per_frame: Number(theirBytes.toFixed(1)),
  max_hit_distance_diff_px: maxDiff,
  grid_observations_per_s: Math.round(gridRate), grid_bytes_allocated_per_frame: Number(gridBytes.toFixed(1)),
}));
process.exit(0);
