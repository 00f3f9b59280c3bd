/**
 * Difficulty levels that play like weaker humans rather than like a random agent: each level is a
 * policy (a student of some size or training stage) with knobs a player would recognise:
 * - temperature: samples from softer action probabilities, so it hesitates between moves;
 * - reaction delay: acts on what it saw k decisions ago, so it is late;
 * - action noise: now and then a random move, so it slips;
 * - skill: how much of its own action it plays against a weaker policy's (`weaker`): a continuous
 *   action is the blend skill * own + (1 - skill) * weaker's, a discrete one is the weaker
 *   policy's choice with probability 1 - skill. It moves a level smoothly between two students.
 *
 * A ladder file lists the levels with the strength each measured against a reference opponent
 * (see `phaser-distill calibrate`), weakest first. No TensorFlow.js here: this ships in games.
 */
import { Rng } from '../env/rng.js';
import { branchSizes, sample, validateSpace, type Action, type ActionMask, type Space } from '../env/spaces.js';

export const LADDER_FORMAT = 'phaser-distill.ladder';
/** Version 2 added a level's `skill` and `weaker`; version 1 files (without them) still load. */
export const LADDER_VERSION = 2;

/** Decisions a level may lag behind (a minute of play at 60 decisions a second). */
export const MAX_REACTION_DELAY = 3600;

/** The keys a level may have: anything else is a typo that would silently play at full strength. */
const LEVEL_KEYS = new Set(['name', 'policy', 'temperature', 'reactionDelay', 'actionNoise', 'skill', 'weaker', 'strength']);

export interface LevelKnobs {
  /** 0 is greedy; higher samples more freely. */
  temperature: number;
  /** Decisions between seeing an observation and acting on it. */
  reactionDelay: number;
  /** Probability of a uniformly random action at a decision. */
  actionNoise: number;
  /** In [0, 1]: the share of the level's own policy against `weaker` (default 1, no blend). */
  skill?: number;
  /** The weaker policy blended in when skill < 1 (a ladder names its file, relative to the ladder). */
  weaker?: string;
}

/** A level's measured strength: mean and a 95% confidence interval over `episodes`. */
export interface Strength {
  mean: number;
  low: number;
  high: number;
  episodes: number;
}

export interface LadderLevel extends LevelKnobs {
  name: string;
  /** The policy file the level plays with, relative to the ladder file. */
  policy: string;
  strength?: Strength;
}

export interface LadderFile {
  format: typeof LADDER_FORMAT;
  version: number;
  game: string;
  agent: string;
  /** What `strength` measures, e.g. 'point_win_rate', 'episode_return' or 'elo'. */
  metric: string;
  /** With 'elo': the game's own (scripted) player of agent `agent`, held at rating `elo`. */
  anchor?: { agent: string; elo: number };
  levels: LadderLevel[];
}

export class LadderError extends Error {
  override name = 'LadderError';
}

