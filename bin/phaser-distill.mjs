#!/usr/bin/env node
// The phaser-distill command line. A game's env module may be TypeScript: tsx loads it as it is.
// Installed, the package runs its built CLI (dist/); in a checkout of its repository, the source,
// with the repository's tsconfig paths, so a change needs no build.
import { existsSync } from 'node:fs';
import { register } from 'tsx/esm/api';

register();
// A command a sweep started (its runner gives it an IPC channel and sets this variable): should the
// sweep's process die, stop as on SIGTERM (a checkpoint, exit 143) rather than train on unowned,
// into a folder the run's next attempt will resume. The channel must not keep the command alive.
if (process.env.PHASER_DISTILL_PARENT_WATCH && process.channel) {
  process.channel.unref();
  process.once('disconnect', () => process.kill(process.pid, 'SIGTERM'));
}
const checkout = existsSync(new URL('../src/cli/main.ts', import.meta.url));
const { main } = await import(checkout ? '../src/cli/main.ts' : '../dist/cli.js');
// The headless host sets up the browser globals Phaser reads as it loads: before any env module,
// so an env module may import its scene before phaser-distill/node.
const envPreload = () => import(checkout ? '../plugin/node.ts' : '../dist/node.js');
process.exitCode = await main(process.argv.slice(2), { envPreload });
