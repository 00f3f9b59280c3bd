/**
 * Self-play, in the manner of ML-Agents' ghost trainer, for symmetric two-player games: the learner
 * plays the game's agent, and copies of its past selves play the opponent (the vector env's
 * `opponent` seat). Every `saveSteps` env steps a snapshot of the learner joins the pool (the last
 * `window` are kept); every `swapSteps` the opponent changes: the newest snapshot with probability
 * `playAgainstLatestModelRatio`, else one drawn uniformly from the pool, which also holds fixed
 * opponents that never leave it (the game's scripted one, or frozen policies). Each env takes the
 * current opponent as its next episode starts, so no match has two; a snapshot that leaves the pool
 * while it is the current opponent gives way to the newest.
 *
 * Every finished episode is a game for Elo: a win when the learner's return is above 0, a loss
 * below, a draw at 0. In a team game (a vector env of several learner slots a scene, its
 * `agentsPerScene`, against a team of opponents) a match is one game, not one per teammate: the
 * episode of each scene's first slot is rated, its return the team's result (a group reward), and
 * each snapshot of the pool is rated as a team. The learner and each member of the pool have a rating; a snapshot starts
 * at the learner's rating when it was taken. Ratings, the pool (snapshots as policy files) and the
 * generator are the state a checkpoint keeps, so a resumed run goes on with the same Elo.
 *
 * SelfPlayEnv is a VectorEnv wrapper: the trainer sees an ordinary vector env. Snapshots play in
 * plain TypeScript (the student runtime), sampling as the learner did.
 */
import { Rng, rngState, setRngState, type OpponentPolicy, type VectorEnv, type VectorStepResult } from '../env/index.js';
import { decodePolicyFile, loadStudentPolicy, type PolicyFile } from '../policy/index.js';
import { ELO_K, INITIAL_ELO, eloChange, scoreOfReturn } from './elo.js';

/** An opponent that stays in the pool: the game's own (`'scripted'`) or a frozen policy. */
export interface FixedOpponent {
  /** Its name in the pool and in reports (no '@', which snapshots' names use). */
  name: string;
  /** 'scripted': the game's own opponent; else a policy file (a student, or a teacher exported as one). */
  policy: 'scripted' | PolicyFile;
  /** A frozen policy's sampling temperature (0: greedy, as a shipped student plays). */
  temperature?: number;
}

export interface SelfPlayConfig {
  /** Env steps (summed over envs) between snapshots of the learner joining the pool (ML-Agents' save_steps). */
  saveSteps: number;
  /** Env steps between changes of opponent (swap_steps). */
  swapSteps: number;
  /** Snapshots kept in the pool, the newest (window). */
  window: number;
  /** Chance that a change of opponent picks the newest snapshot (play_against_latest_model_ratio). */
  playAgainstLatestModelRatio: number;
  /** The learner's rating at the start, and the fixed opponents' (initial_elo). */
  initialElo: number;
  /** Elo's K: the most one game moves a rating. */
  eloK: number;
  /** Opponents always in the pool beside the snapshots. */
  opponents: FixedOpponent[];
}

export const defaultSelfPlayConfig: SelfPlayConfig = {
  saveSteps: 20_000,
  swapSteps: 2_000,
  window: 10,
  playAgainstLatestModelRatio: 0.5,
  initialElo: INITIAL_ELO,
  eloK: ELO_K,
  opponents: [],
};

/** A snapshot of the learner in the pool. */
export interface Snapshot {
  /** `snapshot@{step}`. */
  name: string;
  step: number;
  /** The learner's actor as a policy file (float32). */
  file: PolicyFile;
}

/** One member of the pool and its games against the learner. */
export interface PoolRating {
  name: string;
  elo: number;
  /** The learner's results against it. */
  won: number;
  lost: number;
  drawn: number;
}

/** What a checkpoint keeps of self-play. */
export interface SelfPlayState {
  /** The learner's rating. */
  elo: number;
  /** Env steps so far, and when the next snapshot and the next change of opponent are due. */
  steps: number;
  nextSave: number;
  nextSwap: number;
  /** The opponent the envs take at their next episode. */
  current: string;
  rng: number[];
  snapshots: Snapshot[];
  /** Every rating still in play, pool and fixed opponents. */
  ratings: PoolRating[];
  games: number;
}

