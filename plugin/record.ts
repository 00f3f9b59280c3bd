/**
 * `phaser-distill/record`: recording the player, for a game that records. Importing it once (in
 * the page or the scene) installs the recorder behind `this.ai.record(name)`; a game that never
 * imports it carries none of the recorder or the demo encoder, only the plugin's two hooks.
 * `phaser-distill/node` includes it.
 *
 * @module phaser-distill/record
 */
import { installRecorder } from './plugin.js';
import { DemoRecorder } from './recorder.js';

installRecorder((plugin, name) => new DemoRecorder(plugin, name));

export { DemoRecorder, type DecisionTap, type RecorderHost } from './recorder.js';
