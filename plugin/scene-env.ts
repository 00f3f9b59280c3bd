/**
 * A scene's agent as an environment. `SceneEnv` is one scene as an `Env`; `SceneVectorEnv` is N
 * scenes of one game as a `VectorEnv`: set all N actions, advance the game `decisionPeriod`
 * frames (one simulation step each) once, read all N results. Stepping the scenes one env at a
 * time would advance every other scene too, so the vector env is not a SyncVectorEnv of SceneEnvs.
 *
 * Both talk to a `SceneRunner`, which owns the game and its clock (the headless host in Node), so
 * this file needs no Phaser at run time.
 */
import {
  Rng, flatSize, type Action, type ActionMask, type BoxSpace, type Env, type EnvBatch, type EpisodeStart, type OpponentPolicy, type OpponentSeat, type ResetResult, type Space,
  type StepRecorder, type StepResult, type VectorEnv, type VectorStepResult,
} from '../src/env/index.js';
import { AutoReset } from '../src/env/vector-env.js';
import { PrivilegedViews } from '../src/env/privileged.js';
import { AgentError, type Agent, type Driver } from './agent.js';
import type { DistillPlugin } from './plugin.js';

/** Whoever runs the game: N scenes that restart on demand, and a clock that advances them all. */
export interface SceneRunner {
  readonly numScenes: number;
  /** The plugin of scene i. */
  plugin(i: number): DistillPlugin;
  /** Restarts scene i for an episode seeded with `seed`; its `create` has run when this returns. */
  restart(i: number, seed: number): void;
  /** Advances the whole game one frame: one simulation step, for an env (HeadlessGame ensures it). */
  frame(): void;
}

/** One agent of one scene, followed across scene restarts (each run declares a new Agent). */
class Seat {
  readonly observationSpace: BoxSpace;
  readonly actionSpace: Space;
  readonly decisionPeriod: number;
  agent: Agent;

  constructor(readonly runner: SceneRunner, readonly index: number, readonly name: string) {
    const plugin = runner.plugin(index);
    this.agent = plugin.require(name);
    plugin.control(name);
    this.observationSpace = this.agent.observationSpace;
    this.actionSpace = this.agent.actionSpace;
    this.decisionPeriod = this.agent.decisionPeriod;
  }

  /** Restarts the scene and reads the first observation of the new episode. */
  restart(seed: number): Agent {
    this.runner.restart(this.index, seed);
    const agent = this.runner.plugin(this.index).require(this.name);
    if (agent !== this.agent) {
      // A scene may not change an agent's spaces between runs: the trainer's network is fixed.
      if (JSON.stringify(agent.actionSpace) !== JSON.stringify(this.actionSpace) || JSON.stringify(agent.observationSpace) !== JSON.stringify(this.observationSpace) || agent.decisionPeriod !== this.decisionPeriod || JSON.stringify(agent.privilegedSpace) !== JSON.stringify(this.agent.privilegedSpace)) {
        throw new AgentError(`agent '${this.name}' was declared with different spaces, decisionPeriod or privileged view after a restart of scene ${this.index}; keep its spec the same in every run`);
      }
      this.agent = agent;
    }
    agent.slotted = true;
    agent.readObservation();
    agent.ready = false;
    return agent;
  }

  release(): void {
    this.runner.plugin(this.index).releaseControl(this.name);
  }
}

/** A step's info: the action mask, and the teacher's view where the agent declares a privileged one. */
function infoOf(agent: Agent): Record<string, unknown> {
  const info: Record<string, unknown> = agent.mask ? { actionMask: agent.mask.slice() } : {};
  if (agent.privilegedObservation) info.privilegedObservation = agent.privilegedObservation.slice();
  return info;
}

