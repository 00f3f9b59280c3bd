/**
 * Recording a scripted expert the way a player is recorded: a real headless scene, the agent
 * driven by `'human'`, and the expert standing in for the player's keys (the scene's
 * `humanAction()`, which its agent's `human()` reads) while `this.ai.record` keeps the episodes.
 * The expert decides as a player who holds a key for a whole decision: at each decision's first
 * step, from the observation a policy would see there, so what is recorded is what a policy could
 * learn to do. Episode k is seeded `seed + k`.
 */
import { EPISODE_END, HeadlessGame, type Action, type Demo, type EpisodeEndEvent, type GameDef } from 'phaser-distill/node';

/** A scene whose player input is `humanAction()`, as Pong's and Balance's read the arrow keys. */
interface PlayedScene {
  humanAction(): Action;
}

export interface ExpertRecording {
  /** The recording, as `toDemo()` gives it. */
  demo: Demo;
  /** The same as a `.demo` file. */
  bytes: Uint8Array;
  /** The returns the plugin reported for the recorded agent, episode by episode. */
  returns: number[];
}

export interface RecordExpertOptions {
  episodes: number;
  /** Episode k is seeded seed + k. */
  seed: number;
  /** Provenance written into the demo's header. */
  meta?: Record<string, unknown>;
  /** Gives up after this many frames (a game whose episodes never end). Default 10 million. */
  maxFrames?: number;
}

/** Plays `expert` as the human input of `game`'s agent `agent` and records `episodes` whole episodes. */
export async function recordExpert(game: GameDef, agent: string, expert: (observation: Float32Array) => Action, options: RecordExpertOptions): Promise<ExpertRecording> {
  const host = await HeadlessGame.create({ game });
  try {
    const scene = host.scenes[0]! as unknown as Phaser.Scene & PlayedScene;
    let held: Action | null = null;
    // The player's keys: a new press at each decision's first step, held to its end.
    scene.humanAction = () => {
      const a = scene.ai.get(agent);
      if (!a) throw new Error(`recordExpert: the scene has no agent '${agent}'`);
      if (a.stepsInDecision === 0 || held === null) held = expert(a.observation);
      return held;
    };
    const returns: number[] = [];
    scene.events.on(EPISODE_END, (e: EpisodeEndEvent) => {
      if (e.agent !== agent) return;
      returns.push(e.return);
      held = null;
      scene.ai.nextSeed = (options.seed + returns.length) >>> 0;
    });
    host.restart(0, options.seed);
    scene.ai.use(agent, 'human');
    const recorder = scene.ai.record(agent);
    const maxFrames = options.maxFrames ?? 10_000_000;
    for (let f = 0; recorder.episodes.length < options.episodes; f++) {
      if (f >= maxFrames) throw new Error(`recordExpert: ${recorder.episodes.length} of ${options.episodes} episodes after ${maxFrames} frames`);
      host.frame();
    }
    recorder.stop();
    const meta = { recordedBy: 'recordExpert', seed: options.seed, ...options.meta };
    return { demo: recorder.toDemo(meta), bytes: recorder.toFile(meta), returns: returns.slice(0, options.episodes) };
  } finally {
    host.destroy();
  }
}
