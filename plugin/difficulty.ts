/**
 * A difficulty ladder driving one agent, or every agent of a behaviour: `new Difficulty(this.ai,
 * 'paddle', ladder, policies)` drives it at the ladder's first level until `setDifficulty(level)`
 * picks another. Each agent it drives keeps its own memory and random stream.
 * Switching takes effect at the next decision, without restarting the scene. A level's memory
 * (its reaction delay) starts afresh with every run of the scene, an episode, and its random
 * draws (slips, blends, sampling) restart from the episode's seed: a seeded episode plays the same
 * whatever was played before it. A game imports it
 * only when it plays a ladder, so a game with one student does not carry the ladder code.
 */
import type { Action, ActionMask, Space } from '../src/env/index.js';
import { LevelPolicy, decodeLadderFile, type LadderFile, type LadderLevel, type TemperedPolicy } from '../src/policy/difficulty.js';
import { AgentError, type Policy } from './agent.js';
import { START } from './events.js';

/** What a Difficulty needs of the plugin (DistillPlugin has it). */
export interface DifficultyHost {
  readonly systems: { readonly events: { on(event: string, fn: () => void, context: unknown): unknown; off(event: string, fn: () => void, context: unknown): unknown } };
  use(name: string, driver: Policy): void;
  release(name: string): void;
  driverOf(name: string): unknown;
  require(name: string): { readonly actionSpace: Space };
  /** The agents of a behaviour (a ladder may drive all the agents of one, a team's hunters say). */
  agentsOf?(behavior: string): readonly { readonly actionSpace: Space }[];
  /** The seed of the scene's episode in play. */
  readonly episodeSeed: number;
}

/** The policies a ladder's levels name, by the `policy` string of each level. */
export type LadderPolicies = Record<string, TemperedPolicy>;

export class Difficulty implements Policy {
  readonly ladder: LadderFile;
  private index = 0;
  /**
   * Each agent's LevelPolicy of each level, made at its first decision at that level (its action
   * space is needed). A ladder that drives a behaviour's agents keeps a memory (a reaction delay)
   * and a random stream per agent, so one hunter never acts on another's observations.
   */
  private readonly levels = new Map<string, (LevelPolicy | null)[]>();
  /** The agents seen, in the order of their first decision: the k-th draws from stream k. */
  private readonly order = new Map<string, number>();
  /** Agents whose next decision is their first of the scene's run: it seeds their level from the episode's seed. */
  private readonly episodeStarts = new Set<string>();

  constructor(private readonly plugin: DifficultyHost, readonly agent: string, ladder: unknown, private readonly policies: LadderPolicies, private readonly seed = 0) {
    this.ladder = decodeLadderFile(ladder, `ladder for agent '${agent}'`);
    for (const level of this.ladder.levels) {
      if (!givenPolicy(policies, level.policy)) {
        throw new AgentError(`ladder for agent '${agent}': level '${level.name}' plays policy '${level.policy}', which was not given (given: ${Object.keys(policies).join(', ') || 'none'})`);
      }
      if (level.weaker !== undefined && !givenPolicy(policies, level.weaker)) {
        throw new AgentError(`ladder for agent '${agent}': level '${level.name}' blends in policy '${level.weaker}', which was not given (given: ${Object.keys(policies).join(', ')})`);
      }
    }
    plugin.systems.events.on(START, this.onSceneStart, this);
    plugin.use(agent, this);
  }

  /** The level in play. */
  get level(): LadderLevel {
    return this.ladder.levels[this.index]!;
  }

  get levelIndex(): number {
    return this.index;
  }

  /** Picks a level by its index (0 = weakest) or its name. */
  setDifficulty(level: number | string): void {
    const index = typeof level === 'number' ? level : this.ladder.levels.findIndex((l) => l.name === level);
    if (!Number.isInteger(index) || index < 0 || index >= this.ladder.levels.length) {
      const names = this.ladder.levels.map((l) => `'${l.name}'`).join(', ');
      throw new AgentError(`agent '${this.agent}': no difficulty level ${JSON.stringify(level)} (levels 0..${this.ladder.levels.length - 1}: ${names})`);
    }
    this.index = index;
    for (const own of this.levels.values()) own[index]?.reset();
  }

  act(observation: Float32Array, mask?: ActionMask, agent: string = this.agent): Action {
    let own = this.levels.get(agent);
    if (!own) {
      own = this.ladder.levels.map(() => null);
      this.levels.set(agent, own);
      this.order.set(agent, this.order.size);
      this.episodeStarts.add(agent);
    }
    const stream = this.seed + 104_729 * this.order.get(agent)!;
    let level = own[this.index];
    if (!level) {
      const spec = this.ladder.levels[this.index]!;
      const weaker = spec.weaker === undefined ? null : this.policies[spec.weaker]!;
      // The agent by name, or (for a behaviour's name) one of its agents: they share their spaces.
      const shape = this.plugin.agentsOf?.(this.agent)[0] ?? this.plugin.require(this.agent);
      level = new LevelPolicy(this.policies[spec.policy]!, spec, shape.actionSpace, stream + this.index, weaker);
      own[this.index] = level;
    }
    if (this.episodeStarts.delete(agent)) {
      level.reset((Math.imul(this.plugin.episodeSeed ^ 0x9e3779b9, 0x85ebca6b) + stream + 7919 * this.index) >>> 0);
    }
    return level.act(observation, mask);
  }

  /** Stops driving the agent and listening to the scene. */
  destroy(): void {
    this.plugin.systems.events.off(START, this.onSceneStart, this);
    if (this.plugin.driverOf(this.agent) === this) this.plugin.release(this.agent);
  }

  /** A new run of the scene: its agents start afresh (they are declared again), and the memory of the last run's goes. */
  private onSceneStart(): void {
    this.levels.clear();
    this.order.clear();
    this.episodeStarts.clear();
  }
}

/**
 * Whether `policies` holds a policy of that name as its own key: a level's `policy` of
 * 'constructor' or 'toString' must not find what every object inherits, which has no `act`.
 */
function givenPolicy(policies: LadderPolicies, name: string): boolean {
  return Object.hasOwn(policies, name) && typeof (policies[name] as Partial<TemperedPolicy> | undefined)?.act === 'function';
}
