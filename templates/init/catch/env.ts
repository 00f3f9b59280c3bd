/**
 * Catch for the command line (`env: ./env.ts` in catch.yaml): N copies of the scene in one headless
 * Phaser game. phaser-distill/node sets up what Phaser needs in Node: in a script of your own, import
 * it before anything that imports Phaser (the command line loads it first for you).
 */
import { createSceneVectorEnv } from 'phaser-distill/node';
import { CATCH } from './scene.js';

export const makeVectorEnv = ({ numEnvs }: { numEnvs: number }) => createSceneVectorEnv(CATCH, { instances: numEnvs });
