/**
 * DistillPlugin: the scene plugin behind `this.ai`. It keeps a scene's agents and, each frame,
 * applies their actions at PRE_UPDATE (before physics) and reads done, observations and rewards at
 * POST_UPDATE (after physics and `scene.update`), the order Phaser gives a frame.
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
import { Agent, AgentError, type ActionSpec, type AgentSpec, type DoneKind, type Driver } from './agent.js';
import { BOOT, DESTROY, EPISODE_END, POST_UPDATE, PRE_UPDATE, SHUTDOWN, START, type EpisodeEndEvent } from './events.js';

export { EPISODE_END, type EpisodeEndEvent } from './events.js';

const instances = new WeakMap<object, DistillPlugin>();

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

  private readonly agents = new Map<string, Agent>();
  /** The agents in declaration order, for the per-frame loops. */
  private readonly list: Agent[] = [];
  private readonly drivers = new Map<string, Driver>();
  /** Agents whose actions come from a SceneEnv rather than a driver. */
  private readonly controlled = new Set<string>();
  private restartQueued = false;
  private booted = false;

  constructor(scene: Phaser.Scene, _pluginManager?: unknown, _pluginKey?: string) {
    this.scene = scene;
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
    events.on(PRE_UPDATE, this.preUpdate, this);
    events.on(POST_UPDATE, this.postUpdate, this);
    events.once(SHUTDOWN, this.shutdown, this);
    // Outside a host, an unseeded episode is fine: play need not replay.
    this.episodeSeed = this.nextSeed ?? Math.floor(Math.random() * 4294967296);
    this.nextSeed = null;
    this.rng.seed(this.episodeSeed);
    this.restartQueued = false;
  }

  private shutdown(): void {
    const events = this.systems.events;
    events.off(PRE_UPDATE, this.preUpdate, this);
    events.off(POST_UPDATE, this.postUpdate, this);
    events.off(SHUTDOWN, this.shutdown, this);
    this.agents.clear();
    this.list.length = 0;
  }

  /** Called by Phaser (through DESTROY) when the scene is destroyed. */
  destroy(): void {
    this.shutdown();
    this.systems.events.off(START, this.start, this);
    this.systems.events.off(BOOT, this.boot, this);
    this.drivers.clear();
    this.controlled.clear();
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
    const agent = this.agents.get(name);
    if (DEV) {
      if (this.controlled.has(name)) throw new AgentError(`agent '${name}' is being trained through a SceneEnv; its actions come from the trainer, not from use()`);
      const ok = driver === 'human' || typeof driver === 'function' || (typeof driver === 'object' && driver !== null && typeof driver.act === 'function');
      if (!ok) throw new AgentError(`agent '${name}': use() expected a policy with act(observation), a function (observation) => action, or 'human', got ${describeDriver(driver)}`);
      if (driver === 'human' && agent && !agent.spec.human) throw noHuman(name);
    }
    this.drivers.set(name, driver);
    if (agent) {
      // The new driver decides on the very next frame, from a fresh observation.
      agent.framesInDecision = 0;
      agent.stale = true;
    }
  }

  /** Stops driving an agent: its `act` is no longer called. */
  release(name: string): void {
    this.drivers.delete(name);
  }

  driverOf(name: string): Driver | undefined {
    return this.drivers.get(name);
  }

  /** Adds to the reward the agent receives at the end of the current decision. */
  addReward(name: string, reward: number): void {
    this.require(name).pendingReward += reward;
  }

  /** The declared agent `name`, or undefined in a run that has not declared it (yet). */
  get(name: string): Agent | undefined {
    return this.agents.get(name);
  }

  /** The declared agent `name`; an error naming the scene and the declared agents otherwise. */
  require(name: string): Agent {
    const agent = this.agents.get(name);
    if (!agent) {
      const known = [...this.agents.keys()].map((n) => `'${n}'`).join(', ') || 'none';
      throw new AgentError(`agent '${name}' is not declared in scene '${this.sceneKey}' (declared: ${known})` + (DEV ? `; declare it with this.ai.agent('${name}', spec) in create()` : ''));
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

  /** Hands an agent to a SceneEnv: from now on its actions come from `setAction`. */
  control(name: string): void {
    this.controlled.add(name);
    this.drivers.delete(name);
  }

  releaseControl(name: string): void {
    this.controlled.delete(name);
  }

  isControlled(name: string): boolean {
    return this.controlled.has(name);
  }

  private get sceneKey(): string {
    return this.systems.settings.key;
  }

  private preUpdate(): void {
    const list = this.list;
    for (let i = 0; i < list.length; i++) {
      const agent = list[i]!;
      if (this.controlled.has(agent.name)) {
        if (agent.hasAction) agent.applyAction();
        continue;
      }
      const driver = this.drivers.get(agent.name);
      // A policy's episode that ended waits for the scene's restart: no decisions on its last frame.
      if (driver === undefined || (driver !== 'human' && agent.lastDone !== false)) continue;
      if (driver === 'human') {
        agent.setAction(agent.spec.human!() as Action, 'human()');
      } else if (agent.framesInDecision === 0) {
        if (agent.stale) agent.readObservation();
        const mask = agent.mask ?? undefined;
        const action = typeof driver === 'function' ? driver(agent.observation, mask) : driver.act(agent.observation, mask);
        agent.setAction(action, typeof driver === 'function' ? 'its driver function' : 'its policy');
      }
      agent.applyAction();
    }
  }

  private postUpdate(): void {
    const list = this.list;
    for (let i = 0; i < list.length; i++) {
      const agent = list[i]!;
      const controlled = this.controlled.has(agent.name);
      if (controlled) {
        // A finished decision waits, unchanged, for its SceneEnv to collect it.
        if (agent.ready || !agent.hasAction) continue;
      } else if (!this.drivers.has(agent.name) || agent.lastDone) {
        continue;
      }
      agent.framesInDecision += 1;
      const done = agent.readDone();
      if (done === false && agent.framesInDecision < agent.decisionPeriod) continue;
      agent.readObservation();
      agent.lastReward = agent.readReward();
      agent.lastDone = done;
      agent.framesInDecision = 0;
      if (controlled) {
        agent.ready = true;
        continue;
      }
      agent.episodeReturn += agent.lastReward;
      if (done !== false) this.endPlayedEpisode(agent.name, done, agent.episodeReturn);
    }
  }

  private endPlayedEpisode(name: string, done: Exclude<DoneKind, false>, total: number): void {
    const event: EpisodeEndEvent = { agent: name, done, return: total };
    this.systems.events.emit(EPISODE_END, event);
    if (this.restartOnDone && this.controlled.size === 0 && !this.restartQueued && this.scene) {
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

/** The game-config entry that installs the plugin the Phaser way, as `this.ai`. */
export const distillPluginEntry = { key: 'DistillPlugin', plugin: DistillPlugin, mapping: 'ai' };

declare module 'phaser' {
  interface Scene {
    /** The scene's agents (phaser-distill). Present when DistillPlugin is installed as a scene plugin. */
    ai: DistillPlugin;
  }
}
