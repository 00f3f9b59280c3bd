/**
 * A renderer that draws nothing, for the headless host. A HEADLESS Phaser game has no renderer
 * (`game.renderer` is null), so whatever makes a texture at run time throws in Node: a canvas
 * texture's `refresh()`, `graphics.generateTexture`, a RenderTexture or DynamicTexture ("Cannot read
 * properties of null (reading 'gl')"). Given this one, those take Phaser's canvas paths onto the
 * host's 2D contexts, which draw nothing: the textures exist with their sizes and frames, and a
 * scene that makes them trains in Node as it plays in the page, with no guard in its own code.
 *
 * Every method is a no-op; the few values Phaser reads are given. The host never renders a frame.
 */
import type Phaser from 'phaser';

export function nullRenderer(phaser: typeof Phaser): unknown {
  const canvas = document.createElement('canvas');
  const known: Record<string | symbol, unknown> = {
    type: phaser.CANVAS,
    gl: null,
    renderNodes: null,
    canvas,
    gameCanvas: canvas,
    gameContext: canvas.getContext('2d'),
    currentContext: canvas.getContext('2d'),
    // Phaser's canvas blend modes, by BlendModes index: drawing ignores them here.
    blendModes: Array.from({ length: 32 }, () => 'source-over'),
    antialias: true,
    width: canvas.width,
    height: canvas.height,
  };
  const noop = () => undefined;
  // Not `then` (the renderer must not look like a promise to code that awaits what it is given), nor symbols.
  return new Proxy(known, { get: (t, k) => (k in t ? t[k] : k === 'then' || typeof k === 'symbol' ? undefined : noop) });
}
