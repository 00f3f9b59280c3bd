import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';

const here = (p: string) => fileURLToPath(new URL(p, import.meta.url));

/** The package's own entry points, resolved to source so games and tests use them as users do. */
const alias = {
  'phaser-distill/train': here('./src/train/index.ts'),
  'phaser-distill/node': here('./plugin/node.ts'),
  'phaser-distill/record': here('./plugin/record.ts'),
  'phaser-distill': here('./plugin/index.ts'),
};

export default defineConfig({
  resolve: { alias },
  // The dev server pre-bundles the WebGPU backend with the rest: it is imported only when a page
  // asks for that backend, and found that late it re-bundles the dependencies under pages already
  // open (which then load stale copies).
  optimizeDeps: { include: ['@tensorflow/tfjs-backend-webgpu'] },
  build: {
    outDir: 'dist',
    lib: {
      entry: {
        index: here('./plugin/index.ts'),
        train: here('./src/train/index.ts'),
        node: here('./plugin/node.ts'),
        record: here('./plugin/record.ts'),
        cli: here('./src/cli/main.ts'),
        // A parallel vector env's worker threads (bin/rollout-worker.mjs loads it).
        'rollout-worker': here('./src/parallel/rollout-worker.ts'),
      },
      formats: ['es'],
    },
    rollupOptions: {
      // Dependencies and peers stay imports, resolved in the user's project: one copy of each.
      external: [/^phaser(\/.*)?$/, /^@tensorflow\//, /^node:/, 'jsdom', 'yaml', 'zod', 'onnx-proto', /^tsx(\/.*)?$/, 'bullmq', 'ioredis', 'webgpu'],
    },
    target: 'es2022',
    minify: false,
    sourcemap: true,
  },
  test: {
    projects: [
      {
        resolve: { alias },
        test: { name: 'node', environment: 'node', include: ['test/**/*.test.ts'], exclude: ['test/**/*.dom.test.ts', 'test/browser/**'], testTimeout: 600_000, hookTimeout: 600_000 },
      },
      {
        resolve: { alias },
        test: { name: 'jsdom', environment: 'jsdom', include: ['test/**/*.dom.test.ts'], testTimeout: 600_000, hookTimeout: 600_000 },
      },
      {
        resolve: { alias },
        // Headless Chromium against the Vite dev server: see test/browser/.
        test: { name: 'browser', environment: 'node', include: ['test/browser/**/*.test.ts'], testTimeout: 600_000, hookTimeout: 600_000 },
      },
    ],
  },
});
