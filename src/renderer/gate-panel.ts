// One heatmap (units x steps) of one gate: its canvas, pixel buffer and scratch, redrawn through
// rasterizeGate. The canvas is sized to the screen (never to the data), so it stays far below
// browser canvas limits (2^28 pixels, MAX_TEXTURE_SIZE) whatever the trace size.
type GateName = string;
import type { DecodedTrace } from '../core/trace/decoded';
import { Z_MEANING_TEXT, flips, type ZFlip } from '../core/view/z-flip';
import { makeScratch, rasterizeGate, type RasterColours, type RasterInfo, type RasterScratch, type TiledLevel } from '../core/view/raster';
import type { Range } from '../core/view/range';
import type { TimePyramid } from '../core/view/pyramid';
import { scaleOf } from './colours';
import type { LayerData } from './data';
import { el } from './dom';
import { buildLegend } from './legend';
import { mark } from './timing';

/** Largest canvas side drawn (MAX_TEXTURE_SIZE seen in software WebGL2 here; also keeps w*h << 2^28). */
export const MAX_CANVAS_SIDE = 8192;

export class GatePanel {
  readonly row: HTMLElement;
  readonly plot: HTMLElement;
  readonly canvas: HTMLCanvasElement;
  readonly unitAxis: HTMLElement;
  readonly label: HTMLElement;
  private ctx: CanvasRenderingContext2D | null;
  private image: ImageData | undefined;
  private pixels: Uint32Array | undefined;
  private scratch: RasterScratch | undefined;
  /** CSS pixel size of the plot area. */
  width = 0;
  height = 0;

  constructor(readonly gate: GateName, legend: HTMLElement) {
    this.row = el('div', 'gs-gate', undefined, { 'data-gate': gate });
    this.label = el('div', 'gs-gate-label');
    this.plot = el('div', 'gs-plot');
    this.canvas = el('canvas', undefined, undefined, { 'data-gate': gate, 'aria-hidden': 'true' });
    this.unitAxis = el('div', 'gs-units', undefined, { 'aria-hidden': 'true' });
    this.plot.append(this.canvas);
    this.row.append(this.label, this.unitAxis, this.plot, legend);
    this.ctx = this.canvas.getContext('2d', { willReadFrequently: false });
  }

  /** Sets the CSS size; the backing store is that times the device pixel ratio, capped. */
  resize(width: number, height: number): void {
    const dpr = Math.min(2, globalThis.devicePixelRatio || 1);
    const w = Math.max(1, Math.min(MAX_CANVAS_SIDE, Math.round(width * dpr)));
    const h = Math.max(1, Math.min(MAX_CANVAS_SIDE, Math.round(height * dpr)));
    this.width = width;
    this.height = height;
    this.plot.style.width = `${width + 2}px`;
    this.plot.style.height = `${height + 2}px`;
    this.canvas.style.width = `${width}px`;
    this.canvas.style.height = `${height}px`;
    if (this.canvas.width !== w || this.canvas.height !== h || !this.image) {
      this.canvas.width = w;
      this.canvas.height = h;
      this.ctx = this.canvas.getContext('2d');
      this.image = this.ctx?.createImageData(w, h);
      this.pixels = this.image ? new Uint32Array(this.image.data.buffer) : undefined;
      this.scratch = makeScratch(h);
    }
  }

  draw(pyramid: TimePyramid, totalSteps: number, order: Int32Array, steps: Range, units: Range, colours: RasterColours, fine?: TiledLevel): RasterInfo | undefined {
    if (!this.ctx || !this.image || !this.pixels || !this.scratch) return undefined;
    const t0 = performance.now();
    const info = rasterizeGate(
      fine ? { pyramid, fine, totalSteps, order, steps, units, cols: this.image.width, rows: this.image.height } : { pyramid, totalSteps, order, steps, units, cols: this.image.width, rows: this.image.height },
      colours,
      this.scratch,
      this.pixels,
    );
    const t1 = performance.now();
    this.ctx.putImageData(this.image, 0, 0);
    mark('gatescope:raster', t0, t1);
    mark('gatescope:put', t1, performance.now());
    return info;
  }
}

/** Role words shown under each gate's name. */
const ROLE_TEXT: Record<string, string> = { reset: 'reset gate', update: 'update gate', candidate: 'candidate', input: 'input gate', forget: 'forget gate', output: 'output gate', cell: 'cell state', hidden: 'hidden state' };

/**
 * One panel per gate name of any layer entry of `trace` (`names`); a layer shows the panels of its
 * own gates (a model mixing GRU, LSTM and RNN layers switches between them). Legends follow the first
 * layer with the gate; `data`: the shown layer, whose extremes scale ranges taken from the data.
 */
export function buildGatePanels(trace: DecodedTrace, names: readonly string[], data: LayerData): Record<GateName, GatePanel> {
  const panels: Record<GateName, GatePanel> = {};
  for (const g of names) {
    const owner = trace.layers.find((l) => l.gates.some((x) => x.name === g))!;
    const spec = owner.gates.find((x) => x.name === g)!;
    const { lut, min, max, fromData } = scaleOf(spec, data.gates[g]?.extremes ?? { lo: NaN, hi: NaN });
    const fmt = (v: number) => (Number.isInteger(v) ? String(v) : v.toPrecision(3));
    const legend = buildLegend(
      { lut, lo: min, hi: max, ticks: [min, (min + max) / 2, max] },
      `${spec.scale === 'sequential' ? 'viridis' : 'RdBu'}, ${fmt(min)} … ${fmt(max)}${fromData ? (spec.range === 'symmetric' ? ' (symmetric, from the data)' : ' (from the data)') : ''}`,
    );
    panels[g] = new GatePanel(g, legend);
  }
  return panels;
}

/** Writes each shown gate's name and role (for a GRU's z: the meaning it is shown with) beside its heatmap. */
export function labelGates(panels: Record<GateName, GatePanel>, data: LayerData, cell: string, z: ZFlip): void {
  for (const g of data.names) {
    const role = ROLE_TEXT[data.gates[g]!.spec.role] ?? data.gates[g]!.spec.role;
    const text = g === 'z' && cell === 'gru' ? `${role}: ${Z_MEANING_TEXT[z.shown]}${flips(z, g) ? ' (shown as 1 − z)' : ''}` : role;
    panels[g]!.label.replaceChildren(el('b', undefined, g), el('br'), el('span', 'gs-muted', text));
  }
}
