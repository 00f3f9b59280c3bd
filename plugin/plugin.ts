/**
 * DistillPlugin: the scene plugin behind `this.ai`. It keeps a scene's agents and runs the scene's
 * simulation in fixed steps (`stepRate` a second, 60 by default), whatever the display's frame
 * rate: at each frame's PRE_UPDATE it runs as many whole steps as the frame's time holds, and each
 * step applies the agents' actions, advances the scene's clock, tweens and physics (Arcade or
 * Matter) by one step (sim-systems.ts), calls the scene's `fixedUpdate(time, delta)`, then reads
 * done, observations and rewards. A decision lasts
 * `decisionPeriod` steps, so a policy plays the same game on a 30 Hz and a 144 Hz display, and in
 * the headless host, which steps once per frame.
 *
 * Lifecycle as ArcadePhysics does it: listen to START, drop every per-run listener and agent on
 * SHUTDOWN (agents close over the run's game objects, and `create` declares them again), and let
 * go of the scene on DESTROY. Drivers chosen with `use` outlive restarts: they belong to the
 * player's choice, not to one run.
 *
 * Only types come from Phaser, so importing this module costs nothing at run time and works in
 * Node before the headless host has set up its browser globals.
 */
import type Phaser from 'phaser';
import { Rng, type Action } from '../src/env/index.js';
import { DEV } from '../src/env/dev.js';
import { Agent, AgentError, type ActionSpec, type AgentSpec, type DoneKind, type Driver, type Policy } from './agent.js';
import { BOOT, DESTROY, EPISODE_END, PRE_UPDATE, SHUTDOWN, START, type EpisodeEndEvent } from './events.js';
import type { DecisionTap, DemoRecorder } from './recorder.js';
import { takeOverSystems, type SimSystem } from './sim-systems.js';

export { EPISODE_END, type EpisodeEndEvent } from './events.js';

const instances = new WeakMap<object, DistillPlugin>();

/** What `record` makes: installed by `phaser-distill/record` (plugin/record.ts), so a game that never records carries no recorder. */
let makeRecorder: ((plugin: DistillPlugin, name: string) => DemoRecorder) | undefined;

/** Installs the recorder behind `this.ai.record`; plugin/record.ts calls it when imported. */
export function installRecorder(make: (plugin: DistillPlugin, name: string) => DemoRecorder): void {
  makeRecorder = make;
}

/** Simulation steps per second unless the plugin entry says otherwise. */
export const DEFAULT_STEP_RATE = 60;
/** Frame deltas are floats: a step is due when this close to whole. */
const STEP_EPSILON = 1e-6;

export class DistillPlugin {
  /** The plugin instance of a scene, whatever mapping the game gave it. */
  static of(scene: Phaser.Scene): DistillPlugin | undefined {
    return instances.get(scene);
  }

  scene: Phaser.Scene | null;
  readonly systems: Phaser.Scenes.Systems;
  /** The episode's generator, seeded at every scene start: draw game randomness from it. */
  readonly rng = new Rng(0);
  /** The seed of the running episode. */
  episodeSeed = 0;
  /** The seed the next scene start uses; a host sets it before it (re)starts the scene. */
  nextSeed: number | null = null;
  /** In play, restart the scene when an agent's episode ends (never while a SceneEnv drives one). */
  restartOnDone = true;
  /** Simulation steps per second; set by the plugin entry (`distillPlugin({ stepRate })`). */
  readonly stepRate: number;
  /** One step's length in ms: 1000 / stepRate. */
  readonly stepMs: number;
  /** Simulation steps since the scene started. */
  steps = 0;
  /** Frame time not yet spent on a step. */
  private elapsed = 0;
  /** The scene's clock, tweens and physics, which the plugin steps; null until the scene's first frame. */
  private systemsStepped: SimSystem[] | null = null;