/** One scene's agent as an `Env`. The runner should hold this scene alone (or only idle ones). */
export class SceneEnv implements Env {
  readonly observationSpace: BoxSpace;
  readonly actionSpace: Space;
  /** The teacher's view's space, where the agent declares one (`info.privilegedObservation` holds the view). */
  readonly privilegedSpace: BoxSpace | null;
  private readonly seat: Seat;
  private readonly seeds = new Rng(0);
  private episodeOver = true;

  constructor(readonly runner: SceneRunner, readonly agentName: string, readonly index = 0) {
    this.seat = new Seat(runner, index, agentName);
    this.observationSpace = this.seat.observationSpace;
    this.actionSpace = this.seat.actionSpace;
    this.privilegedSpace = this.seat.agent.privilegedSpace;
  }

  reset(seed?: number): ResetResult {
    if (seed !== undefined) this.seeds.seed(seed);
    // With a seed, the episode is that seed's; without one, the next of this env's sequence.
    const agent = this.seat.restart(seed ?? this.seeds.uint32());
    this.episodeOver = false;
    return { observation: agent.observation.slice(), info: infoOf(agent) };
  }

  step(action: Action): StepResult {
    if (this.episodeOver) throw new AgentError(`agent '${this.agentName}': call reset() before step() (at the start, and after an episode ends)`);
    const agent = this.seat.agent;
    agent.setAction(action, 'SceneEnv.step()');
    for (let f = 0; f < this.seat.decisionPeriod && !agent.ready; f++) this.runner.frame();
    if (!agent.ready) throw new AgentError(`agent '${this.agentName}': no decision completed after ${this.seat.decisionPeriod} steps; was the scene stopped or restarted by its own code?`);
    agent.ready = false;
    const terminated = agent.lastDone === 'terminated';
    const truncated = agent.lastDone === 'truncated';
    this.episodeOver = terminated || truncated;
    return { observation: agent.observation.slice(), reward: agent.lastReward, terminated, truncated, info: infoOf(agent) };
  }

  close(): void {
    this.seat.release();
  }
}

/**
 * The opponent agent of every scene, handed to `choose` (self-play). Its spaces must be the
 * learner's. A policy chosen for an episode decides at the learner's decision steps and holds its
 * action in between, as the learner does, whatever the opponent agent's own decisionPeriod (a
 * scripted opponent may react every step).
 */
class SceneOpponent implements OpponentSeat {
  choose: ((env: number) => OpponentPolicy | null) | null = null;
  /** Opponent decisions a learner's decision spans. */
  private readonly hold: number;

  /** The learner's slots a scene: each has its episode against the scene's opponent (a team of them, or one). */
  private readonly slots: number;

  constructor(private readonly runner: SceneRunner, readonly agent: string, learner: LearnerShape, slots = 1) {
    // The opponent is an agent, or a behaviour whose agents (a team) all play the chosen policy.
    const plugin = runner.plugin(0);
    const team = plugin.get(agent) === undefined ? plugin.agentsOf(agent) : [];
    const opponent = team[0] ?? plugin.require(agent);
    this.slots = slots;
    const what = `opponent '${agent}' and agent '${learner.name}'`;
    if (JSON.stringify(opponent.observationSpace) !== JSON.stringify(learner.observationSpace) || JSON.stringify(opponent.actionSpace) !== JSON.stringify(learner.actionSpace)) {
      throw new AgentError(`${what} must have the same observation and action spaces for a copy of the learner to play the opponent (observation ${JSON.stringify(opponent.observationSpace.shape)} vs ${JSON.stringify(learner.observationSpace.shape)}, action ${JSON.stringify(opponent.actionSpace)} vs ${JSON.stringify(learner.actionSpace)})`);
    }
    this.hold = learner.decisionPeriod / opponent.decisionPeriod;
    if (!Number.isInteger(this.hold)) throw new AgentError(`${what}: the learner's decisionPeriod (${learner.decisionPeriod}) must be a whole multiple of the opponent's (${opponent.decisionPeriod})`);
    if (team.length > 1 && this.hold !== 1) throw new AgentError(`${what}: an opposing team of several agents must decide as often as the learner (decisionPeriod ${learner.decisionPeriod}, the opponents' ${opponent.decisionPeriod})`);
  }

