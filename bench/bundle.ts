/**
 * What phaser-distill adds to a game's bundle: the same small Phaser game built three ways with
 * Vite (production, minified), side by side in one run:
 *   phaser only | + plugin, runtime and one student | + the Pong difficulty ladder and its three students
 * Prints gzipped sizes and differences; the last line is one JSON object (bytes).
 *
 *   npm run bench:bundle
 */
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';
import { build, type Rollup } from 'vite';

const here = (p: string) => fileURLToPath(new URL(p, import.meta.url));

async function bundleSize(entry: string): Promise<{ raw: number; gz: number; tfjs: boolean }> {
  const out = (await build({
    configFile: false,
    logLevel: 'silent',
    resolve: { alias: { 'phaser-distill': here('../plugin/index.ts') } },
    build: { write: false, minify: true, target: 'es2022', modulePreload: false, rollupOptions: { input: here(entry) } },
  })) as Rollup.RollupOutput | Rollup.RollupOutput[];
  const chunks = (Array.isArray(out) ? out : [out]).flatMap((o) => o.output).filter((c): c is Rollup.OutputChunk => c.type === 'chunk');
  const code = chunks.map((c) => c.code).join('\n');
  return { raw: Buffer.byteLength(code), gz: gzipSync(code, { level: 9 }).length, tfjs: /tensorflow|tfjs/i.test(code) };
}

const phaserOnly = await bundleSize('./bundle/phaser-only.ts');
const withStudent = await bundleSize('./bundle/with-plugin.ts');
const withLadder = await bundleSize('./bundle/with-ladder.ts');
const kb = (b: number) => `${(b / 1024).toFixed(1)} KB`;
console.log('bundle                                  raw        gzip    gzip delta vs phaser only');
for (const [name, s] of [['phaser only', phaserOnly], ['+ plugin, runtime, one student', withStudent], ['+ plugin, runtime, Pong ladder', withLadder]] as const) {
  console.log(`${name.padEnd(38)} ${kb(s.raw).padStart(9)} ${kb(s.gz).padStart(10)} ${(s.gz - phaserOnly.gz >= 0 ? '+' : '') + (s.gz - phaserOnly.gz)} B`);
}
if (withStudent.tfjs || withLadder.tfjs) console.log('WARNING: TensorFlow.js found in a game bundle');
console.log(JSON.stringify({
  bench: 'bundle',
  phaser_only_gz: phaserOnly.gz,
  with_plugin_gz: withStudent.gz,
  delta_gz: withStudent.gz - phaserOnly.gz,
  with_ladder_gz: withLadder.gz,
  ladder_delta_gz: withLadder.gz - phaserOnly.gz,
  tfjs_in_bundle: withStudent.tfjs || withLadder.tfjs,
}));
