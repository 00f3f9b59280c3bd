/**
 * Measures Racer policies on tracks they never saw: one lap on each of unseen tracks k = first ..
 * first + tracks - 1 (even track seeds; training only ever plays odd ones), every policy greedy,
 * every track once, so the numbers are the same on every run. Run as a script to evaluate the
 * shipped teacher (TensorFlow.js) and students on 100 unseen tracks:
 *   npx tsx games/racer/evaluate.ts [tracks] [first]
 * It prints a table and, last, one line of JSON.
 */
import { readFileSync, readdirSync } from 'node:fs';
import { HeadlessGame } from 'phaser-distill/node';
import { loadStudentPolicy, type StudentPolicy } from 'phaser-distill';
import { initBackend, loadTeacher, type Teacher } from 'phaser-distill/train';
import { RACER, RACER_AGENT, RACER_UNSEEN, type RacerScene } from './scene.js';
import { followGap } from './policies.js';
import { TeacherDriver } from '../shared/teacher-driver.js';
import type { TrackSet } from './track.js';

/** A Racer policy: an observation in, [steer, throttle] out. */
export type RacerPolicy = (observation: Float32Array) => ArrayLike<number>;

/** What a policy did over the tracks. */
export interface LapStats {
  tracks: number;
  /** Laps completed (one try per track). */
  laps: number;
  crashes: number;
  stalls: number;
  /** Episodes that reached the time limit. */
  timeouts: number;
  /** laps / tracks. */
  completion: number;
  meanReturn: number;
  /** Mean simulation steps of the completed laps (60 a second). */
  meanLapSteps: number;
}

export interface EvaluateOptions {
  tracks?: number;
  /** The first track's number in its set. */
  first?: number;
  set?: TrackSet;
}

/** Plays one lap on each track, one after the other, in one headless scene. */
export async function evaluateRacer(policy: RacerPolicy, options: EvaluateOptions = {}): Promise<LapStats> {
  const tracks = options.tracks ?? 100;
  const first = options.first ?? 0;
  const host = await HeadlessGame.create({ game: options.set === 'train' ? RACER : RACER_UNSEEN });
  const env = host.env(RACER_AGENT);
  const stats: LapStats = { tracks, laps: 0, crashes: 0, stalls: 0, timeouts: 0, completion: 0, meanReturn: 0, meanLapSteps: 0 };
  let lapSteps = 0;
  try {
    for (let k = first; k < first + tracks; k++) {
      // The episode seed is the track's number in the set.
      let { observation } = env.reset(k);
      for (;;) {
        const r = env.step(Array.from(policy(observation)));
        stats.meanReturn += r.reward / tracks;
        observation = r.observation;
        if (!r.terminated && !r.truncated) continue;
        const scene = host.scenes[0] as RacerScene;
        const car = scene.learner;
        if (car.finished) {
          stats.laps += 1;
          lapSteps += scene.steps;
        } else if (car.crashed) stats.crashes += 1;
        else if (car.stalled) stats.stalls += 1;
        else stats.timeouts += 1;
        break;
      }
    }
  } finally {
    env.close();
    host.destroy();
  }
  stats.completion = stats.laps / tracks;
  stats.meanLapSteps = stats.laps ? lapSteps / stats.laps : 0;
  return stats;
}

/** The shipped Racer teacher, on TensorFlow.js (wasm in Node). */
export async function loadRacerTeacher(dir = 'assets/teachers/racer'): Promise<Teacher> {
  await initBackend('auto');
  const files = Object.fromEntries(['model.json', 'weights.bin', 'run.json'].map((f) => [f, new Uint8Array(readFileSync(`${dir}/${f}`))]));
  return loadTeacher(files, 'racer teacher');
}

/** A teacher as a greedy policy: the best choice of each branch, one TensorFlow.js forward a decision. */
export function teacherPolicy(teacher: Teacher): RacerPolicy {
  const driver = new TeacherDriver(teacher);
  return (observation) => driver.act(observation) as number[];
}

/** A student as a greedy policy (temperature 0). */
export function studentPolicy(student: StudentPolicy): RacerPolicy {
  student.temperature = 0;
  return (observation) => student.act(observation) as number[];
}

/** The shipped students: file name (no .json) to path. */
export function shippedStudents(dir = 'assets/policies/racer'): string[] {
  return readdirSync(dir).filter((n) => /^s\d+-\w+\.json$/.test(n)).map((n) => n.replace(/\.json$/, '')).sort((a, b) => parseInt(b.slice(1)) - parseInt(a.slice(1)) || a.localeCompare(b));
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const tracks = Number(process.argv[2] ?? 100);
  const first = Number(process.argv[3] ?? 0);
  const options = { tracks, first };
  const rows: { name: string; parameters: number; stats: LapStats }[] = [];
  const teacher = await loadRacerTeacher();
  rows.push({ name: 'teacher (TensorFlow.js)', parameters: teacher.parameterCount, stats: await evaluateRacer(teacherPolicy(teacher), options) });
  for (const f of shippedStudents()) {
    const student = loadStudentPolicy(readFileSync(`assets/policies/racer/${f}.json`, 'utf8'), { source: f });
    rows.push({ name: `student ${f}`, parameters: student.parameterCount, stats: await evaluateRacer(studentPolicy(student), options) });
  }
  rows.push({ name: 'followGap (hand-written)', parameters: 0, stats: await evaluateRacer(followGap, options) });
  teacher.dispose();

  const t = rows[0]!;
  console.log(`Racer on ${tracks} unseen tracks (even track seeds ${2 * first}..${2 * (first + tracks - 1)}), one greedy lap each:`);
  console.log('| policy | parameters | % of teacher | laps completed | % of teacher | crashes | stalls | time-outs | mean return | mean lap (s) |');
  console.log('| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |');
  for (const { name, parameters, stats: s } of rows) {
    const pct = (x: number) => `${(100 * x).toFixed(1)}%`;
    console.log(`| ${name} | ${parameters || '-'} | ${parameters ? pct(parameters / t.parameters) : '-'} | ${s.laps}/${s.tracks} (${pct(s.completion)}) | ${pct(s.completion / t.stats.completion)} | ${s.crashes} | ${s.stalls} | ${s.timeouts} | ${s.meanReturn.toFixed(2)} | ${(s.meanLapSteps / 60).toFixed(2)} |`);
  }
  const students = Object.fromEntries(rows.slice(1, -1).map((r) => [r.name.replace(/^student /, ''), { completion: r.stats.completion, ofTeacher: r.stats.completion / t.stats.completion, parameters: r.parameters, parameterShare: r.parameters / t.parameters }]));
  console.log(JSON.stringify({ tracks, first, teacher_lap_completion: t.stats.completion, teacher_parameters: t.parameters, students, baseline_follow_gap: rows[rows.length - 1]!.stats.completion }));
}
