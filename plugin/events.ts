/** Events on a scene's event emitter (`scene.sys.events`): the ones the plugin emits, and Phaser's it listens to. */
import type { DoneKind } from './agent.js';

// Phaser.Scenes.Events names, written out so the plugin needs no Phaser at run time.
export const START = 'start';
export const SHUTDOWN = 'shutdown';
export const DESTROY = 'destroy';
export const BOOT = 'boot';
export const PRE_UPDATE = 'preupdate';
export const UPDATE = 'update';

/** Emitted when a played (not trained) agent's episode ends. */
export const EPISODE_END = 'ai-episode-end';

/** Payload of EPISODE_END. */
export interface EpisodeEndEvent {
  agent: string;
  done: Exclude<DoneKind, false>;
  /** The sum of the agent's rewards over the episode. */
  return: number;
}