/** The learner's vector env with the opponent seat played from the pool. */
export class SelfPlayEnv implements VectorEnv {
  readonly numEnvs: number;
  readonly observationSpace: VectorEnv['observationSpace'];
  readonly actionSpace: VectorEnv['actionSpace'];
  /** The seat is the pool's: nobody else chooses the opponent. */
  readonly opponent = null;
  /** The learner's rating. */
  elo: number;
  /** Episodes played (games rated). */
  games = 0;
  private steps = 0;
  private nextSave: number;
  private nextSwap: number;
  private current = '';
  private readonly rng: Rng;
  private snapshots: Snapshot[] = [];
  private readonly ratings = new Map<string, PoolRating>();
  /** Loaded policies by name, while in the pool or in play. */
  private readonly policies = new Map<string, OpponentPolicy>();
  /** What each env's running episode plays, and what the episode that just ended played. */
  private readonly playing: string[];
  private readonly ended: string[];
  /** Learner slots a scene (a team's members); one of them rates each match. */
  readonly teamSize: number;

  /**
   * @param snapshot the learner's actor now, as a policy file (a live trainer's weights)
   * @param seed seeds the choice of opponents and the snapshots' sampling
   */
  constructor(readonly env: VectorEnv, readonly config: SelfPlayConfig, private readonly snapshot: () => PolicyFile, seed: number) {
    const seat = env.opponent;
    if (!seat) throw new Error("self-play: the game has no opponent to hand over: name the agent on the other side in defineGame({ ..., opponent: '...' })");
    checkSelfPlayConfig(config);
    this.numEnvs = env.numEnvs;
    this.teamSize = (env as { agentsPerScene?: number }).agentsPerScene ?? 1;
    this.observationSpace = env.observationSpace;
    this.actionSpace = env.actionSpace;
    this.rng = new Rng(seed ^ 0x5e1f);
    this.elo = config.initialElo;
    this.nextSave = config.saveSteps;
    this.nextSwap = config.swapSteps;
    this.playing = new Array<string>(this.numEnvs).fill('');
    this.ended = new Array<string>(this.numEnvs).fill('');
    for (const o of config.opponents) this.ratings.set(o.name, { name: o.name, elo: config.initialElo, won: 0, lost: 0, drawn: 0 });
    seat.choose = (i) => {
      this.ended[i] = this.playing[i]!;
      this.playing[i] = this.current;
      return this.policyOf(this.current);
    };
  }

  get actionMasks(): Uint8Array | null {
    return this.env.actionMasks ?? null;
  }

  reset(seed: number): Float32Array {
    // The learner as it starts is the pool's first snapshot.
    if (this.snapshots.length === 0) {
      this.addSnapshot();
      this.current = this.snapshots[0]!.name;
    }
    return this.env.reset(seed);
  }

  step(actions: ArrayLike<number>): VectorStepResult {
    const r = this.env.step(actions);
    for (const e of r.episodes) if (e.env % this.teamSize === 0) this.rate(this.ended[e.env]!, scoreOfReturn(e.return));
    this.steps += this.numEnvs;
    if (this.steps >= this.nextSave) {
      this.addSnapshot();
      this.nextSave += this.config.saveSteps;
    }
    if (this.steps >= this.nextSwap) {
      this.swap();
      this.nextSwap += this.config.swapSteps;
    }
    return r;
  }

  close(): void {
    this.env.close();
  }

  /** The pool's members and their ratings, snapshots oldest first, then the fixed opponents. */
  pool(): PoolRating[] {
    return [...this.snapshots.map((s) => s.name), ...this.config.opponents.map((o) => o.name)].map((n) => ({ ...this.ratings.get(n)! }));
  }

  /** The opponent the envs take at their next episode. */
  get currentOpponent(): string {
    return this.current;
  }

  /** What plays env i's running episode. */
  opponentOf(i: number): string {
    return this.playing[i]!;
  }

  getState(): SelfPlayState {
    return {
      elo: this.elo, steps: this.steps, nextSave: this.nextSave, nextSwap: this.nextSwap, current: this.current, rng: rngState(this.rng),
      snapshots: this.snapshots.map((s) => ({ ...s })), ratings: [...this.ratings.values()].map((r) => ({ ...r })), games: this.games,
    };
  }