  /**
   * Before scene i starts an episode: what plays its opponent in it. Each of the scene's learner
   * slots is told (`choose(env)` for each), so each slot's episode is credited to the opponent it
   * met; the scene's opponent plays the first slot's choice (all of its agents, for a team).
   */
  prepare(i: number): void {
    if (!this.choose) return;
    let policy: OpponentPolicy | null = null;
    for (let j = 0; j < this.slots; j++) {
      const chosen = this.choose(i * this.slots + j);
      if (j === 0) policy = chosen;
    }
    const plugin = this.runner.plugin(i);
    if (policy === null) {
      // The scene's own create() chooses its opponent when none is chosen.
      plugin.release(this.agent);
      return;
    }
    policy.reset?.();
    plugin.use(this.agent, holdDecisions(policy, this.hold));
  }

  /** Gives every scene's opponent back to the scene. */
  release(): void {
    if (!this.choose) return;
    for (let i = 0; i < this.runner.numScenes; i++) this.runner.plugin(i).release(this.agent);
    this.choose = null;
  }
}

/** `policy` deciding on every `hold`-th call and repeating its action in between (a box action copied, as the policy may reuse its buffer). */
function holdDecisions(policy: OpponentPolicy, hold: number): OpponentPolicy {
  let calls = 0;
  let last: Action = 0;
  let box: Float32Array | null = null;
  return {
    act(observation: Float32Array, mask?: ActionMask): Action {
      if (calls++ % hold === 0) {
        const a = policy.act(observation, mask);
        if (typeof a === 'number') {
          last = a;
        } else {
          box ??= new Float32Array(a.length);
          for (let k = 0; k < a.length; k++) box[k] = a[k]!;
          last = box;
        }
      }
      return last;
    },
  };
}

/** What the opponent seat checks its agent against: the learner's spaces and decision period. */
interface LearnerShape {
  readonly name: string;
  readonly observationSpace: BoxSpace;
  readonly actionSpace: Space;
  readonly decisionPeriod: number;
}

/**
 * Every scene of a runner as one vector env over the behaviour `agentName` (an agent's name, or
 * the `behavior` several agents share), with same-step automatic reset. Each scene holds
 * `agentsPerScene` slots, and env `s` is slot `s % agentsPerScene` of scene
 * `floor(s / agentsPerScene)`: 8 agents in each of 16 scenes make 128 envs, each with its own
 * observation, reward, decisions and done, and one frame of the game yields an experience for
 * every slot.
 *
 * The rule for a changing set of agents (ML-Agents' per-agent episodes): an agent is one
 * episode. It ends by its `done()` or by `this.ai.remove(name)`, while the scene goes on, and at
 * that step its slot passes to the next agent of the behaviour the scene has declared and no slot
 * holds yet (a spawner's, in declaration order). A scene whose slots all end in one step with too
 * few successors restarts, as a one-agent scene does when its agent's episode ends. A slot never
 * waits for an agent: a scene that leaves a slot empty while others play on is a game error
 * (AgentError), for a lockstep vector env has no step for it that would not be invented. So no
 * step of one agent is credited to another, and no forward pass is spent on an empty slot.
 *
 * Episode seeds are drawn from the seed given to `reset`; a scene restart takes the seed of its
 * first slot. As an `EnvBatch` (`stepEnvs`, `restartEnv`) it steps with no reset.
 */
