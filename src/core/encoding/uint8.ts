// uint8 quantization with a per-tensor scale and offset: value = offset + scale * q for q in 0..252.
// Codes 253, 254 and 255 are reserved so that NaN, +Inf and -Inf survive: finite values use the
// 253 codes 0..252 (252 steps), spread over [min, max] of the tensor's finite values. Rounding to
// the nearest code keeps the error at most half a step, scale / 2.

export const U8_MAX_CODE = 252;
export const U8_NAN = 253;
export const U8_POS_INF = 254;
export const U8_NEG_INF = 255;

export interface Uint8Quantization {
  bytes: Uint8Array;
  scale: number;
  offset: number;
}

/**
 * Finite range of a [B, T, H] row-major tensor, skipping NaN, ±Inf and, when `lengths` is given,
 * the steps t >= lengths[b] (masked). Returns [0, 0] when there is no finite value.
 */
export function finiteRange(values: Float32Array, dims: readonly [number, number, number], lengths?: ArrayLike<number>): [number, number] {
  const [B, T, H] = dims;
  let min = Infinity;
  let max = -Infinity;
  for (let b = 0; b < B; b++) {
    const end = (b * T + (lengths ? Math.min(lengths[b]!, T) : T)) * H;
    for (let i = b * T * H; i < end; i++) {
      const v = values[i]!;
      if (v - v !== 0) continue; // NaN or ±Inf
      if (v < min) min = v;
      if (v > max) max = v;
    }
  }
  return min <= max ? [min, max] : [0, 0];
}

/**
 * Quantizes with offset = min and scale = (max - min) / 252 over the finite values in [min, max]
 * (computed in double precision; a constant tensor gets scale 0 and is stored exactly). Finite
 * values outside [min, max] (masked cells) clamp to the ends.
 */
export function quantizeUint8(values: Float32Array, min: number, max: number, out: Uint8Array = new Uint8Array(values.length)): Uint8Quantization {
  const scale = max > min ? (max - min) / U8_MAX_CODE : 0;
  const inv = scale > 0 ? 1 / scale : 0;
  for (let i = 0; i < values.length; i++) {
    const v = values[i]!;
    if (v !== v) out[i] = U8_NAN;
    else if (v === Infinity) out[i] = U8_POS_INF;
    else if (v === -Infinity) out[i] = U8_NEG_INF;
    else {
      const q = Math.round((v - min) * inv);
      out[i] = q > U8_MAX_CODE ? U8_MAX_CODE : q > 0 ? q : 0;
    }
  }
  return { bytes: out, scale, offset: min };
}

/** Decodes codes back to values (NaN, ±Inf for the reserved codes). */
export function dequantizeUint8(bytes: Uint8Array, scale: number, offset: number, out: Float32Array = new Float32Array(bytes.length)): Float32Array {
  const lut = new Float32Array(256);
  for (let q = 0; q <= U8_MAX_CODE; q++) lut[q] = offset + scale * q;
  lut[U8_NAN] = NaN;
  lut[U8_POS_INF] = Infinity;
  lut[U8_NEG_INF] = -Infinity;
  for (let i = 0; i < bytes.length; i++) out[i] = lut[bytes[i]!]!;
  return out;
}