  /** Puts the pool, ratings and counters back as a checkpoint left them; the envs start fresh episodes against `current`. */
  setState(raw: SelfPlayState): void {
    // Checked whole before anything is set: a damaged state leaves the env as it was.
    const state = checkSelfPlayState(raw, this.config, this.env);
    this.elo = state.elo;
    this.steps = state.steps;
    this.nextSave = state.nextSave;
    this.nextSwap = state.nextSwap;
    this.current = state.current;
    this.games = state.games;
    setRngState(this.rng, state.rng);
    this.snapshots = state.snapshots.map((s) => ({ ...s }));
    this.ratings.clear();
    for (const r of state.ratings) this.ratings.set(r.name, { ...r });
    for (const o of this.config.opponents) if (!this.ratings.has(o.name)) this.ratings.set(o.name, { name: o.name, elo: this.config.initialElo, won: 0, lost: 0, drawn: 0 });
    this.policies.clear();
    this.playing.fill('');
    this.ended.fill('');
    const inPool = this.snapshots.some((s) => s.name === this.current) || this.config.opponents.some((o) => o.name === this.current);
    if (!inPool || !this.ratings.has(this.current)) throw new Error(`self-play state: the current opponent '${this.current}' is not in the pool (${this.pool().map((p) => p.name).join(', ')})`);
  }

  private addSnapshot(): void {
    const name = `snapshot@${this.steps}`;
    this.snapshots.push({ name, step: this.steps, file: this.snapshot() });
    this.ratings.set(name, { name, elo: this.elo, won: 0, lost: 0, drawn: 0 });
    while (this.snapshots.length > this.config.window) this.snapshots.shift();
    // A snapshot that left the pool plays on in the episodes under way, but none starts against it.
    const fixed = this.config.opponents.some((o) => o.name === this.current);
    if (!fixed && !this.snapshots.some((s) => s.name === this.current)) this.current = name;
    this.forgetUnused();
  }

  private swap(): void {
    const newest = this.snapshots[this.snapshots.length - 1]!.name;
    const pool = [...this.snapshots.map((s) => s.name), ...this.config.opponents.map((o) => o.name)];
    this.current = this.rng.float() < this.config.playAgainstLatestModelRatio ? newest : pool[this.rng.int(pool.length)]!;
    this.forgetUnused();
  }

  /** One game against `name`: both ratings move by the same amount. */
  private rate(name: string, score: number): void {
    const other = this.ratings.get(name);
    if (!other) return;
    const change = eloChange(this.elo, other.elo, score, this.config.eloK);
    this.elo += change;
    other.elo -= change;
    if (score === 1) other.won += 1;
    else if (score === 0) other.lost += 1;
    else other.drawn += 1;
    this.games += 1;
  }

  /** What plays `name`: null for the game's own opponent. */
  private policyOf(name: string): OpponentPolicy | null {
    const fixed = this.config.opponents.find((o) => o.name === name);
    if (fixed?.policy === 'scripted') return null;
    let policy = this.policies.get(name);
    if (!policy) {
      const file = fixed ? (fixed.policy as PolicyFile) : this.snapshots.find((s) => s.name === name)?.file;
      if (!file) throw new Error(`self-play: no policy for '${name}'`);
      policy = loadStudentPolicy(file, { source: name, temperature: fixed ? (fixed.temperature ?? 0) : 1, seed: this.rng.uint32() });
      this.policies.set(name, policy);
    }
    return policy;
  }

  /** Drops the policies and ratings of snapshots that left the pool and that no env plays any more. */
  private forgetUnused(): void {
    const keep = new Set([...this.snapshots.map((s) => s.name), ...this.config.opponents.map((o) => o.name), this.current, ...this.playing, ...this.ended]);
    for (const name of [...this.policies.keys()]) if (!keep.has(name)) this.policies.delete(name);
    for (const name of [...this.ratings.keys()]) if (!keep.has(name)) this.ratings.delete(name);
  }
}

/** Refuses a config that cannot run, naming the key. */
export function checkSelfPlayConfig(c: SelfPlayConfig): void {
  const positive = ['saveSteps', 'swapSteps', 'window', 'eloK'] as const;
  for (const k of positive) if (!(Number.isFinite(c[k]) && c[k] > 0)) throw new Error(`self-play: ${k} must be a positive number, got ${c[k]}`);
  if (!(c.playAgainstLatestModelRatio >= 0 && c.playAgainstLatestModelRatio <= 1)) throw new Error(`self-play: playAgainstLatestModelRatio must be within [0, 1], got ${c.playAgainstLatestModelRatio}`);
  const names = new Set<string>();
  for (const o of c.opponents) {
    if (!o.name || o.name.includes('@')) throw new Error(`self-play: an opponent's name must be non-empty and hold no '@' (snapshots' names do), got '${o.name}'`);
    if (names.has(o.name)) throw new Error(`self-play: two opponents are named '${o.name}'`);
    names.add(o.name);
  }
}

