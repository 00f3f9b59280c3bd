/**
 * Math.random under a headless host. Phaser's `Math.Between`, `FloatBetween`, particles and the
 * geometry `Random` helpers call the unseeded `Math.random()`, which would make two runs with the
 * same seed differ. While a host is alive, `Math.random` draws from the generator of the scene
 * being stepped (seeded per episode), or throws, as the host chooses.
 */
import type { Rng } from '../src/env/index.js';

export type MathRandomMode = 'seeded' | 'throw' | 'allow';

let installs = 0;
let original: () => number = Math.random;
/** The generator of the scene being stepped, or the host's own between scenes. */
let current: Rng | null = null;
let mode: MathRandomMode = 'seeded';

function guarded(): number {
  if (mode === 'throw') {
    throw new Error('Math.random() was called while a headless game was stepping; it is unseeded and breaks replay. Draw from this.ai.rng or Phaser.Math.RND (both seeded per episode), or create the host with mathRandom: "seeded"');
  }
  return current && mode === 'seeded' ? current.float() : original();
}

/** Replaces Math.random until the returned function is called (hosts may nest). */
export function guardMathRandom(): () => void {
  if (installs === 0) {
    original = Math.random;
    Math.random = guarded;
  }
  installs += 1;
  let done = false;
  return () => {
    if (done) return;
    done = true;
    installs -= 1;
    if (installs === 0) {
      Math.random = original;
      current = null;
    }
  };
}

/** Makes `rng` the source of Math.random, under `m`, until the next call. */
export function useRandomSource(rng: Rng | null, m: MathRandomMode): void {
  current = rng;
  mode = m;
}
