/**
 * `phaser-distill/train`: PPO, checkpoints and metrics on TensorFlow.js.
 *
 * @module phaser-distill/train
 */
export * from './backend.js';
export * from './ppo.js';
export * from './checkpoint.js';
export * from './metrics.js';
export * from './elo.js';
export * from './self-play.js';
export * from '../distill/index.js';