export class SceneVectorEnv implements VectorEnv, EnvBatch {
  readonly numEnvs: number;
  readonly observationSpace: BoxSpace;
  readonly actionSpace: Space;
  /** The scenes' opponent agent (the game's `opponent`), for self-play; null if none was named. */
  readonly opponent: SceneOpponent | null;
  /** The teacher's view of every slot, where the behaviour declares one (`spec.privileged`). */
  readonly privileged: PrivilegedViews | null;
  /** The agent in each slot: scene-major, `agentsPerScene` slots a scene. */
  private readonly slots: Agent[];
  /** The slots' agents as a step began (scratch). */
  private readonly stepped: Agent[];
  private readonly obsSize: number;
  private readonly actSize: number;
  private readonly period: number;
  private readonly episodes: AutoReset;
  /** The spaces and period every agent of the behaviour must have, as JSON. */
  private readonly shapeKey: string;
  /** Scenes to restart at their next slot's restart (all at `reset`; a scene whose slots all ended). */
  private readonly restartDue: Uint8Array;
  /** Slots bound by their scene's restart, whose next `restartEnv` only reads their first observation. */
  private readonly fresh: Uint8Array;
  /** Per-env views of a scratch action buffer, made once, for vector actions. */
  private readonly actionScratch: Float32Array;
  private readonly actionViews: Float32Array[];

  /** The drivers `createSceneVectorEnv` handed the scene's other behaviours (VectorEnv.drivers). */
  drivers: Readonly<Record<string, readonly Driver[]>> = {};

  /** The behaviour (or agent) its slots hold (VectorEnv.behavior). */
  get behavior(): string {
    return this.agentName;
  }

  /**
   * `opponentName`: the agent on the other side, which `opponent.choose` may hand to other policies.
   * `agentsPerScene`: the slots of each scene, which every run of the scene must declare that many agents of the behaviour for.
   */
  constructor(readonly runner: SceneRunner, readonly agentName: string, private readonly onClose?: () => void, opponentName?: string, readonly agentsPerScene = 1) {
    const scenes = runner.numScenes;
    if (scenes < 1) throw new Error('SceneVectorEnv: the runner has no scenes');
    if (!Number.isInteger(agentsPerScene) || agentsPerScene < 1) throw new AgentError(`SceneVectorEnv ('${agentName}'): agentsPerScene must be a positive integer, got ${String(agentsPerScene)}`);
    this.numEnvs = scenes * agentsPerScene;
    for (let c = 0; c < scenes; c++) runner.plugin(c).control(agentName);
    const first = this.declared(0)[0]!;
    this.observationSpace = first.observationSpace;
    this.actionSpace = first.actionSpace;
    this.period = first.decisionPeriod;
    this.shapeKey = shapeOf(first);
    this.obsSize = flatSize(this.observationSpace);
    this.actSize = flatSize(this.actionSpace);
    this.slots = new Array<Agent>(this.numEnvs);
    this.stepped = new Array<Agent>(this.numEnvs);
    for (let c = 0; c < scenes; c++) this.bindScene(c, false);
    const learner: LearnerShape = { name: agentName, observationSpace: this.observationSpace, actionSpace: this.actionSpace, decisionPeriod: this.period };
    this.opponent = opponentName === undefined ? null : new SceneOpponent(runner, opponentName, learner, agentsPerScene);
    this.restartDue = new Uint8Array(scenes);
    this.fresh = new Uint8Array(this.numEnvs);
    this.episodes = new AutoReset(this.numEnvs, this.obsSize, this.actionSpace, (i, seed) => this.restartEnv(i, seed));
    this.actionScratch = new Float32Array(this.numEnvs * this.actSize);
    this.actionViews = Array.from({ length: this.numEnvs }, (_, i) => this.actionScratch.subarray(i * this.actSize, (i + 1) * this.actSize));
    this.privileged = first.privilegedSpace ? new PrivilegedViews(first.privilegedSpace, this.numEnvs, (i) => `agent '${this.slots[i]!.name}' (env ${i})`) : null;
  }

  reset(seed: number): Float32Array {
    this.restartDue.fill(1);
    this.fresh.fill(0);
    const obs = this.episodes.reset(seed);
    if (this.privileged) for (let i = 0; i < this.numEnvs; i++) this.holdView(i, 'reset');
    return obs;
  }