/** Ratings beyond this are not Elo (a K of 16 moves one by at most 16 a game). */
const ELO_LIMIT = 1e6;

/**
 * A saved self-play state checked field by field, as a checkpoint's weights are: numbers finite and
 * in range, counts whole and not negative, every snapshot a valid policy file of the game's spaces.
 * The error names the field; a resume then falls back to the older checkpoint.
 */
export function checkSelfPlayState(raw: unknown, config: SelfPlayConfig, env: Pick<VectorEnv, 'observationSpace' | 'actionSpace'>): SelfPlayState {
  const fail = (field: string, why: string, got?: unknown): never => {
    const shown = got === undefined ? '' : `, got ${String(JSON.stringify(got)).slice(0, 80)}`;
    throw new Error(`self-play state (selfplay.json): ${field}: ${why}${shown}`);
  };
  const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
  if (!isObject(raw)) return fail('(document)', 'expected an object', raw);
  const elo = (v: unknown, field: string) => (typeof v === 'number' && Math.abs(v) <= ELO_LIMIT) || fail(field, `expected a rating within +-${ELO_LIMIT}`, v);
  const count = (v: unknown, field: string) => (Number.isSafeInteger(v) && (v as number) >= 0) || fail(field, 'expected a whole number >= 0', v);
  elo(raw.elo, 'elo');
  for (const key of ['steps', 'nextSave', 'nextSwap', 'games'] as const) count(raw[key], key);
  if (typeof raw.current !== 'string') fail('current', "expected an opponent's name", raw.current);
  const rng = raw.rng;
  if (!Array.isArray(rng) || rng.length !== 5) return fail('rng', 'expected 5 numbers', rng);
  rng.slice(0, 4).forEach((v, i) => (Number.isInteger(v) && v >= 0 && v <= 0xffffffff) || fail(`rng[${i}]`, 'expected a 32-bit whole number', v));
  // The cached normal is NaN (JSON null) or a finite number.
  if (!(rng[4] === null || (typeof rng[4] === 'number' && Number.isFinite(rng[4])))) fail('rng[4]', 'expected null or a finite number', rng[4]);
  if (!Array.isArray(raw.snapshots) || raw.snapshots.length > config.window) return fail('snapshots', `expected an array of at most ${config.window} snapshots (the window)`, Array.isArray(raw.snapshots) ? `${raw.snapshots.length} snapshots` : raw.snapshots);
  const shape = JSON.stringify(env.observationSpace.shape);
  const action = JSON.stringify(env.actionSpace);
  (raw.snapshots as unknown[]).forEach((s, i) => {
    const at = `snapshots[${i}]`;
    if (!isObject(s)) return fail(at, 'expected a snapshot object', s);
    count(s.step, `${at}.step`);
    if (s.name !== `snapshot@${s.step as number}`) fail(`${at}.name`, `expected 'snapshot@${s.step as number}'`, s.name);
    let file: PolicyFile;
    try {
      file = decodePolicyFile(s.file, `${at}.file`).file;
    } catch (e) {
      return fail(`${at}.file`, `not a policy file (${(e as Error).message})`);
    }
    if (JSON.stringify(file.observationSpace.shape) !== shape || JSON.stringify(file.actionSpace) !== action) fail(`${at}.file`, "plays other spaces than the game's");
  });
  if (!Array.isArray(raw.ratings)) return fail('ratings', 'expected an array', raw.ratings);
  const names = new Set<string>();
  let played = 0;
  (raw.ratings as unknown[]).forEach((r, i) => {
    const at = `ratings[${i}]`;
    if (!isObject(r)) return fail(at, 'expected a rating object', r);
    if (typeof r.name !== 'string' || r.name === '' || names.has(r.name)) fail(`${at}.name`, 'expected a name no other rating has', r.name);
    names.add(r.name as string);
    elo(r.elo, `${at}.elo`);
    for (const key of ['won', 'lost', 'drawn'] as const) count(r[key], `${at}.${key}`);
    played += (r.won as number) + (r.lost as number) + (r.drawn as number);
  });
  // Ratings of snapshots that left the pool are dropped, so the pool holds at most the games played.
  if (played > (raw.games as number)) fail('games', `expected at least the ${played} games the ratings hold`, raw.games);
  return raw as unknown as SelfPlayState;
}
