/**
 * The few browser globals Phaser reads when it is imported and when a HEADLESS game boots, for
 * Node. Phaser's own tests use jsdom plus stubs; a bare stub boots in a fifth of the time and a
 * third of the memory, so that is the default. Under jsdom (or any existing `document`) only the
 * two gaps Phaser trips on are filled: a 2D context (jsdom has none without the `canvas` package)
 * and an Image that fires `load` (else the texture manager waits forever).
 *
 * Imported for its effect, first, by `phaser-distill/node`: it must run before `phaser` is.
 */
const noop = () => {};
const g = globalThis as Record<string, unknown>;

/** A 2D context that draws nothing: HEADLESS renders nothing, but textures are made on canvases. */
function context2d(canvas: unknown): unknown {
  const sized = (w: number, h: number) => ({ data: new Uint8ClampedArray(Math.max(0, w * h * 4)), width: w, height: h });
  const known: Record<string | symbol, unknown> = {
    canvas, globalAlpha: 1, globalCompositeOperation: 'source-over', fillStyle: '#000000', strokeStyle: '#000000',
    lineWidth: 1, font: '10px sans-serif', textAlign: 'start', textBaseline: 'alphabetic', imageSmoothingEnabled: true,
    getImageData: (_x: number, _y: number, w: number, h: number) => sized(w, h),
    createImageData: (w: number, h: number) => sized(w, h),
    measureText: (t: string) => ({ width: (t?.length ?? 0) * 6, actualBoundingBoxAscent: 8, actualBoundingBoxDescent: 2 }),
    createLinearGradient: () => ({ addColorStop: noop }),
    createRadialGradient: () => ({ addColorStop: noop }),
    createPattern: () => ({}),
    getLineDash: () => [],
    isPointInPath: () => false,
  };
  // Every drawing call not listed above is a no-op.
  return new Proxy(known, { get: (t, k) => (k in t ? t[k] : noop) });
}

/** An image that "loads" whatever src it is given, on the next macrotask as a browser would. */
class LoadingImage {
  width = 32;
  height = 32;
  naturalWidth = 32;
  naturalHeight = 32;
  complete = false;
  crossOrigin = '';
  onload: (() => void) | null = null;
  onerror: (() => void) | null = null;
  private source = '';
  addEventListener(type: string, fn: () => void): void {
    if (type === 'load') this.onload = fn;
  }
  removeEventListener(): void {}
  get src(): string {
    return this.source;
  }
  set src(value: string) {
    this.source = value;
    this.complete = true;
    setTimeout(() => this.onload?.(), 0);
  }
}

function element(tag: string): Record<string, unknown> {
  const el: Record<string, unknown> = {
    tagName: tag.toUpperCase(), style: {}, dataset: {}, width: 300, height: 150, parentNode: null,
    classList: { add: noop, remove: noop, contains: () => false },
    addEventListener: noop, removeEventListener: noop, setAttribute: noop, getAttribute: () => null, removeAttribute: noop,
    focus: noop, blur: noop, canPlayType: () => '',
    appendChild: (child: Record<string, unknown>) => ((child.parentNode = el), child),
    removeChild: (child: Record<string, unknown>) => ((child.parentNode = null), child),
    getBoundingClientRect: () => ({ left: 0, top: 0, x: 0, y: 0, right: el.width, bottom: el.height, width: el.width, height: el.height }),
    getContext: (type: string) => (type === '2d' ? context2d(el) : null),
  };
  return el;
}

if (typeof g.document === 'undefined') {
  g.window = g;
  g.self = g;
  g.document = {
    readyState: 'complete', hidden: false, visibilityState: 'visible',
    documentElement: element('html'), body: element('body'),
    createElement: element, getElementById: () => null, addEventListener: noop, removeEventListener: noop,
  };
  // Node 21+ has a read-only navigator getter: define over it.
  Object.defineProperty(g, 'navigator', { value: { userAgent: 'Node.js (phaser-distill headless)', appVersion: '', maxTouchPoints: 0 }, configurable: true, writable: true });
  g.screen = { width: 1920, height: 1080, orientation: { type: 'landscape-primary' } };
  g.innerWidth = 1024;
  g.innerHeight = 768;
  g.Image = LoadingImage;
  g.HTMLCanvasElement = class HTMLCanvasElement {};
  g.focus = noop;
  g.addEventListener = noop;
  g.removeEventListener = noop;
  // The game loop is stopped before stepping; these only serve the first tick of boot.
  g.requestAnimationFrame = (cb: (t: number) => void) => setTimeout(() => cb(performance.now()), 16);
  g.cancelAnimationFrame = (id: ReturnType<typeof setTimeout>) => clearTimeout(id);
} else {
  g.Image = LoadingImage;
  const canvasProto = (g.HTMLCanvasElement as { prototype?: Record<string, unknown> } | undefined)?.prototype;
  if (canvasProto) {
    const original = canvasProto.getContext as (this: unknown, type: string, ...rest: unknown[]) => unknown;
    // jsdom without the canvas package logs "Not implemented" and gives null: give the stub.
    canvasProto.getContext = function (this: unknown, type: string, ...rest: unknown[]) {
      return type === '2d' ? context2d(this) : original.call(this, type, ...rest);
    };
  }
  if (typeof g.screen === 'undefined') g.screen = { width: 1920, height: 1080, orientation: { type: 'landscape-primary' } };
  (g.window as { focus?: () => void }).focus = noop;
}
export {};
