/**
 * The fused learner against TensorFlow.js (the oracle, as micrograd checks against PyTorch): on
 * fixed minibatches, for every action-space type, masks and the BC loss included, the gradients
 * of the whole PPO loss agree within 1e-5 relative (per param, in the L2 norm), and so do the
 * reported losses and the weights after one Adam step. Both kernel sets are held to it: WebAssembly
 * SIMD (what runs) and the plain loops used where SIMD is missing.
 */
import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { Rng, box, discrete, multiDiscrete, branchSizes, flatSize, type Space } from '../../src/env/index.js';
import { policyOutputCount } from '../../src/policy/index.js';
import { defaultPpoConfig, initBackend } from '../../src/train/index.js';
import { categoricalLogProbEntropy, gaussianLogProbEntropy } from '../../src/train/distributions.js';
import { FusedLearner } from '../../src/train/fused/fused-learner.js';
import { Minibatch, type BcBatch } from '../../src/train/learner.js';
import { ActorCritic, type Activation } from '../../src/train/networks.js';
import { TfjsLearner } from '../../src/train/tfjs-learner.js';

beforeAll(async () => {
  await initBackend('cpu');
});

const D = 5;
const N = 48;

interface Case {
  name: string;
  space: Space;
  masks?: boolean;
  bc?: boolean;
  activation?: Activation;
  entCoef?: number;
}

/** A minibatch drawn at random, whose old log-probabilities are the network's own plus noise, so some ratios clip. */
function minibatch(space: Space, net: ActorCritic, rng: Rng, masks: boolean): Minibatch {
  const A = flatSize(space);
  const P = policyOutputCount(space);
  const branches = branchSizes(space);
  const obs = Float32Array.from({ length: N * D }, () => rng.normal());
  const act = new Float32Array(N * A);
  const maskBuf = masks ? new Uint8Array(N * P).fill(1) : null;
  for (let j = 0; j < N; j++) {
    if (!branches) {
      for (let d = 0; d < A; d++) act[j * A + d] = rng.normal();
      continue;
    }
    for (let b = 0, o = 0; b < branches.length; o += branches[b]!, b++) {
      const k = branches[b]!;
      const choice = rng.int(k);
      act[j * A + b] = choice;
      // Mask out each other choice with probability 1/2.
      if (maskBuf) for (let c = 0; c < k; c++) if (c !== choice && rng.float() < 0.5) maskBuf[j * P + o + c] = 0;
    }
  }
  const mb = new Minibatch(N, D, A, space);
  const idx = Int32Array.from({ length: N }, (_, i) => i);
  const zeros = new Float32Array(N);
  mb.fill(idx, obs, act, zeros, zeros, zeros, zeros, false, maskBuf);
  const logp = tf.tidy(() => {
    const out = net.actor.apply(tf.tensor2d(mb.obs, [N, D]));
    const a = tf.tensor2d(mb.act, [N, mb.actWidth]);
    return (net.logStd ? gaussianLogProbEntropy(out, net.logStd as tf.Tensor1D, a) : categoricalLogProbEntropy(out, a, branches!, mb.masked ? tf.tensor2d(mb.mask, [N, P]) : undefined)).logProb.dataSync();
  });
  for (let j = 0; j < N; j++) {
    mb.logp[j] = logp[j]! + rng.uniform(-0.5, 0.5);
    mb.adv[j] = rng.normal();
    mb.ret[j] = rng.normal();
    mb.val[j] = rng.normal() * 0.3;
  }
  return mb;
}

function bcBatch(space: Space, rng: Rng): BcBatch {
  const n = 40;
  const branches = branchSizes(space);
  const A = flatSize(space);
  const actions = branches ? Int32Array.from({ length: n * A }, (_, i) => rng.int(branches[i % A]!)) : Float32Array.from({ length: n * A }, () => rng.normal());
  return { n, obs: Float32Array.from({ length: n * D }, () => rng.normal()), actions };
}

/** ||a - b|| / ||b||. */
function relativeError(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let diff = 0;
  let norm = 0;
  for (let i = 0; i < b.length; i++) {
    diff += (a[i]! - b[i]!) ** 2;
    norm += b[i]! ** 2;
  }
  return Math.sqrt(diff) / Math.max(Math.sqrt(norm), 1e-30);
}

const cases: Case[] = [
  { name: 'discrete', space: discrete(3), entCoef: 0.01 },
  { name: 'discrete, relu', space: discrete(4), activation: 'relu', entCoef: 0.02 },
  { name: 'multi-discrete with masks', space: multiDiscrete([3, 2, 4]), masks: true, entCoef: 0.05 },
  { name: 'Gaussian box', space: box([2], -1, 1), entCoef: 0.01 },
  { name: 'discrete with the BC loss', space: multiDiscrete([3, 1, 2]), bc: true },
  { name: 'Gaussian box with the BC loss', space: box([3], -2, 2), bc: true, activation: 'relu' },
];