  /**
   * What the plugin steps on simulation time, in step order, from the scene's first frame: of
   * 'the scene clock', 'the tweens', 'Arcade physics', 'Matter physics', those the scene has. A
   * scene whose physics is missing here moves with the display, not with the simulation.
   */
  get simulated(): string[] {
    return this.systemsStepped?.map((s) => s.name) ?? [];
  }

  private readonly agents = new Map<string, Agent>();
  /** The agents in declaration order, for the per-frame loops. */
  private readonly list: Agent[] = [];
  private readonly drivers = new Map<string, Driver>();
  /** Changes with every use() and release(): an agent's cached driver is good while it matches. */
  private driversVersion = 0;
  /** Drivers that decide in batches (a policy with actMany), with the agents due at this step, and scratch buffers. */
  private readonly batches = new Map<Policy, Agent[]>();
  private batchObs = new Float32Array(0);
  private batchActions = new Float32Array(0);
  private batchMasks = new Uint8Array(0);
  /** Agents whose actions come from a SceneEnv rather than a driver. */
  private readonly controlled = new Set<string>();
  /** What watches the decisions the player makes for an agent: its recorder. Outlives restarts, as drivers do. */
  readonly taps = new Map<string, DecisionTap>();
  private restartQueued = false;
  /** An agent was removed during a step: `list` is compacted after it. */
  private listDirty = false;
  private booted = false;
  /** Driven names already warned of as never declared (development builds). */
  private readonly warnedUndeclared = new Set<string>();

  constructor(scene: Phaser.Scene, _pluginManager?: unknown, _pluginKey?: string, stepRate = DEFAULT_STEP_RATE) {
    this.scene = scene;
    this.stepRate = stepRate;
    this.stepMs = 1000 / stepRate;
    this.systems = scene.sys;
    instances.set(scene, this);
    this.systems.events.once(BOOT, this.boot, this);
    this.systems.events.on(START, this.start, this);
  }

  /** Called by Phaser (through BOOT) once the scene's systems exist. */
  boot(): void {
    if (this.booted) return;
    this.booted = true;
    this.systems.events.once(DESTROY, this.destroy, this);
  }

  private start(): void {
    const events = this.systems.events;
    events.on(PRE_UPDATE, this.frame, this);
    events.once(SHUTDOWN, this.shutdown, this);
    this.systemsStepped = null;
    this.steps = 0;
    this.elapsed = 0;
    // Outside a host, an unseeded episode is fine: play need not replay.
    this.episodeSeed = this.nextSeed ?? Math.floor(Math.random() * 4294967296);
    this.nextSeed = null;
    this.rng.seed(this.episodeSeed);
    this.restartQueued = false;
  }

  private shutdown(): void {
    const events = this.systems.events;
    events.off(PRE_UPDATE, this.frame, this);
    events.off(SHUTDOWN, this.shutdown, this);
    this.agents.clear();
    this.list.length = 0;
    this.listDirty = false;
  }

  /** Called by Phaser (through DESTROY) when the scene is destroyed. */
  destroy(): void {
    this.shutdown();
    this.systems.events.off(START, this.start, this);
    this.systems.events.off(BOOT, this.boot, this);
    this.drivers.clear();
    this.controlled.clear();
    this.taps.clear();
    if (this.scene) instances.delete(this.scene);
    this.scene = null;
  }

  /** Declares an agent for this run of the scene; call it in `create`. */
  agent<A extends ActionSpec>(name: string, spec: AgentSpec<A>): Agent {
    if (DEV) {
      if (typeof name !== 'string' || name === '') throw new AgentError(`this.ai.agent: expected a non-empty agent name, got ${JSON.stringify(name)}`);
      if (this.agents.has(name)) throw new AgentError(`agent '${name}' is already declared in scene '${this.sceneKey}': names must be unique within a scene`);
    }
    const agent = new Agent(name, spec as unknown as AgentSpec);
    if (DEV && this.drivers.get(name) === 'human' && !agent.spec.human) throw noHuman(name);
    this.agents.set(name, agent);
    this.list.push(agent);
    return agent;
  }

