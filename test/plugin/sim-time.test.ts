/**
 * Phaser's time on simulation time: a scene whose game logic runs on Matter physics, a tween and a
 * timer (test/helpers/machinery-scene.ts) plays the same game whatever the display's frame rate and
 * however busy the machine: the plugin steps Matter, the scene clock and the tweens once per
 * simulation step, never by the wall clock or the display's frames.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { HeadlessGame } from 'phaser-distill/node';
import { describe, expect, it } from 'vitest';
import { MACHINERY, ROLLER, type MachineryScene } from '../helpers/machinery-scene.js';

const STEPS = 20_000;

interface Run {
  /** Every decision: the observation as float32 bytes, then the action. */
  decisions: number[][];
  bytes: Buffer;
  drops: number;
  tweenLoops: number;
  /** Matter's own clock after the run, in ms. */
  matterMs: number;
  frames: number;
}

async function play(frameRate: number, seed: number): Promise<Run> {
  const host = await HeadlessGame.create({ game: MACHINERY, frameRate });
  try {
    const scene = host.scenes[0] as MachineryScene;
    host.restart(0, seed);
    const decisions: number[][] = [];
    // A policy that reads what the systems did: it chases the ball's velocity, and cycles otherwise.
    scene.ai.use(ROLLER, (o) => {
      const vx = o[2]!;
      const a = vx > 0.5 ? 0 : vx < -0.5 ? 2 : decisions.length % 3;
      decisions.push([...o, a]);
      return a;
    });
    while (scene.ai.steps < STEPS) host.frame();
    expect(scene.ai.steps).toBe(STEPS);
    expect(scene.ai.simulated).toEqual(['the scene clock', 'the tweens', 'Matter physics']);
    const flat = Float32Array.from(decisions.flat());
    return { decisions, bytes: Buffer.from(flat.buffer), drops: scene.drops, tweenLoops: scene.tweenLoops, matterMs: scene.matter.world.engine.timing.timestamp, frames: host.frames };
  } finally {
    host.destroy();
  }
}

/** Two CPU-bound processes beside the test, as a busy machine. */
function burners(): ChildProcess[] {
  return [0, 1].map(() => spawn(process.execPath, ['-e', 'for (;;) {}'], { stdio: 'ignore' }));
}

describe('Matter, the scene clock and tweens on simulation time', () => {
  it('the same seed gives bit-identical observations over 20k steps, with two CPU-bound processes beside it', async () => {
    const busy = burners();
    let a: Run;
    let b: Run;
    try {
      a = await play(60, 11);
      b = await play(60, 11);
    } finally {
      for (const p of busy) p.kill('SIGKILL');
    }
    // The systems ran: Matter exactly one step per simulation step, the timer every 0.4 s of
    // simulation time (24 steps), the tween's cycles of 1.5 s each way.
    expect(a.matterMs).toBeCloseTo((STEPS * 1000) / 60, 6);
    expect(a.drops).toBe(Math.floor(STEPS / 24));
    expect(a.tweenLoops).toBeGreaterThanOrEqual(Math.floor(STEPS / 180) - 1);
    expect(a.decisions.length).toBe(STEPS / 4);
    expect(new Set(a.decisions.map((d) => d[7])).size).toBe(3);
    expect(b.bytes.equals(a.bytes)).toBe(true);
    // Another seed is another game (the crates fall elsewhere).
    const c = await play(60, 12);
    expect(c.bytes.equals(a.bytes)).toBe(false);
  });

  it('identical decisions at 30, 60 and 144 Hz displays', async () => {
    const [at30, at60, at144] = [await play(30, 5), await play(60, 5), await play(144, 5)];
    expect(at30.frames).toBe(STEPS / 2);
    expect(at144.frames).toBeGreaterThan(2 * STEPS);
    for (const other of [at30, at144]) {
      expect(other.matterMs).toBeCloseTo(at60.matterMs, 6);
      expect(other.drops).toBe(at60.drops);
      expect(other.tweenLoops).toBe(at60.tweenLoops);
      expect(other.bytes.equals(at60.bytes)).toBe(true);
    }
  });
});
