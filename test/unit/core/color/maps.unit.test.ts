import * as assert from 'node:assert/strict';
import { CIVIDIS_LUT, DIVERGING_LUT, gateColourScale, lutIndex, mapName, SEQUENTIAL_LUT, specialColours, SPECIAL_RGBA, VIRIDIS_LUT } from '../../../../src/core/color/maps';
import { hexToRgb, oklabToSrgb, srgbToOklab } from '../../../../src/core/color/oklab';
import { CIVIDIS, RDBU_CLASSES, VIRIDIS } from '../../../../src/core/color/published';

const entry = (lut: Uint8ClampedArray, i: number) => Array.from(lut.subarray(i * 4, i * 4 + 4));
const rgbOf = (lut: Uint8ClampedArray, i: number) => Array.from(lut.subarray(i * 4, i * 4 + 3));
const dist = (a: readonly number[], b: readonly number[]) => Math.hypot(a[0]! - b[0]!, a[1]! - b[1]!, a[2]! - b[2]!);
const lightness = (lut: Uint8ClampedArray, i: number) => srgbToOklab([lut[i * 4]!, lut[i * 4 + 1]!, lut[i * 4 + 2]!])[0];

describe('colour maps', () => {
  it('have 256 opaque RGBA entries each', () => {
    for (const lut of [VIRIDIS_LUT, CIVIDIS_LUT, DIVERGING_LUT]) {
      assert.equal(lut.length, 1024);
      for (let i = 0; i < 256; i++) assert.equal(lut[i * 4 + 3], 255);
    }
  });

  it('viridis is matplotlib\'s 256-entry table: ends #440154 and #fde725, middle #21918c', () => {
    assert.equal(VIRIDIS.length, 256);
    assert.deepEqual(rgbOf(VIRIDIS_LUT, 0), [0x44, 0x01, 0x54]);
    assert.deepEqual(rgbOf(VIRIDIS_LUT, 128), [0x21, 0x91, 0x8c]);
    assert.deepEqual(rgbOf(VIRIDIS_LUT, 255), [0xfd, 0xe7, 0x25]);
  });

  it('viridis agrees with d3-scale-chromatic\'s published samples at t = 0, 0.1, ..., 0.9 (entry floor(256 t))', () => {
    const d3 = ['#440154', '#482475', '#414487', '#355f8d', '#2a788e', '#21918c', '#22a884', '#44bf70', '#7ad151', '#bddf26'];
    d3.forEach((hex, k) => assert.deepEqual(rgbOf(VIRIDIS_LUT, Math.floor((k / 10) * 256)), hexToRgb(hex), `t = ${k / 10}`));
  });

  it('cividis is matplotlib\'s 256-entry table: ends #00224e and #fee838', () => {
    assert.equal(CIVIDIS.length, 256);
    assert.deepEqual(rgbOf(CIVIDIS_LUT, 0), [0x00, 0x22, 0x4e]);
    assert.deepEqual(rgbOf(CIVIDIS_LUT, 255), [0xfe, 0xe8, 0x38]);
  });

  it('viridis and cividis rise monotonically in lightness (up to 8-bit rounding between neighbours)', () => {
    // Both are designed monotone in CAM02-UCS lightness; rounding to 8-bit sRGB lets a neighbour dip
    // by at most 5e-4 in OKLab L (viridis entries 95 and 146, cividis 25 and 42), never 4 entries apart.
    for (const [name, lut] of [['viridis', VIRIDIS_LUT], ['cividis', CIVIDIS_LUT]] as const) {
      for (let i = 1; i < 256; i++) assert.ok(lightness(lut, i) > lightness(lut, i - 1) - 5e-4, `${name} entry ${i}`);
      for (let i = 4; i < 256; i++) assert.ok(lightness(lut, i) > lightness(lut, i - 4), `${name} entries ${i - 4}..${i}`);
    }
  });

  it('RdBu holds the 11 published ColorBrewer classes, blue below zero', () => {
    assert.deepEqual(RDBU_CLASSES, ['#053061', '#2166ac', '#4393c3', '#92c5de', '#d1e5f0', '#f7f7f7', '#fddbc7', '#f4a582', '#d6604d', '#b2182b', '#67001f']);
    // Class k sits at t = k / 10: exactly on entry 25.5 k for even k, between two entries for odd k.
    RDBU_CLASSES.forEach((hex, k) => {
      if (k % 2 === 0) assert.deepEqual(rgbOf(DIVERGING_LUT, k * 25.5), hexToRgb(hex), `class ${k}`);
      else assert.ok(dist(rgbOf(DIVERGING_LUT, Math.floor(k * 25.5)), hexToRgb(hex)) < 8 && dist(rgbOf(DIVERGING_LUT, Math.ceil(k * 25.5)), hexToRgb(hex)) < 8, `class ${k}`);
    });
  });

  it('diverging map is lightest at its centre, blue below and red above', () => {
    const centre = entry(DIVERGING_LUT, lutIndex(0, -1, 1));
    assert.ok(dist(centre, [247, 247, 247]) < 6, `centre ${centre}`);
    const lo = entry(DIVERGING_LUT, lutIndex(-0.8, -1, 1));
    const hi = entry(DIVERGING_LUT, lutIndex(0.8, -1, 1));
    assert.ok(lo[2]! > lo[0]!, 'negative side is blue');
    assert.ok(hi[0]! > hi[2]!, 'positive side is red');
  });

  it('a gate\'s scale uses the chosen sequential map; diverging gates keep RdBu', () => {
    assert.equal(gateColourScale({ range: [0, 1], scale: 'sequential' }).lut, VIRIDIS_LUT);
    assert.equal(gateColourScale({ range: [0, 1], scale: 'sequential' }, undefined, 'cividis').lut, CIVIDIS_LUT);
    assert.equal(gateColourScale({ range: [-1, 1], scale: 'diverging' }, undefined, 'cividis').lut, DIVERGING_LUT);
    assert.equal(SEQUENTIAL_LUT, VIRIDIS_LUT);
    assert.equal(mapName('sequential', 'cividis'), 'cividis');
    assert.equal(mapName('diverging', 'cividis'), 'RdBu');
  });

  it('OKLab round trip is exact on 8-bit colours', () => {
    for (const hex of [...VIRIDIS, ...RDBU_CLASSES]) {
      assert.deepEqual(oklabToSrgb(srgbToOklab(hexToRgb(hex))), hexToRgb(hex));
    }
  });

  it('special colours differ from every colour of the maps drawn beside them and from each other', () => {
    for (const map of ['viridis', 'cividis'] as const) {
      const specials = Object.entries(specialColours(map));
      for (const [name, c] of specials) {
        for (const lut of [map === 'cividis' ? CIVIDIS_LUT : VIRIDIS_LUT, DIVERGING_LUT]) {
          for (let i = 0; i < 256; i++) assert.ok(dist(c, entry(lut, i)) > 60, `${map}: ${name} vs entry ${i}`);
        }
        for (const [other, d] of specials) if (other !== name) assert.ok(dist(c, d) > 100, `${map}: ${name} vs ${other}`);
      }
    }
    assert.deepEqual(specialColours('viridis'), SPECIAL_RGBA);
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
