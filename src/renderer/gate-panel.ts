// One heatmap (units x steps) of one gate: its canvas and the drawer that paints it (heatmap-drawer.ts):
// WebGL2 on a hardware GPU, or anywhere with gatescope.heatmapDrawing = webgl2; Canvas 2D otherwise. The canvas is sized to
// the screen (never to the data), so it stays far below browser canvas limits (2^28 pixels,
// MAX_TEXTURE_SIZE) whatever the trace size. The canvas is a 2D canvas on both paths (the WebGL2
// drawer copies onto it); a lost WebGL2 context switches it to Canvas 2D and asks the view to redraw
// (`onRedraw`).
type GateName = string;
import type { DecodedTrace } from '../core/trace/decoded';
import { Z_MEANING_TEXT, flips, type ZFlip } from '../core/view/z-flip';
import type { RasterColours, RasterInfo, RasterJob } from '../core/view/raster';
import type { Range } from '../core/view/range';
import type { TimePyramid } from '../core/view/pyramid';
import { mapNameOf, scaleOf } from './colours';
import type { LayerData } from './data';
import { el } from './dom';
import { buildLegend } from './legend';
import { CanvasHeatmapDrawer } from './heatmap-canvas';
import type { DrawerKind, HeatmapDrawer } from './heatmap-drawer';
import { WebGlHeatmapDrawer } from './heatmap-gl';
import { PanelSnapshots } from './panel-snapshots';
import type { Shown } from '../core/view/rescale';
import { rendererSettings } from './settings';

/** Largest canvas side drawn (MAX_TEXTURE_SIZE seen in software WebGL2 here; also keeps w*h << 2^28). */
export const MAX_CANVAS_SIDE = 8192;

export class GatePanel {
  readonly row: HTMLElement;
  readonly plot: HTMLElement;
  readonly unitAxis: HTMLElement;
  readonly label: HTMLElement;
  private readonly heat: HTMLCanvasElement;
  private drawer: HeatmapDrawer;
  private legend: HTMLElement;
  /** Exact pictures kept for rescaled previews (made on the first capture: only slow views keep them). */
  private snapshots: PanelSnapshots | undefined;
  /** CSS pixel size of the plot area. */
  width = 0;
  height = 0;

  constructor(
    readonly gate: GateName,
    legend: HTMLElement,
    private readonly onRedraw: () => void = () => {},
  ) {
    this.row = el('div', 'gs-gate', undefined, { 'data-gate': gate });
    this.label = el('div', 'gs-gate-label');
    this.plot = el('div', 'gs-plot');
    this.unitAxis = el('div', 'gs-units', undefined, { 'aria-hidden': 'true' });
    this.heat = el('canvas', undefined, undefined, { 'data-gate': gate, 'aria-hidden': 'true' });
    this.drawer = this.chooseDrawer();
    this.plot.append(this.heat);
    this.legend = legend;
    this.row.append(this.label, this.unitAxis, this.plot, legend);
  }

  /** Replaces the colour legend (another layer entry shown: its own range). */
  setLegend(legend: HTMLElement): void {
    this.legend.replaceWith(legend);
    this.legend = legend;
  }

  /** The heatmap canvas. */
  get canvas(): HTMLCanvasElement {
    return this.heat;
  }

  get drawerKind(): DrawerKind {
    return this.drawer.kind;
  }

  /** Sets the CSS size; the backing store is that times the device pixel ratio, capped. */
  resize(width: number, height: number): void {
    this.width = width;
    this.height = height;
    this.plot.style.width = `${width + 2}px`;
    this.plot.style.height = `${height + 2}px`;
    this.sizeCanvas();
  }

  /** Draws one gate; `extra`: sidecar tiles finer than the pyramid, and the stored form of one of its levels. */
  draw(pyramid: TimePyramid, totalSteps: number, order: Int32Array, steps: Range, units: Range, colours: RasterColours, extra: Pick<RasterJob, 'fine' | 'stored'> = {}): RasterInfo | undefined {
    return this.drawer.draw({ pyramid, totalSteps, order, steps, units, cols: this.heat.width, rows: this.heat.height, ...extra }, colours);
  }

  /** Keeps what the canvas shows now (an exact draw of `shown`) for later previews. */
  capture(shown: Shown, key: string, whole: boolean): void {
    (this.snapshots ??= new PanelSnapshots()).capture(this.heat, shown, key, whole);
  }

  /** True when a kept picture was drawn under `key` at the canvas's present size. */
  hasPicture(key: string): boolean {
    return !!this.snapshots?.has(key, this.heat.width, this.heat.height);
  }

  /** Paints a rescaled stand-in for `to` from the kept pictures; false when none was drawn under `key`. */
  preview(to: Shown, key: string): boolean {
    const ctx = this.snapshots ? this.heat.getContext('2d') : null;
    return !!ctx && this.snapshots!.paint(ctx, to, key, this.heat.width, this.heat.height);
  }

