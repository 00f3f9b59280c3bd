/**
 * The demo site as static files: `npm run build:site` writes dist-site/ (the game pages, the
 * training page, the shipped students and teachers), servable from any folder. The library build
 * is vite.config.ts; this one keeps the site out of the published package.
 */
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';

const here = (p: string) => fileURLToPath(new URL(p, import.meta.url));

export default defineConfig({
  // The package's entry points resolve to source, as in vite.config.ts, so pages import them as users do.
  resolve: {
    alias: {
      'phaser-distill/train': here('./src/train/index.ts'),
      'phaser-distill/node': here('./plugin/node.ts'),
      'phaser-distill/record': here('./plugin/record.ts'),
      'phaser-distill': here('./plugin/index.ts'),
    },
  },
  base: './',
  build: {
    outDir: 'dist-site',
    emptyOutDir: true,
    target: 'es2022',
    // Phaser alone is over Vite's 500 KB warning; that is the engine, not something to split.
    chunkSizeWarningLimit: 2000,
    rollupOptions: {
      input: {
        index: here('./games/index.html'),
        pong: here('./games/pong/index.html'),
        balance: here('./games/balance/index.html'),
        racer: here('./games/racer/index.html'),
        lander: here('./games/lander/index.html'),
        hill: here('./games/hill/index.html'),
        hunt: here('./games/hunt/index.html'),
        train: here('./games/train/index.html'),
      },
    },
  },
});
