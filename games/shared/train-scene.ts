/**
 * Trains an agent of a game scene with PPO through the headless host: what each game's train.ts
 * runs. A training config is JSON: the scene options, the PPO settings that differ from the
 * defaults, and when to stop. Unknown keys are errors that name the key, so a typo never trains
 * with a default silently.
 */
import { createSceneVectorEnv, type SceneVectorEnv } from 'phaser-distill/node';
import { PpoTrainer, defaultPpoConfig, initBackend, type PpoConfig } from 'phaser-distill/train';
import type Phaser from 'phaser';

export interface SceneTrainConfig {
  /** The agent to train. */
  agent: string;
  /** Scenes (environments) in the one headless game; becomes PPO's numEnvs. */
  numEnvs: number;
  /** PPO settings over `defaultPpoConfig`; numEnvs comes from above. */
  ppo: Partial<Omit<PpoConfig, 'numEnvs'>>;
  /** Stop once the mean return of the last `window` episodes reaches this (null: never). */
  targetReturn: number | null;
  /** Episodes in the moving mean. */
  window: number;
}

const TOP_KEYS: (keyof SceneTrainConfig)[] = ['agent', 'numEnvs', 'ppo', 'targetReturn', 'window'];

/** Parses a config object strictly: every key known, every PPO key one of PpoConfig's. */
export function parseTrainConfig(raw: unknown, source: string): SceneTrainConfig {
  if (typeof raw !== 'object' || raw === null) throw new Error(`${source}: expected a JSON object`);
  const obj = raw as Record<string, unknown>;
  for (const key of Object.keys(obj)) {
    if (key.startsWith('$')) continue; // "$comment" and the like
    if (!TOP_KEYS.includes(key as keyof SceneTrainConfig)) throw new Error(`${source}: unknown key '${key}' (expected one of ${TOP_KEYS.join(', ')})`);
  }
  if (typeof obj.agent !== 'string') throw new Error(`${source}: 'agent' must be the agent's name (a string)`);
  if (!Number.isInteger(obj.numEnvs) || (obj.numEnvs as number) < 1) throw new Error(`${source}: 'numEnvs' must be a positive integer`);
  const ppo = (obj.ppo ?? {}) as Record<string, unknown>;
  for (const key of Object.keys(ppo)) {
    if (key === 'numEnvs') throw new Error(`${source}: ppo.numEnvs is set by the top-level 'numEnvs'`);
    if (!(key in defaultPpoConfig)) throw new Error(`${source}: unknown PPO key 'ppo.${key}' (expected one of ${Object.keys(defaultPpoConfig).join(', ')})`);
    if (typeof ppo[key] !== typeof defaultPpoConfig[key as keyof PpoConfig] && ppo[key] !== null) throw new Error(`${source}: ppo.${key} must be a ${typeof defaultPpoConfig[key as keyof PpoConfig]}`);
  }
  return {
    agent: obj.agent,
    numEnvs: obj.numEnvs as number,
    ppo: ppo as SceneTrainConfig['ppo'],
    targetReturn: (obj.targetReturn ?? null) as number | null,
    window: (obj.window ?? 10) as number,
  };
}

export interface TrainSceneOptions {
  scene: new () => Phaser.Scene;
  width: number;
  height: number;
  fps?: number;
  config: SceneTrainConfig;
  /** Overrides the config's seed. */
  seed?: number;
  /** Overrides the config's step budget. */
  totalTimesteps?: number;
  log?: (line: string) => void;
}

export interface TrainSceneResult {
  trainer: PpoTrainer;
  env: SceneVectorEnv;
  /** Global step at which the moving mean first reached the target, or null. */
  reachedAt: number | null;
  /** The last moving mean of episode returns. */
  meanReturn: number | null;
  seconds: number;
}

/** Trains until the budget is spent or the target is reached. The caller disposes trainer and env. */
export async function trainScene(options: TrainSceneOptions): Promise<TrainSceneResult> {
  const { config } = options;
  await initBackend('wasm');
  const ppo: PpoConfig = {
    ...defaultPpoConfig,
    ...config.ppo,
    network: { ...defaultPpoConfig.network, ...config.ppo.network },
    numEnvs: config.numEnvs,
    ...(options.seed !== undefined ? { seed: options.seed } : {}),
    ...(options.totalTimesteps !== undefined ? { totalTimesteps: options.totalTimesteps } : {}),
  };
  const env = await createSceneVectorEnv({ scene: options.scene, agent: config.agent, instances: config.numEnvs, width: options.width, height: options.height, fps: options.fps, seed: ppo.seed });
  const trainer = new PpoTrainer(env, ppo);
  const recent: number[] = [];
  let reachedAt: number | null = null;
  let meanReturn: number | null = null;
  const started = performance.now();
  await trainer.train(({ metrics, episodes }) => {
    for (const e of episodes) {
      recent.push(e.return);
      if (recent.length > config.window) recent.shift();
    }
    meanReturn = recent.length ? recent.reduce((a, b) => a + b, 0) / recent.length : null;
    options.log?.(`step ${metrics.global_step}  mean return ${meanReturn?.toFixed(2) ?? '-'}  entropy ${metrics['losses/entropy'].toFixed(3)}  SPS ${metrics['charts/SPS']}`);
    if (config.targetReturn !== null && meanReturn !== null && recent.length >= config.window && meanReturn >= config.targetReturn) {
      reachedAt = metrics.global_step;
      return false;
    }
    return true;
  });
  return { trainer, env, reachedAt, meanReturn, seconds: (performance.now() - started) / 1000 };
}
