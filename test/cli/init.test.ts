/**
 * `phaser-distill init`: writes the Catch template, leaves existing files alone without --force
 * (writing nothing at all then), overwrites them with it; and the docs' getting-started guide shows the very files it
 * writes. Training the scaffolded game and playing it is the packaging test's (test/package).
 */
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { EXIT } from '../../src/config/errors.js';
import { runInit } from '../../src/cli/init.js';

const dir = mkdtempSync(join(tmpdir(), 'pd-init-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const templates = 'templates/init';
const filesUnder = (root: string): string[] =>
  readdirSync(root, { recursive: true, withFileTypes: true }).filter((e) => e.isFile()).map((e) => relative(root, join(e.parentPath, e.name))).sort();
const quiet = () => undefined;
const silent = { log: quiet, error: quiet };

describe('phaser-distill init', () => {
  it('writes the game, refuses to write over a file, and overwrites with --force', () => {
    const project = join(dir, 'game');
    expect(runInit(project, silent)).toBe(EXIT.ok);
    const files = filesUnder(project);
    expect(files).toEqual(filesUnder(templates));
    expect(files).toEqual(expect.arrayContaining(['index.html', 'vite.config.mjs', 'catch/scene.ts', 'catch/env.ts', 'catch/main.ts', 'catch/catch.yaml', 'catch/package.json']));
    for (const f of files) expect(readFileSync(join(project, f), 'utf8'), f).toBe(readFileSync(join(templates, f), 'utf8'));

    // The user's own edit survives a second init, and nothing else is written either.
    writeFileSync(join(project, 'catch', 'scene.ts'), '// mine\n');
    rmSync(join(project, 'index.html'));
    expect(runInit(project, silent)).toBe(EXIT.usage);
    expect(readFileSync(join(project, 'catch', 'scene.ts'), 'utf8')).toBe('// mine\n');
    expect(filesUnder(project)).not.toContain('index.html');

    expect(runInit(project, { ...silent, force: true })).toBe(EXIT.ok);
    expect(readFileSync(join(project, 'catch', 'scene.ts'), 'utf8')).toBe(readFileSync(join(templates, 'catch', 'scene.ts'), 'utf8'));
    expect(filesUnder(project)).toContain('index.html');
  });

  it('says to install Vite where the project cannot resolve it, and not where it can', () => {
    const lines: string[] = [];
    expect(runInit(join(dir, 'bare'), { log: (l) => lines.push(l), error: quiet })).toBe(EXIT.ok);
    expect(lines.filter((l) => l.includes('npm install -D vite'))).toHaveLength(1);
    // Inside this repository, vite resolves (a devDependency).
    const here = mkdtempSync(join('test', '.init-'));
    try {
      const again: string[] = [];
      expect(runInit(here, { log: (l) => again.push(l), error: quiet })).toBe(EXIT.ok);
      expect(again.some((l) => l.includes('npm install -D vite'))).toBe(false);
    } finally {
      rmSync(here, { recursive: true, force: true });
    }
  });

  it('the getting-started guide shows the scaffolded game as init writes it', () => {
    const readme = readFileSync('docs/guide/getting-started.md', 'utf8');
    for (const f of ['catch/scene.ts', 'catch/env.ts', 'catch/main.ts', 'catch/catch.yaml']) {
      expect(readme.includes(readFileSync(join(templates, f), 'utf8').trimEnd()), f).toBe(true);
    }
  });
});
