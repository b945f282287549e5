// A visible range along one axis (steps or display-ordered units), in cell units: [start, end),
// fractional while zooming. Pure zoom and pan math, clamped to [0, total].

export interface Range {
  start: number;
  end: number;
}

/** Smallest span a zoom may reach, in cells. */
export const MIN_SPAN = 4;

/** Clamps `r` into [0, total] keeping its span when possible; spans are at least min(MIN_SPAN, total). */
export function clampRange(r: Range, total: number): Range {
  let span = Math.min(total, Math.max(Math.min(MIN_SPAN, total), r.end - r.start));
  let start = Math.max(0, Math.min(r.start, total - span));
  if (!Number.isFinite(start)) start = 0;
  if (!Number.isFinite(span)) span = total;
  return { start, end: start + span };
}

/** Zooms by `factor` (< 1 zooms in) about the point `at` (a cell coordinate), then clamps. */
export function zoomRange(r: Range, factor: number, at: number, total: number): Range {
  const start = at - (at - r.start) * factor;
  const end = at + (r.end - at) * factor;
  return clampRange({ start, end }, total);
}

/** Moves the range by `delta` cells, then clamps. */
export function panRange(r: Range, delta: number, total: number): Range {
  return clampRange({ start: r.start + delta, end: r.end + delta }, total);
}

/** Cell index under a pixel offset `px` of a `length`-pixel axis showing `r`. */
export function cellAt(r: Range, px: number, length: number, total: number): number {
  const c = Math.floor(r.start + (px / length) * (r.end - r.start));
  return c < 0 ? 0 : c >= total ? total - 1 : c;
}

/** Smallest range containing `r` that shows cell `c` fully (for a keyboard cursor). */
export function revealCell(r: Range, c: number, total: number): Range {
  if (c < r.start) return clampRange({ start: c, end: c + (r.end - r.start) }, total);
  if (c + 1 > r.end) return clampRange({ start: c + 1 - (r.end - r.start), end: c + 1 }, total);
  return r;
}
