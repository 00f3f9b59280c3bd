/** Every [container, key] of a JSON value, depth first: the places a fuzzer can break. */
export function allPaths(v: unknown, out: [object, string][] = []): [object, string][] {
  if (typeof v === 'object' && v !== null) {
    for (const key of Object.keys(v)) {
      out.push([v, key]);
      allPaths((v as Record<string, unknown>)[key], out);
    }
  }
  return out;
}