/** Checks a parsed ladder file field by field; errors name the field and what was expected. */
export function decodeLadderFile(input: unknown, source = 'ladder file'): LadderFile {
  const fail = (field: string, expected: string, got: unknown): never => {
    throw new LadderError(`${source}: ${field}: expected ${expected}, got ${JSON.stringify(got)}`);
  };
  if (typeof input !== 'object' || input === null) fail('(root)', 'an object', input);
  const f = input as Record<string, unknown>;
  if (f.format !== LADDER_FORMAT) fail('format', `'${LADDER_FORMAT}'`, f.format);
  if (f.version !== 1 && f.version !== LADDER_VERSION) fail('version', `1 or ${LADDER_VERSION}`, f.version);
  for (const key of ['game', 'agent', 'metric'] as const) if (typeof f[key] !== 'string' || f[key] === '') fail(key, 'a non-empty string', f[key]);
  if (!Array.isArray(f.levels) || f.levels.length === 0) fail('levels', 'a non-empty array', f.levels);
  const levels = f.levels as unknown[];
  levels.forEach((raw, i) => {
    const at = `levels[${i}]`;
    if (typeof raw !== 'object' || raw === null) fail(at, 'an object', raw);
    const l = raw as Record<string, unknown>;
    if (typeof l.name !== 'string' || l.name === '') fail(`${at}.name`, 'a non-empty string', l.name);
    if (typeof l.policy !== 'string' || l.policy === '') fail(`${at}.policy`, 'a policy file path', l.policy);
    const unknown = Object.keys(l).find((k) => !LEVEL_KEYS.has(k));
    if (unknown !== undefined) fail(`${at}.${unknown}`, `no such key (a level has ${[...LEVEL_KEYS].join(', ')})`, l[unknown]);
    if (f.version === 1 && (l.skill !== undefined || l.weaker !== undefined)) fail(`${at}.skill`, 'a version 2 ladder file (version 1 has no skill or weaker)', l.skill ?? l.weaker);
    validateKnobs(l, at, fail);
    if (l.strength !== undefined) {
      const s = l.strength as Record<string, unknown>;
      for (const key of ['mean', 'low', 'high', 'episodes'] as const) if (typeof s?.[key] !== 'number' || !Number.isFinite(s[key])) fail(`${at}.strength.${key}`, 'a finite number', s?.[key]);
    }
  });
  const names = levels.map((l) => (l as LadderLevel).name);
  const dup = names.find((n, i) => names.indexOf(n) !== i);
  if (dup !== undefined) fail('levels', 'distinct level names', dup);
  return input as LadderFile;
}

function validateKnobs(l: Record<string, unknown>, at: string, fail: (field: string, expected: string, got: unknown) => never): void {
  if (typeof l.temperature !== 'number' || !(l.temperature >= 0) || !Number.isFinite(l.temperature)) fail(`${at}.temperature`, 'a number >= 0', l.temperature);
  // A level keeps one observation per decision of delay: the bound keeps a ladder from asking for more memory than a game has.
  if (typeof l.reactionDelay !== 'number' || !Number.isInteger(l.reactionDelay) || l.reactionDelay < 0 || l.reactionDelay > MAX_REACTION_DELAY) fail(`${at}.reactionDelay`, `an integer from 0 to ${MAX_REACTION_DELAY}`, l.reactionDelay);
  if (typeof l.actionNoise !== 'number' || !(l.actionNoise >= 0 && l.actionNoise <= 1)) fail(`${at}.actionNoise`, 'a probability in [0, 1]', l.actionNoise);
  if (l.skill !== undefined && (typeof l.skill !== 'number' || !(l.skill >= 0 && l.skill <= 1))) fail(`${at}.skill`, 'a number in [0, 1]', l.skill);
  if (l.weaker !== undefined && (typeof l.weaker !== 'string' || l.weaker === '')) fail(`${at}.weaker`, 'a policy file path', l.weaker);
  if (typeof l.skill === 'number' && l.skill < 1 && l.weaker === undefined) fail(`${at}.weaker`, `a weaker policy to blend in at skill ${l.skill}`, l.weaker);
  if (l.weaker !== undefined && !(typeof l.skill === 'number' && l.skill < 1)) fail(`${at}.skill`, `a skill below 1 to blend in '${l.weaker}' (at skill 1 it never plays)`, l.skill);
}

/** What a level needs of its policy: an action per observation (within a mask) and a settable temperature. */
export interface TemperedPolicy {
  act(observation: Float32Array, mask?: ActionMask): Action;
  temperature: number;
  /** Restarts its sampling generator, where it has one (a StudentPolicy does). */
  reseed?(seed: number): void;
}

/**
 * A policy played at one level's knobs. Keeps the last `reactionDelay` observations (copied into
 * buffers allocated once), so the hot path allocates nothing beyond what the policy itself does.
 */
export class LevelPolicy {
  private readonly history: Float32Array[];
  private seen = 0;
  private readonly rng: Rng;

  private readonly skill: number;
  private readonly blend: Float32Array;

