/**
 * What a game pays: the `phaser-distill` entry built with Vite as a game would build it. The entry
 * must pull in no TensorFlow.js, and a game's release build that plays one shipped student through
 * the plugin must grow by at most 9 KB gzipped (the games of bench/bundle, as `npm run bench:bundle`
 * measures them). The limit was 5 KB until the production policy loader took on every check the
 * development loader makes (spaces, normalisation ranges, size limits: about 450 bytes), and
 * production play its guards on reward() and done(); then 5.5 KB until agents' observations were
 * built from parts (sensors and stacking: about 250 bytes); then 5.75 KB until the plugin stepped
 * the scene clock, tweens and Matter on simulation time (about 380 bytes) and production builds kept
 * a one-line error for a game without the plugin (about 1.1 KB, most of it the bundler's helper for
 * the on-demand import of Phaser, which a game with any on-demand import of its own has anyway);
 * then 7.25 KB (7,341 bytes measured) until agents came in behaviours of many, removable mid-scene,
 * and crowds were decided in one batched student call a step (8,339 bytes: about 450 for the
 * behaviours and removal, 300 for the plugin's batching and 150 for the student's actMany); then
 * 8.25 KB until agents played in teams (group rewards, team episodes: about 320 bytes) and declared
 * a privileged view for their teacher (its space and its reading, which play never runs: about
 * 230), 8,898 bytes.
 */
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { build, type Plugin } from 'vite';
import { bundleGame } from '../../bench/bundle/measure.js';

const root = fileURLToPath(new URL('../..', import.meta.url));

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

describe('the phaser-distill entry in a game bundle', () => {
  it('pulls in no TensorFlow.js and nothing ONNX', async () => {
    const { code, modules } = await bundle(join(root, 'plugin/index.ts'));
    expect(modules.some((m) => m.includes('src/policy/student-policy.ts'))).toBe(true);
    expect(modules.filter((m) => /tensorflow|tfjs|onnx|protobuf/i.test(m))).toEqual([]);
    expect(code).not.toMatch(/tensorflow|tfjs|onnx/i);
  });

  it('adds at most 9 KB gzipped to a release build that plays one student through the plugin', async () => {
    const phaserOnly = await bundleGame('phaser-only');
    const withPlugin = await bundleGame('with-plugin');
    const delta = withPlugin.gz - phaserOnly.gz;
    console.log(`bundle: ${JSON.stringify({ phaserOnlyGzip: phaserOnly.gz, withPluginGzip: withPlugin.gz, deltaGzip: delta })}`);
    expect(withPlugin.tfjs).toBe(false);
    // The student's weights and the play loop are in it: the measurement measures something.
    expect(withPlugin.code.includes('phaser-distill.student')).toBe(true);
    expect(withPlugin.code.includes('postupdate')).toBe(true);
    expect(delta).toBeGreaterThan(1024);
    expect(delta).toBeLessThanOrEqual(9 * 1024);
  });

  it('leaves the development checks out of a release build, and keeps them in a development build', async () => {
    const messages = ['must be a function, got', 'is not a valid box', 'a positive integer', 'the version this runtime reads'];
    const release = await bundleGame('with-plugin', 'production');
    const development = await bundleGame('with-plugin', 'development');
    // (includes, not toContain: a failure should name the message, not print a whole bundle)
    for (const m of messages) {
      expect(release.code.includes(m), `release build holds '${m}'`).toBe(false);
      expect(development.code.includes(m), `development build holds '${m}'`).toBe(true);
    }
  });
});
