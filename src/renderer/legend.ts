// Colour legends: the data map as a gradient (fixed colours, drawn from the LUT), tick values, and
// swatches for the colours that are not on the scale.
import { specialColours } from '../core/color/maps';
import { rendererSettings } from './settings';
import { el } from './dom';

const WIDTH = 100;
const HEIGHT = 10;

export interface LegendSpec {
  lut: Uint8ClampedArray;
  lo: number;
  hi: number;
  ticks: number[];
}

function rgbaCss(c: readonly number[]): string {
  return `rgba(${c[0]}, ${c[1]}, ${c[2]}, ${c[3]! / 255})`;
}

export function buildLegend(spec: LegendSpec, caption: string): HTMLElement {
  const root = el('div', 'gs-legend');
  root.append(el('div', 'gs-muted', caption));
  const c = el('canvas', undefined, undefined, { width: String(WIDTH), height: String(HEIGHT), role: 'img', 'aria-label': `colour scale from ${spec.lo} to ${spec.hi}` });
  const ctx = c.getContext('2d');
  if (ctx) {
    const img = ctx.createImageData(WIDTH, HEIGHT);
    for (let x = 0; x < WIDTH; x++) {
      const i = Math.round((x / (WIDTH - 1)) * 255) * 4;
      for (let y = 0; y < HEIGHT; y++) img.data.set(spec.lut.subarray(i, i + 4), (y * WIDTH + x) * 4);
    }
    ctx.putImageData(img, 0, 0);
  }
  const ticks = el('div', 'gs-legend-ticks');
  ticks.style.width = `${WIDTH}px`;
  for (const t of spec.ticks) {
    // Ranges from the data are arbitrary doubles: three significant digits are what a legend can hold.
    const s = el('span', undefined, Number.isInteger(t) ? String(t) : String(Number(t.toPrecision(3))));
    s.style.left = `${((t - spec.lo) / (spec.hi - spec.lo)) * WIDTH}px`;
    ticks.append(s);
  }
  root.append(c, ticks);
  return root;
}

/** One line naming the colours that are not on any scale (shared by all four heatmaps), for the colour map in use. */
export function buildSpecialSwatches(): HTMLElement {
  const SPECIAL_RGBA = specialColours(rendererSettings().colorMap);
  const sw = el('div', 'gs-swatches');
  sw.append(el('span', 'gs-muted', 'Not on the scale:'));
  for (const [name, colour] of [['NaN', SPECIAL_RGBA.nan], ['+Inf', SPECIAL_RGBA.posInf], ['−Inf', SPECIAL_RGBA.negInf], ['masked step (past the sequence length)', SPECIAL_RGBA.masked]] as const) {
    const s = el('span', 'gs-swatch');
    const i = el('i');
    i.style.background = rgbaCss(colour);
    s.append(i, el('span', undefined, name));
    sw.append(s);
  }
  return sw;
}
