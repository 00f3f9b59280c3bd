/**
 * The matrix kernels of the fused learner, over Float64Arrays (one element kind, so the JIT
 * compiles each for one array type). A dense layer's three products are two shapes:
 * - gemmRows: C = A B with B's rows contiguous, [K, N] (and C's, [M, N]); A is read through
 *   strides, so the forward pass (A = W transposed) and the input gradient (A = W) need no copy;
 * - gemmDots: C += A B^T with A [M, K] and B [N, K] both contiguous along K: the weight gradient,
 *   a sum over the batch.
 * Both work in 2 x 4 tiles of C held in eight locals: each step of k loads 6 numbers and does 16
 * multiply-adds on eight independent sums, so V8's scalar code is bound by arithmetic rather than
 * by loads, stores or the latency of one running sum. Unit strides on the inner loads matter here:
 * the same tiles through general strides ran about 25% slower.
 */

/** C[m, n] (=|+=) sum_k A(m, k) B[k, n]; A(m, k) = a[m * sam + k * sak]; C and B row-major with N columns. */
export function gemmRows(c: Float64Array, a: Float64Array, sam: number, sak: number, b: Float64Array, M: number, N: number, K: number, accumulate: boolean): void {
  const M2 = M - (M % 2);
  const N4 = N - (N % 4);
  for (let m = 0; m < M2; m += 2) {
    const a0 = m * sam;
    const a1 = a0 + sam;
    const c0 = m * N;
    const c1 = c0 + N;
    for (let n = 0; n < N4; n += 4) {
      let s00 = 0, s01 = 0, s02 = 0, s03 = 0, s10 = 0, s11 = 0, s12 = 0, s13 = 0;
      for (let k = 0, ak = 0, bk = n; k < K; k++, ak += sak, bk += N) {
        const x0 = a[a0 + ak]!;
        const x1 = a[a1 + ak]!;
        const y0 = b[bk]!;
        const y1 = b[bk + 1]!;
        const y2 = b[bk + 2]!;
        const y3 = b[bk + 3]!;
        s00 += x0 * y0; s01 += x0 * y1; s02 += x0 * y2; s03 += x0 * y3;
        s10 += x1 * y0; s11 += x1 * y1; s12 += x1 * y2; s13 += x1 * y3;
      }
      store4(c, c0 + n, s00, s01, s02, s03, accumulate);
      store4(c, c1 + n, s10, s11, s12, s13, accumulate);
    }
    for (let n = N4; n < N; n++) {
      let s0 = 0, s1 = 0;
      for (let k = 0, ak = 0, bk = n; k < K; k++, ak += sak, bk += N) {
        s0 += a[a0 + ak]! * b[bk]!;
        s1 += a[a1 + ak]! * b[bk]!;
      }
      c[c0 + n] = accumulate ? c[c0 + n]! + s0 : s0;
      c[c1 + n] = accumulate ? c[c1 + n]! + s1 : s1;
    }
  }
  for (let m = M2; m < M; m++) {
    const a0 = m * sam;
    for (let n = 0; n < N; n++) {
      let s = 0;
      for (let k = 0, ak = 0, bk = n; k < K; k++, ak += sak, bk += N) s += a[a0 + ak]! * b[bk]!;
      c[m * N + n] = accumulate ? c[m * N + n]! + s : s;
    }
  }
}

/** C[m * scm + n] += sum_k a[m * K + k] b[n * K + k]. */
export function gemmDots(c: Float64Array, scm: number, a: Float64Array, b: Float64Array, M: number, N: number, K: number): void {
  const M2 = M - (M % 2);
  const N4 = N - (N % 4);
  for (let m = 0; m < M2; m += 2) {
    const a0 = m * K;
    const a1 = a0 + K;
    const c0 = m * scm;
    const c1 = c0 + scm;
    for (let n = 0; n < N4; n += 4) {
      let s00 = 0, s01 = 0, s02 = 0, s03 = 0, s10 = 0, s11 = 0, s12 = 0, s13 = 0;
      const b0 = n * K;
      const b1 = b0 + K;
      const b2 = b1 + K;
      const b3 = b2 + K;
      for (let k = 0; k < K; k++) {
        const x0 = a[a0 + k]!;
        const x1 = a[a1 + k]!;
        const y0 = b[b0 + k]!;
        const y1 = b[b1 + k]!;
        const y2 = b[b2 + k]!;
        const y3 = b[b3 + k]!;
        s00 += x0 * y0; s01 += x0 * y1; s02 += x0 * y2; s03 += x0 * y3;
        s10 += x1 * y0; s11 += x1 * y1; s12 += x1 * y2; s13 += x1 * y3;
      }
      store4(c, c0 + n, s00, s01, s02, s03, true);
      store4(c, c1 + n, s10, s11, s12, s13, true);
    }
    for (let n = N4; n < N; n++) {
      let s0 = 0, s1 = 0;
      for (let k = 0, bk = n * K; k < K; k++, bk++) {
        s0 += a[a0 + k]! * b[bk]!;
        s1 += a[a1 + k]! * b[bk]!;
      }
      c[c0 + n] = c[c0 + n]! + s0;
      c[c1 + n] = c[c1 + n]! + s1;
    }
  }
  for (let m = M2; m < M; m++) {
    for (let n = 0; n < N; n++) {
      let s = 0;
      for (let k = 0; k < K; k++) s += a[m * K + k]! * b[n * K + k]!;
      c[m * scm + n] = c[m * scm + n]! + s;
    }
  }
}

function store4(c: Float64Array, at: number, s0: number, s1: number, s2: number, s3: number, accumulate: boolean): void {
  if (accumulate) {
    c[at] = c[at]! + s0;
    c[at + 1] = c[at + 1]! + s1;
    c[at + 2] = c[at + 2]! + s2;
    c[at + 3] = c[at + 3]! + s3;
  } else {
    c[at] = s0;
    c[at + 1] = s1;
    c[at + 2] = s2;
    c[at + 3] = s3;
  }
}
