import { readFileSync } from 'node:fs';
import { HeadlessGame, checkEnv, loadStudentPolicy } from 'phaser-distill/node';
import { afterEach, describe, expect, it } from 'vitest';
import { Car } from '../../games/racer/car.js';
import {
  CRASH_PENALTY, EPISODE_STEPS, FIELD_MARGIN, GATE_COUNT, GATE_EVERY, GATE_REWARD, LAP_BONUS, MAX_SPEED, MIN_BEND_RADIUS, MIN_TRACK_GAP, OBS_SIZE,
  RACER_HEIGHT, RACER_WIDTH, RESPAWN_STEPS, STALL_STEPS, STEER_NONE, STEER_RIGHT, THROTTLE, TRACK_WIDTH, BRAKE, COAST,
} from '../../games/racer/constants.js';
import { evaluateRacer, loadRacerTeacher, shippedStudents, studentPolicy, teacherPolicy } from '../../games/racer/evaluate.js';
import { followGap } from '../../games/racer/policies.js';
import { RACER, RACER_AGENT, RACER_PLAYER, RACER_UNSEEN, racerGame, rivalName, type RacerScene } from '../../games/racer/scene.js';
import { arcPosition, crossesGate, gateProgress, generateTrack, trackSeed, trackSetOf, type Track } from '../../games/racer/track.js';

const hosts: HeadlessGame[] = [];
afterEach(() => {
  for (const h of hosts.splice(0)) h.destroy();
});

async function host(game = RACER_UNSEEN): Promise<HeadlessGame> {
  const h = await HeadlessGame.create({ game });
  hosts.push(h);
  return h;
}

/** True when segments a and b (x0 y0 x1 y1 from index i, j of `w`) properly cross. */
function cross(w: Float64Array, i: number, j: number): boolean {
  const [ax, ay, bx, by, cx, cy, dx, dy] = [w[i]!, w[i + 1]!, w[i + 2]!, w[i + 3]!, w[j]!, w[j + 1]!, w[j + 2]!, w[j + 3]!];
  const o = (px: number, py: number, qx: number, qy: number, rx: number, ry: number) => Math.sign((qx - px) * (ry - py) - (qy - py) * (rx - px));
  return o(ax, ay, bx, by, cx, cy) * o(ax, ay, bx, by, dx, dy) < 0 && o(cx, cy, dx, dy, ax, ay) * o(cx, cy, dx, dy, bx, by) < 0;
}

