/**
 * Worker faults in parallel rollouts: `phaser-distill train` on Balance with 2 workers, in a child
 * process, whose worker thread (envs 2..3) at its envs' 301st step throws, exits, loops for ever,
 * or fills its heap, and a stuck worker with SIGTERM, SIGINT or SIGHUP sent to the run. A good
 * outcome: the run ends by itself (a hang is a child still running 120 s on, then SIGKILLed),
 * names the worker and its envs, and leaves its last checkpoint whole; a signal's run exits 128 +
 * its number. Also the seconds from each signal to the run's end, and the run's step limit.
 */
import { spawn } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { checkpointProblem, type CheckpointFiles } from '../../src/train/index.js';

const root = fileURLToPath(new URL('../..', import.meta.url));

export interface WorkerFaultStats {
  worker_faults: number;
  worker_hangs: number;
  worker_unnamed: number;
  worker_checkpoints_lost: number;
  worker_step_limit_s: number;
  worker_max_signal_to_exit_s: number;
  examples: string[];
}

const STEP_LIMIT_S = 5;

function envModule(dir: string, name: string, misstep: string): string {
  const path = join(dir, `${name}.ts`);
  writeFileSync(path, [
    "import { isMainThread } from 'node:worker_threads';",
    "import { writeFileSync as mark } from 'node:fs';",
    `import { SyncVectorEnv } from ${JSON.stringify(join(root, 'src/env/index.ts'))};`,
    `import { BalanceEnv } from ${JSON.stringify(join(root, 'games/balance/balance.ts'))};`,
    `class Faulty extends BalanceEnv { n = 0; override step(a: number) { if (!isMainThread && ++this.n > 300) { mark(${JSON.stringify(join(dir, `${name}.marker`))}, 'x'); ${misstep} } return super.step(a); } }`,
    'export const makeVectorEnv = ({ numEnvs }: { numEnvs: number }) => new SyncVectorEnv(Array.from({ length: numEnvs }, () => new Faulty()));',
  ].join('\n'));
  return path;
}

export async function workerFaultStats(dir: string): Promise<WorkerFaultStats> {
  const stats: WorkerFaultStats = { worker_faults: 0, worker_hangs: 0, worker_unnamed: 0, worker_checkpoints_lost: 0, worker_step_limit_s: STEP_LIMIT_S, worker_max_signal_to_exit_s: 0, examples: [] };
  writeFileSync(join(dir, 'package.json'), '{ "type": "module" }\n');
  const faults: { name: string; misstep: string; signal?: NodeJS.Signals; exit: number }[] = [
    { name: 'throws', misstep: "throw new Error('the cart fell off');", exit: 1 },
    { name: 'exits', misstep: 'process.exit(7);', exit: 1 },
    { name: 'hangs', misstep: 'for (;;) {}', exit: 1 },
    { name: 'oom', misstep: 'const a: number[][] = []; for (;;) a.push(new Array(1e5).fill(Math.random()));', exit: 1 },
    { name: 'hangs-sigterm', misstep: 'for (;;) {}', signal: 'SIGTERM', exit: 143 },
    { name: 'hangs-sigint', misstep: 'for (;;) {}', signal: 'SIGINT', exit: 130 },
    { name: 'hangs-sighup', misstep: 'for (;;) {}', signal: 'SIGHUP', exit: 129 },
  ];
  for (const f of faults) {
    stats.worker_faults += 1;
    const env = envModule(dir, f.name, f.misstep);
    const runs = join(dir, `runs-${f.name}`);
    const config = join(dir, `${f.name}.yaml`);
    writeFileSync(config, `game: balance\nenv: ${env}\nname: ${f.name}\nrunsDir: ${runs}\nbackend: wasm\ntrain:\n  ppo: { totalTimesteps: 4096, numEnvs: 4, numSteps: 64, numWorkers: 2 }\n  checkpointEvery: 2\n  workerStepLimit: ${STEP_LIMIT_S}\n`);
    // A small heap for the process, so a worker's (limited to the same) fills in a moment.
    const child = spawn(process.execPath, ['--max-old-space-size=256', join(root, 'bin/phaser-distill.mjs'), 'train', config], { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    child.stderr.on('data', (d: Buffer) => (out += d.toString()));
    const ended = new Promise<{ code: number | null; signal: string | null }>((done) => child.on('exit', (code, signal) => done({ code, signal })));
    let hung = false;
    const killer = setTimeout(() => {
      hung = true;
      child.kill('SIGKILL');
    }, 120_000);
    let sent = 0;
    if (f.signal) {
      const marker = join(dir, `${f.name}.marker`);
      while (!existsSync(marker) && child.exitCode === null) await new Promise((r) => setTimeout(r, 50));
      sent = performance.now();
      child.kill(f.signal);
    }
    const { code } = await ended;
    clearTimeout(killer);
    if (sent) stats.worker_max_signal_to_exit_s = Math.max(stats.worker_max_signal_to_exit_s, (performance.now() - sent) / 1000);
    const note = (what: string) => {
      if (stats.examples.length < 10) stats.examples.push(`${f.name}: ${what}\n${out.slice(-600)}`);
    };
    if (hung) {
      stats.worker_hangs += 1;
      note('still running after 120 s');
      continue;
    }
    if (code !== f.exit) note(`exit ${code}, expected ${f.exit}`);
    if (!out.includes('worker 1 (envs 2..3) failed: ')) {
      stats.worker_unnamed += 1;
      note('the worker was not named');
    }
    // The last checkpoint is there and whole.
    const runDir = existsSync(runs) ? readdirSync(runs).map((r) => join(runs, r))[0] : undefined;
    const ckpt = runDir && existsSync(join(runDir, 'checkpoints', 'latest')) ? join(runDir, 'checkpoints', readFileSync(join(runDir, 'checkpoints', 'latest'), 'utf8').trim()) : null;
    const files: CheckpointFiles | null = ckpt && existsSync(ckpt) ? Object.fromEntries(readdirSync(ckpt).map((n) => [n, new Uint8Array(readFileSync(join(ckpt, n)))])) : null;
    if (!files || checkpointProblem(files) !== null) {
      stats.worker_checkpoints_lost += 1;
      note('no whole checkpoint left');
    }
  }
  return stats;
}
