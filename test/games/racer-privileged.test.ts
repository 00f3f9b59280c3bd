/**
 * Racer's privileged teacher (racerGame({ privileged: true })): besides the speed and rays its
 * students see, it sees the track ahead, AHEAD_POINTS centreline points in the car's frame. The
 * shipped game (RACER) declares no privileged view, so its configs and students are as before.
 */
import { createSceneVectorEnv } from 'phaser-distill/node';
import { describe, expect, it } from 'vitest';
import { AHEAD_POINTS, RACER, RACER_PRIVILEGED, type RacerScene } from '../../games/racer/scene.js';

describe('Racer with a privileged teacher', () => {
  it('the teacher sees the rays and the track ahead, in the car\'s frame: the points lie ahead and further off one after another', async () => {
    const env = await createSceneVectorEnv(RACER_PRIVILEGED, { instances: 2 });
    const plain = await createSceneVectorEnv(RACER, { instances: 1 });
    try {
      const S = plain.observationSpace.shape[0]!;
      expect(env.observationSpace.shape).toEqual([S]);
      expect(plain.privileged).toBeNull();
      const T = S + 2 * AHEAD_POINTS;
      expect(env.privileged!.observationSpace.shape).toEqual([T]);
      const obs = env.reset(3);
      const view = env.privileged!.observations();
      for (let i = 0; i < 2; i++) {
        expect(Array.from(view.subarray(i * T, i * T + S))).toEqual(Array.from(obs.subarray(i * S, (i + 1) * S)));
        const ahead = view.subarray(i * T + S, (i + 1) * T);
        // At the start the car faces along the track: the first point is ahead of it and near its line.
        expect(ahead[0]).toBeGreaterThan(0);
        expect(Math.abs(ahead[1]!)).toBeLessThan(ahead[0]!);
        const dist = (k: number) => Math.hypot(ahead[2 * k]!, ahead[2 * k + 1]!);
        expect(dist(3)).toBeGreaterThan(dist(0));
      }
      // Full throttle, no steering: the view moves with the car, and the car sees the same track ahead as its scene computes it.
      const r = env.step(new Float32Array([1, 2, 1, 2]));
      const scene = env.runner.plugin(0).scene as RacerScene;
      const expected = scene.trackAhead(scene.learner, new Float32Array(2 * AHEAD_POINTS));
      expect(r.terminated[0]! + r.truncated[0]!).toBe(0);
      expect(Array.from(env.privileged!.observations().subarray(S, T))).toEqual(Array.from(expected));
    } finally {
      env.close();
      plain.close();
    }
  });
});
