/**
 * What a game pays: the `phaser-distill` entry built with Vite as a game would build it. The entry
 * must pull in no TensorFlow.js, and the student runtime plus one shipped-size student must stay
 * within 5 KB gzipped.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';
import { afterAll, describe, expect, it } from 'vitest';
import { build, type Plugin } from 'vite';
import { discrete } from '../../src/env/index.js';
import { randomPolicy } from '../helpers/random-policy.js';

const root = fileURLToPath(new URL('../..', import.meta.url));
const dir = mkdtempSync(join(tmpdir(), 'pd-bundle-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** Builds `entry` minified, with its exports kept and Phaser left out (a game has it anyway); returns the code and every module it read. */
async function bundle(entry: string): Promise<{ code: string; modules: string[] }> {
  const modules: string[] = [];
  const record: Plugin = { name: 'record-modules', transform: (_code, id) => void modules.push(id) };
  const result = await build({
    configFile: false,
    logLevel: 'silent',
    root,
    resolve: { alias: { 'phaser-distill': join(root, 'plugin/index.ts') } },
    plugins: [record],
    // An app build, as a game's: (Vite's library mode keeps whitespace in ES output.)
    build: { write: false, minify: true, rollupOptions: { input: entry, preserveEntrySignatures: 'strict', external: [/^phaser$/] } },
  });
  const outputs = (Array.isArray(result) ? result : [result]) as { output: { type: string; code?: string }[] }[];
  const code = outputs.flatMap((o) => o.output).map((c) => (c.type === 'chunk' ? c.code ?? '' : '')).join('\n');
  return { code, modules };
}

const gzip = (text: string) => gzipSync(text, { level: 9 }).length;

describe('the phaser-distill entry in a game bundle', () => {
  it('pulls in no TensorFlow.js', async () => {
    const { code, modules } = await bundle(join(root, 'plugin/index.ts'));
    expect(modules.some((m) => m.includes('src/policy/student-policy.ts'))).toBe(true);
    expect(modules.filter((m) => /tensorflow|tfjs/i.test(m))).toEqual([]);
    expect(code).not.toMatch(/tensorflow|tfjs/i);
  });

  it('adds at most 5 KB gzipped for the runtime and one student (4-16-2, int8)', async () => {
    const student = randomPolicy({ obsSize: 4, hidden: [16], outputs: 2, actionSpace: discrete(2), dtype: 'int8' });
    writeFileSync(join(dir, 'student.json'), JSON.stringify(student));
    writeFileSync(join(dir, 'game.ts'), [
      `import { loadStudentPolicy } from 'phaser-distill';`,
      `import student from './student.json';`,
      `const policy = loadStudentPolicy(student, { source: 'student.json' });`,
      `export const decide = (obs: Float32Array) => policy.act(obs);`,
    ].join('\n'));
    const { code } = await bundle(join(dir, 'game.ts'));
    const { code: runtimeOnly } = await bundle(writeEntry('runtime.ts', `export { loadStudentPolicy } from 'phaser-distill';`));
    const sizes = { runtimeAndStudentGzip: gzip(code), runtimeGzip: gzip(runtimeOnly), studentGzip: gzip(JSON.stringify(student)), runtimeAndStudentRaw: code.length };
    console.log(`bundle: ${JSON.stringify(sizes)}`);
    expect(code).not.toMatch(/tensorflow|tfjs/i);
    expect(sizes.runtimeAndStudentGzip).toBeLessThanOrEqual(5 * 1024);
  });
});

function writeEntry(name: string, text: string): string {
  writeFileSync(join(dir, name), text);
  return join(dir, name);
}