  /** The agents' masks (`spec.mask`) for the current observations; null if the agent has none. */
  get actionMasks(): Uint8Array | null {
    return this.episodes.masks;
  }

  /** The agent that env (slot) `i` holds now: its name says whose observations and actions they are. */
  agentAt(i: number): Agent {
    const agent = this.slots[i];
    if (!agent) throw new RangeError(`SceneVectorEnv ('${this.agentName}'): no env ${i} (it has ${this.numEnvs})`);
    return agent;
  }

  step(actions: ArrayLike<number>): VectorStepResult {
    if (!this.episodes.started) throw new Error(`SceneVectorEnv ('${this.agentName}'): call reset(seed) before step()`);
    this.episodes.begin();
    const view = this.privileged;
    view?.begin();
    this.stepEnvs(actions, (i, reward, gameReward, observation, terminated, truncated, mask) => {
      // The agent that took the step: its view is the episode's last if it ended, before `record` restarts the slot.
      if (view && (terminated || truncated)) view.end(i, this.stepped[i]!.privilegedObservation!);
      this.episodes.record(i, reward, gameReward, observation, terminated, truncated, mask);
      if (view) this.holdView(i, 'step');
    });
    return this.episodes.end();
  }

  restartEnv(i: number, seed: number): EpisodeStart {
    const K = this.agentsPerScene;
    const c = Math.floor(i / K);
    // A slot whose agent has not ended is being reset (a vector env's reset, or a parallel
    // worker's first restart): its scene starts a new run, as after its agents all ended.
    if (this.restartDue[c] || (!this.fresh[i] && this.slots[i]!.lastDone === false)) {
      this.restartDue[c] = 0;
      this.opponent?.prepare(c);
      this.runner.restart(c, seed);
      this.bindScene(c);
      this.fresh.fill(1, c * K, (c + 1) * K);
    }
    if (this.fresh[i]) {
      this.fresh[i] = 0;
    } else {
      // The slot passes to the scene's next agent that holds none (stepEnvs made sure there is one).
      const next = this.waiting(c)[0];
      if (!next) throw new AgentError(`agent '${this.agentName}' of scene ${c}: slot ${i % K} has no agent to pass to; declare the next one in the step its agent ends`);
      this.bind(i, next, c);
    }
    const agent = this.slots[i]!;
    return { observation: agent.observation, mask: agent.mask };
  }

  stepEnvs(actions: ArrayLike<number>, record: StepRecorder): void {
    const n = this.numEnvs;
    if (actions.length !== n * this.actSize) {
      throw new Error(`SceneVectorEnv ('${this.agentName}').step: expected ${n * this.actSize} action numbers (${n} envs x ${this.actSize}), got ${actions.length}`);
    }
    const discrete = this.actionSpace.type === 'discrete';
    if (!discrete) this.actionScratch.set(actions);
    for (let i = 0; i < n; i++) this.slots[i]!.setAction(discrete ? actions[i]! : this.actionViews[i]!, `SceneVectorEnv.step() (env ${i})`);

    // Every slot's agent shares one period and started its decision now; an agent whose episode
    // ended early is ready before the others and waits, inert.
    for (let f = 0; f < this.period && !this.allReady(); f++) this.runner.frame();

    this.planSlots();
    // Recorded from the agents that took this step: a scene's restart (or a slot's pass) during
    // `record` rebinds its slots to new agents.
    const stepped = this.stepped;
    for (let i = 0; i < n; i++) stepped[i] = this.slots[i]!;
    for (let i = 0; i < n; i++) {
      const agent = stepped[i]!;
      if (!agent.ready) throw new AgentError(`agent '${agent.name}' of scene ${Math.floor(i / this.agentsPerScene)}: no decision completed after ${this.period} steps; was the scene stopped or restarted by its own code?`);
      agent.ready = false;
      record(i, agent.lastReward, agent.lastReward, agent.observation, agent.lastDone === 'terminated', agent.lastDone === 'truncated', agent.mask);
    }
  }

