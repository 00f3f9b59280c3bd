/**
 * Kill trials: one Balance training run on the command line, killed with SIGKILL again and again
 * (the first time during training, every later time during a resume), each time resumed with
 * `train --resume`, until a resume runs to the end. Then every file of the run folder is checked:
 * checkpoints whole and finite, JSONL lines whole, metrics rows one per iteration with none
 * repeated or missing, CSV rows as wide as the header, config and summary readable.
 *
 * Half the kills land a random 0-80 ms after a random metrics row, half the moment a checkpoint
 * write's temporary folder appears (counted as inside a write if it is still there after the
 * kill). What a kill loses is the steps between the last metrics row before it and the checkpoint
 * the resume starts from.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Rng } from '../../src/env/index.js';
import { checkpointProblem, type CheckpointFiles } from '../../src/train/checkpoint.js';

const root = fileURLToPath(new URL('../..', import.meta.url));

export interface KillStats {
  kills: number;
  kills_during_checkpoint_write: number;
  resumes: number;
  failed_resumes: number;
  corrupt_files: number;
  max_steps_lost: number;
  checkpoint_interval_steps: number;
  iterations: number;
  /** What was found wrong, for a failing test to show. */
  problems: string[];
}

export interface KillOptions {
  kills: number;
  /** An empty folder for the config and the runs. */
  dir: string;
  seed?: number;
}

const NUM_ENVS = 4;
const NUM_STEPS = 128;
const CHECKPOINT_EVERY = 2;