  /**
   * Chooses what drives an agent from the next frame on, without restarting the scene: a policy
   * (`act(observation)`), a function of the observation, or 'human' (the spec's `human` input).
   * The choice may come before the agent is declared and lasts across scene restarts.
   */
  use(name: string, driver: Driver): void {
    const agent = this.agents.get(name) ?? this.list.find((a) => a.behavior === name);
    if (DEV) {
      if (this.controlled.has(name) || (agent && this.isControlled(agent))) throw new AgentError(`agent '${name}' is being trained through a SceneEnv; its actions come from the trainer, not from use()`);
      const ok = driver === 'human' || typeof driver === 'function' || (typeof driver === 'object' && driver !== null && typeof driver.act === 'function');
      if (!ok) throw new AgentError(`agent '${name}': use() expected a policy with act(observation), a function (observation) => action, or 'human', got ${describeDriver(driver)}`);
      if (driver === 'human' && agent && !agent.spec.human) throw noHuman(name);
    }
    this.drivers.set(name, driver);
    this.driversVersion += 1;
    // The new driver decides at the very next step, from a fresh observation; while a SceneEnv
    // trains the agent, the choice waits for the trainer to let go. A behaviour's name drives all its agents.
    for (const a of this.list) if ((a.name === name || a.behavior === name) && !this.isControlled(a)) a.newDecision();
  }

  /**
   * Records the player's play of an agent (while `use(name, 'human')` drives it) until `stop()`:
   * at each decision the observation a policy would see and the action human() gave, and the
   * reward; `toFile()` gives the demo file. Needs `import 'phaser-distill/record'` once in the
   * game (see plugin/recorder.ts). Recording lasts across scene restarts; a second `record` of the
   * same agent stops the first.
   */
  record(name: string): DemoRecorder {
    if (!makeRecorder) throw new AgentError(DEV ? `this.ai.record('${name}'): recording is not loaded: import 'phaser-distill/record' once in the game (a game that never records does not carry the recorder)` : "import 'phaser-distill/record'");
    if (DEV && this.agents.has(name) && !this.agents.get(name)!.spec.human) throw noHuman(name);
    return makeRecorder(this, name);
  }

  /** Stops driving an agent: its `act` is no longer called. */
  release(name: string): void {
    this.drivers.delete(name);
    this.driversVersion += 1;
    // Steps nobody drives cut an episode being recorded.
    this.taps.get(name)?.end(0, false, false);
  }

  driverOf(name: string): Driver | undefined {
    return this.drivers.get(name);
  }

  /** What drives `agent`: a driver chosen for its name, else one chosen for its behaviour. */
  private driverFor(agent: Agent): Driver | undefined {
    if (agent.driverVersion !== this.driversVersion) {
      agent.driverCache = this.drivers.get(agent.name) ?? (agent.behavior === agent.name ? undefined : this.drivers.get(agent.behavior));
      agent.driverVersion = this.driversVersion;
    }
    return agent.driverCache;
  }

  /** A SceneEnv or SceneVectorEnv takes its actions: its name or its behaviour is under control. */
  private isControlled(agent: Agent): boolean {
    return this.controlled.size !== 0 && (this.controlled.has(agent.behavior) || this.controlled.has(agent.name));
  }

  /** The agents of behaviour `behavior` declared in this run and not removed, in declaration order. */
  agentsOf(behavior: string): Agent[] {
    const out: Agent[] = [];
    for (const a of this.list) if (!a.removed && a.behavior === behavior) out.push(a);
    return out;
  }

