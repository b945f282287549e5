// Packs a gate's colour scale into 32-bit pixels for rasterizeGate (native byte order, the same as a
// Uint32Array view over ImageData). Scales come from each gate's range and scale (gate-sets.ts);
// ranges taken from the data ("symmetric", "data") use the gate's extremes over the whole run.
// Sequential gates use the colour map of the renderer's settings (gatescope.colorMap).
import { gateColourScale, mapName, specialColours, type GateColourScale, type Rgba } from '../core/color/maps';
import type { ColourScale } from '../core/cells/gate-sets';
import { rendererSettings } from './settings';
import type { DecodedGate } from '../core/trace/decoded';
import type { RasterColours } from '../core/view/raster';

function pack(rgba: Rgba): number {
  return new Uint32Array(new Uint8ClampedArray(rgba).buffer)[0]!;
}

function packLut(lut: Uint8ClampedArray, reversed: boolean): Uint32Array {
  const u = new Uint32Array(lut.slice().buffer);
  return reversed ? u.slice().reverse() : u;
}

/** Raster colours of a scale; `reversed` reads it backwards (z shown as 1 − z: mean(1 − z) = 1 − mean(z)). */
export function rasterColours(scale: GateColourScale, reversed: boolean): RasterColours {
  const SPECIAL_RGBA = specialColours(rendererSettings().colorMap);
  return {
    lut: packLut(scale.lut, reversed),
    lo: scale.min,
    hi: scale.max,
    nan: pack(SPECIAL_RGBA.nan),
    posInf: pack(SPECIAL_RGBA.posInf),
    negInf: pack(SPECIAL_RGBA.negInf),
    masked: pack(SPECIAL_RGBA.masked),
  };
}

/** The colour scale of a gate of a trace (data ranges from its extremes). */
export function scaleOf(gate: DecodedGate, extremes: { lo: number; hi: number }): GateColourScale {
  return gateColourScale(gate, extremes, rendererSettings().colorMap);
}

/** The name of the map a gate of this scale is drawn with ("viridis", "cividis", "RdBu"). */
export function mapNameOf(scale: ColourScale): string {
  return mapName(scale, rendererSettings().colorMap);
}
