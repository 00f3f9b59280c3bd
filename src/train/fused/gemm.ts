/**
 * The one matrix kernel of the fused learner: C = A B (or C += A B) over Float64Arrays, with each
 * operand addressed through strides, so the forward pass, the input gradient and the weight
 * gradient of a dense layer are the same loop on the same arrays without copying a transpose.
 *
 * A(m, k) = a[m * sam + k * sak], B(k, n) = b[k * sbk + n * sbn], C(m, n) = c[m * scm + n].
 *
 * The work is cut into 2 x 4 tiles of C kept in eight locals: each step of k loads 6 numbers and
 * does 16 multiply-adds, and the eight sums are independent chains, so V8's scalar code is bound
 * by arithmetic rather than by loads, stores or the latency of one running sum. Every array is a
 * Float64Array, which keeps the function monomorphic (one element kind) for the JIT.
 */
export function gemm(
  c: Float64Array, scm: number,
  a: Float64Array, sam: number, sak: number,
  b: Float64Array, sbk: number, sbn: number,
  M: number, N: number, K: number, accumulate: boolean,
): void {
  const M2 = M - (M % 2);
  const N4 = N - (N % 4);
  for (let m = 0; m < M2; m += 2) {
    const a0 = m * sam;
    const a1 = a0 + sam;
    const c0 = m * scm;
    const c1 = c0 + scm;
    for (let n = 0; n < N4; n += 4) {
      let s00 = 0, s01 = 0, s02 = 0, s03 = 0, s10 = 0, s11 = 0, s12 = 0, s13 = 0;
      const b0 = n * sbn;
      for (let k = 0, ak = 0, bk = b0; k < K; k++, ak += sak, bk += sbk) {
        const x0 = a[a0 + ak]!;
        const x1 = a[a1 + ak]!;
        const y0 = b[bk]!;
        const y1 = b[bk + sbn]!;
        const y2 = b[bk + 2 * sbn]!;
        const y3 = b[bk + 3 * sbn]!;
        s00 += x0 * y0; s01 += x0 * y1; s02 += x0 * y2; s03 += x0 * y3;
        s10 += x1 * y0; s11 += x1 * y1; s12 += x1 * y2; s13 += x1 * y3;
      }
      if (accumulate) {
        c[c0 + n] = c[c0 + n]! + s00; c[c0 + n + 1] = c[c0 + n + 1]! + s01; c[c0 + n + 2] = c[c0 + n + 2]! + s02; c[c0 + n + 3] = c[c0 + n + 3]! + s03;
        c[c1 + n] = c[c1 + n]! + s10; c[c1 + n + 1] = c[c1 + n + 1]! + s11; c[c1 + n + 2] = c[c1 + n + 2]! + s12; c[c1 + n + 3] = c[c1 + n + 3]! + s13;
      } else {
        c[c0 + n] = s00; c[c0 + n + 1] = s01; c[c0 + n + 2] = s02; c[c0 + n + 3] = s03;
        c[c1 + n] = s10; c[c1 + n + 1] = s11; c[c1 + n + 2] = s12; c[c1 + n + 3] = s13;
      }
    }
    for (let n = N4; n < N; n++) {
      let s0 = 0, s1 = 0;
      for (let k = 0, ak = 0, bk = n * sbn; k < K; k++, ak += sak, bk += sbk) {
        s0 += a[a0 + ak]! * b[bk]!;
        s1 += a[a1 + ak]! * b[bk]!;
      }
      if (accumulate) {
        c[c0 + n] = c[c0 + n]! + s0;
        c[c1 + n] = c[c1 + n]! + s1;
      } else {
        c[c0 + n] = s0;
        c[c1 + n] = s1;
      }
    }
  }
  for (let m = M2; m < M; m++) {
    const a0 = m * sam;
    const c0 = m * scm;
    for (let n = 0; n < N; n++) {
      let s = 0;
      for (let k = 0, ak = 0, bk = n * sbn; k < K; k++, ak += sak, bk += sbk) s += a[a0 + ak]! * b[bk]!;
      if (accumulate) c[c0 + n] = c[c0 + n]! + s;
      else c[c0 + n] = s;
    }
  }
}
