/**
 * PPO with and without behaviour cloning from the same demo, same seeds: the env steps each run takes until
 * the mean return of its last `window` training episodes first reaches `threshold` (null if the
 * budget ran out first), for bench/imitation.ts.
 */
import type { Demo, VectorEnv } from 'phaser-distill';
import { PpoTrainer, defaultPpoConfig, type BcConfig, type PpoConfig } from 'phaser-distill/train';

export interface StepsToThreshold {
  seed: number;
  steps: number | null;
  seconds: number;
}

export async function stepsToThreshold(makeEnv: (numEnvs: number) => VectorEnv | Promise<VectorEnv>, config: PpoConfig, demo: Demo | undefined, window: number, threshold: number): Promise<StepsToThreshold> {
  const env = await makeEnv(config.numEnvs);
  const trainer = new PpoTrainer(env, config, { demo });
  const returns: number[] = [];
  let reached: number | null = null;
  const t0 = performance.now();
  await trainer.train(({ episodes }) => {
    for (const e of episodes) {
      returns.push(e.return);
      if (reached === null && returns.length >= window && returns.slice(-window).reduce((a, b) => a + b, 0) / window >= threshold) reached = e.step;
    }
    return reached === null;
  });
  trainer.dispose();
  env.close();
  return { seed: config.seed, steps: reached, seconds: (performance.now() - t0) / 1000 };
}

/** One way of training: PPO's config overrides (bc among them) beside the base config. */
export interface Variant {
  name: string;
  bc: BcConfig | null;
}

/** Runs every variant on each seed, in turn, so all see the same machine load; results by variant name. */
export async function compareBc(makeEnv: (numEnvs: number) => VectorEnv | Promise<VectorEnv>, base: Partial<PpoConfig>, variants: Variant[], demo: Demo, seeds: number[], window: number, threshold: number, log: (line: string) => void): Promise<Record<string, StepsToThreshold[]>> {
  const out: Record<string, StepsToThreshold[]> = Object.fromEntries(variants.map((v) => [v.name, []]));
  for (const seed of seeds) {
    const row: string[] = [];
    for (const v of variants) {
      const r = await stepsToThreshold(makeEnv, { ...defaultPpoConfig, ...base, seed, bc: v.bc }, v.bc ? demo : undefined, window, threshold);
      out[v.name]!.push(r);
      row.push(`${v.name} ${r.steps ?? 'not reached'} steps (${r.seconds.toFixed(1)} s)`);
    }
    log(`seed ${seed}: ${row.join(' | ')}`);
  }
  return out;
}

export function median(xs: (number | null)[]): number | null {
  if (xs.some((x) => x === null)) return null;
  const s = (xs as number[]).slice().sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
}
