// One pane of the comparison view as RGBA pixels: a gate's [T, U] values of one batch item (or
// their difference a − b) sampled at pane resolution, units down, steps across, over the visible
// step range [start, end) and unit range [unitStart, unitEnd) (fractional while zooming). Each
// pixel shows the cell under its centre (the view is for finding where runs part, so a single
// differing cell must stay visible only at enough zoom; the first divergent step is marked
// separately). The values may be a coarser time level (`bucket` steps per stored row, the means of
// a sidecar trace's inline overview): step t then reads row floor(t / bucket). Pure: the renderer
// copies the pixels into an ImageData.

import type { GateColourScale, SPECIAL_RGBA } from '../color/maps';
import { gateRgba } from '../preview/render-png';

export interface PaneJob {
  /** [B, ceil(T / bucket), U] values. */
  values: ArrayLike<number>;
  /** Run b's values, laid out as `values`: the pane shows values − other (Δ). */
  other?: ArrayLike<number>;
  steps: number;
  units: number;
  batch: number;
  /** Steps per stored row (1: level 0; 2^k: pyramid level k). Default 1. */
  bucket?: number;
  /** Valid steps of the batch item; later steps are drawn as masked. */
  validSteps: number;
  /** NaN, ±Inf and masked colours (specialColours of the map in use); default SPECIAL_RGBA. */
  specials?: typeof SPECIAL_RGBA;
  /** Steps [start, end) shown across the pane; fractional while zooming. */
  start: number;
  end: number;
  /** Units [unitStart, unitEnd) shown down the pane; default all. */
  unitStart?: number;
  unitEnd?: number;
  width: number;
  height: number;
  scale: GateColourScale;
}

type Geometry = Pick<PaneJob, 'start' | 'end' | 'unitStart' | 'unitEnd' | 'width' | 'height' | 'units' | 'steps'>;

function clampIndex(i: number, n: number): number {
  return i < 0 ? 0 : i >= n ? n - 1 : i;
}

/** Step under a pane x offset (pixels, 0 ≤ x ≤ width). */
function stepAt(g: Geometry, x: number): number {
  const end = Math.min(g.end, g.steps);
  return clampIndex(Math.floor(g.start + (x * (g.end - g.start)) / g.width), Math.max(1, Math.ceil(end)));
}

/** Unit under a pane y offset (pixels). */
function unitAt(g: Geometry, y: number): number {
  const u0 = g.unitStart ?? 0;
  const u1 = g.unitEnd ?? g.units;
  return clampIndex(Math.floor(u0 + (y * (u1 - u0)) / g.height), g.units);
}

/** RGBA bytes [height, width, 4]. */
export function paneRgba(job: PaneJob, out = new Uint8Array(job.width * job.height * 4)): Uint8Array {
  const { values, other, steps: T, units: U, batch, validSteps, width, height, scale } = job;
  const bucket = job.bucket ?? 1;
  const base = batch * Math.ceil(T / bucket) * U;
  const rows = new Int32Array(height);
  for (let y = 0; y < height; y++) rows[y] = unitAt(job, y + 0.5);
  for (let x = 0; x < width; x++) {
    const t = stepAt(job, x + 0.5);
    const masked = t >= validSteps;
    const row = base + Math.floor(t / bucket) * U;
    for (let y = 0; y < height; y++) {
      const i = row + rows[y]!;
      const v = other ? values[i]! - other[i]! : values[i]!;
      gateRgba(scale, v, masked, out, (y * width + x) * 4, job.specials);
    }
  }
  return out;
}

/** The step under pane column x, and the unit under row y (the same sampling as paneRgba). */
export function paneCell(job: Geometry, x: number, y: number): { step: number; unit: number } {
  return { step: stepAt(job, x), unit: unitAt(job, y) };
}
