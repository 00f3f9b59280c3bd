/**
 * A privileged view (spec.privileged) in real headless Phaser scenes: the teacher's view is the
 * student's observation followed by the privileged numbers and sensors, read with it at every
 * decision; SceneEnv gives it in `info`, SceneVectorEnv as `privileged` (and the last view of an
 * episode that ended), `teacherView` makes it the observations of a vector env; a bad declaration
 * is an error that names what is wrong.
 */
import { HeadlessGame, SyncVectorEnv, teacherView, type AgentSpec, type GameDef, type ObservationSensor } from 'phaser-distill/node';
import 'phaser-distill/record';
import Phaser from 'phaser';
import { afterEach, describe, expect, it } from 'vitest';

type Spec = AgentSpec<{ type: 'discrete'; n: 2 }>;

/** A counter: the student sees the steps taken, the teacher also a secret (the episode seed's parity, times 7) and a sensor writing steps / 10. */
class Counter extends Phaser.Scene {
  static spec: Partial<Spec> = {};
  steps = 0;
  secret = 0;

  constructor() {
    super('counter');
  }

  create(): void {
    this.steps = 0;
    this.secret = (this.ai.episodeSeed % 2) * 7;
    const scene = this;
    const tenths: ObservationSensor = { size: 1, low: 0, high: 10, sense: (out, offset) => void (out[offset] = scene.steps / 10) };
    this.ai.agent('counter', {
      observation: { shape: [1], low: 0, high: 100 },
      observe: () => [this.steps],
      privileged: { observation: { shape: [2], low: -100, high: 100 }, observe: () => [this.secret, -this.steps], sensors: [tenths] },
      action: { type: 'discrete', n: 2 },
      act: () => undefined,
      done: () => (this.steps >= 3 + (this.ai.episodeSeed % 3) ? 'terminated' : false),
      ...Counter.spec,
    });
  }

  override fixedUpdate(): void {
    this.steps += 1;
  }
}

const GAME: GameDef = { scene: Counter, width: 10, height: 10 };
const hosts: HeadlessGame[] = [];
async function boot(spec: Partial<Spec> = {}, instances = 1): Promise<HeadlessGame> {
  Counter.spec = spec;
  const host = await HeadlessGame.create({ game: GAME, instances });
  hosts.push(host);
  return host;
}
afterEach(() => {
  for (const h of hosts.splice(0)) h.destroy();
  Counter.spec = {};
});

const f = Math.fround;

