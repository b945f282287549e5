// IEEE 754 binary16 <-> binary32 conversion. float32 -> float16 rounds to nearest, ties to even,
// produces subnormals, turns magnitudes >= 65520 into ±Inf (as IEEE requires), keeps ±Inf and keeps
// NaN a NaN (quiet, sign and top payload bits kept). float16 -> float32 is exact.

const f32 = new Float32Array(1);
const u32 = new Uint32Array(f32.buffer);

/** Relative rounding error bound of float16 for normal values: half an ulp, 2^-11. */
export const FLOAT16_RELATIVE_ERROR = 2 ** -11;
/** Absolute rounding error bound in float16's subnormal range: half the smallest subnormal, 2^-25. */
export const FLOAT16_SUBNORMAL_ERROR = 2 ** -25;

/** float32 value -> float16 bit pattern. */
export function toFloat16Bits(value: number): number {
  f32[0] = value;
  const x = u32[0]!;
  const sign = (x >>> 16) & 0x8000;
  const exp = (x >>> 23) & 0xff;
  const mant = x & 0x7fffff;
  if (exp === 0xff) {
    // Inf stays Inf; NaN keeps its top mantissa bits and is forced quiet so it cannot become Inf.
    return mant === 0 ? sign | 0x7c00 : sign | 0x7e00 | (mant >>> 13);
  }
  // Unbiased exponent e: float16 normals cover e in [-14, 15].
  const e = exp - 127;
  if (e > 15) return sign | 0x7c00;
  if (e >= -14) {
    // Normal: keep 10 of 23 mantissa bits, round half to even on the 13 dropped ones. A carry out of
    // the mantissa correctly bumps the exponent (and 65520.. becomes Inf).
    let h = ((e + 15) << 10) | (mant >>> 13);
    const dropped = mant & 0x1fff;
    if (dropped > 0x1000 || (dropped === 0x1000 && (h & 1) === 1)) h++;
    return sign | h;
  }
  if (e < -25) return sign; // below half the smallest subnormal (2^-25) after rounding: ±0
  // Subnormal: value = m * 2^-24 with m = (1.mant) * 2^(e+24); shift the 24-bit significand.
  const full = mant | 0x800000;
  const shift = -e - 1; // 14 .. 24: bits dropped from the 24-bit significand to get units of 2^-24
  let h = full >>> shift;
  const dropped = full & ((1 << shift) - 1);
  const half = 1 << (shift - 1);
  if (dropped > half || (dropped === half && (h & 1) === 1)) h++;
  return sign | h;
}

let table: Float32Array | undefined;

/** float16 bits -> float32 value for all 65536 patterns (256 KiB, built on first use). */
export function float16Table(): Float32Array {
  if (table) return table;
  const t = new Float32Array(65536);
  for (let h = 0; h < 65536; h++) t[h] = fromFloat16BitsSlow(h);
  table = t;
  return t;
}

/** float16 bit pattern -> value. */
export function fromFloat16Bits(h: number): number {
  return float16Table()[h & 0xffff]!;
}

function fromFloat16BitsSlow(h: number): number {
  const sign = h & 0x8000 ? -1 : 1;
  const exp = (h >>> 10) & 0x1f;
  const mant = h & 0x3ff;
  if (exp === 0x1f) {
    if (mant === 0) return sign * Infinity;
    // Keep sign and payload in the float32 NaN pattern (value-level NaN either way).
    u32[0] = ((h & 0x8000) << 16) | 0x7f800000 | (mant << 13);
    return f32[0]!;
  }
  if (exp === 0) return sign * mant * 2 ** -24;
  return sign * (1 + mant / 1024) * 2 ** (exp - 15);
}

/** Encodes float32 values as little-endian float16 bytes (2 per value). */
export function encodeFloat16(values: Float32Array, out: Uint8Array = new Uint8Array(values.length * 2)): Uint8Array {
  for (let i = 0, o = 0; i < values.length; i++, o += 2) {
    const h = toFloat16Bits(values[i]!);
    out[o] = h & 255;
    out[o + 1] = h >>> 8;
  }
  return out;
}

/** Decodes little-endian float16 bytes into float32 values. */
export function decodeFloat16(bytes: Uint8Array, out: Float32Array = new Float32Array(bytes.length >>> 1)): Float32Array {
  const t = float16Table();
  for (let i = 0, o = 0; i < out.length; i++, o += 2) out[i] = t[bytes[o]! | (bytes[o + 1]! << 8)]!;
  return out;
}

/** True when every finite value lies within float16's finite range after rounding (|v| < 65520). */
export function fitsFloat16(values: Float32Array): boolean {
  for (let i = 0; i < values.length; i++) {
    const v = values[i]!;
    if (v >= 65520 || v <= -65520) {
      if (v !== Infinity && v !== -Infinity) return false;
    }
  }
  return true;
}