describe('Racer tracks', () => {
  it('are the same for the same seed and differ between seeds', () => {
    const a = generateTrack(12);
    const b = generateTrack(12);
    expect(Array.from(a.centre)).toEqual(Array.from(b.centre));
    expect(Array.from(a.walls)).toEqual(Array.from(b.walls));
    const c = generateTrack(14);
    expect(Math.abs(c.length - a.length) + Math.abs(c.centre[0]! - a.centre[0]!)).toBeGreaterThan(1);
  });

  it('are drivable: fixed width, bends no tighter than the limit, walls that never cross, inside the field', () => {
    for (let k = 0; k < 40; k++) {
      const t = generateTrack(trackSeed(k % 2 ? 'train' : 'unseen', k));
      expect(t.minBendRadius).toBeGreaterThanOrEqual(MIN_BEND_RADIUS);
      expect(t.minGap).toBeGreaterThanOrEqual(MIN_TRACK_GAP);
      const n = t.centre.length / 2;
      for (let i = 0; i < n; i++) {
        expect(Math.hypot(t.left[2 * i]! - t.right[2 * i]!, t.left[2 * i + 1]! - t.right[2 * i + 1]!)).toBeCloseTo(TRACK_WIDTH, 9);
        for (const side of [t.left, t.right]) {
          expect(side[2 * i]!).toBeGreaterThanOrEqual(FIELD_MARGIN - 1e-9);
          expect(side[2 * i]!).toBeLessThanOrEqual(RACER_WIDTH - FIELD_MARGIN + 1e-9);
          expect(side[2 * i + 1]!).toBeGreaterThanOrEqual(FIELD_MARGIN - 1e-9);
          expect(side[2 * i + 1]!).toBeLessThanOrEqual(RACER_HEIGHT - FIELD_MARGIN + 1e-9);
        }
      }
      // No two wall segments cross (neighbours share an end, which is not a crossing).
      const segments = t.walls.length / 4;
      let crossings = 0;
      for (let i = 0; i < segments; i++) for (let j = i + 1; j < segments; j++) if (cross(t.walls, 4 * i, 4 * j)) crossings += 1;
      expect(crossings, `track ${t.seed}`).toBe(0);
    }
  });

  it('training and unseen tracks come from disjoint seeds, and each game plays its own set', async () => {
    const train = new Set(Array.from({ length: 1000 }, (_, k) => trackSeed('train', k)));
    const unseen = Array.from({ length: 1000 }, (_, k) => trackSeed('unseen', k));
    expect(unseen.filter((s) => train.has(s))).toEqual([]);
    expect(new Set(unseen).size).toBe(1000);
    for (const [game, set] of [[RACER, 'train'], [RACER_UNSEEN, 'unseen']] as const) {
      const h = await host(game);
      const env = h.env(RACER_AGENT);
      for (const k of [0, 1, 77, 4_000_000]) {
        env.reset(k);
        const scene = h.scenes[0] as RacerScene;
        expect(scene.track.seed).toBe(trackSeed(set, k));
        expect(trackSetOf(scene.track.seed)).toBe(set);
      }
    }
  });

  it('count progress through the gates in order only: skipping ahead pays one gate at most, crossing backwards nothing', () => {
    const t = generateTrack(trackSeed('unseen', 3));
    const at = (g: number) => t.arc[(g * GATE_EVERY) % (t.centre.length / 2)]!;
    // Half way from gate 0 to gate 1.
    expect(gateProgress(t, 0, 1, (at(0) + at(1)) / 2)).toBeCloseTo(0.5, 6);
    // At gate 5 without having crossed gate 1: held at the next gate.
    expect(gateProgress(t, 0, 1, at(5))).toBe(1);
    // Crossing gate 2 forward counts; backward does not.
    const i = 2 * GATE_EVERY;
    const [x, y, tx, ty] = [t.centre[2 * i]!, t.centre[2 * i + 1]!, t.tangent[2 * i]!, t.tangent[2 * i + 1]!];
    expect(crossesGate(t, 2, x - 3 * tx, y - 3 * ty, x + 3 * tx, y + 3 * ty)).toBe(true);
    expect(crossesGate(t, 2, x + 3 * tx, y + 3 * ty, x - 3 * tx, y - 3 * ty)).toBe(false);
    expect(crossesGate(t, 3, x - 3 * tx, y - 3 * ty, x + 3 * tx, y + 3 * ty)).toBe(false);
    // The arc position of a point on the centreline is its arc length.
    expect(arcPosition(t, x, y, i)).toBeCloseTo(t.arc[i]!, 9);
  });
});

describe('Racer car', () => {
  it('tends to its top speed on full throttle, stops when braking, never reverses, and turns tighter slow than fast', () => {
    const car = new Car(0, 0, 0);
    car.control(STEER_NONE, THROTTLE);
    for (let k = 0; k < 60 * 20; k++) car.step(1 / 60);
    expect(car.speed).toBeGreaterThan(0.99 * MAX_SPEED);
    expect(car.speed).toBeLessThanOrEqual(MAX_SPEED);
    expect(car.y).toBe(0);
    car.control(STEER_NONE, BRAKE);
    for (let k = 0; k < 60 * 2; k++) car.step(1 / 60);
    expect(car.speed).toBe(0);
    const x = car.x;
    car.step(1 / 60);
    expect(car.x).toBe(x);
    // A full circle steering right at a held speed: its radius is speed / turn rate.
    const radius = (speed: number) => {
      const c = new Car(0, 0, 0);
      c.speed = speed;
      c.control(STEER_RIGHT, COAST);
      let maxY = 0;
      for (let k = 0; k < 600; k++) {
        c.speed = speed;
        c.step(1 / 60);
        maxY = Math.max(maxY, c.y);
      }
      return maxY / 2;
    };
    expect(radius(60)).toBeLessThan(30);
    expect(radius(260)).toBeGreaterThan(90);
  });
});

