/**
 * `phaser-distill/node`: the headless host, for training and evaluating in Node, with recording
 * (`phaser-distill/record`) included.
 *
 * Import this before anything that imports `phaser`: its first import gives Node the browser
 * globals Phaser reads when it loads.
 *
 * @module phaser-distill/node
 */
import './headless-globals.js';
export { HeadlessGame, createSceneVectorEnv, type HeadlessGameOptions, type SceneVectorEnvOptions } from './headless-game.js';
export { guardMathRandom, type MathRandomMode } from './random-guard.js';
export * from './index.js';
export * from './record.js';
