/**
 * Swing's PPO settings, as rl-baselines3-zoo tunes PPO for Pendulum-v1 (4 envs x 1024 steps,
 * gamma 0.9, lambda 0.95, 10 epochs of minibatches of 64, learning rate 1e-3, no entropy bonus)
 * but without its gSDE: rewards scaled by the spread of the discounted return (normalizeReward)
 * instead. bench:ppo trains with it.
 */
import { defaultPpoConfig, type PpoConfig } from 'phaser-distill/train';

export const SWING_PPO: PpoConfig = {
  ...defaultPpoConfig,
  totalTimesteps: 200_000,
  numEnvs: 4,
  numSteps: 1024,
  numMinibatches: 64,
  updateEpochs: 10,
  learningRate: 1e-3,
  gamma: 0.9,
  gaeLambda: 0.95,
  entCoef: 0,
  normalizeReward: true,
};
