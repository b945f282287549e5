import * as assert from 'node:assert/strict';
import { DIVERGING_LUT, lutIndex, SEQUENTIAL_LUT, SPECIAL_RGBA } from '../../../../src/core/color/maps';
import { hexToRgb, oklabToSrgb, srgbToOklab } from '../../../../src/core/color/oklab';
import { RDBU_ANCHORS, VIRIDIS_ANCHORS } from '../../../../src/core/color/anchors';

const entry = (lut: Uint8ClampedArray, i: number) => Array.from(lut.subarray(i * 4, i * 4 + 4));
const dist = (a: readonly number[], b: readonly number[]) => Math.hypot(a[0]! - b[0]!, a[1]! - b[1]!, a[2]! - b[2]!);

describe('colour maps', () => {
  it('have 256 opaque RGBA entries each', () => {
    for (const lut of [SEQUENTIAL_LUT, DIVERGING_LUT]) {
      assert.equal(lut.length, 1024);
      for (let i = 0; i < 256; i++) assert.equal(lut[i * 4 + 3], 255);
    }
  });

  it('start and end exactly at the published anchors', () => {
    assert.deepEqual(entry(SEQUENTIAL_LUT, 0), [...hexToRgb(VIRIDIS_ANCHORS[0]!), 255]);
    assert.deepEqual(entry(SEQUENTIAL_LUT, 255), [...hexToRgb(VIRIDIS_ANCHORS[10]!), 255]);
    assert.deepEqual(entry(DIVERGING_LUT, 0), [...hexToRgb(RDBU_ANCHORS[0]!), 255]);
    assert.deepEqual(entry(DIVERGING_LUT, 255), [...hexToRgb(RDBU_ANCHORS[10]!), 255]);
  });

  it('pass close to every interior anchor (viridis at t = k/10)', () => {
    for (let k = 1; k < 10; k++) {
      const i = Math.round((k / 10) * 255);
      assert.ok(dist(entry(SEQUENTIAL_LUT, i), hexToRgb(VIRIDIS_ANCHORS[k]!)) < 6, `viridis anchor ${k}`);
    }
  });

  it('viridis lightness rises monotonically (sequential)', () => {
    let prev = -1;
    for (let i = 0; i < 256; i++) {
      const L = srgbToOklab([SEQUENTIAL_LUT[i * 4]!, SEQUENTIAL_LUT[i * 4 + 1]!, SEQUENTIAL_LUT[i * 4 + 2]!])[0];
      assert.ok(L > prev - 1e-3, `entry ${i}`);
      prev = L;
    }
  });

  it('diverging map is lightest at its centre, blue below and red above', () => {
    const centre = entry(DIVERGING_LUT, lutIndex(0, -1, 1));
    assert.ok(dist(centre, [247, 247, 247]) < 6, `centre ${centre}`);
    const lo = entry(DIVERGING_LUT, lutIndex(-0.8, -1, 1));
    const hi = entry(DIVERGING_LUT, lutIndex(0.8, -1, 1));
    assert.ok(lo[2]! > lo[0]!, 'negative side is blue');
    assert.ok(hi[0]! > hi[2]!, 'positive side is red');
  });

  it('OKLab round trip is exact on 8-bit colours', () => {
    for (const hex of [...VIRIDIS_ANCHORS, ...RDBU_ANCHORS]) {
      assert.deepEqual(oklabToSrgb(srgbToOklab(hexToRgb(hex))), hexToRgb(hex));
    }
  });

  it('special colours differ from every map colour and from each other', () => {
    const specials = Object.entries(SPECIAL_RGBA);
    for (const [name, c] of specials) {
      for (const lut of [SEQUENTIAL_LUT, DIVERGING_LUT]) {
        for (let i = 0; i < 256; i++) assert.ok(dist(c, entry(lut, i)) > 60, `${name} vs entry ${i}`);
      }
      for (const [other, d] of specials) if (other !== name) assert.ok(dist(c, d) > 100, `${name} vs ${other}`);
    }
  });
});

describe('lutIndex', () => {
  it('maps the ends of the scale to 0 and 255 and clamps beyond them', () => {
    assert.equal(lutIndex(0, 0, 1), 0);
    assert.equal(lutIndex(1, 0, 1), 255);
    assert.equal(lutIndex(-3, 0, 1), 0);
    assert.equal(lutIndex(7, -1, 1), 255);
    assert.equal(lutIndex(Infinity, 0, 1), 255);
    assert.equal(lutIndex(-Infinity, 0, 1), 0);
  });
  it('rounds to the nearest entry', () => {
    assert.equal(lutIndex(0.5, 0, 1), 128);
    assert.equal(lutIndex(0.25, 0, 1), 64);
    assert.equal(lutIndex(-0.5, -1, 1), 64);
  });
  it('gives 0 for NaN (callers draw NaN with SPECIAL_RGBA.nan)', () => {
    assert.equal(lutIndex(NaN, 0, 1), 0);
  });
});
