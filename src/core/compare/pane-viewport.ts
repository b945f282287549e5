// The zoom and pan shared by the comparison view's panes (A, B and A − B show the same steps and
// units): one viewport, changed by wheel, drag and keys with the gestures of the main view (Ctrl+wheel
// zooms time, Ctrl+Shift+wheel units, a horizontal wheel or a drag pans, + − 0 and the arrows), and
// where a step lands across a pane (for the step axis, the first-divergent-step marker and the
// crosshair). Built on the main view's pure range maths (src/core/view/range.ts). Pure.

import { clampRange, panRange, zoomRange, type Range } from '../view/range';

export interface PaneViewport {
  /** Steps shown across every pane, [start, end) in steps (fractional while zooming). */
  steps: Range;
  /** Units shown down every pane, [start, end) in units. */
  units: Range;
}

export interface PaneTotals {
  steps: number;
  units: number;
}

/** One keyboard press zooms by this factor (as the main view's + and −). */
export const PANE_ZOOM_STEP = 1.5;

export function fullViewport(t: PaneTotals): PaneViewport {
  return { steps: { start: 0, end: t.steps }, units: { start: 0, end: t.units } };
}

/** `v` clamped into the totals (a saved viewport read back, or one from another trace). */
export function clampViewport(v: PaneViewport | undefined, t: PaneTotals): PaneViewport {
  if (!v || !isRange(v.steps) || !isRange(v.units)) return fullViewport(t);
  return { steps: clampRange(v.steps, t.steps), units: clampRange(v.units, t.units) };
}

function isRange(r: unknown): r is Range {
  return !!r && typeof r === 'object' && Number.isFinite((r as Range).start) && Number.isFinite((r as Range).end) && (r as Range).end > (r as Range).start;
}

/** The zoom factor of one wheel event (deltaY in pixels; < 1 zooms in), bounded as the main view bounds it. */
export function wheelFactor(deltaY: number): number {
  return Math.exp(Math.max(-1, Math.min(1, deltaY * 0.0025)));
}

/**
 * Zooms about the point under the pointer: (x, y) in pixels inside a pane of width × height. Time
 * by default, units with `unitsAxis`; the point under the pointer stays where it is.
 */
export function zoomAt(v: PaneViewport, factor: number, x: number, y: number, size: { width: number; height: number }, t: PaneTotals, unitsAxis = false): PaneViewport {
  if (unitsAxis) {
    const at = v.units.start + (y / size.height) * (v.units.end - v.units.start);
    return { steps: v.steps, units: zoomRange(v.units, factor, at, t.units) };
  }
  const at = v.steps.start + (x / size.width) * (v.steps.end - v.steps.start);
  return { steps: zoomRange(v.steps, factor, at, t.steps), units: v.units };
}

/** Moves the content with a drag of (dx, dy) pixels (dragging right shows earlier steps). */
export function dragBy(v: PaneViewport, dx: number, dy: number, size: { width: number; height: number }, t: PaneTotals): PaneViewport {
  return {
    steps: panRange(v.steps, (-dx * (v.steps.end - v.steps.start)) / size.width, t.steps),
    units: panRange(v.units, (-dy * (v.units.end - v.units.start)) / size.height, t.units),
  };
}

/**
 * The viewport after a key press, or undefined for a key the panes do not take. + and − zoom time
 * about the centre (Alt: units), 0 shows everything, ←/→ pan time and ↑/↓ units by a quarter of
 * what is shown, Home/End go to the first/last steps.
 */
export function viewportForKey(v: PaneViewport, key: string, alt: boolean, t: PaneTotals): PaneViewport | undefined {
  const mid = (r: Range) => (r.start + r.end) / 2;
  const quarter = (r: Range) => (r.end - r.start) / 4;
  switch (key) {
    case '+':
    case '=':
      return alt ? { steps: v.steps, units: zoomRange(v.units, 1 / PANE_ZOOM_STEP, mid(v.units), t.units) } : { steps: zoomRange(v.steps, 1 / PANE_ZOOM_STEP, mid(v.steps), t.steps), units: v.units };
    case '-':
    case '_':
      return alt ? { steps: v.steps, units: zoomRange(v.units, PANE_ZOOM_STEP, mid(v.units), t.units) } : { steps: zoomRange(v.steps, PANE_ZOOM_STEP, mid(v.steps), t.steps), units: v.units };
    case '0':
      return fullViewport(t);
    case 'ArrowLeft':
      return { steps: panRange(v.steps, -quarter(v.steps), t.steps), units: v.units };
    case 'ArrowRight':
      return { steps: panRange(v.steps, quarter(v.steps), t.steps), units: v.units };
    case 'ArrowUp':
      return { steps: v.steps, units: panRange(v.units, -quarter(v.units), t.units) };
    case 'ArrowDown':
      return { steps: v.steps, units: panRange(v.units, quarter(v.units), t.units) };
    case 'Home':
      return { steps: panRange(v.steps, -v.steps.start, t.steps), units: v.units };
    case 'End':
      return { steps: panRange(v.steps, t.steps - v.steps.end, t.steps), units: v.units };
    default:
      return undefined;
  }
}

/**
 * Where the centre of `step` lands across a pane showing `r`, as a fraction of its width, or
 * undefined when the step is out of view (a marker or crosshair is then hidden).
 */
export function stepFraction(r: Range, step: number): number | undefined {
  const f = (step + 0.5 - r.start) / (r.end - r.start);
  return f < 0 || f > 1 ? undefined : f;
}

/** Where the centre of `unit` lands down a pane showing `r`, as a fraction of its height, or undefined out of view. */
export function unitFraction(r: Range, unit: number): number | undefined {
  return stepFraction(r, unit);
}