  /**
   * @param weakerPolicy the policy the level's `weaker` names, needed when its skill is below 1.
   *   Give it a generator of its own (a StudentPolicy reseeded apart from `policy`): two students
   *   drawing the same noise would blend into a wider spread than calibration measured.
   */
  constructor(readonly policy: TemperedPolicy, readonly knobs: LevelKnobs, readonly actionSpace: Space, seed = 0, readonly weakerPolicy: TemperedPolicy | null = null) {
    validateSpace(actionSpace, 'actionSpace');
    validateKnobs(knobs as unknown as Record<string, unknown>, 'level', (field, expected, got) => {
      throw new LadderError(`${field}: expected ${expected}, got ${JSON.stringify(got)}`);
    });
    this.skill = knobs.skill ?? 1;
    if (this.skill < 1 && !weakerPolicy) throw new LadderError(`level: skill ${this.skill} blends in a weaker policy, and none was given`);
    this.blend = new Float32Array(actionSpace.type === 'box' ? actionSpace.low.length : 0);
    this.history = Array.from({ length: knobs.reactionDelay + 1 }, () => new Float32Array(0));
    this.rng = new Rng(seed);
  }

  /**
   * Forgets what was seen; call at the start of an episode. Given a seed, it also restarts the
   * level's generator (its slips and blends) and its policies' sampling from it, so that an
   * episode of a seeded game replays the same moves whatever was played before.
   */
  reset(seed?: number): void {
    this.seen = 0;
    if (seed === undefined) return;
    this.rng.seed(seed);
    this.policy.reseed?.((seed + 1) >>> 0);
    this.weakerPolicy?.reseed?.((seed + 2) >>> 0);
  }

  /** The level's action; a mask (the agent's choices allowed now) binds the noise and the policy alike. */
  act(observation: Float32Array, mask?: ActionMask): Action {
    const slots = this.history.length;
    let slot = this.history[this.seen % slots]!;
    if (slot.length !== observation.length) slot = this.history[this.seen % slots] = new Float32Array(observation.length);
    slot.set(observation);
    this.seen += 1;
    // Until `reactionDelay` decisions have passed, it acts on the first thing it saw.
    const lag = Math.min(this.knobs.reactionDelay, this.seen - 1);
    const stale = this.history[(this.seen - 1 - lag) % slots]!;
    if (this.knobs.actionNoise > 0 && this.rng.float() < this.knobs.actionNoise) return mask ? sampleAllowed(this.actionSpace, mask, this.rng) : sample(this.actionSpace, this.rng);
    this.policy.temperature = this.knobs.temperature;
    if (this.skill === 1) return this.policy.act(stale, mask);
    const weaker = this.weakerPolicy!;
    weaker.temperature = this.knobs.temperature;
    if (this.actionSpace.type !== 'box') return this.rng.float() < this.skill ? this.policy.act(stale, mask) : weaker.act(stale, mask);
    // Both policies reuse their action arrays: blend into the level's own.
    this.blend.set(this.policy.act(stale) as ArrayLike<number>);
    const w = weaker.act(stale) as ArrayLike<number>;
    for (let d = 0; d < this.blend.length; d++) this.blend[d] = this.skill * this.blend[d]! + (1 - this.skill) * w[d]!;
    return this.blend;
  }
}

/** A uniformly random allowed choice in each branch of a discrete or multi-discrete space. */
function sampleAllowed(space: Space, mask: ActionMask, rng: Rng): Action {
  const branches = branchSizes(space) ?? [];
  const choice = branches.map(() => 0);
  for (let b = 0, offset = 0; b < branches.length; offset += branches[b]!, b++) {
    let allowed = 0;
    for (let j = offset; j < offset + branches[b]!; j++) if (mask[j]) allowed += 1;
    if (allowed === 0) throw new LadderError(`the action mask allows nothing in branch ${b}`);
    let pick = rng.int(allowed);
    for (let j = offset; j < offset + branches[b]!; j++) {
      if (mask[j] && pick-- === 0) {
        choice[b] = j - offset;
        break;
      }
    }
  }
  return space.type === 'discrete' ? choice[0]! : choice;
}
