/**
 * Builds one of the small games in this folder as a game developer's Vite build would: an app
 * build, minified, with `process.env.NODE_ENV` set as `vite build` (production) or a development
 * build sets it. Used by `npm run bench:bundle` and by the bundle test.
 */
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';
import { build, type Rollup } from 'vite';

export type BundleGame = 'phaser-only' | 'with-plugin' | 'with-ladder' | 'with-rays' | 'with-recorder';

export interface BundleSize {
  code: string;
  raw: number;
  gz: number;
  tfjs: boolean;
}

const here = (p: string) => fileURLToPath(new URL(p, import.meta.url));

export async function bundleGame(game: BundleGame, nodeEnv: 'production' | 'development' = 'production'): Promise<BundleSize> {
  const out = (await build({
    configFile: false,
    logLevel: 'silent',
    mode: nodeEnv,
    define: { 'process.env.NODE_ENV': JSON.stringify(nodeEnv) },
    resolve: { alias: { 'phaser-distill/record': here('../../plugin/record.ts'), 'phaser-distill': here('../../plugin/index.ts') } },
    build: { write: false, minify: true, target: 'es2022', modulePreload: false, rollupOptions: { input: here(`./${game}.ts`) } },
  })) as Rollup.RollupOutput | Rollup.RollupOutput[];
  const chunks = (Array.isArray(out) ? out : [out]).flatMap((o) => o.output).filter((c): c is Rollup.OutputChunk => c.type === 'chunk');
  const code = chunks.map((c) => c.code).join('\n');
  return { code, raw: Buffer.byteLength(code), gz: gzipSync(code, { level: 9 }).length, tfjs: /tensorflow|tfjs/i.test(code) };
}
