/**
 * The fused learner's two matrix kernels as WebAssembly with 128-bit SIMD (four float32 lanes),
 * assembled here from a few opcodes at load time: no toolchain, no binary in the repository, and
 * the code below is the source. V8's scalar JavaScript peaks near 2-3 GFLOP/s on these products
 * (a multiply-add per number, bounds-checked loads); f32x4 lanes do four per instruction, which
 * is where bench:learner's speed comes from. Float32 is what TensorFlow.js computes in too.
 *
 * Operands live in one WebAssembly.Memory (pointers are byte offsets, strides are in floats):
 * - rows(c, a, sam, sak, b, M, N, K, acc): C[m, n] (=|+=) sum_k A(m, k) B[k, n], with
 *   A(m, k) = a[m sam + k sak], B and C row-major with N columns; N a multiple of 8 (the caller
 *   pads batch rows), each step of k one broadcast of A(m, k) times eight columns of B;
 * - dots(c, scm, a, b, M, N, K): C[m scm + n] += sum_k a[m K + k] b[n K + k], K a multiple of 8:
 *   dot products of contiguous rows (a weight gradient, a sum over the padded batch);
 * - act(z, b, rows, ld, kind): z[r, :] = f(z[r, :] + b[r]) over rows of ld floats (a multiple of 4),
 *   f the identity (kind 0), tanh (1) or relu (2);
 * - dact(dh, h, count, kind): dh *= f'(.) given the layer's outputs h: 1 - h^2 (tanh), [h > 0] (relu).
 * tanh here is 1 - 2 / (exp(2x) + 1), exp(y) = 2^k p(r) with k = round(y / ln 2), r = y - k ln 2
 * (|r| <= 0.35) and p the Taylor polynomial of degree 7 (its error 5e-9), x clamped to +-9 (where
 * tanh is 1 in float32): within 1e-7 of Math.tanh.
 */

import { tanh } from '../../policy/mlp.js';

const I32 = 0x7f;
const V128 = 0x7b;

/** Unsigned and signed LEB128. */
const uleb = (n: number): number[] => {
  const out: number[] = [];
  do {
    let byte = n & 0x7f;
    n >>>= 7;
    if (n !== 0) byte |= 0x80;
    out.push(byte);
  } while (n !== 0);
  return out;
};
const sleb = (n: number): number[] => {
  const out: number[] = [];
  for (;;) {
    const byte = n & 0x7f;
    n >>= 7;
    if ((n === 0 && (byte & 0x40) === 0) || (n === -1 && (byte & 0x40) !== 0)) return [...out, byte];
    out.push(byte | 0x80);
  }
};
const vec = (items: number[][]): number[] => [...uleb(items.length), ...items.flat()];
const section = (id: number, body: number[]): number[] => [id, ...uleb(body.length), ...body];
const name = (s: string): number[] => vec([...s].map((ch) => [ch.charCodeAt(0)]));

/** The instructions the kernels use. */
const op = {
  get: (i: number) => [0x20, ...uleb(i)],
  set: (i: number) => [0x21, ...uleb(i)],
  tee: (i: number) => [0x22, ...uleb(i)],
  i32: (n: number) => [0x41, ...sleb(n)],
  add: [0x6a],
  mul: [0x6c],
  shl: [0x74],
  ltU: [0x49],
  eq: [0x46],
  /** if with a v128 result. */
  if1v: [0x04, V128],
  ne: [0x47],
  eqz: [0x45],
  loop: [0x03, 0x40],
  if: [0x04, 0x40],
  else: [0x05],
  end: [0x0b],
  brIf: (depth: number) => [0x0d, ...uleb(depth)],
  f32load: (offset = 0) => [0x2a, 2, ...uleb(offset)],
  f32store: (offset = 0) => [0x38, 2, ...uleb(offset)],
  f32add: [0x92],
  f32zero: [0x43, 0, 0, 0, 0],
  vload: (offset = 0) => [0xfd, ...uleb(0x00), 4, ...uleb(offset)],
  vstore: (offset = 0) => [0xfd, ...uleb(0x0b), 4, ...uleb(offset)],
  splat: [0xfd, ...uleb(0x13)],
  lane: (i: number) => [0xfd, ...uleb(0x1f), i],
  vadd: [0xfd, ...uleb(0xe4)],
  vsub: [0xfd, ...uleb(0xe5)],
  vmul: [0xfd, ...uleb(0xe6)],
  vdiv: [0xfd, ...uleb(0xe7)],
  vmin: [0xfd, ...uleb(0xe8)],
  vmax: [0xfd, ...uleb(0xe9)],
  nearest: [0xfd, ...uleb(0x6a)],
  vgt: [0xfd, ...uleb(0x44)],
  vand: [0xfd, ...uleb(0x4e)],
  isplat: [0xfd, ...uleb(0x11)],
  iadd: [0xfd, ...uleb(0xae)],
  ishl: [0xfd, ...uleb(0xab)],
  truncSat: [0xfd, ...uleb(0xf8)],
  block: [0x02, 0x40],
  /** A float32 constant in all four lanes. */
  vf32: (x: number) => {
    const bytes = new Uint8Array(4);
    new DataView(bytes.buffer).setFloat32(0, x, true);
    return [0x43, ...bytes, 0xfd, ...uleb(0x13)];
  },
};

