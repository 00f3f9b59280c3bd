/**
 * The agent contract: what a game developer declares with `this.ai.agent(name, spec)`, how a spec
 * is checked, and the per-agent state the plugin keeps between frames. No Phaser here: an agent is
 * a set of callbacks into the scene, driven by the plugin's frame hooks.
 */
import { DEV } from '../src/env/dev.js';
import { box, choiceCount, discrete, flatSize, multiDiscrete, whyNotContained, type Action, type ActionMask, type BoxSpace, type Space } from '../src/env/index.js';

/** The hand-written observation: a box of numbers. `low` / `high` are one number for all or one per element. */
export interface ObservationSpec {
  shape: readonly number[];
  low?: number | readonly number[];
  high?: number | readonly number[];
}

/**
 * Something an agent perceives through, listed in its spec's `sensors`: RaySensor2D and
 * GridSensor2D are these, and a game can write its own.
 */
export interface ObservationSensor {
  /** The numbers it writes. */
  readonly size: number;
  /** Bounds of every number it writes. */
  readonly low: number;
  readonly high: number;
  /** Writes its `size` numbers into `out` from `offset`; called with each observation. */
  sense(out: Float32Array, offset: number): void;
}

export type ActionSpec =
  | { type: 'discrete'; n: number }
  | { type: 'multi-discrete'; nvec: readonly number[] }
  | { type: 'box'; shape: readonly number[]; low?: number | readonly number[]; high?: number | readonly number[] };

/** The value `act` receives: an integer, one integer per branch, or a vector. */
export type ActionOf<A extends ActionSpec> = A extends { type: 'discrete' } ? number : A extends { type: 'multi-discrete' } ? Int32Array : Float32Array;

/**
 * What a privileged teacher sees besides the student's observation ("learning by cheating"): the
 * numbers `observe()` gives (declared by `observation`), then each sensor's reading. The teacher's
 * view is the student's whole observation followed by these; the student, what ships, never sees
 * them. Either part may be left out, not both.
 */
export interface PrivilegedSpec {
  /** The shape and bounds of what `observe()` gives. */
  observation?: ObservationSpec;
  /** The teacher's extra numbers: the whole level as a grid, every entity. Read with the student's observation. */
  observe?: () => ArrayLike<number>;
  /** Sensors only the teacher reads (long rays, a grid over the whole level), after `observe()`'s numbers. */
  sensors?: readonly ObservationSensor[];
}

/** How an episode ended this frame, or false while it goes on. */
export type DoneKind = false | 'terminated' | 'truncated';

/**
 * An agent's observation is built from parts: the numbers `observe()` gives (declared by
 * `observation`), then each sensor's reading in `sensors`' order; with `stack`, the last k such
 * observations, oldest first. Either part may be left out, not both.
 */
export interface AgentSpec<A extends ActionSpec = ActionSpec> {
  /** The shape and bounds of what `observe()` gives; leave both out when sensors say everything. */
  observation?: ObservationSpec;
  action: A;
  /** The hand-written numbers, read after physics at the end of each decision (and at an episode's start). */
  observe?: () => ArrayLike<number>;
  /** Sensors read after `observe()`, their numbers following its numbers. */
  sensors?: readonly ObservationSensor[];
  /**
   * What the teacher sees besides the student's observation. Given, PPO trains the teacher on the
   * student's observation followed by these numbers, and distillation fits the student, on its own
   * observation, to that teacher's actions. Play, imitation and recording read the student's.
   */
  privileged?: PrivilegedSpec;
  /**
   * Observations the policy sees at once: the current one and the k - 1 before it, oldest first
   * (at an episode's start, every slot holds the first). Default 1.
   */
  stack?: number;
  /** Applies the current action; called before physics at every simulation step of a decision (action repeat). */
  act: (action: ActionOf<A>) => void;
  /** The reward earned since the previous decision; called once per decision. Default 0. */
  reward?: () => number;
  /** Checked after every simulation step. Default: the episode never ends. */
  done?: () => DoneKind;
  /** Which choices are allowed now (discrete and multi-discrete only); read with each observation. */
  mask?: () => ActionMask;
  /** Simulation steps per decision (not display frames): the action is repeated this many steps. Default 1. */
  decisionPeriod?: number;
  /** Maps the player's input to an action, for `this.ai.use(name, 'human')`; asked every simulation step. */
  human?: () => ActionOf<A>;
  /**
   * The behaviour this agent is one of (ML-Agents' Behavior Name). Agents of one behaviour share
   * one policy: training makes each of them a slot of the vector env, and `this.ai.use(behavior,
   * driver)` drives them all. Their spaces and decisionPeriod must agree. Default: the agent's name
   * (a behaviour of one agent).
   */
  behavior?: string;
  /**
   * The team the agent plays for (ML-Agents' TeamId): a name or a number. Teammates share what
   * `this.ai.addGroupReward(team, r)` gives and end together with `this.ai.endTeamEpisode(team)`;
   * a team may mix behaviours, and agents of one behaviour may play for different teams. Default:
   * no team.
   */
  team?: string | number;
}

