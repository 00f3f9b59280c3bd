// A rollout worker thread of a parallel vector env (src/parallel/worker-vector-env.ts starts it). It
// makes the set-up the command line makes before it loads an env module: tsx, so the module may
// be TypeScript, and the headless host's browser globals, so the module may import its scene
// before phaser-distill/node. In a checkout of the repository it runs the source, else the build.
import { existsSync } from 'node:fs';
import { register } from 'tsx/esm/api';

register();
const checkout = existsSync(new URL('../src/cli/main.ts', import.meta.url));
await import(checkout ? '../plugin/node.ts' : '../dist/node.js');
const { runRolloutWorker } = await import(checkout ? '../src/parallel/rollout-worker.ts' : '../dist/rollout-worker.js');
await runRolloutWorker();
