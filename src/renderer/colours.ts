// Packs the data colour maps into 32-bit pixels for rasterizeGate (native byte order, the same as
// a Uint32Array view over ImageData), once per page.
import { DIVERGING_LUT, SEQUENTIAL_LUT, SPECIAL_RGBA, type Rgba } from '../core/color/maps';
import type { GateName } from '../core/trace/document';
import type { RasterColours } from '../core/view/raster';

function pack(rgba: Rgba): number {
  return new Uint32Array(new Uint8ClampedArray(rgba).buffer)[0]!;
}

function packLut(lut: Uint8ClampedArray, reversed: boolean): Uint32Array {
  const u = new Uint32Array(lut.slice().buffer);
  return reversed ? u.slice().reverse() : u;
}

function colours(lut: Uint32Array, lo: number, hi: number): RasterColours {
  return { lut, lo, hi, nan: pack(SPECIAL_RGBA.nan), posInf: pack(SPECIAL_RGBA.posInf), negInf: pack(SPECIAL_RGBA.negInf), masked: pack(SPECIAL_RGBA.masked) };
}

const SEQ = colours(packLut(SEQUENTIAL_LUT, false), 0, 1);
/** z shown as 1 − z: the same scale read backwards (mean(1 − z) = 1 − mean(z)). */
const SEQ_FLIPPED = colours(packLut(SEQUENTIAL_LUT, true), 0, 1);
const DIV = colours(packLut(DIVERGING_LUT, false), -1, 1);

export function gateColours(g: GateName, zFlipped: boolean): RasterColours {
  if (g === 'r') return SEQ;
  if (g === 'z') return zFlipped ? SEQ_FLIPPED : SEQ;
  return DIV;
}