/** tanh of the v128 on the stack, leaving it there; `t` is a v128 local for scratch. */
function vtanh(t: number): number[] {
  const horner = [1 / 5040, 1 / 720, 1 / 120, 1 / 24, 1 / 6, 1 / 2, 1, 1].flatMap((c, i) => (i === 0 ? [] : [...op.get(t), ...op.vmul, ...op.vf32(c), ...op.vadd]));
  const k = 1; // a second v128 local, right after t
  return [
    // y = 2 clamp(x, -9, 9) into t
    ...op.vf32(-9), ...op.vmax, ...op.vf32(9), ...op.vmin, ...op.vf32(2), ...op.vmul, ...op.set(t),
    // k = nearest(y log2 e)
    ...op.get(t), ...op.vf32(Math.LOG2E), ...op.vmul, ...op.nearest, ...op.set(t + k),
    // r = y - k ln2 (in two parts, so r keeps its low bits)
    ...op.get(t), ...op.get(t + k), ...op.vf32(0.693359375), ...op.vmul, ...op.vsub, ...op.get(t + k), ...op.vf32(-2.12194440e-4), ...op.vmul, ...op.vsub, ...op.set(t),
    // p(r) by Horner, from 1/7!
    ...op.vf32(1 / 5040), ...horner,
    // times 2^k, built in the exponent bits
    ...op.get(t + k), ...op.truncSat, ...op.i32(127), ...op.isplat, ...op.iadd, ...op.i32(23), ...op.ishl, ...op.vmul,
    // 1 - 2 / (e + 1)
    ...op.vf32(1), ...op.vadd, ...op.set(t), ...op.vf32(1), ...op.vf32(2), ...op.get(t), ...op.vdiv, ...op.vsub,
  ];
}

function actBody(): number[] {
  // params: 0 z, 1 b, 2 rows, 3 ld, 4 kind; locals: 5 p, 6 rowEnd, 7 r, 8 bp, 9 rowBytes; v128: 10 bias, 11 x, 12 t, 13 (vtanh's second)
  const [z, b, rows, ld, kind] = [0, 1, 2, 3, 4];
  const [p, rowEnd, r, bp, rowBytes, bias, x, t] = [5, 6, 7, 8, 9, 10, 11, 12];
  return [
    ...op.get(ld), ...op.i32(2), ...op.shl, ...op.set(rowBytes),
    ...op.get(z), ...op.set(p),
    ...op.get(b), ...op.set(bp),
    ...op.i32(0), ...op.set(r),
    ...op.loop, // over rows
    ...op.get(bp), ...op.f32load(), ...op.splat, ...op.set(bias),
    ...op.get(p), ...op.get(rowBytes), ...op.add, ...op.set(rowEnd),
    ...op.loop, // over columns, four at a time
    ...op.get(p),
    ...op.get(p), ...op.vload(0), ...op.get(bias), ...op.vadd, ...op.set(x),
    ...op.get(kind), ...op.i32(1), ...op.eq, ...op.if1v, ...op.get(x), ...vtanh(t), ...op.else,
    ...op.get(kind), ...op.i32(2), ...op.eq, ...op.if1v, ...op.get(x), ...op.vf32(0), ...op.vmax, ...op.else, ...op.get(x), ...op.end,
    ...op.end,
    ...op.vstore(0),
    ...bump(p, op.i32(16)),
    ...op.get(p), ...op.get(rowEnd), ...op.ltU, ...op.brIf(0),
    ...op.end,
    ...bump(bp, op.i32(4)),
    ...bump(r, op.i32(1)),
    ...op.get(r), ...op.get(rows), ...op.ltU, ...op.brIf(0),
    ...op.end,
  ];
}