/** A policy: an observation in, an action out. Students of the policy runtime fit this shape. */
export interface Policy {
  /**
   * One decision. `agent` names the agent it is for: a policy that drives several agents (all of
   * a behaviour's) and keeps a memory, such as a difficulty level's reaction delay, keeps one each.
   */
  act(observation: Float32Array, mask?: ActionMask, agent?: string): Action;
  /**
   * Optional: decides for many agents in one call (a StudentPolicy has it). Given, the plugin
   * gathers the observations of every agent the policy drives whose decision is due at a step and
   * calls it once: `observations` count x the observation's size, `actions` count x the action's
   * size (a discrete action as one number), `masks` count x choices when the agents have masks.
   */
  actMany?(observations: Float32Array, count: number, actions: Float32Array, masks?: Uint8Array | null): void;
}

/** What drives an agent in play: a policy, a plain function, or the player through `spec.human`. */
export type Driver = Policy | ((observation: Float32Array, mask?: ActionMask, agent?: string) => Action) | 'human';

export class AgentError extends Error {
  override name = 'AgentError';
}

const isFn = (v: unknown): v is (...args: never[]) => unknown => typeof v === 'function';

/**
 * A declared agent: its checked spec, spaces, and the decision in progress. `observation` holds
 * the latest observation; the plugin rewrites it in place, so copy it to keep it.
 */
export class Agent {
  /** What the policy sees: the whole observation, every part and every stacked frame. */
  readonly observationSpace: BoxSpace;
  readonly actionSpace: Space;
  readonly decisionPeriod: number;
  /** Numbers in one action: 1 for a discrete space, one per branch, or the box's size. */
  readonly actionSize: number;
  /** The latest observation: `stack` frames of [observe()'s numbers, each sensor's reading], oldest first. */
  readonly observation: Float32Array;
  readonly mask: Uint8Array | null;
  /** The action applied each frame; for discrete spaces `discreteAction` is used instead. */
  private readonly vectorAction: Int32Array | Float32Array | null;
  private discreteAction = 0;
  /** Steps of the current decision already simulated. */
  stepsInDecision = 0;
  /** False until an action has been set; an agent with no action is not acted on. */
  hasAction = false;
  /** The observation must be read before the next decision (episode start, new driver). */
  stale = true;
  /** A decision (or the episode) finished at the last step and its results wait here. */
  ready = false;
  lastReward = 0;
  lastDone: DoneKind = false;
  /** Reward added with `addReward` since the last decision. */
  pendingReward = 0;
  /** The behaviour it belongs to: `spec.behavior`, or its name. */
  readonly behavior: string;
  /** The team it plays for (`spec.team`), or undefined. */
  readonly team: string | number | undefined;
  /** Its team's episode ended (`this.ai.endTeamEpisode`): its next `readDone` says so. */
  endRequested: DoneKind = false;
  /** Removed from its scene with `this.ai.remove`: its episode is over and it is never stepped again. */
  removed = false;
  /** A vector env has made it a slot's agent (once in its life: an agent is one episode). */
  slotted = false;
  /** Its decision at this step was made in a batch (the plugin's decideInBatches). */
  batched = false;
  /** Its driver, looked up once per choice of drivers (`version` says which). */
  driverCache: Driver | undefined = undefined;
  driverVersion = -1;
  /** The reward collected in this run of the scene, in play (a SceneEnv keeps its own count). */
  episodeReturn = 0;
  /** A production build has warned about a bad reward or done (once for the agent). */
  private warned = false;
  /** What `observe()` gives (null: nothing) and its size, the size of one frame, and the observations read so far. */
  readonly ownSpace: BoxSpace | null;
  private readonly ownSize: number;
  private readonly sensors: readonly ObservationSensor[];
  private readonly frameSize: number;
  private reads = 0;
  /** The teacher's view (`spec.privileged`): the observation then the privileged parts; null without one. */
  readonly privilegedSpace: BoxSpace | null;
  /** The latest teacher's view, rewritten with each observation as `observation` is while a vector env holds the agent (`slotted`); null without one. */
  readonly privilegedObservation: Float32Array | null;
  private readonly privilegedOwn: BoxSpace | null;

