/**
 * Self-play in a training run (`train.selfPlay` in the config): the learner's env wrapped so the
 * opponent is played from the pool, with the pool's state in every checkpoint (`selfplay.json`),
 * so a resumed run goes on with the same Elo, and the learner's Elo in every metrics row.
 */
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import type { VectorEnv } from '../env/index.js';
import { decodePolicyFile, type PolicyFile } from '../policy/index.js';
import { SelfPlayEnv, defaultSelfPlayConfig, teacherFromTrainer, type CheckpointFiles, type FixedOpponent, type PpoTrainer, type SelfPlayConfig, type SelfPlayState } from '../train/index.js';
import type { RunConfig } from '../config/run-config.js';
import { ConfigError } from '../config/errors.js';

/** The metrics columns self-play adds: the learner's Elo and the games rated so far. */
export const SELF_PLAY_COLUMNS = ['self-play/elo', 'self-play/games'] as const;

/** The checkpoint file that holds the pool, the ratings and the counters. */
export const SELF_PLAY_FILE = 'selfplay.json';

export interface RunSelfPlay {
  env: SelfPlayEnv;
  save(files: CheckpointFiles): void;
  /** Restores from a checkpoint's files; one saved without self-play is refused. */
  restore(files: CheckpointFiles): void;
  metrics(): Record<(typeof SELF_PLAY_COLUMNS)[number], number>;
  describe(): string;
}

/** Wraps the game's env for the run's self-play; snapshots come from the trainer `trainer()` returns once it exists. */
export function startSelfPlay(env: VectorEnv, config: RunConfig, trainer: () => PpoTrainer): RunSelfPlay {
  const sp = config.train.selfPlay!;
  if (!env.opponent) throw new ConfigError(`config.train.selfPlay: the game's env (${config.envPath}) has no opponent to hand over; self-play needs a two-player game whose defineGame names the agent on the other side (opponent: '...')`);
  // A frozen opponent is read and matched to the game's spaces now, not at its first match hours in.
  const opponents: FixedOpponent[] = sp.opponents.map((o, i) => {
    if (o.policy === 'scripted') return { name: o.name, policy: 'scripted' };
    const path = resolve(config.baseDir, o.policy);
    const key = `config.train.selfPlay.opponents.${i}.policy`;
    let file: PolicyFile;
    try {
      file = decodePolicyFile(JSON.parse(readFileSync(path, 'utf8')), path).file;
    } catch (e) {
      throw new ConfigError(`${key}: ${path} is not a policy file (${(e as Error).message})`);
    }
    if (JSON.stringify(file.observationSpace.shape) !== JSON.stringify(env.observationSpace.shape) || JSON.stringify(file.actionSpace) !== JSON.stringify(env.actionSpace)) {
      throw new ConfigError(`${key}: ${path} plays other spaces than the game's (observation ${JSON.stringify(file.observationSpace.shape)} and action ${JSON.stringify(file.actionSpace)} in the file, observation ${JSON.stringify(env.observationSpace.shape)} and action ${JSON.stringify(env.actionSpace)} in the game)`);
    }
    return { name: o.name, policy: file, temperature: o.temperature };
  });
  const spConfig: SelfPlayConfig = { ...defaultSelfPlayConfig, ...sp, opponents };
  const wrapped = new SelfPlayEnv(env, spConfig, () => teacherFromTrainer(trainer()).policyFile({ role: 'self-play snapshot' }), config.seed);
  return {
    env: wrapped,
    save: (files) => {
      files[SELF_PLAY_FILE] = new TextEncoder().encode(JSON.stringify(wrapped.getState()));
    },
    restore: (files) => {
      const bytes = files[SELF_PLAY_FILE];
      if (!bytes) throw new Error(`${SELF_PLAY_FILE} is missing: the checkpoint was saved without self-play`);
      let state: unknown;
      try {
        state = JSON.parse(new TextDecoder().decode(bytes));
      } catch (e) {
        throw new Error(`${SELF_PLAY_FILE}: not JSON (${(e as Error).message})`);
      }
      // Checked whole (checkSelfPlayState): a damaged one is passed over for the older checkpoint.
      wrapped.setState(state as SelfPlayState);
    },
    metrics: () => ({ 'self-play/elo': wrapped.elo, 'self-play/games': wrapped.games }),
    describe: () => {
      const rows = wrapped.pool().map((p) => `  ${p.name.padEnd(22)} Elo ${p.elo.toFixed(1).padStart(7)}  the learner won ${p.won}, lost ${p.lost}, drew ${p.drawn}`);
      return [`self-play: learner Elo ${wrapped.elo.toFixed(1)} after ${wrapped.games} rated games; the pool:`, ...rows].join('\n');
    },
  };
}

/** What summary.json keeps of self-play. */
export function selfPlaySummary(env: SelfPlayEnv): { elo: number; games: number; pool: ReturnType<SelfPlayEnv['pool']> } {
  return { elo: env.elo, games: env.games, pool: env.pool() };
}
