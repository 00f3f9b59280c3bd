/**
 * A short PPO run on `env` recorded for comparison: every metric but the wall-clock one, and every
 * episode. Two runs that should be the same run (another number of workers, another split of the
 * envs) compare equal with toEqual. The env is closed after.
 */
import type { VectorEnv } from '../../src/env/index.js';
import { PpoTrainer, type PpoConfig, type PpoMetrics, type TrainingEpisode } from '../../src/train/index.js';

export interface TrainedRun {
  metrics: Omit<PpoMetrics, 'charts/SPS'>[];
  episodes: TrainingEpisode[];
}

/** `inspect` sees the trainer before it trains (to check how it was set up). */
export async function trainedRun(env: VectorEnv, config: PpoConfig, inspect?: (trainer: PpoTrainer) => void): Promise<TrainedRun> {
  const trainer = new PpoTrainer(env, config);
  const run: TrainedRun = { metrics: [], episodes: [] };
  try {
    inspect?.(trainer);
    await trainer.train(({ metrics: { 'charts/SPS': _wallClock, ...rest }, episodes: ended }) => {
      run.metrics.push(rest);
      run.episodes.push(...ended);
    });
  } finally {
    trainer.dispose();
    env.close();
  }
  return run;
}
