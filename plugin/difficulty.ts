/**
 * A difficulty ladder driving one agent: `new Difficulty(this.ai, 'paddle', ladder, policies)`
 * drives the agent at the ladder's first level until `setDifficulty(level)` picks another.
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
  /** One LevelPolicy per level, made when the agent is first seen (its action space is needed). */
  private readonly levels: (LevelPolicy | null)[];
  /** Set at a scene's start: the episode's first decision reseeds the level from the episode's seed. */
  private episodeStarts = true;

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
    this.levels = this.ladder.levels.map(() => null);
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
    this.levels[index]?.reset();
  }

  act(observation: Float32Array, mask?: ActionMask): Action {
    let level = this.levels[this.index];
    if (!level) {
      const spec = this.ladder.levels[this.index]!;
      const weaker = spec.weaker === undefined ? null : this.policies[spec.weaker]!;
      // The agent by name, or (for a behaviour's name) one of its agents: they share their spaces.
      const agent = this.plugin.agentsOf?.(this.agent)[0] ?? this.plugin.require(this.agent);
      level = new LevelPolicy(this.policies[spec.policy]!, spec, agent.actionSpace, this.seed + this.index, weaker);
      this.levels[this.index] = level;
    }
    if (this.episodeStarts) {
      level.reset((Math.imul(this.plugin.episodeSeed ^ 0x9e3779b9, 0x85ebca6b) + this.seed + 7919 * this.index) >>> 0);
      this.episodeStarts = false;
    }
    return level.act(observation, mask);
  }

  /** Stops driving the agent and listening to the scene. */
  destroy(): void {
    this.plugin.systems.events.off(START, this.onSceneStart, this);
    if (this.plugin.driverOf(this.agent) === this) this.plugin.release(this.agent);
  }

  private onSceneStart(): void {
    this.levels[this.index]?.reset();
    this.episodeStarts = true;
  }
}

/**
 * Whether `policies` holds a policy of that name as its own key: a level's `policy` of
 * 'constructor' or 'toString' must not find what every object inherits, which has no `act`.
 */
function givenPolicy(policies: LadderPolicies, name: string): boolean {
  return Object.hasOwn(policies, name) && typeof (policies[name] as Partial<TemperedPolicy> | undefined)?.act === 'function';
}
