/** Events the plugin emits on a scene's event emitter (`scene.sys.events`). */
import type { DoneKind } from './agent.js';

/** Emitted when a played (not trained) agent's episode ends. */
export const EPISODE_END = 'ai-episode-end';

/** Payload of EPISODE_END. */
export interface EpisodeEndEvent {
  agent: string;
  done: Exclude<DoneKind, false>;
  /** The sum of the agent's rewards over the episode. */
  return: number;
}