  /**
   * Removes an agent from the scene mid-run (a spawner's enemy that dies, a car that leaves): its
   * episode ends now, with `done` ('terminated' by default; 'truncated' when it is cut short
   * rather than finished), its last observation and reward read at once, so call it before
   * destroying what `observe()` reads. In training its slot passes to the next agent of its
   * behaviour that the scene declares (see SceneVectorEnv). Its name may be declared again.
   */
  remove(name: string, done: 'terminated' | 'truncated' = 'terminated'): void {
    if (DEV && done !== 'terminated' && done !== 'truncated') throw new AgentError(`this.ai.remove('${name}', done): done must be 'terminated' or 'truncated', got ${JSON.stringify(done)}`);
    const agent = this.require(name);
    this.agents.delete(name);
    agent.removed = true;
    this.listDirty = true;
    if (agent.lastDone !== false) return;
    if (this.isControlled(agent)) {
      // A slot's agent: its decision ends here, and waits for its vector env to collect it.
      if (!agent.slotted || !agent.hasAction) return;
      if (!agent.ready) {
        agent.readObservation();
        agent.lastReward = agent.readReward();
      }
      agent.lastDone = done;
      agent.stepsInDecision = 0;
      agent.ready = true;
      return;
    }
    const driver = this.driverFor(agent);
    if (driver === undefined || !agent.hasAction) return;
    agent.lastReward = agent.readReward();
    agent.lastDone = done;
    this.taps.get(agent.name)?.end(agent.lastReward, done, driver === 'human');
    agent.episodeReturn += agent.lastReward;
    this.endPlayedEpisode(agent, done, agent.episodeReturn);
  }

  /** Adds to the reward the agent receives at the end of the current decision. */
  addReward(name: string, reward: number): void {
    this.require(name).pendingReward += reward;
  }

  /**
   * A group reward (ML-Agents' AddGroupReward): `reward` is added to the reward of every member of
   * `team` still in its episode, at the end of its current decision, so each teammate learns from
   * what the team achieved, whoever scored. Call it in `fixedUpdate` before `remove` or
   * `endTeamEpisode`, or the members ending in this step miss it.
   */
  addGroupReward(team: string | number, reward: number): void {
    if (typeof reward !== 'number' || reward - reward !== 0) throw new AgentError(`this.ai.addGroupReward(${JSON.stringify(team)}, reward): reward must be a finite number, got ${String(reward)}`);
    let members = 0;
    for (const a of this.list) {
      if (a.team !== team) continue;
      members += 1;
      if (!a.removed && a.lastDone === false) a.pendingReward += reward;
    }
    if (members === 0) throw this.noTeam('addGroupReward', team);
  }

  /**
   * Ends the episode of every member of `team` still playing, at this step (ML-Agents'
   * EndGroupEpisode, or GroupEpisodeInterrupted with 'truncated'): a goal scored, a prey caught.
   * Each one's last observation and reward are read at the end of the step, as for its own done().
   */
  endTeamEpisode(team: string | number, done: 'terminated' | 'truncated' = 'terminated'): void {
    if (done !== 'terminated' && done !== 'truncated') throw new AgentError(`this.ai.endTeamEpisode(${JSON.stringify(team)}, done): done must be 'terminated' or 'truncated', got ${JSON.stringify(done)}`);
    let members = 0;
    for (const a of this.list) {
      if (a.team !== team) continue;
      members += 1;
      if (!a.removed && a.lastDone === false) a.endRequested = done;
    }
    if (members === 0) throw this.noTeam('endTeamEpisode', team);
  }

  /** The agents of `team` declared in this run and not removed, in declaration order. */
  agentsOfTeam(team: string | number): Agent[] {
    const out: Agent[] = [];
    for (const a of this.list) if (!a.removed && a.team === team) out.push(a);
    return out;
  }

  private noTeam(call: string, team: string | number): AgentError {
    const teams = [...new Set(this.list.filter((a) => a.team !== undefined).map((a) => JSON.stringify(a.team)))];
    return new AgentError(`this.ai.${call}(${JSON.stringify(team)}): no agent of scene '${this.sceneKey}' plays for team ${JSON.stringify(team)} (teams: ${teams.join(', ') || 'none'}); give the agents spec.team`);
  }

  /** The declared agent `name`, or undefined in a run that has not declared it (yet). */
  get(name: string): Agent | undefined {
    return this.agents.get(name);
  }

