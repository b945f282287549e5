// The data colour maps of Gatescope, shared by the notebook renderer and the PNG preview. Data
// colours are fixed across themes so that outputs compare side by side.
//   r, z: SEQUENTIAL_LUT (viridis) over [0, 1]
//   n, h: DIVERGING_LUT (RdBu, blue < 0 < red) over [-1, 1], centred at 0
import { RDBU_ANCHORS, VIRIDIS_ANCHORS } from './anchors';
import type { GateName } from '../trace/document';
import { buildLut, LUT_ENTRIES } from './lut';

export type Rgba = readonly [number, number, number, number];

/** 256 RGBA entries for gates in [0, 1] (r, z). */
export const SEQUENTIAL_LUT: Uint8ClampedArray = buildLut(VIRIDIS_ANCHORS);

/** 256 RGBA entries for values in [-1, 1] (n, h); entries 127 and 128 straddle 0. */
export const DIVERGING_LUT: Uint8ClampedArray = buildLut(RDBU_ANCHORS);

/** The colour scale of each gate: its map and the value range the map spans (values outside clamp). */
export const GATE_SCALE: Readonly<Record<GateName, { readonly lut: Uint8ClampedArray; readonly min: number; readonly max: number }>> = {
  r: { lut: SEQUENTIAL_LUT, min: 0, max: 1 },
  z: { lut: SEQUENTIAL_LUT, min: 0, max: 1 },
  n: { lut: DIVERGING_LUT, min: -1, max: 1 },
  h: { lut: DIVERGING_LUT, min: -1, max: 1 },
};

/**
 * Colours for values that are not on the scale. Chosen away from both maps (viridis: purple to
 * yellow; RdBu: blue, near-white, red) and from each other; the tooltip names them as well.
 */
export const SPECIAL_RGBA: { readonly nan: Rgba; readonly posInf: Rgba; readonly negInf: Rgba; readonly masked: Rgba } = {
  nan: [255, 0, 255, 255],
  posInf: [0, 0, 0, 255],
  negInf: [0, 255, 255, 255],
  masked: [128, 128, 128, 255],
};

/**
 * LUT entry (0..255) for `value` on a scale from `min` to `max`, clamped at both ends (±Inf clamp
 * too). NaN gives 0: callers test for non-finite values first and use SPECIAL_RGBA.
 */
export function lutIndex(value: number, min: number, max: number): number {
  const i = Math.round(((value - min) / (max - min)) * (LUT_ENTRIES - 1));
  return i > 255 ? 255 : i >= 0 ? i : 0;
}
