/**
 * A scene whose game does not install the plugin gets an error that says so when it reaches for
 * `this.ai`, instead of "Cannot read properties of undefined (reading 'agent')": in development with
 * the fix spelt out, in a production build in one short line. The guard is an accessor on
 * Phaser.Scene's prototype; Phaser's own `scene.ai = plugin` goes through its setter and makes the
 * plugin the scene's own property, so a scene with the plugin never meets it. Node before the
 * headless host's globals leaves it out (the host always installs the plugin).
 */
import type Phaser from 'phaser';
import { DEV } from '../src/env/dev.js';
import { AgentError } from './agent.js';

if (typeof document !== 'undefined') {
  // The game imported Phaser already: this resolves to the same module, before any scene starts.
  import('phaser').then((m) => guard((m as unknown as { default: typeof Phaser }).default.Scene.prototype), () => undefined);
}

function guard(proto: object): void {
  if (Object.getOwnPropertyDescriptor(proto, 'ai')) return;
  Object.defineProperty(proto, 'ai', {
    configurable: true,
    get(this: Phaser.Scene) {
      const scene = this.sys?.settings?.key ?? '?';
      throw new AgentError(DEV
        ? `scene '${scene}' has no this.ai: its game does not install the phaser-distill plugin. Make the game config with phaserConfig(game), or add plugins: { scene: [distillPluginEntry] } to it`
        : `phaser-distill: scene '${scene}' has no this.ai: install the plugin (phaserConfig)`);
    },
    set(this: object, value: unknown) {
      Object.defineProperty(this, 'ai', { value, writable: true, configurable: true, enumerable: true });
    },
  });
}