  /** The declared agent `name`; an error naming the scene and the declared agents otherwise. */
  require(name: string): Agent {
    const agent = this.agents.get(name);
    if (!agent) {
      const known = DEV ? ` (declared: ${[...this.agents.keys()].map((n) => `'${n}'`).join(', ') || 'none'}); declare it with this.ai.agent('${name}', spec) in create()` : '';
      throw new AgentError(`agent '${name}' is not declared in scene '${this.sceneKey}'${known}`);
    }
    return agent;
  }

  /** Names of the agents declared in this run. */
  names(): string[] {
    return [...this.agents.keys()];
  }

  /** The reward an agent has collected in this episode (in play). */
  episodeReturn(name: string): number {
    return this.agents.get(name)?.episodeReturn ?? 0;
  }

  /**
   * Hands an agent to a SceneEnv: from now on its actions come from `setAction`. A driver chosen
   * with `use` (the scene's own choice for play, say) stays chosen and drives again on release.
   */
  control(name: string): void {
    this.controlled.add(name);
  }

  releaseControl(name: string): void {
    this.controlled.delete(name);
    this.agents.get(name)?.newDecision();
  }

  private get sceneKey(): string {
    return this.systems.settings.key;
  }

  /**
   * A frame: the whole steps its time holds (a 144 Hz frame often none, a 30 Hz frame two).
   * Phaser's loop caps a frame's delta at 200 ms (fps.min), as after a hidden tab: 12 steps at most.
   */
  private frame(_time: number, delta: number): void {
    // The clock, tweens and physics step with the display's frames by themselves; from the scene's
    // first frame on (they hook themselves in at START) the plugin steps them instead.
    this.systemsStepped ??= takeOverSystems(this.systems, this.stepRate, (m) => DEV && console.warn(`scene '${this.sceneKey}': ${m}`));
    this.elapsed += delta;
    while (this.elapsed >= this.stepMs - STEP_EPSILON) {
      this.elapsed -= this.stepMs;
      this.step();
    }
  }

  /** One simulation step: act, the clock, tweens and physics, the scene's fixedUpdate, then what the step ended with. */
  private step(): void {
    this.steps += 1;
    if (DEV && this.steps === 1) this.warnUndeclaredDrivers();
    const time = this.steps * this.stepMs;
    const list = this.list;
    if (this.batches.size !== 0 || this.driversVersion !== this.batchesVersion) this.decideInBatches();
    for (let i = 0; i < list.length; i++) this.act(list[i]!);
    const systems = this.systemsStepped!;
    for (let i = 0; i < systems.length; i++) systems[i]!.step(time, this.stepMs);
    this.scene?.fixedUpdate?.(time, this.stepMs);
    for (let i = 0; i < list.length; i++) this.read(list[i]!);
    if (this.listDirty) {
      // Agents removed during the step leave the per-step loops only now, so no loop skipped one.
      let k = 0;
      for (let i = 0; i < list.length; i++) if (!list[i]!.removed) list[k++] = list[i]!;
      list.length = k;
      this.listDirty = false;
    }
  }

  /** The choice of drivers `batches` was made for. */
  private batchesVersion = -1;