function dactBody(): number[] {
  // params: 0 dh, 1 h, 2 count, 3 kind; locals: 4 end, 5 p, 6 q
  const [dh, h, count, kind] = [0, 1, 2, 3];
  const [end, p, q] = [4, 5, 6];
  return [
    ...op.block,
    ...op.get(count), ...op.eqz, ...op.brIf(0),
    ...op.get(dh), ...op.set(p),
    ...op.get(h), ...op.set(q),
    ...op.get(dh), ...op.get(count), ...op.i32(2), ...op.shl, ...op.add, ...op.set(end),
    ...op.loop,
    ...op.get(p),
    ...op.get(kind), ...op.i32(1), ...op.eq, ...op.if1v,
    // dh (1 - h^2)
    ...op.get(p), ...op.vload(0), ...op.vf32(1), ...op.get(q), ...op.vload(0), ...op.get(q), ...op.vload(0), ...op.vmul, ...op.vsub, ...op.vmul,
    ...op.else,
    // dh where h > 0, else 0
    ...op.get(p), ...op.vload(0), ...op.get(q), ...op.vload(0), ...op.vf32(0), ...op.vgt, ...op.vand,
    ...op.end,
    ...op.vstore(0),
    ...bump(p, op.i32(16)),
    ...bump(q, op.i32(16)),
    ...op.get(p), ...op.get(end), ...op.ltU, ...op.brIf(0),
    ...op.end,
    ...op.end,
  ];
}

/** `local += step` for i32 locals. */
const bump = (local: number, step: number[]) => [...op.get(local), ...step, ...op.add, ...op.set(local)];

function rowsBody(): number[] {
  // params: 0 c, 1 a, 2 sam, 3 sak, 4 b, 5 M, 6 N, 7 K, 8 acc
  // locals: 9 rowBytes (N * 4), 10 aRow, 11 cRow, 12 nb, 13 pa, 14 pb, 15 k, 16 m, 17 sam4, 18 sak4, 19 v0, 20 v1, 21 x
  const [c, a, sam, sak, b, M, , K, acc] = [0, 1, 2, 3, 4, 5, 6, 7, 8];
  const [rowBytes, aRow, cRow, nb, pa, pb, k, m, sam4, sak4, v0, v1, x] = [9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20, 21];
  return [
    ...op.get(6), ...op.i32(2), ...op.shl, ...op.set(rowBytes),
    ...op.get(sam), ...op.i32(2), ...op.shl, ...op.set(sam4),
    ...op.get(sak), ...op.i32(2), ...op.shl, ...op.set(sak4),
    ...op.get(a), ...op.set(aRow),
    ...op.get(c), ...op.set(cRow),
    ...op.i32(0), ...op.set(m),
    ...op.loop, // over m
    ...op.i32(0), ...op.set(nb),
    ...op.loop, // over 8-column blocks
    ...op.get(acc), ...op.if,
    ...op.get(cRow), ...op.get(nb), ...op.add, ...op.vload(0), ...op.set(v0),
    ...op.get(cRow), ...op.get(nb), ...op.add, ...op.vload(16), ...op.set(v1),
    ...op.else,
    ...op.f32zero, ...op.splat, ...op.tee(v0), ...op.set(v1),
    ...op.end,
    ...op.get(aRow), ...op.set(pa),
    ...op.get(b), ...op.get(nb), ...op.add, ...op.set(pb),
    ...op.get(K), ...op.set(k),
    ...op.loop, // over k
    // v0 += splat(A(m, k)) * B[k, nb..nb+4); v1 likewise for the next four columns
    ...op.get(pa), ...op.f32load(), ...op.splat, ...op.tee(x),
    ...op.get(pb), ...op.vload(0), ...op.vmul, ...op.get(v0), ...op.vadd, ...op.set(v0),
    ...op.get(x),
    ...op.get(pb), ...op.vload(16), ...op.vmul, ...op.get(v1), ...op.vadd, ...op.set(v1),
    ...bump(pa, op.get(sak4)),
    ...bump(pb, op.get(rowBytes)),
    ...op.get(k), ...op.i32(-1), ...op.add, ...op.tee(k), ...op.brIf(0),
    ...op.end,
    ...op.get(cRow), ...op.get(nb), ...op.add, ...op.get(v0), ...op.vstore(0),
    ...op.get(cRow), ...op.get(nb), ...op.add, ...op.get(v1), ...op.vstore(16),
    ...bump(nb, op.i32(32)),
    ...op.get(nb), ...op.get(rowBytes), ...op.ltU, ...op.brIf(0),
    ...op.end,
    ...bump(aRow, op.get(sam4)),
    ...bump(cRow, op.get(rowBytes)),
    ...bump(m, op.i32(1)),
    ...op.get(m), ...op.get(M), ...op.ltU, ...op.brIf(0),
    ...op.end,
  ];
}