  /** Drops the kept pictures (exact draws became fast enough to need none). */
  forgetPictures(): void {
    this.snapshots?.clear();
    this.snapshots = undefined;
  }

  dispose(): void {
    this.forgetPictures();
    this.drawer.dispose();
  }

  private sizeCanvas(): void {
    const dpr = Math.min(2, globalThis.devicePixelRatio || 1);
    const w = Math.max(1, Math.min(MAX_CANVAS_SIDE, Math.round(this.width * dpr)));
    const h = Math.max(1, Math.min(MAX_CANVAS_SIDE, Math.round(this.height * dpr)));
    this.heat.style.width = `${this.width}px`;
    this.heat.style.height = `${this.height}px`;
    this.drawer.resize(w, h);
  }

  private chooseDrawer(): HeatmapDrawer {
    const drawing = rendererSettings().drawing;
    if (drawing === 'webgl2' || (drawing === 'auto' && !WebGlHeatmapDrawer.softwareOnly())) {
      const gl = WebGlHeatmapDrawer.create(this.heat, () => this.fallBack());
      if (gl) return this.tag(gl);
    }
    return this.tag(new CanvasHeatmapDrawer(this.heat));
  }

  private tag(d: HeatmapDrawer): HeatmapDrawer {
    this.heat.dataset['drawer'] = d.kind;
    return d;
  }

  /** The WebGL2 context was lost: the same canvas is drawn with Canvas 2D from now on. */
  private fallBack(): void {
    this.drawer.dispose();
    this.drawer = this.tag(new CanvasHeatmapDrawer(this.heat));
    if (this.width > 0) this.sizeCanvas();
    this.onRedraw();
  }
}

/** Role words shown under each gate's name. */
const ROLE_TEXT: Record<string, string> = { reset: 'reset gate', update: 'update gate', candidate: 'candidate', input: 'input gate', forget: 'forget gate', output: 'output gate', cell: 'cell state', hidden: 'hidden state' };

/**
 * One panel per gate name of any layer entry of `trace` (`names`); a layer shows the panels of its
 * own gates (a model mixing GRU, LSTM and RNN layers switches between them). `data`: the shown
 * layer, whose legends these are (updateLegends on a switch); `onRedraw`: asks the view for a
 * redraw (a panel's WebGL2 context was lost).
 */
export function buildGatePanels(trace: DecodedTrace, names: readonly string[], data: LayerData, onRedraw: () => void): Record<GateName, GatePanel> {
  const panels: Record<GateName, GatePanel> = {};
  for (const g of names) panels[g] = new GatePanel(g, legendOf(trace, g, data), onRedraw);
  return panels;
}

/** Gives the panels of the gates `data` shows the legends of that layer entry (its specs, and its extremes where ranges come from the data). */
export function updateLegends(panels: Record<GateName, GatePanel>, trace: DecodedTrace, data: LayerData): void {
  for (const g of data.names) panels[g]!.setLegend(legendOf(trace, g, data));
}

/**
 * The legend of gate g as `data`'s layer entry colours it (the heatmaps use the same scaleOf); a
 * gate that entry lacks (its panel is hidden) takes the first entry with it, scaled without extremes.
 */
function legendOf(trace: DecodedTrace, g: GateName, data: LayerData): HTMLElement {
  const shown = data.gates[g];
  const spec = shown?.spec ?? trace.layers.find((l) => l.gates.some((x) => x.name === g))!.gates.find((x) => x.name === g)!;
  const { lut, min, max, fromData } = scaleOf(spec, shown?.extremes ?? { lo: NaN, hi: NaN });
  const fmt = (v: number) => (Number.isInteger(v) ? String(v) : v.toPrecision(3));
  return buildLegend(
    { lut, lo: min, hi: max, ticks: [min, (min + max) / 2, max] },
    `${mapNameOf(spec.scale)}, ${fmt(min)} … ${fmt(max)}${fromData ? (spec.range === 'symmetric' ? ' (symmetric, from the data)' : ' (from the data)') : ''}`,
  );
}

/** Writes each shown gate's name and role (for a GRU's z: the meaning it is shown with) beside its heatmap. */
export function labelGates(panels: Record<GateName, GatePanel>, data: LayerData, cell: string, z: ZFlip): void {
  for (const g of data.names) {
    const role = ROLE_TEXT[data.gates[g]!.spec.role] ?? data.gates[g]!.spec.role;
    const text = g === 'z' && cell === 'gru' ? `${role}: ${Z_MEANING_TEXT[z.shown]}${flips(z, g) ? ' (shown as 1 − z)' : ''}` : role;
    panels[g]!.label.replaceChildren(el('b', undefined, g), el('br'), el('span', 'gs-muted', text));
  }
}
