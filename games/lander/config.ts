/**
 * Lander's PPO settings, as rl-baselines3-zoo tunes PPO for LunarLanderContinuous-v2 (16 envs x
 * 1024 steps, minibatches of 64, 4 epochs, gamma 0.999, lambda 0.98, entropy 0.01, 1M steps,
 * VecNormalize on observations and rewards) on Stable-Baselines3's defaults for the rest (learning
 * rate 3e-4, constant; no value clipping; 64 x 64 tanh networks). The zoo reports 271 +- 32 at 1M
 * steps. bench:ppo trains with it.
 */
import { defaultPpoConfig, type PpoConfig } from 'phaser-distill/train';

export const LANDER_PPO: PpoConfig = {
  ...defaultPpoConfig,
  totalTimesteps: 1_000_000,
  numEnvs: 16,
  numSteps: 1024,
  // 16 x 1024 = 16384 steps a rollout, in minibatches of 64.
  numMinibatches: 256,
  updateEpochs: 4,
  learningRate: 3e-4,
  annealLr: false,
  gamma: 0.999,
  gaeLambda: 0.98,
  clipVloss: false,
  entCoef: 0.01,
  normalizeObservation: true,
  normalizeReward: true,
};