  /** Slot i's current privileged view, from the agent it holds now. */
  private holdView(i: number, when: 'reset' | 'step'): void {
    this.privileged!.hold(i, this.slots[i]!.privilegedObservation, when);
  }

  close(): void {
    for (let c = 0; c < this.runner.numScenes; c++) this.runner.plugin(c).releaseControl(this.agentName);
    this.opponent?.release();
    this.onClose?.();
  }

  /**
   * After a step of a many-agent scene: each scene whose agents ended either has a successor for
   * each of them, or ended them all (it restarts), or breaks the rule (an error naming it).
   */
  private planSlots(): void {
    const K = this.agentsPerScene;
    for (let c = 0; c < this.runner.numScenes; c++) {
      let ended = 0;
      for (let j = 0; j < K; j++) if (this.slots[c * K + j]!.lastDone !== false) ended++;
      if (ended === 0) continue;
      const waiting = this.waiting(c).length;
      if (waiting >= ended) continue;
      if (ended === K) {
        this.restartDue[c] = 1;
        continue;
      }
      throw new AgentError(`scene ${c}: ${ended} agent(s) of '${this.agentName}' ended their episodes in one step with ${waiting} new one(s) declared to take their slots, while ${K - ended} play on. A slot passes at once to the next agent the scene declares and never waits: declare a successor in the step an agent ends (this.ai.remove(name), then this.ai.agent(newName, { behavior: '${this.agentName}', ... }) in fixedUpdate), or end them all (the scene then restarts)`);
    }
  }

  /** The agents of the behaviour in scene c, by declaration; an error naming the scene's agents if none. */
  private declared(c: number): Agent[] {
    const plugin = this.runner.plugin(c);
    const agents = plugin.agentsOf(this.agentName);
    if (agents.length === 0) plugin.require(this.agentName);
    return agents;
  }

  /** Scene c's agents of the behaviour that hold no slot yet and have not ended. */
  private waiting(c: number): Agent[] {
    return this.runner.plugin(c).agentsOf(this.agentName).filter((a) => !a.slotted && a.lastDone === false);
  }

  /** Gives scene c's slots to the agents a run of it has just declared. */
  private bindScene(c: number, read = true): void {
    const K = this.agentsPerScene;
    const agents = this.declared(c);
    if (agents.length !== K) {
      throw new AgentError(`scene ${c} declares ${agents.length} agent(s) of '${this.agentName}' (${agents.map((a) => `'${a.name}'`).join(', ')}) as it starts, but the game has ${K} slot(s) a scene (agentsPerScene: ${K}); declare exactly that many in create()`);
    }
    for (let j = 0; j < K; j++) this.bind(c * K + j, agents[j]!, c, read);
  }

  /** Agent `agent` takes slot i: its first observation is read now. */
  private bind(i: number, agent: Agent, c: number, read = true): void {
    if (this.shapeKey !== undefined && shapeOf(agent) !== this.shapeKey) {
      throw new AgentError(`agent '${agent.name}' of scene ${c} has other spaces or another decisionPeriod than the first agent of '${this.agentName}'; the agents of one behaviour share one policy, so declare them all with the same spec shape`);
    }
    agent.slotted = true;
    if (read) agent.readObservation();
    agent.ready = false;
    this.slots[i] = agent;
  }

  private allReady(): boolean {
    const slots = this.slots;
    for (let i = 0; i < slots.length; i++) if (!slots[i]!.ready) return false;
    return true;
  }
}

/** An agent's spaces and decision period, as one string to compare. */
function shapeOf(agent: Agent): string {
  return JSON.stringify([agent.observationSpace, agent.actionSpace, agent.decisionPeriod, agent.privilegedSpace]);
}