  constructor(readonly name: string, readonly spec: AgentSpec) {
    if (DEV) checkSpec(`agent '${name}'`, spec);
    const o = spec.observation;
    const own = (this.ownSpace = o ? box(o.shape, o.low ?? -Infinity, o.high ?? Infinity) : null);
    this.ownSize = own ? flatSize(own) : 0;
    this.sensors = spec.sensors ?? [];
    const stack = spec.stack ?? 1;
    // One frame's bounds, part by part; the observation is `stack` frames (or, with no parts, the declared box).
    const low = [...(own?.low ?? [])];
    const high = [...(own?.high ?? [])];
    for (const s of this.sensors) for (let i = 0; i < s.size; i++) low.push(s.low), high.push(s.high);
    this.frameSize = low.length;
    const repeat = (xs: number[]) => Array<number[]>(stack).fill(xs).flat();
    this.observationSpace = stack > 1 || this.sensors.length ? box([low.length * stack], repeat(low), repeat(high)) : own!;
    this.actionSpace = actionSpaceOf(spec.action);
    this.decisionPeriod = spec.decisionPeriod ?? 1;
    this.behavior = spec.behavior ?? name;
    this.team = spec.team;
    this.actionSize = flatSize(this.actionSpace);
    this.observation = new Float32Array(flatSize(this.observationSpace));
    const p = spec.privileged;
    this.privilegedOwn = p?.observation ? box(p.observation.shape, p.observation.low ?? -Infinity, p.observation.high ?? Infinity) : null;
    if (p) {
      const pl = [...this.observationSpace.low, ...(this.privilegedOwn?.low ?? [])];
      const ph = [...this.observationSpace.high, ...(this.privilegedOwn?.high ?? [])];
      for (const s of p.sensors ?? []) for (let i = 0; i < s.size; i++) pl.push(s.low), ph.push(s.high);
      this.privilegedSpace = box([pl.length], pl, ph);
      this.privilegedObservation = new Float32Array(pl.length);
    } else {
      this.privilegedSpace = null;
      this.privilegedObservation = null;
    }
    this.mask = spec.mask ? new Uint8Array(choiceCount(this.actionSpace)) : null;
    this.vectorAction = this.actionSpace.type === 'multi-discrete' ? new Int32Array(this.actionSpace.nvec.length) : this.actionSpace.type === 'box' ? new Float32Array(flatSize(this.actionSpace)) : null;
  }

  /** Makes `action` the current action; in development, checks it against the action space and the mask first. */
  setAction(action: Action, source: string): void {
    if (DEV) checkAction(this, action, source);
    if (this.vectorAction) {
      const a = action as ArrayLike<number>;
      for (let i = 0; i < this.vectorAction.length; i++) this.vectorAction[i] = a[i]!;
    } else {
      this.discreteAction = typeof action === 'number' ? action : (action as ArrayLike<number>)[0]!;
    }
    this.hasAction = true;
  }

  /** The next step starts a decision, from a fresh observation (a new driver, say). */
  newDecision(): void {
    this.stepsInDecision = 0;
    this.stale = true;
  }

  /** Calls the spec's `act` with the current action. */
  applyAction(): void {
    (this.spec.act as (a: unknown) => void)(this.vectorAction ?? this.discreteAction);
  }

