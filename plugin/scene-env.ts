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
import { AgentError, type Agent } from './agent.js';
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
      if (JSON.stringify(agent.actionSpace) !== JSON.stringify(this.actionSpace) || JSON.stringify(agent.observationSpace) !== JSON.stringify(this.observationSpace) || agent.decisionPeriod !== this.decisionPeriod) {
        throw new AgentError(`agent '${this.name}' was declared with different spaces or decisionPeriod after a restart of scene ${this.index}; keep its spec the same in every run`);
      }
      this.agent = agent;
    }
    agent.readObservation();
    agent.ready = false;
    return agent;
  }

  release(): void {
    this.runner.plugin(this.index).releaseControl(this.name);
  }
}

function infoOf(agent: Agent): Record<string, unknown> {
  return agent.mask ? { actionMask: agent.mask.slice() } : {};
}

/** One scene's agent as an `Env`. The runner should hold this scene alone (or only idle ones). */
export class SceneEnv implements Env {
  readonly observationSpace: BoxSpace;
  readonly actionSpace: Space;
  private readonly seat: Seat;
  private readonly seeds = new Rng(0);
  private episodeOver = true;

  constructor(readonly runner: SceneRunner, readonly agentName: string, readonly index = 0) {
    this.seat = new Seat(runner, index, agentName);
    this.observationSpace = this.seat.observationSpace;
    this.actionSpace = this.seat.actionSpace;
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

  constructor(private readonly runner: SceneRunner, readonly agent: string, learner: Seat) {
    const opponent = runner.plugin(0).require(agent);
    const what = `opponent '${agent}' and agent '${learner.name}'`;
    if (JSON.stringify(opponent.observationSpace) !== JSON.stringify(learner.observationSpace) || JSON.stringify(opponent.actionSpace) !== JSON.stringify(learner.actionSpace)) {
      throw new AgentError(`${what} must have the same observation and action spaces for a copy of the learner to play the opponent (observation ${JSON.stringify(opponent.observationSpace.shape)} vs ${JSON.stringify(learner.observationSpace.shape)}, action ${JSON.stringify(opponent.actionSpace)} vs ${JSON.stringify(learner.actionSpace)})`);
    }
    this.hold = learner.decisionPeriod / opponent.decisionPeriod;
    if (!Number.isInteger(this.hold)) throw new AgentError(`${what}: the learner's decisionPeriod (${learner.decisionPeriod}) must be a whole multiple of the opponent's (${opponent.decisionPeriod})`);
  }

  /** Before scene i starts an episode: what plays its opponent in it. */
  prepare(i: number): void {
    if (!this.choose) return;
    const policy = this.choose(i);
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

/**
 * Every scene of a runner as one vector env over the agent `agentName`, with same-step automatic
 * reset: an episode that ends has its scene restarted at once, and its last observation kept in
 * `finalObservations`. Episode seeds are drawn from the seed given to `reset`. As an `EnvBatch`
 * (`stepEnvs`, `restartEnv`) it steps with no reset.
 */
export class SceneVectorEnv implements VectorEnv, EnvBatch {
  readonly numEnvs: number;
  readonly observationSpace: BoxSpace;
  readonly actionSpace: Space;
  /** The scenes' opponent agent (the game's `opponent`), for self-play; null if none was named. */
  readonly opponent: SceneOpponent | null;
  private readonly seats: Seat[];
  private readonly obsSize: number;
  private readonly actSize: number;
  private readonly period: number;
  private readonly episodes: AutoReset;
  /** Per-env views of a scratch action buffer, made once, for vector actions. */
  private readonly actionScratch: Float32Array;
  private readonly actionViews: Float32Array[];

  /** `opponentName`: the agent on the other side, which `opponent.choose` may hand to other policies. */
  constructor(readonly runner: SceneRunner, readonly agentName: string, private readonly onClose?: () => void, opponentName?: string) {
    this.numEnvs = runner.numScenes;
    if (this.numEnvs < 1) throw new Error('SceneVectorEnv: the runner has no scenes');
    this.seats = Array.from({ length: this.numEnvs }, (_, i) => new Seat(runner, i, agentName));
    const first = this.seats[0]!;
    this.observationSpace = first.observationSpace;
    this.actionSpace = first.actionSpace;
    this.period = first.decisionPeriod;
    this.obsSize = flatSize(this.observationSpace);
    this.actSize = flatSize(this.actionSpace);
    this.opponent = opponentName === undefined ? null : new SceneOpponent(runner, opponentName, first);
    this.episodes = new AutoReset(this.numEnvs, this.obsSize, this.actionSpace, (i, seed) => this.restartEnv(i, seed));
    this.actionScratch = new Float32Array(this.numEnvs * this.actSize);
    this.actionViews = this.seats.map((_, i) => this.actionScratch.subarray(i * this.actSize, (i + 1) * this.actSize));
  }

  reset(seed: number): Float32Array {
    return this.episodes.reset(seed);
  }

  /** The agents' masks (`spec.mask`) for the current observations; null if the agent has none. */
  get actionMasks(): Uint8Array | null {
    return this.episodes.masks;
  }

  step(actions: ArrayLike<number>): VectorStepResult {
    if (!this.episodes.started) throw new Error(`SceneVectorEnv ('${this.agentName}'): call reset(seed) before step()`);
    this.episodes.begin();
    this.stepEnvs(actions, (i, reward, gameReward, observation, terminated, truncated, mask) => this.episodes.record(i, reward, gameReward, observation, terminated, truncated, mask));
    return this.episodes.end();
  }

  restartEnv(i: number, seed: number): EpisodeStart {
    this.opponent?.prepare(i);
    return this.seats[i]!.restart(seed);
  }

  stepEnvs(actions: ArrayLike<number>, record: StepRecorder): void {
    const n = this.numEnvs;
    if (actions.length !== n * this.actSize) {
      throw new Error(`SceneVectorEnv ('${this.agentName}').step: expected ${n * this.actSize} action numbers (${n} envs x ${this.actSize}), got ${actions.length}`);
    }
    const discrete = this.actionSpace.type === 'discrete';
    if (!discrete) this.actionScratch.set(actions);
    for (let i = 0; i < n; i++) this.seats[i]!.agent.setAction(discrete ? actions[i]! : this.actionViews[i]!, `SceneVectorEnv.step() (env ${i})`);

    // All seats share one period and started their decisions together; a seat whose episode
    // ended early is ready before the others and waits.
    for (let f = 0; f < this.period && !this.allReady(); f++) this.runner.frame();

    for (let i = 0; i < n; i++) {
      const agent = this.seats[i]!.agent;
      if (!agent.ready) throw new AgentError(`agent '${this.agentName}' of scene ${i}: no decision completed after ${this.period} steps; was the scene stopped or restarted by its own code?`);
      agent.ready = false;
      record(i, agent.lastReward, agent.lastReward, agent.observation, agent.lastDone === 'terminated', agent.lastDone === 'truncated', agent.mask);
    }
  }

  close(): void {
    for (const seat of this.seats) seat.release();
    this.opponent?.release();
    this.onClose?.();
  }

  private allReady(): boolean {
    for (let i = 0; i < this.seats.length; i++) if (!this.seats[i]!.agent.ready) return false;
    return true;
  }
}