describe('fused learner against TensorFlow.js', () => {
  for (const c of cases) for (const kernels of ['simd', 'scalar'] as const) {
    it(`agrees on gradients, losses and the Adam step: ${c.name} (${kernels} kernels)`, () => {
      const rng = new Rng(42);
      const network = { ...defaultPpoConfig.network, actorHidden: [16, 12], criticHidden: [10], activation: c.activation ?? 'tanh' };
      const settings = { ...defaultPpoConfig, entCoef: c.entCoef ?? 0, clipVloss: true, maxGradNorm: 0.5 };
      const net = new ActorCritic(D, c.space, network, 7);
      if (net.logStd) net.logStd.assign(tf.tensor1d(Array.from({ length: net.logStd.size }, (_, d) => -0.3 + 0.2 * d)));
      const branches = branchSizes(c.space);
      const fused = new FusedLearner(
        { obsSize: D, outputs: policyOutputCount(c.space), actorHidden: network.actorHidden, criticHidden: network.criticHidden, activation: network.activation, branches },
        settings, net.getWeights(), net.params.map((p) => p.name), kernels);
      const reference = new TfjsLearner(net, settings, branches, flatSize(c.space));
      reference.keepGradients = true;
      const mb = minibatch(c.space, net, rng, c.masks ?? false);
      const bc = c.bc ? bcBatch(c.space, rng) : null;

      const fusedStats = Array.from(fused.update(mb, bc, 0.7, 1e-3));
      const tfStats = Array.from(reference.update(mb, bc, 0.7, 1e-3));
      const gf = fused.lastGradients();
      const gt = reference.lastGradients();
      expect(gf.length).toBe(gt.length);
      let worst = 0;
      gt.forEach((g, k) => {
        // A gradient that is not all zeros, so the comparison could fail.
        expect(Math.max(...g.map(Math.abs)), `param ${k}`).toBeGreaterThan(0);
        worst = Math.max(worst, relativeError(gf[k]!, g));
        expect(relativeError(gf[k]!, g), `param ${k} ([${net.params[k]!.shape}])`).toBeLessThan(1e-5);
      });
      console.log(`${c.name}, ${kernels} kernels: largest relative gradient error ${worst.toExponential(2)}`);
      // Some ratios were clipped and some not, so both branches of the surrogate are exercised.
      expect(tfStats[5]).toBeGreaterThan(0);
      expect(tfStats[5]).toBeLessThan(1);
      if (c.bc) expect(tfStats[6]).toBeGreaterThan(0);
      fusedStats.forEach((s, i) => expect(Math.abs(s - tfStats[i]!), `stat ${i}`).toBeLessThan(1e-5 * Math.max(1, Math.abs(tfStats[i]!))));
      // After one Adam step (clipped by the global norm) the weights agree to float32 rounding. Adam
      // divides each gradient by its own size, so a component near epsilon (1e-5) passes its own
      // rounding error (float32 in both, summed in another order) to the step: 1e-6 is too tight.
      const wf = fused.getWeights();
      net.getWeights().forEach((w, k) => expect(relativeError(wf[k]!, w), `weight ${k}`).toBeLessThan(5e-6));
      reference.dispose();
      net.dispose();
    });
  }

  it('keeps agreeing over many steps, and writes the same optimizer state as tf.train.adam', async () => {
    const space = multiDiscrete([3, 2]);
    const rng = new Rng(3);
    const network = { ...defaultPpoConfig.network, actorHidden: [8], criticHidden: [8] };
    const net = new ActorCritic(D, space, network, 5);
    const branches = branchSizes(space);
    const fused = new FusedLearner({ obsSize: D, outputs: 5, actorHidden: [8], criticHidden: [8], activation: 'tanh', branches }, defaultPpoConfig, net.getWeights(), net.params.map((p) => p.name));
    const reference = new TfjsLearner(net, defaultPpoConfig, branches, 2);
    for (let step = 0; step < 20; step++) {
      const mb = minibatch(space, net, rng, true);
      fused.update(mb, null, 0, 3e-3);
      reference.update(mb, null, 0, 3e-3);
    }
    const wt = net.getWeights();
    fused.getWeights().forEach((w, k) => expect(relativeError(w, wt[k]!), `weight ${k}`).toBeLessThan(5e-5));
    const of = await fused.optimizerWeights();
    const ot = await reference.optimizerWeights();
    expect(of.map((w) => [w.name, w.shape, w.dtype])).toEqual(ot.map((w) => [w.name, w.shape, w.dtype]));
    expect(of[0]!.data[0]).toBe(20);
    of.slice(1).forEach((w, k) => expect(relativeError(w.data, ot[k + 1]!.data), w.name).toBeLessThan(1e-4));
    reference.dispose();
    net.dispose();
  });
});
