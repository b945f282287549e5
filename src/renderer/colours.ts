// Packs the data colour maps into 32-bit pixels for rasterizeGate (native byte order, the same as
// a Uint32Array view over ImageData), once per page.
import { GATE_SCALE, SPECIAL_RGBA, type Rgba } from '../core/color/maps';
import { GATE_NAMES, type GateName } from '../core/trace/document';
import type { RasterColours } from '../core/view/raster';

function pack(rgba: Rgba): number {
  return new Uint32Array(new Uint8ClampedArray(rgba).buffer)[0]!;
}

function packLut(lut: Uint8ClampedArray, reversed: boolean): Uint32Array {
  const u = new Uint32Array(lut.slice().buffer);
  return reversed ? u.slice().reverse() : u;
}

function colours(g: GateName, reversed: boolean): RasterColours {
  const { lut, min, max } = GATE_SCALE[g];
  return { lut: packLut(lut, reversed), lo: min, hi: max, nan: pack(SPECIAL_RGBA.nan), posInf: pack(SPECIAL_RGBA.posInf), negInf: pack(SPECIAL_RGBA.negInf), masked: pack(SPECIAL_RGBA.masked) };
}

const BY_GATE = Object.fromEntries(GATE_NAMES.map((g) => [g, colours(g, false)])) as Record<GateName, RasterColours>;
/** z shown as 1 − z: the same scale read backwards (mean(1 − z) = 1 − mean(z)). */
const Z_FLIPPED = colours('z', true);

export function gateColours(g: GateName, zFlipped: boolean): RasterColours {
  return g === 'z' && zFlipped ? Z_FLIPPED : BY_GATE[g];
}
