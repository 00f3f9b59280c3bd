#!/usr/bin/env node
// The command line runs from TypeScript source through tsx, so a game's env module (.ts) can be
// imported by path as it is.
import { register } from 'tsx/esm/api';

register();
await import('../src/cli/main.ts');
