/**
 * The walls of DESIGN.md, checked on the import graph: src/policy (what ships in games) imports
 * nothing but itself and src/env; src/distill never imports Phaser or the plugin.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const root = fileURLToPath(new URL('../..', import.meta.url));
const importsOf = (dir: string) =>
  readdirSync(join(root, dir)).filter((f) => f.endsWith('.ts')).flatMap((f) => {
    const text = readFileSync(join(root, dir, f), 'utf8');
    return [...text.matchAll(/(?:^|\n)\s*(?:import|export)[^'"]*?from\s+['"]([^'"]+)['"]|import\(\s*['"]([^'"]+)['"]\s*\)/g)].map((m) => ({ file: `${dir}/${f}`, spec: m[1] ?? m[2]! }));
  });

describe('import walls', () => {
  it('src/policy imports only itself and src/env', () => {
    const imports = importsOf('src/policy');
    expect(imports.length).toBeGreaterThan(3);
    expect(imports.filter((i) => !/^\.\/[\w-]+\.js$/.test(i.spec) && !/^\.\.\/env\/[\w-]+\.js$/.test(i.spec))).toEqual([]);
  });

  it('src/distill imports no Phaser and nothing from plugin/', () => {
    expect(importsOf('src/distill').filter((i) => /phaser|plugin/.test(i.spec))).toEqual([]);
  });
});
