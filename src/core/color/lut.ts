// Builds 256-entry RGBA lookup tables. Entry i shows t = i / 255 of the map's domain.
import { hexToRgb, oklabToSrgb, srgbToOklab } from './oklab';

export const LUT_ENTRIES = 256;

/** 256 RGBA entries (1024 bytes) taken as they are from a published 256-entry table. */
export function lutFromTable(table: readonly string[]): Uint8ClampedArray {
  if (table.length !== LUT_ENTRIES) throw new Error(`lutFromTable: need ${LUT_ENTRIES} entries, got ${table.length}`);
  const lut = new Uint8ClampedArray(LUT_ENTRIES * 4);
  for (let i = 0; i < LUT_ENTRIES; i++) {
    const [r, g, b] = hexToRgb(table[i]!);
    lut.set([r, g, b, 255], i * 4);
  }
  return lut;
}

/**
 * 256 RGBA entries interpolated piecewise-linearly in OKLab between equally spaced `anchors` (a
 * map published as a few classes, such as ColorBrewer's): entry 0 is exactly the first anchor and
 * entry 255 exactly the last.
 */
export function buildLut(anchors: readonly string[]): Uint8ClampedArray {
  if (anchors.length < 2) throw new Error(`buildLut: need at least 2 anchors, got ${anchors.length}`);
  const labs = anchors.map((h) => srgbToOklab(hexToRgb(h)));
  const lut = new Uint8ClampedArray(LUT_ENTRIES * 4);
  const segments = anchors.length - 1;
  for (let i = 0; i < LUT_ENTRIES; i++) {
    const x = (i / (LUT_ENTRIES - 1)) * segments;
    const k = Math.min(segments - 1, Math.floor(x));
    const f = x - k;
    const a = labs[k]!;
    const b = labs[k + 1]!;
    const rgb = oklabToSrgb([a[0] + (b[0] - a[0]) * f, a[1] + (b[1] - a[1]) * f, a[2] + (b[2] - a[2]) * f]);
    lut[i * 4] = rgb[0];
    lut[i * 4 + 1] = rgb[1];
    lut[i * 4 + 2] = rgb[2];
    lut[i * 4 + 3] = 255;
  }
  return lut;
}
