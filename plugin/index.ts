/**
 * `phaser-distill`: what a game imports to play. The engine-free environment API and the student
 * runtime; the Phaser plugin joins them here. Nothing reachable from this file imports
 * TensorFlow.js.
 */
export * from '../src/env/index.js';
export * from '../src/policy/index.js';