describe('a privileged view', () => {
  it('SceneEnv: the student\'s observation as before, the teacher\'s view (it, then the privileged numbers and sensors) in info', async () => {
    const host = await boot();
    const env = host.env('counter');
    expect(env.observationSpace.shape).toEqual([1]);
    const agent = host.plugin(0).require('counter');
    expect(agent.privilegedSpace!.shape).toEqual([4]);
    expect(Array.from(agent.privilegedSpace!.low)).toEqual([0, -100, -100, 0]);
    expect(Array.from(agent.privilegedSpace!.high)).toEqual([100, 100, 100, 10]);
    const r = env.reset(5);
    expect(Array.from(r.observation)).toEqual([0]);
    expect(Array.from(r.info.privilegedObservation as Float32Array)).toEqual([0, 7, -0, 0]);
    const s = env.step(1);
    expect(Array.from(s.observation)).toEqual([1]);
    expect(Array.from(s.info.privilegedObservation as Float32Array)).toEqual([1, 7, -1, f(0.1)]);
  });

  it('SceneVectorEnv: privileged views step for step with the observations, the last of an ended episode kept, and teacherView trains on them', async () => {
    const host = await boot({}, 3);
    const env = host.vectorEnv('counter');
    const view = env.privileged!;
    expect(view.observationSpace.shape).toEqual([4]);
    const obs = env.reset(11);
    const first = view.observations();
    for (let i = 0; i < 3; i++) {
      expect(first[i * 4]).toBe(obs[i]);
      expect([0, 7]).toContain(first[i * 4 + 1]);
    }
    let ended = 0;
    for (let t = 0; t < 12; t++) {
      const r = env.step([0, 1, 0]);
      const v = view.observations();
      const finals = view.finalObservations();
      for (let i = 0; i < 3; i++) {
        // The view is of the observation the env returned: its steps, its negative, its tenths.
        expect([v[i * 4], v[i * 4 + 2], v[i * 4 + 3]]).toEqual([r.observations[i], -r.observations[i]!, f(r.observations[i]! / 10)]);
        if (r.terminated[i]) {
          ended += 1;
          expect(r.observations[i]).toBe(0);
          expect(finals[i]![0]).toBe(r.finalObservations[i]![0]);
          expect(finals[i]![0]).toBeGreaterThanOrEqual(3);
          expect(finals[i]![2]).toBe(-finals[i]![0]!);
        } else {
          expect(finals[i]).toBeNull();
        }
      }
    }
    expect(ended).toBeGreaterThan(3);

    // The teacher's side of the same envs: the same episodes, seen through the privileged view.
    const teacher = teacherView(env);
    expect(teacher.observationSpace.shape).toEqual([4]);
    const t0 = teacher.reset(11);
    expect(Array.from(t0)).toEqual(Array.from(first));
    const r = teacher.step([1, 1, 1]);
    expect(r.observations.length).toBe(12);
    expect(Array.from(r.observations)).toEqual(Array.from(view.observations()));
    env.close();
  });

  it('an agent without one has no privileged view, and teacherView says what to declare', async () => {
    const host = await boot({ privileged: undefined });
    const env = host.vectorEnv('counter');
    expect(env.privileged).toBeNull();
    expect(host.plugin(0).require('counter').privilegedObservation).toBeNull();
    expect(() => teacherView(env)).toThrow(/no privileged view; declare one in the agent's spec/);
    env.close();
  });

  it('a bad declaration is an error that names what is wrong', async () => {
    await expect(boot({ privileged: {} })).rejects.toThrow(/agent 'counter': spec.privileged gives the teacher nothing more/);
    await expect(boot({ privileged: { observe: () => [1] } as never })).rejects.toThrow(/spec.privileged.observation must be \{ shape, low\?, high\? \}/);
    await expect(boot({ privileged: { observation: { shape: [1] } } as never })).rejects.toThrow(/spec.privileged.observe must be a function/);
    await expect(boot({ privileged: { sensors: [{ size: 0 }] } as never })).rejects.toThrow(/spec.privileged.sensors\[0\] must be a sensor/);
    await expect(boot({ privileged: { observations: { shape: [1] } } as never })).rejects.toThrow(/spec.privileged.observations is not a key of a privileged view/);
    await expect(boot({ privileged: [] as never })).rejects.toThrow(/spec.privileged must be/);
    // What the callback gives, checked against its declared box as the student's is.
    const host = await boot({ privileged: { observation: { shape: [2], low: 0, high: 1 }, observe: () => [0.5] } });
    expect(() => host.env('counter').reset(1)).toThrow(/agent 'counter': privileged.observe\(\) returned 1 numbers, expected 2 numbers/);
  });

  it('play and recording see the student\'s view: a driver gets the student\'s observation, and a demo holds it with the student\'s spaces', async () => {
    const host = await boot({ human: () => 1 });
    const plugin = host.plugin(0);
    const seen: number[][] = [];
    plugin.use('counter', (obs: Float32Array) => {
      seen.push(Array.from(obs));
      return 1;
    });
    for (let f = 0; f < 12; f++) host.frame();
    expect(seen.length).toBeGreaterThan(5);
    for (const o of seen) expect(o.length).toBe(1);
    // Play never computes the teacher's view: its numbers stay as made (zeros), however many decisions.
    expect(Array.from(plugin.require('counter').privilegedObservation!)).toEqual([0, 0, 0, 0]);
    // The player, recorded: the demo is the student's, for imitation.
    plugin.use('counter', 'human');
    const recorder = plugin.record('counter');
    for (let f = 0; f < 12; f++) host.frame();
    const demo = recorder.toDemo();
    expect(demo.observationSpace.shape).toEqual([1]);
    expect(demo.observations.length).toBe(recorder.steps);
    expect(recorder.steps).toBeGreaterThan(2);
  });

  it('SyncVectorEnv of SceneEnvs carries the view too: from each env\'s privilegedSpace and info, the same as SceneVectorEnv\'s', async () => {
    const a = await boot({}, 1);
    const b = await boot({}, 1);
    const sync = new SyncVectorEnv([a.env('counter'), b.env('counter')]);
    expect(sync.privileged!.observationSpace.shape).toEqual([4]);
    const obs = sync.reset(3);
    let views = sync.privileged!.observations();
    for (let i = 0; i < 2; i++) expect(views[i * 4]).toBe(obs[i]);
    let ended = 0;
    for (let t = 0; t < 10; t++) {
      const r = sync.step([0, 1]);
      views = sync.privileged!.observations();
      const finals = sync.privileged!.finalObservations();
      for (let i = 0; i < 2; i++) {
        expect([views[i * 4], views[i * 4 + 2]]).toEqual([r.observations[i], -r.observations[i]!]);
        if (r.terminated[i]) {
          ended += 1;
          expect(finals[i]![0]).toBe(r.finalObservations[i]![0]);
        } else {
          expect(finals[i]).toBeNull();
        }
      }
    }
    expect(ended).toBeGreaterThan(1);
    // The teacher's side, through the same wrapper.
    expect(teacherView(sync).reset(3).length).toBe(8);
  });
});
