/**
 * The learner's cost, fused against TensorFlow.js, side by side in one run: the same PPO work as
 * CleanRL's ppo_continuous_action.py with its defaults (1 env x 2048 steps, 32 minibatches, 10
 * epochs, 64x64 tanh actor and critic, observation and reward normalisation, lr 3e-4 annealed,
 * gamma 0.99, lambda 0.95, clipped value loss, max grad norm 0.5) on Swing (Pendulum-v1's
 * dynamics), 40,960 steps, same seed, on each engine (tfjs on the wasm backend). Runs alternate
 * engines `--rounds` times (default 2), so a load that comes and goes falls on both; the figures are
 * each engine's total steps over its total CPU-seconds (process.cpuUsage, user + system) of
 * training, and the ratio. CleanRL (PyTorch, one thread) took 30-33 CPU-s for this work on this
 * machine (DESIGN.md, "The learner's cost"): about 1,300 steps per CPU-second.
 *
 * `--widths 64,256,512` adds a sweep of hidden widths (minibatch updates alone, on fixed data) to
 * see where TensorFlow.js's kernels catch up with the fused loops: what `auto` follows.
 *
 * The last line is one JSON object: steps_per_cpu_s_fused, steps_per_cpu_s_tfjs, ratio, and more.
 *   npm run bench:learner [-- --rounds 2 --widths 64,256]
 */
import { parseArgs } from 'node:util';
import { SyncVectorEnv } from 'phaser-distill';
import { PpoTrainer, defaultPpoConfig, initBackend, type PpoConfig } from 'phaser-distill/train';
import { SwingEnv } from '../games/swing/swing.js';

const { values } = parseArgs({ options: { rounds: { type: 'string', default: '2' }, widths: { type: 'string', default: '' } } });
const ROUNDS = Number(values.rounds);

/** CleanRL ppo_continuous_action.py's defaults, 40,960 steps. */
const CLEANRL: PpoConfig = {
  ...defaultPpoConfig,
  totalTimesteps: 40_960,
  numEnvs: 1,
  numSteps: 2048,
  numMinibatches: 32,
  updateEpochs: 10,
  learningRate: 3e-4,
  annealLr: true,
  gamma: 0.99,
  gaeLambda: 0.95,
  normAdvantages: true,
  clipCoef: 0.2,
  clipVloss: true,
  entCoef: 0,
  vfCoef: 0.5,
  maxGradNorm: 0.5,
  targetKl: null,
  normalizeObservation: true,
  normalizeReward: true,
  network: { actorHidden: [64, 64], criticHidden: [64, 64], activation: 'tanh', initLogStd: 0 },
  seed: 1,
};

interface Run {
  steps: number;
  cpu: number;
  wall: number;
  meanReturn: number;
}

async function run(engine: 'fused' | 'tfjs', config: PpoConfig): Promise<Run> {
  const trainer = new PpoTrainer(new SyncVectorEnv(Array.from({ length: config.numEnvs }, () => new SwingEnv())), { ...config, engine });
  if (trainer.learner.engine !== engine) throw new Error(`bench:learner: asked for ${engine}, got ${trainer.learner.engine}`);
  const returns: number[] = [];
  const cpu0 = process.cpuUsage();
  const wall0 = performance.now();
  await trainer.train(({ episodes }) => {
    for (const e of episodes) returns.push(e.return);
  });
  const cpu = process.cpuUsage(cpu0);
  const wall = (performance.now() - wall0) / 1000;
  const last = returns.slice(-20);
  const steps = trainer.globalStep;
  trainer.dispose();
  return { steps, cpu: (cpu.user + cpu.system) / 1e6, wall, meanReturn: last.reduce((a, b) => a + b, 0) / last.length };
}

