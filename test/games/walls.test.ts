/**
 * The games use the package as a user would (DESIGN.md): their imports are the public entry points,
 * Phaser, Node built-ins (scripts), the wasm binaries' URLs, and their own files inside games/ or
 * the shipped assets, never src/ or plugin/. A game's own engine is its own: planck, in the
 * Lander's folder only. The training page's worker loads the WebGPU backend (an optional peer that
 * a page hands to initBackend), and it alone.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative, resolve, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const root = fileURLToPath(new URL('../..', import.meta.url));

function sources(dir: string): string[] {
  return readdirSync(join(root, dir), { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? sources(join(dir, e.name)) : e.name.endsWith('.ts') ? [join(dir, e.name)] : [],
  );
}

const PUBLIC = /^(phaser|phaser-distill|phaser-distill\/(train|node|record)|node:\w+|@tensorflow\/tfjs-backend-wasm\/dist\/[\w-]+\.wasm\?url)$/;

describe('games/ import walls', () => {
  it('games import only public entry points and files under games/ or assets/', () => {
    const bad: string[] = [];
    let count = 0;
    for (const file of sources('games')) {
      const text = readFileSync(join(root, file), 'utf8');
      const specs = [
        ...text.matchAll(/^\s*(?:import|export)\s+(?:[^'";]*?\s+from\s+)?['"]([^'"]+)['"]/gm),
        ...text.matchAll(/\bimport\(\s*['"]([^'"]+)['"]\s*\)/g),
        ...text.matchAll(/import\.meta\.glob(?:<[^>]*>)?\(\s*['"]([^'"]+)['"]/g),
      ].map((m) => m[1]!);
      for (const spec of specs) {
        count += 1;
        if (!spec.startsWith('.')) {
          const own = (spec === 'planck' && file.startsWith('games/lander/')) || (spec === '@tensorflow/tfjs-backend-webgpu' && file === 'games/train/train-worker.ts');
          if (!PUBLIC.test(spec) && !own) bad.push(`${file}: ${spec}`);
          continue;
        }
        const target = relative(root, resolve(root, dirname(file), spec));
        if (!/^(games|assets)\//.test(target)) bad.push(`${file}: ${spec}`);
      }
    }
    expect(count).toBeGreaterThan(30);
    expect(bad).toEqual([]);
  });
});
