// Where a heatmap drawn for one view lands when the view moves: the part of the old picture that the
// new ranges still show, as a source rectangle of the old canvas and a destination rectangle of the
// new one (canvas pixels, fractional). A zoom or pan answers within its frame by drawing the last
// exact picture so (src/renderer/panel-snapshots.ts) when an exact redraw would take longer.
import type { Range } from './range';

/** The ranges a picture shows: steps along x, display rows along y, on a canvas of w x h pixels. */
export interface Shown {
  steps: Range;
  units: Range;
}

/** drawImage's nine-argument rectangles. */
export interface Blit {
  sx: number;
  sy: number;
  sw: number;
  sh: number;
  dx: number;
  dy: number;
  dw: number;
  dh: number;
}

/** One axis: [source offset, source length, destination offset, destination length] in pixels, or undefined without overlap. */
function axis(from: Range, to: Range, px: number): [number, number, number, number] | undefined {
  const o0 = Math.max(from.start, to.start);
  const o1 = Math.min(from.end, to.end);
  const fromSpan = from.end - from.start;
  const toSpan = to.end - to.start;
  if (!(o1 > o0) || !(fromSpan > 0) || !(toSpan > 0)) return undefined;
  return [((o0 - from.start) / fromSpan) * px, ((o1 - o0) / fromSpan) * px, ((o0 - to.start) / toSpan) * px, ((o1 - o0) / toSpan) * px];
}

/**
 * The rectangles that move a w x h picture of `from` onto a w x h canvas showing `to`; undefined
 * when the two share no cell (the picture has nothing to give).
 */
export function rescaleBlit(from: Shown, to: Shown, w: number, h: number): Blit | undefined {
  const x = axis(from.steps, to.steps, w);
  const y = axis(from.units, to.units, h);
  if (!x || !y) return undefined;
  return { sx: x[0], sw: x[1], dx: x[2], dw: x[3], sy: y[0], sh: y[1], dy: y[2], dh: y[3] };
}

/** True when `a` shows all of `b` (a picture of `a` can stand in for every pixel of `b`). */
export function covers(a: Shown, b: Shown): boolean {
  return a.steps.start <= b.steps.start && a.steps.end >= b.steps.end && a.units.start <= b.units.start && a.units.end >= b.units.end;
}