describe('Racer scene', () => {
  it('passes checkEnv', async () => {
    const h = await host();
    checkEnv(h.env(RACER_AGENT), { steps: 400 });
  });

  it('a car that drives into a wall ends its episode (terminated) with the crash penalty', async () => {
    const h = await host();
    const env = h.env(RACER_AGENT);
    const { observation } = env.reset(5);
    expect(observation).toHaveLength(OBS_SIZE);
    const scene = h.scenes[0] as RacerScene;
    const start = scene.learner.progress;
    let total = 0;
    let last = { terminated: false, truncated: false, reward: 0 };
    for (let k = 0; k < 500 && !last.terminated && !last.truncated; k++) {
      // Full throttle, full right lock: the car circles into the wall within a few seconds.
      last = env.step([STEER_RIGHT, THROTTLE]);
      total += last.reward;
    }
    expect(last.terminated).toBe(true);
    expect(scene.learner.crashed).toBe(true);
    expect(scene.learner.laps).toBe(0);
    // The episode's return is the progress made, then the penalty.
    expect(total).toBeCloseTo(GATE_REWARD * (scene.learner.progress - start) + CRASH_PENALTY, 9);
    expect(last.reward).toBeLessThan(CRASH_PENALTY + 1);
  });

  it('a car that stands still is out after STALL_STEPS without a gate', async () => {
    const h = await host();
    const env = h.env(RACER_AGENT);
    env.reset(2);
    let steps = 0;
    let r = { terminated: false, truncated: false, reward: 0 };
    while (!r.terminated && !r.truncated) {
      r = env.step([STEER_NONE, BRAKE]);
      steps += 1;
    }
    expect(r.terminated).toBe(true);
    expect((h.scenes[0] as RacerScene).learner.stalled).toBe(true);
    expect(r.reward).toBe(CRASH_PENALTY);
    expect(steps * 4).toBe(STALL_STEPS);
  });

  it('crossing the gates in order pays each gate, and the finish ends the lap with the bonus', async () => {
    const h = await host();
    const env = h.env(RACER_AGENT);
    let { observation } = env.reset(9);
    const scene = h.scenes[0] as RacerScene;
    const start = scene.learner.progress;
    let total = 0;
    const gatesSeen: number[] = [];
    for (let k = 0; k < EPISODE_STEPS; k++) {
      const r = env.step(followGap(observation));
      total += r.reward;
      observation = r.observation;
      if (gatesSeen[gatesSeen.length - 1] !== scene.learner.gatesPassed) gatesSeen.push(scene.learner.gatesPassed);
      if (r.terminated || r.truncated) {
        expect(r.terminated).toBe(true);
        break;
      }
    }
    expect(scene.learner.finished).toBe(true);
    // Gates one at a time, in order, all of them: the finish line last.
    expect(gatesSeen).toEqual(Array.from({ length: GATE_COUNT + 1 }, (_, g) => g));
    expect(scene.learner.nextGate).toBe(1);
    // Progress paid as it went: all the gates (and the step just past the line), then the bonus.
    const progress = scene.learner.progress;
    expect(progress).toBeGreaterThanOrEqual(GATE_COUNT);
    expect(progress).toBeLessThan(GATE_COUNT + 0.1);
    expect(total).toBeCloseTo(GATE_REWARD * (progress - start) + LAP_BONUS, 9);
  });

  it('races several ghost cars and the player: none ends the race by touching a wall or stopping, each goes on from its last gate', async () => {
    const h = await host(racerGame({ tracks: 'unseen', mode: 'race', rivals: 3, player: true }));
    const scene = h.scenes[0] as RacerScene;
    expect(scene.racers.map((r) => r.name)).toEqual([RACER_AGENT, rivalName(1), rivalName(2), rivalName(3), RACER_PLAYER]);
    scene.ai.use(RACER_AGENT, (o) => followGap(o));
    scene.ai.use(rivalName(1), (o) => followGap(o));
    // The second rival drives into the wall and so keeps crashing; the third never sets off.
    scene.ai.use(rivalName(2), () => [STEER_RIGHT, THROTTLE]);
    scene.ai.use(rivalName(3), () => [STEER_NONE, BRAKE]);
    // The player's keys: none are pressed here.
    scene.ai.use(RACER_PLAYER, 'human');
    const start = scene.racers.map((r) => ({ x: r.car.x, y: r.car.y }));
    // Different grid slots: no two cars start in the same place.
    expect(new Set(start.map((p) => `${p.x.toFixed(1)},${p.y.toFixed(1)}`)).size).toBe(5);
    const [car, rival1, rival2, rival3, player] = scene.racers;
    let frames = 0;
    while (rival2!.crashes === 0 && frames < 600) {
      h.frame();
      frames += 1;
    }
    expect(rival2!.crashes).toBe(1);
    // It waits RESPAWN_STEPS, then stands still on the centreline at its last gate, facing along the track.
    for (let f = 0; f < RESPAWN_STEPS; f++) h.frame();
    const i = ((rival2!.nextGate + GATE_COUNT - 1) % GATE_COUNT) * GATE_EVERY;
    expect([rival2!.car.x, rival2!.car.y, rival2!.car.speed]).toEqual([scene.track.centre[2 * i], scene.track.centre[2 * i + 1], 0]);
    expect(rival2!.car.rotation).toBeCloseTo(Math.atan2(scene.track.tangent[2 * i + 1]!, scene.track.tangent[2 * i]!), 9);
    for (frames += RESPAWN_STEPS; frames < 60 * 15; frames++) h.frame();
    // Still the same race: no crash restarted the scene.
    expect(scene.racers[0]).toBe(car);
    expect(car!.gatesPassed).toBeGreaterThan(GATE_COUNT / 2);
    expect(rival1!.gatesPassed).toBeGreaterThan(GATE_COUNT / 2);
    expect(rival2!.crashes).toBeGreaterThan(1);
    // The AI car that stopped was put on its last gate (the start line) when its checkpoint timer ran out.
    expect(rival3!.stalls).toBeGreaterThanOrEqual(1);
    expect(rival3!.crashes).toBe(0);
    expect([rival3!.car.x, rival3!.car.y]).toEqual([scene.track.centre[0], scene.track.centre[1]]);
    // The player may wait: its car has not moved. The two cars that drive well lead.
    expect(player!.stalls + player!.crashes).toBe(0);
    expect({ x: player!.car.x, y: player!.car.y }).toEqual(start[4]);
    expect(scene.standings().slice(0, 2).map((r) => r.name).sort()).toEqual([RACER_AGENT, rivalName(1)]);
  });
});

