/**
 * Hill's scripted pilot as a policy file, for the bottom of its difficulty ladder: a linear policy
 * whose only opinion is its bias toward the throttle, so it floors it whatever it sees, as a new
 * player does (and flips on steep crests). At a level's temperature it sometimes coasts or brakes.
 *   npx tsx games/hill/floor-it.ts   (writes assets/policies/hill/floor-it-float32.json)
 */
import 'phaser-distill/node'; // the browser globals Phaser needs in Node, before scene.js loads it
import { writeFileSync } from 'node:fs';
import { buildPolicyFile } from 'phaser-distill/train';
import { BRAKE, COAST, THROTTLE } from './scene.js';

const OBSERVATIONS = 20;
const bias = new Float32Array(3);
bias[BRAKE] = -2;
bias[COAST] = 0;
bias[THROTTLE] = 2;
const low = [...Array<number>(5).fill(-1), ...Array<number>(OBSERVATIONS - 5).fill(0)];
const file = buildPolicyFile({
  observationSpace: { type: 'box', shape: [OBSERVATIONS], low, high: Array<number>(OBSERVATIONS).fill(1) },
  actionSpace: { type: 'discrete', n: 3 },
  observationNormalization: null,
  layers: [{ inputs: OBSERVATIONS, outputs: 3, activation: 'linear', kernel: new Float32Array(OBSERVATIONS * 3), bias }],
  meta: { student: 'floor-it', note: "Hill's scripted pilot: the throttle held down" },
});
writeFileSync(new URL('../../assets/policies/hill/floor-it-float32.json', import.meta.url), JSON.stringify(file));
