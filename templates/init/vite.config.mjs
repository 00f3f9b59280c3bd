// Vite for the Catch page: `npx vite` to play, `npx vite build` for the production build in dist/.
import { defineConfig } from 'vite';

export default defineConfig({
  // Phaser alone is over Vite's 500 KB warning: that is the engine, not something to split.
  build: { chunkSizeWarningLimit: 2000 },
});
