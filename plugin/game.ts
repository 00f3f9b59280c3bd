/**
 * A game described once: its scene, size, simulation rate and physics. The page builds its Phaser
 * config from it (`phaserConfig`) and the headless host its training game (`createSceneVectorEnv`
 * in `phaser-distill/node`), so the two cannot drift apart.
 *
 * Only types come from Phaser: the config is a plain object, and this module loads in Node before
 * the headless host has set up the browser globals Phaser needs.
 */
import type Phaser from 'phaser';
import { DEV } from '../src/env/dev.js';
import { AgentError } from './agent.js';
import { DEFAULT_STEP_RATE, distillPlugin } from './plugin.js';

export interface GameDef {
  /** The scene class that declares the agents (a subclass of Phaser.Scene with no constructor arguments). */
  scene: new () => Phaser.Scene;
  /** The agent that training drives, when the scene declares several. */
  agent?: string;
  /**
   * The agent on the other side, in a two-player game where both sides see the game from their
   * own side with the same spaces: training can hand it to copies of the learner (self-play).
   */
  opponent?: string;
  /**
   * Agents of the trained behaviour (`agent`) in each scene: each is a slot of the vector env, so
   * N scenes make N x agentsPerScene envs. Every run of the scene declares exactly this many as it
   * starts. Default 1.
   */
  agentsPerScene?: number;
  /** The game's size in pixels. Default 800 x 600, as Phaser's. */
  width?: number;
  height?: number;
  /**
   * Simulation steps per second. The plugin runs the scene's `fixedUpdate`, Arcade physics and the
   * agents' decisions at this rate whatever the display's frame rate. Default 60.
   */
  stepRate?: number;
  /** Physics, as in a Phaser game config. Arcade is stepped by the plugin, once per simulation step. */
  physics?: Phaser.Types.Core.PhysicsConfig;
}

/** Checks a game description (in development builds) and returns it as it is. */
export function defineGame<T extends GameDef>(game: T): T {
  if (DEV) checkGame(game);
  return game;
}

/**
 * The Phaser game config of `game`: its size, physics, the plugin at its step rate, its scene
 * first. `extra` adds to it (a parent element, a background colour, more scenes after the game's).
 */
export function phaserConfig(game: GameDef, extra: Phaser.Types.Core.GameConfig = {}): Phaser.Types.Core.GameConfig {
  if (DEV) checkGame(game);
  const scenes = extra.scene === undefined ? [] : Array.isArray(extra.scene) ? extra.scene : [extra.scene];
  // A plugins array in a Phaser config lists global plugins.
  const plugins = Array.isArray(extra.plugins) ? { global: extra.plugins } : (extra.plugins ?? {});
  return {
    width: game.width ?? 800,
    height: game.height ?? 600,
    ...(game.physics ? { physics: game.physics } : {}),
    ...extra,
    plugins: { ...plugins, scene: [distillPlugin({ stepRate: stepRateOf(game) }), ...(plugins.scene ?? [])] },
    scene: [game.scene, ...scenes],
  };
}

export function stepRateOf(game: GameDef): number {
  return game.stepRate ?? DEFAULT_STEP_RATE;
}

function checkGame(game: GameDef): void {
  if (typeof game !== 'object' || game === null) throw new AgentError(`game: expected { scene, width?, height?, stepRate?, physics?, agent?, opponent? }, got ${String(game)}`);
  if (typeof game.scene !== 'function') throw new AgentError(`game.scene must be a scene class (a subclass of Phaser.Scene), got ${typeof game.scene}`);
  for (const key of ['width', 'height'] as const) {
    const v = game[key];
    if (v !== undefined && !(Number.isInteger(v) && v > 0)) throw new AgentError(`game.${key} must be a positive integer (pixels), got ${String(v)}`);
  }
  const rate = game.stepRate;
  if (rate !== undefined && !(Number.isFinite(rate) && rate > 0)) throw new AgentError(`game.stepRate must be a positive number of simulation steps a second, got ${String(rate)}`);
  for (const key of ['agent', 'opponent'] as const) {
    const v = game[key];
    if (v !== undefined && (typeof v !== 'string' || v === '')) throw new AgentError(`game.${key} must be an agent's name, got ${JSON.stringify(v)}`);
  }
  const k = game.agentsPerScene;
  if (k !== undefined && !(Number.isInteger(k) && k > 0)) throw new AgentError(`game.agentsPerScene must be a positive integer (agents of the trained behaviour in each scene), got ${String(k)}`);
  if (game.opponent !== undefined && game.opponent === game.agent) throw new AgentError(`game.opponent must name another agent than game.agent ('${game.agent}')`);
}
