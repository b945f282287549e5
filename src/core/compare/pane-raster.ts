// One pane of the comparison view as RGBA pixels: a gate's [T, U] values of one batch item (or
// their difference a − b) sampled at pane resolution, units down, steps across. Each pixel shows the
// cell under its centre (the view is for finding where runs part, so a single differing cell must
// stay visible only at enough zoom; the first divergent step is marked separately). Pure: the
// renderer copies the pixels into an ImageData.

import type { GateColourScale } from '../color/maps';
import { gateRgba } from '../preview/render-png';

export interface PaneJob {
  /** [B, T, U] values. */
  values: ArrayLike<number>;
  /** Run b's values: the pane shows values − other (Δ). */
  other?: ArrayLike<number>;
  steps: number;
  units: number;
  batch: number;
  /** Valid steps of the batch item; later steps are drawn as masked. */
  validSteps: number;
  /** Steps [start, end) shown across the pane. */
  start: number;
  end: number;
  width: number;
  height: number;
  scale: GateColourScale;
}

/** RGBA bytes [height, width, 4]. */
export function paneRgba(job: PaneJob, out = new Uint8Array(job.width * job.height * 4)): Uint8Array {
  const { values, other, steps: T, units: U, batch, validSteps, start, end, width, height, scale } = job;
  const base = batch * T * U;
  const span = end - start;
  for (let x = 0; x < width; x++) {
    const t = Math.min(end - 1, start + Math.floor(((x + 0.5) * span) / width));
    const masked = t >= validSteps;
    for (let y = 0; y < height; y++) {
      const u = Math.min(U - 1, Math.floor(((y + 0.5) * U) / height));
      const i = base + t * U + u;
      const v = other ? values[i]! - other[i]! : values[i]!;
      gateRgba(scale, v, masked, out, (y * width + x) * 4);
    }
  }
  return out;
}

/** The step under pane column x, and the unit under row y (the same sampling as paneRgba). */
export function paneCell(job: Pick<PaneJob, 'start' | 'end' | 'width' | 'height' | 'units'>, x: number, y: number): { step: number; unit: number } {
  const span = job.end - job.start;
  return {
    step: Math.min(job.end - 1, Math.max(job.start, job.start + Math.floor((x * span) / job.width))),
    unit: Math.min(job.units - 1, Math.max(0, Math.floor((y * job.units) / job.height))),
  };
}
