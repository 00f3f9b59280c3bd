/** Small pieces the command line's SVG plots share (the learning curve, the sweep report). */

/** An SVG document's first lines: its size, a white ground and a title. */
export function svgOpen(width: number, height: number, title: string): string[] {
  return [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" font-family="sans-serif" font-size="12">`,
    `<rect width="${width}" height="${height}" fill="white"/>`,
    `<text x="${width / 2}" y="22" text-anchor="middle" font-size="14">${xmlEscape(title)}</text>`,
  ];
}

/**
 * The lowest and highest of `values`, widened to a span of 2 around a single value and [0, 1] for
 * none: a plot's axis. A loop, not Math.min(...values), which overflows the stack past about 100k
 * values (a long run's iterations).
 */
export function valueRange(values: Iterable<number>): [number, number] {
  let lo = Infinity;
  let hi = -Infinity;
  for (const v of values) {
    if (v < lo) lo = v;
    if (v > hi) hi = v;
  }
  if (lo > hi) return [0, 1];
  return hi - lo < 1e-9 ? [lo - 1, hi + 1] : [lo, hi];
}

export function xmlEscape(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}
