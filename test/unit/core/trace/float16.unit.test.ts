import assert from 'node:assert/strict';
import { decodeFloat16, encodeFloat16, fromFloat16Bits, toFloat16Bits } from '../../../../src/core/encoding/float16';
import { rng } from './make-trace';

/** Reference: the float16 nearest to v (ties to even) found by exhaustive search over finite halves, in double precision. */
function nearestHalfBits(v: number, sorted: { bits: number; value: number }[]): number {
  let lo = 0;
  let hi = sorted.length - 1;
  while (hi - lo > 1) {
    const mid = (lo + hi) >> 1;
    if (sorted[mid]!.value <= v) lo = mid;
    else hi = mid;
  }
  const a = sorted[lo]!;
  const b = sorted[hi]!;
  const da = Math.abs(v - a.value);
  const db = Math.abs(v - b.value);
  if (da !== db) return da < db ? a.bits : b.bits;
  return (a.bits & 1) === 0 ? a.bits : b.bits;
}

describe('float16 conversion', () => {
  it('decodes known patterns exactly', () => {
    assert.equal(fromFloat16Bits(0x3c00), 1);
    assert.equal(fromFloat16Bits(0xc000), -2);
    assert.equal(fromFloat16Bits(0x7bff), 65504);
    assert.equal(fromFloat16Bits(0x0001), 2 ** -24);
    assert.equal(fromFloat16Bits(0x03ff), 1023 * 2 ** -24);
    assert.equal(fromFloat16Bits(0x0400), 2 ** -14);
    assert.equal(fromFloat16Bits(0x7c00), Infinity);
    assert.equal(fromFloat16Bits(0xfc00), -Infinity);
    assert.ok(Number.isNaN(fromFloat16Bits(0x7e00)));
    assert.ok(Object.is(fromFloat16Bits(0x8000), -0));
  });

  it('round-trips every non-NaN float16 bit pattern', () => {
    for (let h = 0; h < 65536; h++) {
      const v = fromFloat16Bits(h);
      if (Number.isNaN(v)) continue;
      assert.equal(toFloat16Bits(v), h, `pattern 0x${h.toString(16)}`);
    }
  });

  it('rounds to nearest, ties to even, including subnormals and overflow, on 200k float32 values', () => {
    // Positive finite halves in increasing order (bit order is value order for them); signs handled apart.
    const positive = Array.from({ length: 0x7c00 }, (_, h) => ({ bits: h, value: fromFloat16Bits(h) }));
    const next = rng(3);
    const f32 = new Float32Array(1);
    for (let i = 0; i < 200_000; i++) {
      // Magnitudes from 2^-30 to 2^16 so subnormals, normals and the top of the range are all hit.
      f32[0] = (next() < 0.5 ? -1 : 1) * 2 ** (next() * 46 - 30);
      const v = f32[0]!;
      const got = toFloat16Bits(v);
      if (Math.abs(v) >= 65520) {
        assert.equal(got, v > 0 ? 0x7c00 : 0xfc00, `overflow ${v}`);
        continue;
      }
      const want = nearestHalfBits(Math.abs(v), positive) | (v < 0 ? 0x8000 : 0);
      assert.equal(got, want, `value ${v}: got 0x${got.toString(16)}, want 0x${want.toString(16)}`);
    }
  });

  it('breaks exact ties toward the even pattern', () => {
    // 1 + 2^-11 lies halfway between 1 (0x3c00, even) and 1 + 2^-10 (0x3c01): goes down.
    assert.equal(toFloat16Bits(1 + 2 ** -11), 0x3c00);
    // 1 + 3 * 2^-11 lies halfway between 0x3c01 (odd) and 0x3c02 (even): goes up.
    assert.equal(toFloat16Bits(1 + 3 * 2 ** -11), 0x3c02);
    // Halfway between 0 and the smallest subnormal: to 0; just above: to 2^-24.
    assert.equal(toFloat16Bits(2 ** -25), 0x0000);
    assert.equal(toFloat16Bits(2 ** -25 * (1 + 2 ** -20)), 0x0001);
    // 65520 is halfway between 65504 and 65536 (not representable): ties to even = Inf.
    assert.equal(toFloat16Bits(65519), 0x7bff);
    assert.equal(toFloat16Bits(65520), 0x7c00);
  });

  it('keeps NaN, +Inf and -Inf through encode/decode', () => {
    const v = Float32Array.from([NaN, Infinity, -Infinity, -0, 0.5, 1e-7]);
    const back = decodeFloat16(encodeFloat16(v));
    assert.ok(Number.isNaN(back[0]));
    assert.equal(back[1], Infinity);
    assert.equal(back[2], -Infinity);
    assert.ok(Object.is(back[3], -0));
    assert.equal(back[4], 0.5);
    assert.ok(Math.abs(back[5]! - 1e-7) <= 2 ** -25);
  });

  it('keeps a NaN with payload only in the low float32 bits a NaN', () => {
    const u = new Uint32Array([0x7f800001]);
    const v = new Float32Array(u.buffer);
    assert.ok(Number.isNaN(v[0]));
    assert.ok(Number.isNaN(fromFloat16Bits(toFloat16Bits(v[0]!))));
  });
});