describe('the shipped Racer policies on unseen tracks', () => {
  // Tracks 100..139 of the unseen set: none of them is among the 100 that evaluate.ts reports.
  const options = { tracks: 40, first: 100 };

  it('the teacher, on TensorFlow.js, completes at least 90% of its laps; the largest student, with at most 5% of its parameters, at least 95% as many', async () => {
    const teacher = await loadRacerTeacher();
    const teacherParameters = teacher.parameterCount;
    let teacherStats;
    try {
      teacherStats = await evaluateRacer(teacherPolicy(teacher), options);
    } finally {
      teacher.dispose();
    }
    expect(teacherStats.completion, JSON.stringify(teacherStats)).toBeGreaterThanOrEqual(0.9);
    const [best] = shippedStudents();
    const student = loadStudentPolicy(readFileSync(`assets/policies/racer/${best}.json`, 'utf8'));
    expect(student.parameterCount / teacherParameters).toBeLessThanOrEqual(0.05);
    const stats = await evaluateRacer(studentPolicy(student), options);
    expect(stats.completion, JSON.stringify({ best, stats, teacherStats })).toBeGreaterThanOrEqual(0.95 * teacherStats.completion);
  });

  it('every shipped student completes at least 85% of its laps', async () => {
    for (const name of shippedStudents()) {
      const stats = await evaluateRacer(studentPolicy(loadStudentPolicy(readFileSync(`assets/policies/racer/${name}.json`, 'utf8'))), options);
      expect(stats.completion, `${name}: ${JSON.stringify(stats)}`).toBeGreaterThanOrEqual(0.85);
    }
  });
});