  /**
   * The decisions due at this step of every agent whose driver decides in batches (actMany): one
   * call per such driver, whatever the number of agents (a crowd of a thousand is one call).
   */
  private decideInBatches(): void {
    const batches = this.batches;
    if (this.batchesVersion !== this.driversVersion) {
      batches.clear();
      for (const d of this.drivers.values()) if (typeof d === 'object' && typeof d.actMany === 'function') batches.set(d, []);
      this.batchesVersion = this.driversVersion;
      if (batches.size === 0) return;
    }
    const list = this.list;
    for (let i = 0; i < list.length; i++) {
      const agent = list[i]!;
      if (agent.removed || agent.lastDone !== false || agent.stepsInDecision !== 0 || this.isControlled(agent)) continue;
      const driver = this.driverFor(agent);
      if (driver === undefined || driver === 'human' || typeof driver === 'function') continue;
      batches.get(driver)?.push(agent);
    }
    for (const [driver, agents] of batches) {
      const count = agents.length;
      if (count === 0) continue;
      const first = agents[0]!;
      const obsSize = first.observation.length;
      const actSize = first.actionSize;
      const choices = first.mask ? first.mask.length : 0;
      if (this.batchObs.length < count * obsSize) this.batchObs = new Float32Array(count * obsSize * 2);
      if (this.batchActions.length < count * actSize) this.batchActions = new Float32Array(count * actSize * 2);
      if (choices && this.batchMasks.length < count * choices) this.batchMasks = new Uint8Array(count * choices * 2);
      for (let r = 0; r < count; r++) {
        const agent = agents[r]!;
        if (DEV && (agent.observation.length !== obsSize || agent.actionSize !== actSize)) throw new AgentError(`agents '${first.name}' and '${agent.name}' share a driver that decides in batches but not their spaces`);
        if (agent.stale) agent.readObservation();
        this.batchObs.set(agent.observation, r * obsSize);
        if (choices) this.batchMasks.set(agent.mask!, r * choices);
      }
      driver.actMany!(this.batchObs, count, this.batchActions, choices ? this.batchMasks : null);
      const actions = this.batchActions;
      for (let r = 0; r < count; r++) {
        const agent = agents[r]!;
        agent.setAction(agent.actionSpace.type === 'discrete' ? actions[r]! : actions.subarray(r * actSize, (r + 1) * actSize), DEV ? 'its policy (actMany)' : '');
        agent.batched = true;
      }
      agents.length = 0;
    }
  }

  /** Before physics: a decision where one is due, then the current action. */
  private act(agent: Agent): void {
    if (agent.removed) return;
    if (this.isControlled(agent)) {
      // An agent whose episode ended is inert until its scene restarts (or for good, in a many-agent scene).
      if (agent.hasAction && agent.lastDone === false) agent.applyAction();
      return;
    }
    const driver = this.driverFor(agent);
    // A policy's episode that ended waits for the scene's restart: no decisions on its last step.
    if (driver === undefined || (driver !== 'human' && agent.lastDone !== false)) return;
    if (driver === 'human') {
      // A recorded decision starts from the observation a policy would decide on (none once the episode has ended).
      const tap = agent.stepsInDecision === 0 && agent.lastDone === false ? this.taps.get(agent.name) : undefined;
      if (tap && agent.stale) agent.readObservation();
      const action = agent.spec.human!() as Action;
      agent.setAction(action, DEV ? 'human()' : '');
      tap?.decide(agent, action);
    } else if (agent.batched) {
      agent.batched = false;
    } else if (agent.stepsInDecision === 0) {
      if (agent.stale) agent.readObservation();
      const mask = agent.mask ?? undefined;
      const action = typeof driver === 'function' ? driver(agent.observation, mask, agent.name) : driver.act(agent.observation, mask, agent.name);
      agent.setAction(action, DEV ? (typeof driver === 'function' ? 'its driver function' : 'its policy') : '');
    }
    agent.applyAction();
  }

  /** After the step: done, and at a decision's end the observation and reward. */
  private read(agent: Agent): void {
    if (agent.removed) return;
    const controlled = this.isControlled(agent);
    if (controlled) {
      // A finished decision waits, unchanged, for its SceneEnv to collect it.
      if (agent.ready || !agent.hasAction || agent.lastDone !== false) return;
    } else if (this.driverFor(agent) === undefined || agent.lastDone || !agent.hasAction) {
      // (An agent declared mid-step, or whose driver has not decided yet, did not act in this step.)
      return;
    }
    agent.stepsInDecision += 1;
    const done = agent.readDone();
    if (done === false && agent.stepsInDecision < agent.decisionPeriod) return;
    agent.readObservation();
    agent.lastReward = agent.readReward();
    agent.lastDone = done;
    agent.stepsInDecision = 0;
    if (controlled) {
      agent.ready = true;
      return;
    }
    if (this.taps.size !== 0) this.taps.get(agent.name)?.end(agent.lastReward, done, this.driverFor(agent) === 'human');
    agent.episodeReturn += agent.lastReward;
    if (done !== false) this.endPlayedEpisode(agent, done, agent.episodeReturn);
  }

