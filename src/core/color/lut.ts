// Builds 256-entry RGBA lookup tables from equally spaced anchors. Entry i shows t = i / 255 of the
// map's domain, so entry 0 is exactly the first anchor and entry 255 exactly the last.
import { hexToRgb, oklabToSrgb, srgbToOklab } from './oklab';

export const LUT_ENTRIES = 256;

/** 256 RGBA entries (1024 bytes) interpolated piecewise-linearly in OKLab between `anchors`. */
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