  /**
   * Reads and stores the observation, its parts into a new newest frame (and the mask), checked in
   * development. Each read is a decision's (a new driver's first one included, which may come
   * mid-decision): the stack moves on by one frame.
   */
  readObservation(): void {
    const obs = this.observation;
    const frame = this.frameSize;
    // The newest frame is the last; the oldest drops out. At an episode's start each Agent is new.
    const at = obs.length - frame;
    if (this.reads > 0 && at > 0) obs.copyWithin(0, frame);
    let offset = at;
    if (this.ownSpace) {
      const raw = this.spec.observe!();
      const n = this.ownSize;
      if (DEV) checkObservation(this, raw, n);
      // Kept in production builds too: a short observation would reach the policy as NaN.
      else if (raw?.length !== n) throw new AgentError(`agent '${this.name}': observe() gave ${raw?.length} numbers, not ${n}`);
      for (let i = 0; i < n; i++) obs[offset + i] = raw[i]!;
      offset += n;
    }
    for (let k = 0; k < this.sensors.length; k++) {
      const sensor = this.sensors[k]!;
      sensor.sense(obs, offset);
      if (DEV) checkSensor(this, k, offset);
      offset += sensor.size;
    }
    if (this.reads === 0) for (let f = 0; f < at; f += frame) obs.copyWithin(f, at);
    this.reads += 1;
    // The teacher's view only where a vector env trains the agent: a game that plays its student never computes it.
    if (this.privilegedObservation && this.slotted) this.readPrivileged();
    if (this.mask) {
      const m = this.spec.mask!();
      if (DEV && (m === null || typeof m !== 'object' || m.length !== this.mask.length)) {
        throw new AgentError(`agent '${this.name}': mask() returned ${describe(m)}, expected ${this.mask.length} booleans (one per choice, branches end to end)`);
      }
      for (let i = 0; i < this.mask.length; i++) this.mask[i] = m[i] ? 1 : 0;
    }
    this.stale = false;
  }

  /** The teacher's view: the observation just read, then the privileged numbers and sensors. */
  private readPrivileged(): void {
    const view = this.privilegedObservation!;
    const p = this.spec.privileged!;
    view.set(this.observation, 0);
    let offset = this.observation.length;
    if (this.privilegedOwn) {
      const raw = p.observe!();
      const n = flatSize(this.privilegedOwn);
      if (DEV) checkNumbers(this.name, 'privileged.observe()', this.privilegedOwn, raw, n);
      else if (raw?.length !== n) throw new AgentError(`agent '${this.name}': privileged.observe() gave ${raw?.length} numbers, not ${n}`);
      for (let i = 0; i < n; i++) view[offset + i] = raw[i]!;
      offset += n;
    }
    const sensors = p.sensors ?? [];
    for (let k = 0; k < sensors.length; k++) {
      const s = sensors[k]!;
      s.sense(view, offset);
      if (DEV) {
        for (let i = 0; i < s.size; i++) {
          const v = view[offset + i]!;
          if (!(v >= s.low && v <= s.high)) throw new AgentError(`agent '${this.name}': privileged.sensors[${k}] wrote ${String(v)} at its element ${i}, expected a number in [${s.low}, ${s.high}]`);
        }
      }
      offset += s.size;
    }
  }

  /** The reward of the decision that just ended: `reward()` plus what `addReward` collected. */
  readReward(): number {
    let r = (this.spec.reward ? this.spec.reward() : 0) + this.pendingReward;
    this.pendingReward = 0;
    // (NaN and +-Infinity, whose difference with themselves is not 0, and every non-number)
    if (typeof r !== 'number' || r - r !== 0) {
      if (DEV) throw new AgentError(`agent '${this.name}': reward() returned ${String(r)}, expected a finite number`);
      r = this.coerce('reward()', r, 0);
    }
    return r;
  }

  readDone(): DoneKind {
    if (this.endRequested !== false) return this.endRequested;
    if (!this.spec.done) return false;
    let d = this.spec.done();
    if (d !== false && d !== 'terminated' && d !== 'truncated') {
      if (DEV) throw new AgentError(`agent '${this.name}': done() returned ${JSON.stringify(d)}, expected false, 'terminated' or 'truncated'`);
      d = this.coerce('done()', d, false);
    }
    return d;
  }

  /**
   * In a production build a reward or done that cannot be right is replaced (a reward by 0, a done
   * by false: an episode that never ends beats a scene restarted every frame), and the console
   * says so once for the agent, not every frame.
   */
  private coerce<T>(callback: string, value: unknown, instead: T): T {
    if (!this.warned) console.warn(`agent '${this.name}': ${callback} gave ${String(value)}, used ${String(instead)} (warned once)`);
    this.warned = true;
    return instead;
  }
}