const round = (x: number, d: number) => Math.round(x * 10 ** d) / 10 ** d;
const backend = await initBackend('wasm');
console.log(`PPO, CleanRL ppo_continuous_action defaults on Swing, ${CLEANRL.totalTimesteps} steps per run, tfjs backend ${backend}, ${ROUNDS} rounds alternating`);
console.log('round  engine  steps  cpu_s  wall_s  steps/cpu_s  mean_return_last_20');
const totals = { fused: { steps: 0, cpu: 0, wall: 0 }, tfjs: { steps: 0, cpu: 0, wall: 0 } };
const returnsOf: Record<'fused' | 'tfjs', number[]> = { fused: [], tfjs: [] };
for (let r = 0; r < ROUNDS; r++) {
  for (const engine of r % 2 === 0 ? (['fused', 'tfjs'] as const) : (['tfjs', 'fused'] as const)) {
    const res = await run(engine, CLEANRL);
    totals[engine].steps += res.steps;
    totals[engine].cpu += res.cpu;
    totals[engine].wall += res.wall;
    returnsOf[engine].push(round(res.meanReturn, 1));
    console.log(`${String(r + 1).padStart(5)}  ${engine.padStart(6)}  ${res.steps}  ${res.cpu.toFixed(2).padStart(5)}  ${res.wall.toFixed(2).padStart(6)}  ${Math.round(res.steps / res.cpu).toString().padStart(11)}  ${res.meanReturn.toFixed(1)}`);
  }
}
const fused = totals.fused.steps / totals.fused.cpu;
const tfjs = totals.tfjs.steps / totals.tfjs.cpu;
console.log(`fused ${Math.round(fused)} steps per CPU-second, tfjs ${Math.round(tfjs)}: ${(fused / tfjs).toFixed(2)}x`);

// Optional sweep of widths: one minibatch update of 64 samples, on fixed data, per engine.
const sweep: Record<string, { fused_ms: number; tfjs_ms: number; ratio: number }> = {};
for (const width of values.widths ? values.widths.split(',').map(Number) : []) {
  const ms: Record<string, number> = {};
  for (const engine of ['fused', 'tfjs'] as const) {
    const config: PpoConfig = { ...CLEANRL, numSteps: 256, numMinibatches: 4, updateEpochs: 4, totalTimesteps: 256 * 3, network: { ...CLEANRL.network, actorHidden: [width, width], criticHidden: [width, width] } };
    const trainer = new PpoTrainer(new SyncVectorEnv([new SwingEnv()]), { ...config, engine });
    trainer.iterate();
    const c0 = process.cpuUsage();
    trainer.iterate();
    trainer.iterate();
    const u = process.cpuUsage(c0);
    ms[engine] = ((u.user + u.system) / 1e3) / (2 * config.numMinibatches * config.updateEpochs);
    trainer.dispose();
  }
  sweep[width] = { fused_ms: round(ms.fused!, 3), tfjs_ms: round(ms.tfjs!, 3), ratio: round(ms.tfjs! / ms.fused!, 2) };
  console.log(`width ${width}: CPU-ms per minibatch of 64 (with its share of 256 rollout steps) fused ${ms.fused!.toFixed(3)}, tfjs ${ms.tfjs!.toFixed(3)}: ${(ms.tfjs! / ms.fused!).toFixed(2)}x`);
}

console.log(JSON.stringify({
  bench: 'learner',
  backend,
  config: 'cleanrl_ppo_continuous_action_defaults_swing',
  total_steps_per_run: CLEANRL.totalTimesteps,
  rounds: ROUNDS,
  steps_per_cpu_s_fused: Math.round(fused),
  steps_per_cpu_s_tfjs: Math.round(tfjs),
  ratio: round(fused / tfjs, 2),
  cpu_s_per_run_fused: round(totals.fused.cpu / ROUNDS, 2),
  cpu_s_per_run_tfjs: round(totals.tfjs.cpu / ROUNDS, 2),
  wall_s_per_run_fused: round(totals.fused.wall / ROUNDS, 2),
  wall_s_per_run_tfjs: round(totals.tfjs.wall / ROUNDS, 2),
  mean_return_last_20_fused: returnsOf.fused,
  mean_return_last_20_tfjs: returnsOf.tfjs,
  ...(Object.keys(sweep).length ? { width_sweep: sweep } : {}),
}));
