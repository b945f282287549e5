// The data colour maps of Gatescope, shared by the notebook renderer and the PNG preview. Data
// colours are fixed across themes so that outputs compare side by side. Each gate says its scale
// (src/core/cells/gate-sets.ts):
//   sequential gates (GRU r, z; LSTM i, f, o): viridis, or cividis where the user chose it
//     (setting gatescope.colorMap), e.g. over [0, 1]
//   diverging gates (n, g, c, h): DIVERGING_LUT (RdBu, blue < 0 < red), e.g. over [-1, 1], centred at 0
import type { ColourScale, GateRange } from '../cells/gate-sets';
import { CIVIDIS, RDBU_CLASSES, VIRIDIS } from './published';
import { buildLut, lutFromTable, LUT_ENTRIES } from './lut';

export type Rgba = readonly [number, number, number, number];

/** The sequential maps a user can choose (setting gatescope.colorMap); viridis is the default. */
export const SEQUENTIAL_MAPS = ['viridis', 'cividis'] as const;
export type SequentialMap = (typeof SEQUENTIAL_MAPS)[number];

/** 256 RGBA entries of viridis, exactly as published. */
export const VIRIDIS_LUT: Uint8ClampedArray = lutFromTable(VIRIDIS);

/** 256 RGBA entries of cividis, exactly as published. */
export const CIVIDIS_LUT: Uint8ClampedArray = lutFromTable(CIVIDIS);

/** 256 RGBA entries for gates in [0, 1] (r, z) by default: viridis. */
export const SEQUENTIAL_LUT: Uint8ClampedArray = VIRIDIS_LUT;

/**
 * 256 RGBA entries for values in [-1, 1] (n, h): the 11 RdBu classes, interpolated in OKLab between
 * them (entries 0, 25.5, ..., 255 are the classes); entries 127 and 128 straddle 0.
 */
export const DIVERGING_LUT: Uint8ClampedArray = buildLut(RDBU_CLASSES);

/** The table of a sequential map. */
export function sequentialLut(map: SequentialMap): Uint8ClampedArray {
  return map === 'cividis' ? CIVIDIS_LUT : VIRIDIS_LUT;
}

/** The name a legend shows for a scale. */
export function mapName(scale: ColourScale, sequential: SequentialMap = 'viridis'): string {
  return scale === 'sequential' ? sequential : 'RdBu';
}

/** A gate's colour scale: its map and the value range the map spans (values outside clamp). */
export interface GateColourScale {
  readonly lut: Uint8ClampedArray;
  readonly min: number;
  readonly max: number;
  /** True when the range came from the data (legend says so). */
  readonly fromData: boolean;
}

/**
 * The colour scale of a gate (sequential gates on `sequential`, viridis unless the user chose another). Fixed ranges are used as given; "symmetric" spans [-m, m] and "data"
 * [lo, hi] of `data` (the finite values' extremes), widened to a unit-free epsilon when degenerate.
 */
export function gateColourScale(gate: { range: GateRange; scale: ColourScale }, data?: { lo: number; hi: number }, sequential: SequentialMap = 'viridis'): GateColourScale {
  const lut = gate.scale === 'sequential' ? sequentialLut(sequential) : DIVERGING_LUT;
  if (Array.isArray(gate.range)) return { lut, min: gate.range[0]!, max: gate.range[1]!, fromData: false };
  let lo = data && Number.isFinite(data.lo) ? data.lo : -1;
  let hi = data && Number.isFinite(data.hi) ? data.hi : 1;
  if (gate.range === 'symmetric') {
    const m = Math.max(Math.abs(lo), Math.abs(hi)) || 1;
    lo = -m;
    hi = m;
  } else if (!(hi > lo)) {
    const m = Math.abs(lo) || 1;
    lo -= m * 1e-6;
    hi += m * 1e-6;
  }
  return { lut, min: lo, max: hi, fromData: true };
}

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
 * Masked cells under cividis, whose middle is itself a neutral grey (about #7c7b78, 7 units from
 * SPECIAL_RGBA.masked): a green no map here uses (at least 130 from every entry of viridis, cividis
 * and RdBu), far from the other special colours.
 */
export const CIVIDIS_MASKED: Rgba = [0, 144, 0, 255];

/** The special colours to draw beside a sequential map. */
export function specialColours(map: SequentialMap): typeof SPECIAL_RGBA {
  return map === 'cividis' ? { ...SPECIAL_RGBA, masked: CIVIDIS_MASKED } : SPECIAL_RGBA;
}

/**
 * LUT entry (0..255) for `value` on a scale from `min` to `max`, clamped at both ends (±Inf clamp
 * too). NaN gives 0: callers test for non-finite values first and use SPECIAL_RGBA.
 */
export function lutIndex(value: number, min: number, max: number): number {
  const i = Math.round(((value - min) / (max - min)) * (LUT_ENTRIES - 1));
  return i > 255 ? 255 : i >= 0 ? i : 0;
}
