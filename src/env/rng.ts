/**
 * A small seeded PRNG (sfc32) whose whole state is four 32-bit words, so a checkpoint can save it
 * and a resumed run draws the very numbers the uninterrupted run would have drawn.
 */
export class Rng {
  /**
   * The four words a, b, c, d, then the last output. A typed array, not fields: a field holding
   * numbers of 2^31 and over can be boxed, and then every draw would allocate. Public only for
   * rngState and setRngState below; draw through the methods.
   */
  readonly s = new Uint32Array(5);
  /** [0]: a cached second normal from the Box-Muller pair, or NaN (part of the state); [1]: normal()'s output. */
  readonly g = new Float64Array(2);

  constructor(seed = 0) {
    this.seed(seed);
  }

  seed(seed: number): void {
    // splitmix32 spreads one seed over the four words; 12 warm-up draws decorrelate close seeds.
    let s = seed >>> 0;
    const next = () => {
      s = (s + 0x9e3779b9) >>> 0;
      let z = s;
      z = Math.imul(z ^ (z >>> 16), 0x85ebca6b);
      z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35);
      return (z ^ (z >>> 16)) >>> 0;
    };
    for (let i = 0; i < 4; i++) this.s[i] = next();
    this.g[0] = Number.NaN;
    for (let i = 0; i < 12; i++) this.step();
  }

  /** One step of sfc32; the output goes to s[4]. Returns nothing, so a call need not box a number. */
  private step(): void {
    // Stores into the Uint32Array wrap modulo 2^32, as `>>> 0` would.
    const s = this.s;
    const a = s[0]!;
    const b = s[1]!;
    const c = s[2]!;
    const d = s[3]!;
    const t = (a + b + d) >>> 0;
    s[0] = b ^ (b >>> 9);
    s[1] = c + (c << 3);
    s[2] = ((c << 21) | (c >>> 11)) + t;
    s[3] = d + 1;
    s[4] = t;
  }

  /** A uniform integer in [0, 2^32): the generator's raw output. */
  uint32(): number {
    this.step();
    return this.s[4]!;
  }

  /**
   * A uniform integer in [0, 2^30): the top 30 bits of one output. Small enough to be returned
   * unboxed, so per-frame sampling (StudentPolicy) allocates nothing even where the JIT did not
   * inline the call.
   */
  uint30(): number {
    this.step();
    return this.s[4]! >>> 2;
  }

  /** A uniform float in [0, 1): one output over 2^32. */
  float(): number {
    this.step();
    return this.s[4]! / 4294967296;
  }

  /** A uniform float in [low, high). */
  uniform(low: number, high: number): number {
    return low + (high - low) * this.float();
  }

  /** A uniform integer in [0, n). */
  int(n: number): number {
    return Math.floor(this.float() * n);
  }

  /** A standard normal draw (Box-Muller). */
  normal(): number {
    this.fillNormal(this.g, 1, 2);
    return this.g[1]!;
  }

  /**
   * Writes standard normal draws into out[from..to) (all of `out` by default): the very draws as
   * many normal() calls would give. Returns nothing and allocates nothing, so per-frame sampling
   * (StudentPolicy) needs no boxed number back from a call the JIT did not inline.
   */
  fillNormal(out: { length: number; [i: number]: number }, from = 0, to = out.length): void {
    const s = this.s;
    const g = this.g;
    for (let i = from; i < to; i++) {
      if (g[0] === g[0]) {
        out[i] = g[0]!;
        g[0] = Number.NaN;
        continue;
      }
      let u = 0;
      while (u === 0) {
        this.step();
        u = s[4]! / 4294967296;
      }
      this.step();
      const v = s[4]! / 4294967296;
      const r = Math.sqrt(-2 * Math.log(u));
      g[0] = r * Math.sin(2 * Math.PI * v);
      out[i] = r * Math.cos(2 * Math.PI * v);
    }
  }
}

// What only training needs is kept out of the class, so a game bundle that ships a student (which
// samples with an Rng) does not carry it.

/** Shuffles `xs` in place (Fisher-Yates). */
export function shuffle<T extends { length: number; [i: number]: unknown }>(rng: Rng, xs: T): T {
  for (let i = xs.length - 1; i > 0; i--) {
    const j = rng.int(i + 1);
    const t = xs[i];
    xs[i] = xs[j];
    xs[j] = t;
  }
  return xs;
}

/** The generator's whole state as five plain numbers, for a checkpoint. */
export function rngState(rng: Rng): number[] {
  return [...rng.s.subarray(0, 4), rng.g[0]!];
}

/** Puts back a state from `rngState`: the generator then draws what it drew after that state. */
export function setRngState(rng: Rng, state: readonly number[]): void {
  if (state.length !== 5) throw new Error(`setRngState: expected 5 numbers, got ${state.length}`);
  for (let i = 0; i < 4; i++) rng.s[i] = state[i]! >>> 0;
  rng.g[0] = state[4] ?? Number.NaN;
}
