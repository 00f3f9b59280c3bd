/**
 * Self-play benchmark on Pong. Trains a teacher by self-play alone (assets/policies/pong/selfplay.yaml:
 * the learner against a pool of its own snapshots, never the scripted opponent), or takes a run
 * that did (`--run <folder>`), then plays greedily, 2,000 points each:
 * - the self-play teacher against the shipped teacher, which trained against the scripted opponent
 *   (assets/teachers/pong), head to head, each on each side for half the points;
 * - the self-play teacher against the scripted opponent it never met;
 * - the shipped teacher against the scripted opponent, for reference.
 * The last line is one JSON object. Both teachers play through the student runtime (their actors
 * as float32 policy files: the same choices as TensorFlow.js, much faster).
 *
 *   npm run bench:selfplay                       # trains (1M steps, about 4 minutes on 2 cores), then plays
 *   npm run bench:selfplay -- --run runs/pong__selfplay__1__...   # plays an existing run's teacher
 */
import { join } from 'node:path';
import 'phaser-distill/node';
import { runTrain } from '../src/run/train.js';
import { evaluatePong, headToHead, loadTeacherPolicy } from '../games/pong/evaluate.js';

const POINTS = 2000;

export interface SelfPlayBench {
  selfplay_vs_scripted_teacher_points: number;
  selfplay_vs_scripted_points: number;
  scripted_teacher_vs_scripted_points: number;
  selfplay_elo: number | null;
  selfplay_steps: number | null;
  selfplay_run: string;
  points: number;
}

/** Trains (unless `run` is given) and plays; `log` prints the figures as they come. */
export async function benchSelfPlay(run: string | null, log: (line: string) => void = console.log): Promise<SelfPlayBench> {
  let runDir = run;
  if (!runDir) {
    const t = performance.now();
    const trained = await runTrain({ config: 'assets/policies/pong/selfplay.yaml' }, { log });
    if (trained.exitCode !== 0) throw new Error(`self-play training ended with exit code ${trained.exitCode}`);
    runDir = trained.runDir;
    log(`trained in ${((performance.now() - t) / 1000).toFixed(0)} s: ${runDir}`);
  }
  const { readFileSync } = await import('node:fs');
  const summary = JSON.parse(readFileSync(join(runDir, 'summary.json'), 'utf8')) as { steps?: number; selfPlay?: { elo: number } };
  const selfPlay = await loadTeacherPolicy(join(runDir, 'teacher'));
  const shipped = await loadTeacherPolicy('assets/teachers/pong');
  const h2h = await headToHead(selfPlay, shipped, { points: POINTS });
  log(`self-play teacher vs the scripted-trained teacher: won ${h2h.won} of ${h2h.won + h2h.lost} points (${(100 * h2h.rate).toFixed(1)}%) over ${h2h.matches} matches, half on each side`);
  const vsScripted = await evaluatePong(selfPlay, { points: POINTS });
  log(`self-play teacher vs the scripted opponent (never met in training): won ${vsScripted.won} of ${vsScripted.won + vsScripted.lost} points (${(100 * vsScripted.rate).toFixed(1)}%) over ${vsScripted.matches} matches`);
  const reference = await evaluatePong(shipped, { points: POINTS });
  log(`scripted-trained teacher vs the scripted opponent: won ${reference.won} of ${reference.won + reference.lost} points (${(100 * reference.rate).toFixed(1)}%)`);
  return {
    selfplay_vs_scripted_teacher_points: h2h.rate,
    selfplay_vs_scripted_points: vsScripted.rate,
    scripted_teacher_vs_scripted_points: reference.rate,
    selfplay_elo: summary.selfPlay?.elo ?? null,
    selfplay_steps: summary.steps ?? null,
    selfplay_run: runDir,
    points: POINTS,
  };
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const args = process.argv.slice(2);
  const at = args.indexOf('--run');
  console.log(JSON.stringify(await benchSelfPlay(at >= 0 ? args[at + 1]! : null)));
}