function dotsBody(): number[] {
  // params: 0 c, 1 scm, 2 a, 3 b, 4 M, 5 N, 6 K
  // locals: 7 rowBytes (K * 4), 8 aRow, 9 cRow, 10 bRow, 11 pa, 12 pb, 13 end, 14 m, 15 n, 16 v0, 17 v1
  const [c, scm, a, b, M, N, K] = [0, 1, 2, 3, 4, 5, 6];
  const [rowBytes, aRow, cRow, bRow, pa, pb, end, m, n, v0, v1] = [7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17];
  return [
    ...op.get(K), ...op.i32(2), ...op.shl, ...op.set(rowBytes),
    ...op.get(a), ...op.set(aRow),
    ...op.get(c), ...op.set(cRow),
    ...op.i32(0), ...op.set(m),
    ...op.loop, // over m
    ...op.get(b), ...op.set(bRow),
    ...op.i32(0), ...op.set(n),
    ...op.loop, // over n
    ...op.f32zero, ...op.splat, ...op.tee(v0), ...op.set(v1),
    ...op.get(aRow), ...op.set(pa),
    ...op.get(bRow), ...op.set(pb),
    ...op.get(aRow), ...op.get(rowBytes), ...op.add, ...op.set(end),
    ...op.loop, // over k, eight at a time
    ...op.get(pa), ...op.vload(0), ...op.get(pb), ...op.vload(0), ...op.vmul, ...op.get(v0), ...op.vadd, ...op.set(v0),
    ...op.get(pa), ...op.vload(16), ...op.get(pb), ...op.vload(16), ...op.vmul, ...op.get(v1), ...op.vadd, ...op.set(v1),
    ...bump(pa, op.i32(32)),
    ...bump(pb, op.i32(32)),
    ...op.get(pa), ...op.get(end), ...op.ltU, ...op.brIf(0),
    ...op.end,
    // C[m, n] += the eight partial sums
    ...op.get(cRow), ...op.get(n), ...op.i32(2), ...op.shl, ...op.add, // address, kept for the store
    ...op.get(cRow), ...op.get(n), ...op.i32(2), ...op.shl, ...op.add, ...op.f32load(),
    ...op.get(v0), ...op.get(v1), ...op.vadd, ...op.tee(v0), ...op.lane(0), ...op.f32add,
    ...op.get(v0), ...op.lane(1), ...op.f32add,
    ...op.get(v0), ...op.lane(2), ...op.f32add,
    ...op.get(v0), ...op.lane(3), ...op.f32add,
    ...op.f32store(),
    ...bump(bRow, op.get(rowBytes)),
    ...bump(n, op.i32(1)),
    ...op.get(n), ...op.get(N), ...op.ltU, ...op.brIf(0),
    ...op.end,
    ...bump(aRow, op.get(rowBytes)),
    ...bump(cRow, [...op.get(scm), ...op.i32(2), ...op.shl]),
    ...bump(m, op.i32(1)),
    ...op.get(m), ...op.get(M), ...op.ltU, ...op.brIf(0),
    ...op.end,
  ];
}