export async function killTrials(options: KillOptions): Promise<KillStats> {
  const rng = new Rng(options.seed ?? 1);
  const batch = NUM_ENVS * NUM_STEPS;
  // Enough iterations for every kill to land in training: a segment runs at most 6 rows past
  // where it resumed, an aimed kill waits up to one more checkpoint interval, and a resume goes
  // back at most one interval.
  const iterations = CHECKPOINT_EVERY + (6 + 2 * CHECKPOINT_EVERY) * options.kills + 8;
  mkdirSync(options.dir, { recursive: true });
  const runsDir = join(options.dir, 'runs');
  const config = join(options.dir, 'kill.yaml');
  writeFileSync(config, [
    'game: balance',
    `env: ${join(root, 'games/balance/env.ts')}`,
    'name: kill',
    `runsDir: ${runsDir}`,
    'backend: cpu',
    'train:',
    `  ppo: { totalTimesteps: ${iterations * batch}, numEnvs: ${NUM_ENVS}, numSteps: ${NUM_STEPS}, network: { actorHidden: [16], criticHidden: [16] } }`,
    `  checkpointEvery: ${CHECKPOINT_EVERY}`,
    '',
  ].join('\n'));

  const stats: KillStats = { kills: 0, kills_during_checkpoint_write: 0, resumes: 0, failed_resumes: 0, corrupt_files: 0, max_steps_lost: 0, checkpoint_interval_steps: CHECKPOINT_EVERY * batch, iterations, problems: [] };
  let runDir: string | null = null;
  for (let segment = 0; ; segment++) {
    const args: string[] = runDir === null ? ['train', config] : ['train', '--resume', runDir];
    if (runDir !== null) stats.resumes++;
    const child: ChildProcess = spawn(process.execPath, [join(root, 'bin/phaser-distill.mjs'), ...args], { cwd: root, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout!.on('data', (d: Buffer) => (output += String(d)));
    child.stderr!.on('data', (d: Buffer) => (output += String(d)));
    const exited = new Promise<number | null>((done) => child.on('exit', (code: number | null) => done(code)));
    if (stats.kills < options.kills) {
      if (runDir === null) runDir = await waitFor(() => (existsSync(runsDir) ? readdirSync(runsDir).map((f) => join(runsDir, f))[0] ?? null : null), child);
      if (runDir === null) {
        stats.problems.push(`${args.join(' ')} exited with ${await exited} before making a run folder: ${output.slice(-600)}`);
        break;
      }
      const dir = runDir;
      const seen = rows(dir).length;
      // The first kill waits for a checkpoint: a SIGKILL cannot save one, and there must be one to resume.
      const target = Math.max(seen, CHECKPOINT_EVERY) + 1 + rng.int(5);
      const checkpoints = join(dir, 'checkpoints');
      const writing = () => (existsSync(checkpoints) && readdirSync(checkpoints).some((f) => /\.tmp-\d+$/.test(f)) ? true : null);
      // Every other kill aims at a checkpoint write: it lands the moment the write's temporary
      // folder appears. The others land a random 0-80 ms after a random metrics row.
      const aimed = stats.kills % 2 === 1;
      const reached = await waitFor(() => (rows(dir).length >= target ? true : null), child);
      if (reached && aimed) await waitFor(writing, child, 0);
      if (reached && child.exitCode === null) {
        if (!aimed) await sleep(rng.int(80));
        const before = rows(dir);
        child.kill('SIGKILL');
        await exited;
        stats.kills++;
        if (writing()) stats.kills_during_checkpoint_write++;
        const latest = readFileSync(join(checkpoints, 'latest'), 'utf8').trim();
        const from = Number(/step-(\d+)/.exec(latest)?.[1] ?? 0);
        const last = before.at(-1)?.global_step ?? 0;
        stats.max_steps_lost = Math.max(stats.max_steps_lost, last - from);
        continue;
      }
    }
    const code = await exited;
    if (code !== 0) {
      if (runDir !== null && segment > 0) stats.failed_resumes++;
      stats.problems.push(`${args.join(' ')} exited with ${code}: ${output.slice(-600)}`);
    }
    break;
  }
  if (runDir !== null) checkRunFolder(runDir, iterations, stats);
  return stats;
}

interface Row {
  global_step: number;
  iteration: number;
}

/** The metrics rows written whole so far (a row being written may be cut short). */
function rows(runDir: string): Row[] {
  const path = join(runDir, 'metrics.jsonl');
  if (!existsSync(path)) return [];
  const out: Row[] = [];
  for (const line of readFileSync(path, 'utf8').split('\n')) {
    try {
      out.push(JSON.parse(line) as Row);
    } catch {
      // the last line, still being written
    }
  }
  return out;
}

/** Polls `check` every `ms` until it gives a value, or null once `child` has exited. */
async function waitFor<T>(check: () => T | null, child: ChildProcess, ms = 20): Promise<T | null> {
  for (;;) {
    const value = check();
    if (value !== null) return value;
    if (child.exitCode !== null || child.signalCode !== null) return null;
    await sleep(ms);
  }
}

const sleep = (ms: number) => new Promise((done) => setTimeout(done, ms));

function checkRunFolder(runDir: string, iterations: number, stats: KillStats): void {
  const bad = (file: string, why: string) => {
    stats.corrupt_files++;
    stats.problems.push(`${file}: ${why}`);
  };
  const lines = (file: string) => readFileSync(join(runDir, file), 'utf8').split('\n').filter((l) => l !== '');
  for (const file of ['metrics.jsonl', 'episodes.jsonl']) {
    const broken = lines(file).filter((l) => {
      try {
        JSON.parse(l);
        return false;
      } catch {
        return true;
      }
    });
    if (broken.length) bad(file, `${broken.length} lines that are not JSON`);
  }
  const its = lines('metrics.jsonl').map((l) => (JSON.parse(l) as Row).iteration);
  if (its.length !== iterations || its.some((it, i) => it !== i + 1)) bad('metrics.jsonl', `iterations ${its.join(',')}, not 1 to ${iterations} once each`);
  const csv = lines('metrics.csv');
  const width = csv[0]?.split(',').length ?? 0;
  if (csv.length !== iterations + 1 || csv.some((l) => l.split(',').length !== width)) bad('metrics.csv', `${csv.length} lines (want ${iterations + 1}), all ${width} columns wide`);
  for (const file of ['config.json', 'summary.json', 'teacher/model.json']) {
    try {
      JSON.parse(readFileSync(join(runDir, file), 'utf8'));
    } catch (e) {
      bad(file, (e as Error).message);
    }
  }
  const checkpoints = join(runDir, 'checkpoints');
  for (const name of readdirSync(checkpoints)) {
    if (name === 'latest') continue;
    if (!/^step-\d+$/.test(name)) {
      bad(`checkpoints/${name}`, 'left behind');
      continue;
    }
    const files: CheckpointFiles = {};
    for (const f of readdirSync(join(checkpoints, name))) files[f] = new Uint8Array(readFileSync(join(checkpoints, name, f)));
    const why = checkpointProblem(files);
    if (why) bad(`checkpoints/${name}`, why);
  }
}
