/**
 * Recording the player: `this.ai.record('paddle')` keeps, at each decision the player makes for
 * the agent (driven by its `human()` input), the observation a policy would have seen and the
 * action the player chose, and the reward the decision earned; `toFile()` gives the demo file
 * (src/demo/demo-file.ts). Development and production builds record the same.
 *
 * A decision is the policy's: it starts at the decision's first simulation step, from the
 * observation a policy would decide on (read then if the agent has none yet, as for a policy),
 * and the action recorded is the one `human()` gave at that step; the reward is read at the
 * decision's end. An episode is kept when the agent's `done()` ends it. One the player does not
 * drive to its end (another driver takes a decision, the scene restarts first, `stop()`) is let go.
 * Recording begun mid-episode keeps the rest of it, with the return of that rest.
 */
import { flatSize, type Action, type BoxSpace, type Space } from '../src/env/index.js';
import { encodeDemo, type Demo, type DemoEpisode } from '../src/demo/demo-file.js';
import { AgentError, type Agent, type DoneKind } from './agent.js';
import { SHUTDOWN } from './events.js';

/** What the plugin tells whatever watches an agent's decisions (DistillPlugin calls it; a game does not). */
export interface DecisionTap {
  /** The player's decision starts: `agent.observation` is what a policy would see, `action` what human() gave. */
  decide(agent: Agent, action: Action): void;
  /**
   * A decision of the agent ended with `reward`, and the episode with `done` unless false;
   * `player`: the player made it (else a policy did, or the agent was let go, and an episode being recorded is cut).
   */
  end(reward: number, done: DoneKind, player: boolean): void;
}

/** What a DemoRecorder needs of the plugin (DistillPlugin has it). */
export interface RecorderHost {
  readonly systems: { readonly events: { on(event: string, fn: () => void, context: unknown): unknown; off(event: string, fn: () => void, context: unknown): unknown } };
  /** The taps by agent name: the plugin calls the one of an agent it drives for the player. */
  readonly taps: Map<string, DecisionTap>;
  get(name: string): Agent | undefined;
}

interface Episode {
  observations: Float32Array[];
  /** Each decision's action, flat (one number, or one per branch or box element). */
  actions: number[];
  rewards: number[];
  return: number;
  done: DemoEpisode['done'];
}

export class DemoRecorder implements DecisionTap {
  private readonly kept: Episode[] = [];
  /** The episode being recorded, and whether its last decision waits for its reward. */
  private open: Episode | null = null;
  private pending = false;
  private spaces: { observationSpace: BoxSpace; actionSpace: Space; decisionPeriod: number } | null = null;
  /** Whose actions: the recorded agent's behaviour and team, where they differ from its name or it has one. */
  private whose: { behavior?: string; team?: string | number } = {};
  /** Numbers in one action. */
  private actionSize = 1;
  private active = true;

  constructor(private readonly plugin: RecorderHost, readonly agent: string) {
    (plugin.taps.get(agent) as DemoRecorder | undefined)?.stop();
    plugin.taps.set(agent, this);
    plugin.systems.events.on(SHUTDOWN, this.letGo, this);
    const declared = plugin.get(agent);
    if (declared) this.note(declared);
  }

  /** Whether it is still recording (until `stop()`). */
  get recording(): boolean {
    return this.active;
  }

  /** The episodes kept so far, oldest first: each one's decisions, return and ending. */
  get episodes(): DemoEpisode[] {
    return this.kept.map((e) => ({ length: e.rewards.length, return: e.return, done: e.done }));
  }

  /** Decisions in the kept episodes. */
  get steps(): number {
    return this.kept.reduce((n, e) => n + e.rewards.length, 0);
  }

  /** Lets go of the last kept episode (a match the player does not want to teach) and says what it was. */
  dropLast(): DemoEpisode | undefined {
    const e = this.kept.pop();
    return e && { length: e.rewards.length, return: e.return, done: e.done };
  }

  /** Stops recording; the episode under way is let go, the kept ones stay for `toFile()`. */
  stop(): void {
    if (!this.active) return;
    this.active = false;
    this.letGo();
    if (this.plugin.taps.get(this.agent) === this) this.plugin.taps.delete(this.agent);
    this.plugin.systems.events.off(SHUTDOWN, this.letGo, this);
  }

  /** The kept episodes as a demo. */
  toDemo(meta?: Record<string, unknown>): Demo {
    const spaces = this.spaces;
    if (!spaces) throw new AgentError(`agent '${this.agent}': nothing recorded and the agent not declared yet, so its spaces are unknown`);
    const obsSize = flatSize(spaces.observationSpace);
    const observations = new Float32Array(this.steps * obsSize);
    let actions: number[] = [];
    let rewards: number[] = [];
    const boundaries = [0];
    let step = 0;
    for (const e of this.kept) {
      for (const o of e.observations) observations.set(o, step++ * obsSize);
      actions = actions.concat(e.actions);
      rewards = rewards.concat(e.rewards);
      boundaries.push(step);
    }
    return {
      agent: this.agent,
      ...this.whose,
      ...spaces,
      episodes: this.episodes,
      observations,
      actions: spaces.actionSpace.type === 'box' ? new Float32Array(actions) : new Int32Array(actions),
      rewards: new Float64Array(rewards),
      boundaries: new Int32Array(boundaries),
      ...(meta ? { meta } : {}),
    };
  }

  /** The demo file's bytes (a `.demo` file). */
  toFile(meta?: Record<string, unknown>): Uint8Array {
    return encodeDemo(this.toDemo(meta));
  }

  decide(agent: Agent, action: Action): void {
    this.note(agent);
    const e = (this.open ??= { observations: [], actions: [], rewards: [], return: 0, done: 'truncated' });
    // A decision begun again before it ended (a new driver, say): the new one replaces it.
    if (this.pending) e.observations.pop(), (e.actions.length -= this.actionSize);
    e.observations.push(agent.observation.slice());
    if (typeof action === 'number') e.actions.push(action);
    else for (let i = 0; i < action.length; i++) e.actions.push(action[i]!);
    this.pending = true;
  }

  end(reward: number, done: DoneKind, player: boolean): void {
    // A decision the player began and another driver took over is not the player's.
    if (!player) this.pending = false;
    const e = this.open;
    if (e && this.pending) {
      e.rewards.push(reward);
      e.return += reward;
      if (done) {
        e.done = done;
        this.kept.push(e);
      }
    }
    // An episode ends here, or a decision that was not the player's cuts it.
    if (done || !this.pending) this.open = null;
    this.pending = false;
  }

  private note(agent: Agent): void {
    if (this.spaces) return;
    this.spaces = { observationSpace: agent.observationSpace, actionSpace: agent.actionSpace, decisionPeriod: agent.decisionPeriod };
    this.whose = { ...(agent.behavior !== agent.name ? { behavior: agent.behavior } : {}), ...(agent.team !== undefined ? { team: agent.team } : {}) };
    this.actionSize = flatSize(agent.actionSpace);
  }

  private letGo(): void {
    this.open = null;
    this.pending = false;
  }
}