  /** Some agent of `behavior` is still in its episode. */
  private stillPlaying(behavior: string): boolean {
    for (const a of this.list) if (!a.removed && a.behavior === behavior && a.lastDone === false) return true;
    return false;
  }

  /** A driver chosen for a name the scene has not declared by its first step: most likely a misspelt name. Warned once a name. */
  private warnUndeclaredDrivers(): void {
    for (const name of this.drivers.keys()) {
      if (this.agents.has(name) || this.list.some((a) => a.behavior === name) || this.warnedUndeclared.has(name)) continue;
      this.warnedUndeclared.add(name);
      console.warn(`scene '${this.sceneKey}': this.ai.use('${name}', ...) drives no agent: the scene declares ${[...this.agents.keys()].map((n) => `'${n}'`).join(', ') || 'none'} (warned once)`);
    }
  }

  private endPlayedEpisode(agent: Agent, done: Exclude<DoneKind, false>, total: number): void {
    const event: EpisodeEndEvent = { agent: agent.name, done, return: total };
    this.systems.events.emit(EPISODE_END, event);
    // The scene restarts when the last agent of the behaviour still playing ends (a lone agent: at once).
    if (this.restartOnDone && this.controlled.size === 0 && !this.restartQueued && this.scene && !this.stillPlaying(agent.behavior)) {
      this.restartQueued = true;
      this.scene.scene.restart();
    }
  }
}

function noHuman(name: string): AgentError {
  return new AgentError(`agent '${name}' cannot be driven by 'human': its spec has no human() input mapping; add human: () => action to the spec`);
}

function describeDriver(d: unknown): string {
  if (d === null || d === undefined) return String(d);
  if (typeof d === 'object') return `an object with keys [${Object.keys(d).join(', ')}] and no act()`;
  return `${typeof d} ${JSON.stringify(d)}`;
}

/** The game-config entry that installs the plugin the Phaser way, as `this.ai`, at 60 steps a second. */
export const distillPluginEntry = { key: 'DistillPlugin', plugin: DistillPlugin, mapping: 'ai' } as const;

/** A game-config entry (`plugins: { scene: [entry] }`) that installs the plugin as `this.ai`, at `stepRate` steps a second. */
export function distillPlugin(options: { stepRate?: number } = {}): { key: string; plugin: typeof DistillPlugin; mapping: 'ai' } {
  const stepRate = options.stepRate ?? DEFAULT_STEP_RATE;
  if (DEV && !(Number.isFinite(stepRate) && stepRate > 0)) throw new AgentError(`distillPlugin: stepRate must be a positive number of simulation steps a second, got ${String(options.stepRate)}`);
  if (stepRate === DEFAULT_STEP_RATE) return distillPluginEntry;
  // Phaser constructs scene plugins itself, with (scene, manager, key): the rate rides on a subclass.
  const plugin = class extends DistillPlugin {
    constructor(scene: Phaser.Scene, manager?: unknown, key?: string) {
      super(scene, manager, key, stepRate);
    }
  };
  // Phaser keeps scene plugins in one cache for the whole page or process, by key, and a second
  // game that installs a key already there gets the first one's class: each rate has its own key,
  // or a 60-step game booted after a 50-step one would step at 50.
  return { ...distillPluginEntry, key: `${distillPluginEntry.key}@${stepRate}`, plugin };
}

declare module 'phaser' {
  interface Scene {
    /** The scene's agents (phaser-distill). Present when DistillPlugin is installed as a scene plugin. */
    ai: DistillPlugin;
    /**
     * The scene's game logic at the simulation rate, called by phaser-distill once per step
     * (after physics, before the agents' observations are read). `time` is the simulation time
     * since the scene started, `delta` one step, both in ms. Keep `update` for drawing.
     */
    fixedUpdate?(time: number, delta: number): void;
  }
}