function moduleBytes(): Uint8Array<ArrayBuffer> {
  const types = vec([
    [0x60, ...vec(Array.from({ length: 9 }, () => [I32])), ...vec([])],
    [0x60, ...vec(Array.from({ length: 7 }, () => [I32])), ...vec([])],
    [0x60, ...vec(Array.from({ length: 5 }, () => [I32])), ...vec([])],
    [0x60, ...vec(Array.from({ length: 4 }, () => [I32])), ...vec([])],
  ]);
  const imports = vec([[...name('env'), ...name('memory'), 0x02, 0x00, ...uleb(1)]]);
  const functions = vec([[0], [1], [2], [3]]);
  const exports = vec([[...name('rows'), 0x00, 0], [...name('dots'), 0x00, 1], [...name('act'), 0x00, 2], [...name('dact'), 0x00, 3]]);
  const code = (locals: number[][], body: number[]) => {
    const fn = [...vec(locals), ...body, ...op.end];
    return [...uleb(fn.length), ...fn];
  };
  const codes = vec([
    code([[10, I32], [3, V128]], rowsBody()),
    code([[9, I32], [2, V128]], dotsBody()),
    code([[5, I32], [4, V128]], actBody()),
    code([[3, I32]], dactBody()),
  ]);
  return new Uint8Array([
    0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00,
    ...section(1, types), ...section(2, imports), ...section(3, functions), ...section(7, exports), ...section(10, codes),
  ]);
}

export interface SimdKernels {
  rows(c: number, a: number, sam: number, sak: number, b: number, M: number, N: number, K: number, acc: number): void;
  dots(c: number, scm: number, a: number, b: number, M: number, N: number, K: number): void;
  act(z: number, b: number, rows: number, ld: number, kind: number): void;
  dact(dh: number, h: number, count: number, kind: number): void;
}

/** `kind` of act and dact. */
export const LINEAR = 0;
export const TANH = 1;
export const RELU = 2;

/**
 * The same kernels in plain JavaScript over the memory's current Float32Array (`heap()`), for
 * where WebAssembly SIMD is missing, and as a second implementation the tests hold against it.
 */
export function scalarKernels(heap: () => Float32Array): SimdKernels {
  return {
    rows(c, a, sam, sak, b, M, N, K, acc) {
      const f = heap();
      const [C, A, B] = [c >> 2, a >> 2, b >> 2];
      for (let m = 0; m < M; m++) {
        for (let n = 0; n < N; n++) {
          let s = acc ? f[C + m * N + n]! : 0;
          for (let k = 0; k < K; k++) s += f[A + m * sam + k * sak]! * f[B + k * N + n]!;
          f[C + m * N + n] = s;
        }
      }
    },
    dots(c, scm, a, b, M, N, K) {
      const f = heap();
      for (let m = 0, am = a >> 2; m < M; m++, am += K) {
        for (let n = 0, bn = b >> 2, at = (c >> 2) + m * scm; n < N; n++, bn += K, at++) {
          let s = f[at]!;
          for (let k = 0; k < K; k++) s += f[am + k]! * f[bn + k]!;
          f[at] = s;
        }
      }
    },
    act(z, b, rows, ld, kind) {
      const f = heap();
      for (let r = 0, at = z >> 2; r < rows; r++) {
        const bias = f[(b >> 2) + r]!;
        for (let j = 0; j < ld; j++, at++) {
          const v = f[at]! + bias;
          f[at] = kind === TANH ? tanh(v) : kind === RELU ? Math.max(0, v) : v;
        }
      }
    },
    dact(dh, h, count, kind) {
      const f = heap();
      for (let i = 0, p = dh >> 2, q = h >> 2; i < count; i++, p++, q++) f[p] = kind === TANH ? f[p]! * (1 - f[q]! * f[q]!) : f[q]! > 0 ? f[p]! : 0;
    },
  };
}

let compiled: WebAssembly.Module | null | undefined;

/** The kernels over `memory`, or null where WebAssembly SIMD is not available. */
export function simdKernels(memory: WebAssembly.Memory): SimdKernels | null {
  if (compiled === undefined) {
    try {
      compiled = typeof WebAssembly === 'object' ? new WebAssembly.Module(moduleBytes()) : null;
    } catch {
      compiled = null;
    }
  }
  if (!compiled) return null;
  return new WebAssembly.Instance(compiled, { env: { memory } }).exports as unknown as SimdKernels;
}