/** An action the agent's space does not hold, or that its mask forbids now (development builds only). */
function checkAction(agent: Agent, action: Action, source: string): void {
  const space = agent.actionSpace;
  // The hot path of training: a plain integer needs no generic check.
  const why = space.type === 'discrete' && typeof action === 'number'
    ? Number.isInteger(action) && action >= 0 && action < space.n ? null : `expected an integer in [0, ${space.n - 1}], got ${action}`
    : whyNotContained(space, action);
  if (why) throw new AgentError(`agent '${agent.name}': ${source} gave an invalid action: ${why}`);
  const m = agent.mask;
  if (!m) return;
  if (space.type === 'discrete') {
    const a = typeof action === 'number' ? action : (action as ArrayLike<number>)[0]!;
    if (!m[a]) throw new AgentError(`agent '${agent.name}': ${source} chose action ${a}, which the mask forbids now`);
    return;
  }
  const nvec = (space as { nvec: readonly number[] }).nvec;
  for (let b = 0, offset = 0; b < nvec.length; offset += nvec[b]!, b++) {
    const a = (action as ArrayLike<number>)[b]!;
    if (!m[offset + a]) throw new AgentError(`agent '${agent.name}': ${source} chose ${a} on branch ${b}, which the mask forbids now`);
  }
}

/** What observe() gave: the wrong length, or a number outside the declared box, NaN included (development builds only). */
function checkObservation(agent: Agent, raw: ArrayLike<number>, n: number): void {
  checkNumbers(agent.name, 'observe()', agent.ownSpace!, raw, n);
}

/** What `callback` gave against its declared box: the wrong length, or a number outside it, NaN included. */
function checkNumbers(name: string, callback: string, space: BoxSpace, raw: ArrayLike<number>, n: number): void {
  const { low, high, shape } = space;
  if (raw === null || typeof raw !== 'object' || raw.length !== n) {
    throw new AgentError(`agent '${name}': ${callback} returned ${describe(raw)}, expected ${n} numbers (observation shape [${shape.join(', ')}])`);
  }
  for (let i = 0; i < n; i++) {
    const v = raw[i]!;
    // Written so that NaN fails too.
    if (!(v >= low[i]! && v <= high[i]!)) {
      throw new AgentError(`agent '${name}': ${callback} element ${i} is ${String(v)}, expected a number in [${low[i]}, ${high[i]}]`);
    }
  }
}

/** A sensor's numbers outside its bounds, NaN included (development builds only). */
function checkSensor(agent: Agent, k: number, offset: number): void {
  const s = agent.spec.sensors![k]!;
  for (let i = 0; i < s.size; i++) {
    const v = agent.observation[offset + i]!;
    if (!(v >= s.low && v <= s.high)) throw new AgentError(`agent '${agent.name}': sensors[${k}] wrote ${String(v)} at its element ${i}, expected a number in [${s.low}, ${s.high}]`);
  }
}

/** Every check on a spec, each problem in words (development builds only). */
function checkSpec(where: string, spec: AgentSpec): void {
  if (typeof spec !== 'object' || spec === null) throw new AgentError(`${where}: expected a spec object { observation, action, observe, act, ... }, got ${String(spec)}`);
  const o = spec.observation;
  const sensors = spec.sensors ?? [];
  if (!Array.isArray(sensors)) throw new AgentError(`${where}: spec.sensors must be an array of sensors, got ${String(sensors)}`);
  sensors.forEach((s: ObservationSensor, k) => {
    if (typeof s !== 'object' || s === null || !isFn(s.sense) || !Number.isInteger(s.size) || s.size < 1 || !(s.low <= s.high)) {
      throw new AgentError(`${where}: spec.sensors[${k}] must be a sensor { size, low, high, sense(out, offset) } (a RaySensor2D, say), got ${describe(s)}`);
    }
  });
  if (o === undefined && spec.observe === undefined) {
    if (sensors.length === 0) throw new AgentError(`${where}: the agent observes nothing: give spec.observation with spec.observe, or spec.sensors, or both`);
  } else {
    if (typeof o !== 'object' || o === null) throw new AgentError(`${where}: spec.observation must be { shape, low?, high? } (the shape of what observe() gives), got ${String(o)}`);
    try {
      box(o.shape, o.low ?? -Infinity, o.high ?? Infinity);
    } catch (e) {
      throw new AgentError(`${where}: spec.observation is not a valid box: ${(e as Error).message}`);
    }
    if (!isFn(spec.observe)) throw new AgentError(`${where}: spec.observe must be a function, got ${typeof spec.observe}`);
  }
  if (spec.privileged !== undefined) checkPrivileged(where, spec.privileged);
  const stack = spec.stack ?? 1;
  if (!Number.isInteger(stack) || stack < 1) throw new AgentError(`${where}: spec.stack must be a positive integer (observations seen at once), got ${String(spec.stack)}`);
  const a = spec.action;
  if (typeof a !== 'object' || a === null) throw new AgentError(`${where}: spec.action must be { type: 'discrete' | 'multi-discrete' | 'box', ... }, got ${String(a)}`);
  try {
    if (!['discrete', 'multi-discrete', 'box'].includes(a.type)) throw new Error(`type: expected 'discrete', 'multi-discrete' or 'box', got ${JSON.stringify(a.type)}`);
    actionSpaceOf(a);
  } catch (e) {
    throw new AgentError(`${where}: spec.action is not a valid action space: ${(e as Error).message}`);
  }
  if (!isFn(spec.act)) throw new AgentError(`${where}: spec.act must be a function, got ${typeof spec.act}`);
  for (const key of ['reward', 'done', 'mask', 'human'] as const) {
    if (spec[key] !== undefined && !isFn(spec[key])) throw new AgentError(`${where}: spec.${key} must be a function when given, got ${typeof spec[key]}`);
  }
  if (spec.behavior !== undefined && (typeof spec.behavior !== 'string' || spec.behavior === '')) throw new AgentError(`${where}: spec.behavior must be a non-empty name (the behaviour whose policy it shares), got ${JSON.stringify(spec.behavior)}`);
  const team = spec.team;
  if (team !== undefined && !(typeof team === 'string' ? team !== '' : Number.isInteger(team) && team >= 0)) throw new AgentError(`${where}: spec.team must be a non-empty name or a non-negative integer (the team the agent plays for), got ${JSON.stringify(team)}`);
  const period = spec.decisionPeriod ?? 1;
  if (!Number.isInteger(period) || period < 1) throw new AgentError(`${where}: spec.decisionPeriod must be a positive integer (simulation steps per decision), got ${String(spec.decisionPeriod)}`);
  if (spec.mask && a.type === 'box') throw new AgentError(`${where}: spec.mask is only for discrete and multi-discrete actions, this agent's action is a box`);
}

