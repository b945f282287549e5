// What zoom, pan and the keyboard cursor do to a view state, without the DOM: the input code
// (src/renderer/input.ts) turns events into these calls, then redraws. Ranges are in cells along each
// axis (steps; display rows), fractional while zooming, and always end up clamped to the data.
import { clampRange, panRange, revealCell, zoomRange, type Range } from './range';
import type { ViewState } from './view-state';

/** The size of what a view shows: all steps of the trace, and the units of the shown layer. */
export interface ViewDims {
  steps: number;
  units: number;
}

export type Axis = 'steps' | 'units';

/** The visible range along `axis`, the whole axis when none is set (and then stored). */
export function rangeOf(s: ViewState, d: ViewDims, axis: Axis): Range {
  return (s[axis] ??= { start: 0, end: d[axis] });
}

/** Clamps both ranges into the data (after any change, so saved states stay valid). */
export function clampView(s: ViewState, d: ViewDims): void {
  s.steps = clampRange(rangeOf(s, d, 'steps'), d.steps);
  s.units = clampRange(rangeOf(s, d, 'units'), d.units);
}

/** Shows every step and unit. */
export function resetView(s: ViewState, d: ViewDims): void {
  s.steps = { start: 0, end: d.steps };
  s.units = { start: 0, end: d.units };
}

/** Moves the view along `axis` by `px` of an axis `lengthPx` pixels long (positive: towards later cells). */
export function panView(s: ViewState, d: ViewDims, axis: Axis, px: number, lengthPx: number): void {
  const r = rangeOf(s, d, axis);
  s[axis] = panRange(r, (px * (r.end - r.start)) / lengthPx, d[axis]);
}

/** Zooms `axis` by `factor` (< 1 zooms in) about the point a fraction `at` (0..1) along the visible range. */
export function zoomViewAt(s: ViewState, d: ViewDims, axis: Axis, factor: number, at: number): void {
  const r = rangeOf(s, d, axis);
  s[axis] = zoomRange(r, factor, r.start + at * (r.end - r.start), d[axis]);
}

/** Zooms `axis` by `factor` about the cursor cell's centre, or the middle of the view without a cursor. */
export function zoomViewAtCursor(s: ViewState, d: ViewDims, axis: Axis, factor: number): void {
  const r = rangeOf(s, d, axis);
  const c = s.cursor;
  const at = c ? (axis === 'units' ? c.row : c.step) + 0.5 : (r.start + r.end) / 2;
  s[axis] = zoomRange(r, factor, at, d[axis]);
}

/** The keyboard cursor, placed on the first visible cell when there is none. */
export function cursorOf(s: ViewState, d: ViewDims): { step: number; row: number } {
  return (s.cursor ??= { step: Math.floor(rangeOf(s, d, 'steps').start), row: Math.floor(rangeOf(s, d, 'units').start) });
}

/** Keys that move the cursor; `far` (Shift held) moves arrows 10 cells. */
export const CURSOR_KEYS: readonly string[] = ['ArrowLeft', 'ArrowRight', 'ArrowUp', 'ArrowDown', 'Home', 'End'];

/**
 * Moves the cursor for one of CURSOR_KEYS (left/right: steps; up/down: rows; Home/End: first and
 * last step), then scrolls the view just enough to show its cell. False for any other key.
 */
export function moveCursor(s: ViewState, d: ViewDims, key: string, far: boolean): boolean {
  const c = cursorOf(s, d);
  const big = far ? 10 : 1;
  switch (key) {
    case 'ArrowLeft':
      c.step = Math.max(0, c.step - big);
      break;
    case 'ArrowRight':
      c.step = Math.min(d.steps - 1, c.step + big);
      break;
    case 'ArrowUp':
      c.row = Math.max(0, c.row - big);
      break;
    case 'ArrowDown':
      c.row = Math.min(d.units - 1, c.row + big);
      break;
    case 'Home':
      c.step = 0;
      break;
    case 'End':
      c.step = d.steps - 1;
      break;
    default:
      return false;
  }
  s.steps = revealCell(rangeOf(s, d, 'steps'), c.step, d.steps);
  s.units = revealCell(rangeOf(s, d, 'units'), c.row, d.units);
  return true;
}
