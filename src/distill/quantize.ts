/**
 * Post-training int8 quantisation, symmetric and per output row: each row of W ([outputs x inputs])
 * gets scale = max|row| / 127, stored as float32, and w ~ q * scale with q in [-127, 127].
 * Rounding to the nearest step bounds every weight's error by scale / 2, so a row's output moves
 * by at most (scale / 2) * sum |x|. Per-row scales keep a row of small weights from losing all its
 * precision to one large weight elsewhere in the matrix.
 */
export interface QuantizedRows {
  q: Int8Array;
  scales: Float32Array;
}

/** @param rows [outputs x inputs] row-major */
export function quantizeRowsInt8(rows: Float32Array, outputs: number, inputs: number): QuantizedRows {
  if (rows.length !== outputs * inputs) throw new Error(`quantizeRowsInt8: expected ${outputs}x${inputs} = ${outputs * inputs} weights, got ${rows.length}`);
  const q = new Int8Array(rows.length);
  const scales = new Float32Array(outputs);
  for (let o = 0; o < outputs; o++) {
    let max = 0;
    for (let i = 0; i < inputs; i++) max = Math.max(max, Math.abs(rows[o * inputs + i]!));
    // Round the scale to float32 first: the file stores it so, and q must be rounded against it.
    const scale = Math.fround(max / 127);
    scales[o] = scale;
    if (scale === 0) continue;
    for (let i = 0; i < inputs; i++) q[o * inputs + i] = Math.max(-127, Math.min(127, Math.round(rows[o * inputs + i]! / scale)));
  }
  return { q, scales };
}

/** q * scale per row, as the runtime computes it. */
export function dequantizeRows({ q, scales }: QuantizedRows, outputs: number, inputs: number): Float32Array {
  const out = new Float32Array(outputs * inputs);
  for (let o = 0; o < outputs; o++) for (let i = 0; i < inputs; i++) out[o * inputs + i] = q[o * inputs + i]! * scales[o]!;
  return out;
}