/** A privileged view's problems, in words: its parts as the student's are checked, and at least one of them. */
function checkPrivileged(where: string, p: PrivilegedSpec): void {
  if (typeof p !== 'object' || p === null || Array.isArray(p)) throw new AgentError(`${where}: spec.privileged must be { observation, observe } and/or { sensors } (what the teacher sees besides the student's observation), got ${describe(p)}`);
  const known = ['observation', 'observe', 'sensors'];
  for (const key of Object.keys(p)) if (!known.includes(key)) throw new AgentError(`${where}: spec.privileged.${key} is not a key of a privileged view (expected ${known.join(', ')})`);
  const sensors = p.sensors ?? [];
  if (!Array.isArray(sensors)) throw new AgentError(`${where}: spec.privileged.sensors must be an array of sensors, got ${String(sensors)}`);
  sensors.forEach((s: ObservationSensor, k) => {
    if (typeof s !== 'object' || s === null || !isFn(s.sense) || !Number.isInteger(s.size) || s.size < 1 || !(s.low <= s.high)) {
      throw new AgentError(`${where}: spec.privileged.sensors[${k}] must be a sensor { size, low, high, sense(out, offset) }, got ${describe(s)}`);
    }
  });
  if (p.observation === undefined && p.observe === undefined) {
    if (sensors.length === 0) throw new AgentError(`${where}: spec.privileged gives the teacher nothing more: give privileged.observation with privileged.observe, or privileged.sensors, or both`);
    return;
  }
  const o = p.observation;
  if (typeof o !== 'object' || o === null) throw new AgentError(`${where}: spec.privileged.observation must be { shape, low?, high? } (the shape of what privileged.observe() gives), got ${String(o)}`);
  try {
    box(o.shape, o.low ?? -Infinity, o.high ?? Infinity);
  } catch (e) {
    throw new AgentError(`${where}: spec.privileged.observation is not a valid box: ${(e as Error).message}`);
  }
  if (!isFn(p.observe)) throw new AgentError(`${where}: spec.privileged.observe must be a function, got ${typeof p.observe}`);
}

function actionSpaceOf(a: ActionSpec): Space {
  return a.type === 'discrete' ? discrete(a.n) : a.type === 'multi-discrete' ? multiDiscrete(a.nvec) : box(a.shape, a.low ?? -Infinity, a.high ?? Infinity);
}

function describe(v: unknown): string {
  if (v === null || v === undefined) return String(v);
  if (typeof v !== 'object') return `${typeof v} ${String(v)}`;
  if ('length' in v) return `${(v as ArrayLike<unknown>).length} numbers`;
  return 'an object with no length';
}
