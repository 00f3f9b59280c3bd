/**
 * `phaser-distill init [folder] [--force]`: scaffolds Catch, a small game that learns, into a
 * project: the scene that declares the agent, its env module for the command line, a training
 * config, and a Vite page that plays the trained student. `phaser-distill run catch/catch.yaml`
 * then `vite` trains it and plays it with no edits. Nothing is written over an existing file
 * unless `--force` says so; then nothing else is written either.
 */
import { copyFileSync, existsSync, mkdirSync, readdirSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import { EXIT } from '../config/errors.js';

/** The package's root: the first folder above this module with a package.json (the same from src/ and dist/). */
function packageRoot(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  while (!existsSync(join(dir, 'package.json'))) {
    const up = dirname(dir);
    if (up === dir) throw new Error('phaser-distill init: cannot find the package root above ' + fileURLToPath(import.meta.url));
    dir = up;
  }
  return dir;
}

/** Every file under `dir`, as paths relative to it. */
function filesUnder(dir: string, prefix = ''): string[] {
  return readdirSync(join(dir, prefix), { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? filesUnder(dir, join(prefix, e.name)) : [join(prefix, e.name)],
  );
}

/** Whether `name` resolves from `folder` as the project's own code would resolve it. */
function resolvable(name: string, folder: string): boolean {
  try {
    createRequire(join(folder, 'package.json')).resolve(`${name}/package.json`);
    return true;
  } catch {
    return false;
  }
}

export function runInit(folder: string, options: { force?: boolean; log?: (line: string) => void; error?: (line: string) => void } = {}): number {
  const log = options.log ?? ((l: string) => console.log(l));
  const error = options.error ?? ((l: string) => console.error(l));
  const templates = join(packageRoot(), 'templates', 'init');
  const target = resolve(folder);
  const files = filesUnder(templates).sort();
  const existing = files.filter((f) => existsSync(join(target, f)));
  if (existing.length && !options.force) {
    error(`phaser-distill init: these files exist already in ${target} and were left alone (nothing was written):\n${existing.map((f) => `  ${f}`).join('\n')}\nrun again with --force to overwrite them`);
    return EXIT.usage;
  }
  for (const f of files) {
    mkdirSync(dirname(join(target, f)), { recursive: true });
    copyFileSync(join(templates, f), join(target, f));
    log(`${existing.includes(f) ? 'overwrote' : 'wrote'} ${relative(process.cwd(), join(target, f)) || f}`);
  }
  const at = relative(process.cwd(), target);
  log('');
  log('Catch is ready: a paddle that learns to catch falling balls. Next:');
  if (at) log(`  cd ${at}`);
  // Vite is an optional peer of the package (the page's dev server and build); most projects have it.
  if (!resolvable('vite', target)) log('  npm install -D vite                     # the page\'s dev server and build (not installed here yet)');
  log('  npx phaser-distill run catch/catch.yaml   # train a teacher, distil a student into catch/policies/ (under a minute)');
  log('  npx vite                                  # play it (npx vite build: the production build, in dist/)');
  return EXIT.ok;
}
