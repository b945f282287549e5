// One trace output: header, controls, four aligned gate heatmaps with legends and axes, hover
// crosshair and tooltip, selection plots, keyboard paths and export. All DOM stays inside `root`;
// every resource (observers, frames, background work, listeners) is released by dispose().
import type { GruConvention, ZMeaning } from '../core/trace/document';
import type { DecodedTrace } from '../core/trace/decoded';
import { identityOrder, orderByKey, similarityOrder, UNIT_ORDER_LABELS, type UnitOrderKind } from '../core/view/order';
import { timescaleOf } from '../core/view/memory';
import { bucketsAt, topLevel } from '../core/view/pyramid';
import { cellAt, clampRange, panRange, revealCell, zoomRange, type Range } from '../core/view/range';
import { levelFor } from '../core/view/raster';
import { drawStepAxis, drawUnitAxis } from './axes';
import { watchDevicePixelRatio } from './dpr-watch';
import { mapNameOf, rasterColours, scaleOf } from './colours';
import { SidecarTiles } from './sidecar-tiles';
import type { TileChannel } from './tile-channel';
import type { RasterColours, TiledLevel } from '../core/view/raster';

type GateName = string;

/** Role words shown under each gate's name. */
const ROLE_TEXT: Record<string, string> = { reset: 'reset gate', update: 'update gate', candidate: 'candidate', input: 'input gate', forget: 'forget gate', output: 'output gate', cell: 'cell state', hidden: 'hidden state' };
import { LayerData } from './data';
import { button, el, labelled, select } from './dom';
import { CSV_MAX_ROWS, pictureToPng, pictureToSvg, visibleCsv, type ExportChannel, type Picture } from './export';
import { GatePanel } from './gate-panel';
import { buildHeader } from './header';
import { buildLegend, buildSpecialSwatches } from './legend';
import { drawLinePlot } from './plots';
import type { ViewState } from './state';
import { readChrome, type ChromeColours } from './theme';
import { cellSentence, fillTooltip, type CellReport } from './tooltip';
import { CSS } from './styles';
import { mark } from './timing';

const LABEL_W = 96;
const LEGEND_W = 118;
const ZOOM_STEP = 1.25;
/** Background work per slice, in ms, so that no task holds the UI thread for a frame. */
const SLICE_MS = 6;
/** Similarity order is computed on a coarsened copy of this many time buckets at most. */
const SIMILARITY_BUCKETS = 64;

const Z_MEANING_TEXT: Record<ZMeaning, string> = {
  'keep-old': 'keeps the old state',
  'take-new': 'takes the new candidate (textbook)',
};

export interface ViewHost {
  exports?: ExportChannel;
  /** Sidecar tiles from the extension host; absent where no host answers (the overview stays). */
  tiles?: TileChannel;
  saveState(s: ViewState): void;
  subscribeTheme(fn: () => void): () => void;
}

interface Dirty {
  heatmaps: boolean;
  axes: boolean;
  overlay: boolean;
  plots: boolean;
}

export class TraceView {
  readonly root: HTMLElement;
  private readonly stack: HTMLElement;
  private readonly panels: Record<GateName, GatePanel>;
  /** Every gate name of the trace, in first-seen order (panels exist for each). */
  private readonly allNames: readonly string[];
  private readonly stepAxis: HTMLElement;
  private readonly lod: HTMLElement;
  private readonly tooltip: HTMLElement;
  private readonly xhairV: HTMLElement;
  private readonly xhairH: HTMLElement[];
  private readonly cursorBox: HTMLElement;
  private readonly live: HTMLElement;
  private readonly summary: HTMLElement;
  private readonly status: HTMLElement;
  private readonly detail: HTMLElement;
  private readonly unitPlot: HTMLCanvasElement;
  private readonly stepPlot: HTMLCanvasElement;
  private readonly unitCaption: HTMLElement;
  private readonly stepCaption: HTMLElement;
  private readonly unitStatsText: HTMLElement;
  private readonly orderSelect: HTMLSelectElement;
  private readonly orderGateSelect: HTMLSelectElement;
  private readonly disposers: (() => void)[] = [];

  private data: LayerData;
  private order: Int32Array;
  private state: ViewState;
  private chrome: ChromeColours;
  private dirty: Dirty = { heatmaps: true, axes: true, overlay: true, plots: true };
  private frame = 0;
  private workPort: MessageChannel | undefined;
  private working = false;
  private hover: { step: number; row: number; own?: { gate: string; unit: number } } | undefined;
  private drawnLevel = -1;
  /** A heatmap draw waits for its pyramid level (the pump redraws when it lands). */
  private deferred = false;
  private plotWidth = 0;
  private gateHeight = 0;
  private disposed = false;
  private geom: { plotLeft: number; rowTops: number[]; stackTop: number; width: number } | undefined;
  private pointer: { id: number; x: number; y: number; moved: boolean; gate: GateName } | undefined;
  /** Counts completed heatmap draws (exposed as data-draws so tests and tools can wait for a redraw). */
  private draws = 0;

  constructor(
    private readonly trace: DecodedTrace,
    outputId: string,
    saved: ViewState | undefined,
    private readonly host: ViewHost,
  ) {
    this.state = sanitizeState(saved, trace);
    this.data = new LayerData(trace, this.state.layer, this.state.batch);
    this.fine = this.fineTilesFor(this.state.layer, this.state.batch);
    this.order = identityOrder(this.data.units);

    this.root = el('div', 'gs-root', undefined, { 'data-gatescope': 'trace', 'data-output-id': outputId });
    this.root.append(el('style', undefined, CSS));
    this.root.append(buildHeader(trace));

    const toolbar = el('div', 'gs-toolbar', undefined, { role: 'toolbar', 'aria-label': 'Gatescope view controls' });
    if (trace.layers.length > 1) {
      const layerSel = select(
        'layer and direction',
        trace.layers.map((l, i) => [String(i), `${runLabel(trace, l.run)}layer ${l.layer} ${l.direction}${l.name ? ` · ${l.name}` : ''}`] as const),
        String(this.state.layer),
      );
      layerSel.addEventListener('change', () => this.setLayer(Number(layerSel.value), this.state.batch));
      toolbar.append(labelled('Layer', layerSel));
    }
    if (trace.batch > 1) {
      const batchSel = select(
        'batch item',
        Array.from({ length: trace.batch }, (_, b) => [String(b), `item ${b}${trace.sequenceLengths ? ` (${trace.sequenceLengths[b]} steps)` : ''}`] as const),
        String(this.state.batch),
      );
      batchSel.addEventListener('change', () => this.setLayer(this.state.layer, Number(batchSel.value)));
      toolbar.append(labelled('Batch', batchSel));
    }
    this.orderSelect = select('unit order', Object.entries(UNIT_ORDER_LABELS) as [string, string][], this.state.order);
    this.allNames = [...new Set(trace.layers.flatMap((l) => l.gates.map((g) => g.name)))];
    this.orderGateSelect = select('gate the unit order is computed on', this.allNames.map((g) => [g, g] as const), this.state.orderGate);
    const onOrder = () => {
      this.state.order = this.orderSelect.value as UnitOrderKind;
      this.state.orderGate = this.orderGateSelect.value as GateName;
      this.applyOrder();
      this.persist();
    };
    this.orderSelect.addEventListener('change', onOrder);
    this.orderGateSelect.addEventListener('change', onOrder);
    toolbar.append(labelled('Units by', this.orderSelect), labelled('of', this.orderGateSelect));

    const zSel = select(
      'what the z heatmap shows',
      [
        ['keep-old', `z ${Z_MEANING_TEXT['keep-old']}`],
        ['take-new', `z ${Z_MEANING_TEXT['take-new']}`],
      ],
      this.zShown(),
    );
    zSel.addEventListener('change', () => {
      this.state.zShown = zSel.value as ZMeaning;
      this.updateGateLabels();
      this.invalidate({ heatmaps: true, overlay: true, plots: true });
      this.persist();
    });
    // The z view only means something for GRU layers.
    if (trace.layers.some((l) => l.cell === 'gru')) toolbar.append(labelled('Show', zSel));

    const reset = button('Reset zoom', 'Show all steps and units (key 0)');
    reset.addEventListener('click', () => this.resetZoom());
    toolbar.append(reset);
    if (host.exports) {
      for (const f of ['png', 'svg', 'csv'] as const) {
        const b = button(f.toUpperCase(), f === 'csv' ? 'Save the visible cells as CSV' : `Save the view as ${f.toUpperCase()}`);
        b.dataset['export'] = f;
        b.addEventListener('click', () => void this.export(f));
        toolbar.append(b);
      }
    }
    this.root.append(toolbar);
    this.status = el('div', 'gs-status gs-muted', '', { role: 'status' });
    this.root.append(this.status);

    this.stack = el('div', 'gs-stack', undefined, {
      tabindex: '0',
      role: 'application',
      'aria-roledescription': 'gate heatmaps',
    });
    // One panel per gate name of any layer entry; a layer shows the panels of its own gates (a model
    // mixing GRU, LSTM and RNN layers switches between them). Legends follow the first layer with the gate.
    this.panels = {};
    for (const g of this.allNames) {
      const owner = trace.layers.find((l) => l.gates.some((x) => x.name === g))!;
      const spec = owner.gates.find((x) => x.name === g)!;
      const { lut, min, max, fromData } = scaleOf(spec, this.data.gates[g]?.extremes ?? { lo: NaN, hi: NaN });
      const fmt = (v: number) => (Number.isInteger(v) ? String(v) : v.toPrecision(3));
      const legend = buildLegend(
        { lut, lo: min, hi: max, ticks: [min, (min + max) / 2, max] },
        `${mapNameOf(spec.scale)}, ${fmt(min)} … ${fmt(max)}${fromData ? (spec.range === 'symmetric' ? ' (symmetric, from the data)' : ' (from the data)') : ''}`,
      );
      this.panels[g] = new GatePanel(g, legend, () => this.invalidate({ heatmaps: true }));
      this.stack.append(this.panels[g].row);
    }
    this.xhairV = el('div', 'gs-xhair-v');
    this.xhairH = this.allNames.map(() => el('div', 'gs-xhair-h'));
    this.cursorBox = el('div', 'gs-cursor');
    this.tooltip = el('div', 'gs-tooltip', undefined, { role: 'tooltip' });
    this.stack.append(this.xhairV, ...this.xhairH, this.cursorBox);
    this.stepAxis = el('div', 'gs-steps', undefined, { 'aria-hidden': 'true' });
    this.lod = el('div', 'gs-lod gs-muted');
    this.root.append(this.stack, this.stepAxis, this.lod, buildSpecialSwatches(), this.tooltip);

    this.live = el('div', 'gs-sr', '', { 'aria-live': 'polite', role: 'status' });
    this.summary = el('p', 'gs-sr', '', { id: `gs-summary-${cssId(outputId)}` });
    this.stack.setAttribute('aria-describedby', this.summary.id);
    this.root.append(this.live, this.summary);

    this.detail = el('div', 'gs-detail');
    const fig = (caption: HTMLElement, canvas: HTMLCanvasElement, extra?: HTMLElement) => {
      const f = el('figure');
      f.append(caption, canvas);
      if (extra) f.append(extra);
      return f;
    };
    this.unitCaption = el('figcaption');
    this.stepCaption = el('figcaption');
    this.unitStatsText = el('div', 'gs-stats gs-muted');
    this.unitPlot = el('canvas', undefined, undefined, { role: 'img' });
    this.stepPlot = el('canvas', undefined, undefined, { role: 'img' });
    this.detail.append(fig(this.unitCaption, this.unitPlot, this.unitStatsText), fig(this.stepCaption, this.stepPlot));
    this.root.append(this.detail);
    this.root.append(el('div', 'gs-muted', 'Hover for values · click a cell to plot its unit over time and its step across units · Ctrl+wheel zooms time (Shift: units) · drag pans · keys: arrows move, Enter selects, + − zoom, 0 resets, Esc clears'));

    this.chrome = readChrome(this.root);
    this.updateGateLabels();
    this.wireInput();
    this.disposers.push(host.subscribeTheme(() => this.onTheme()));
    const ro = new ResizeObserver(() => this.layout());
    ro.observe(this.root);
    this.disposers.push(() => ro.disconnect());
    // A new device pixel ratio resizes every canvas's backing store (layout() skips unchanged CSS sizes).
    this.disposers.push(watchDevicePixelRatio(() => {
      this.plotWidth = 0;
      this.layout();
    }));
    this.disposers.push(() => {
      for (const g of this.allNames) this.panels[g]!.dispose();
    });
    this.applyOrder();
  }

  /** Called once the root is in the document: sizes canvases and starts the first paint. */
  start(): void {
    this.chrome = readChrome(this.root);
    this.root.dataset['themeKind'] = this.chrome.kind;
    this.layout();
    this.pump();
  }

  dispose(): void {
    this.disposed = true;
    if (this.frame) cancelAnimationFrame(this.frame);
    this.frame = 0;
    this.workPort?.port1.close();
    this.workPort = undefined;
    for (const d of this.disposers.splice(0)) d();
  }

  // ---- state --------------------------------------------------------------------------------

  /** The z meaning of the current layer's GRU convention (keep-old when it is not a GRU or says none). */
  private zStored(): ZMeaning {
    const l = this.trace.layers[this.state.layer]!;
    return l.cell === 'gru' ? ((l.convention as GruConvention | undefined)?.zMeaning ?? 'keep-old') : 'keep-old';
  }

  private zShown(): ZMeaning {
    return this.state.zShown ?? this.zStored();
  }

  private zFlipped(): boolean {
    return this.trace.layers[this.state.layer]!.cell === 'gru' && this.zShown() !== this.zStored();
  }

  /** Raster colours of gate g in the current layer (z read backwards when shown as 1 − z). */
  private coloursOf(g: GateName): RasterColours {
    const d = this.data.gates[g]!;
    const key = `${this.state.layer}/${g}/${g === 'z' && this.zFlipped()}`;
    let c = this.colourCache.get(key);
    if (!c) this.colourCache.set(key, (c = rasterColours(scaleOf(d.spec, d.extremes), g === 'z' && this.zFlipped())));
    return c;
  }

  private readonly colourCache = new Map<string, RasterColours>();

  /** Fine levels of a sidecar trace, fetched per tile from the host (undefined: inline trace, or no host). */
  private fine: SidecarTiles | undefined;

  private fineTilesFor(layer: number, batch: number): SidecarTiles | undefined {
    if (!this.trace.sidecar || !this.host.tiles) return undefined;
    return new SidecarTiles(this.trace, layer, batch, this.host.tiles, () => {
      if (this.disposed) return;
      this.invalidate({ heatmaps: true, overlay: true });
    });
  }

  private get stepsRange(): Range {
    return (this.state.steps ??= { start: 0, end: this.data.steps });
  }

  private get unitsRange(): Range {
    return (this.state.units ??= { start: 0, end: this.data.units });
  }

  private persist(): void {
    this.host.saveState(this.state);
  }

  private setLayer(layer: number, batch: number): void {
    const unitsChanged = this.trace.layers[layer]!.hiddenSize !== this.data.units;
    this.state.layer = layer;
    this.state.batch = batch;
    this.data = new LayerData(this.trace, layer, batch);
    this.fine = this.fineTilesFor(layer, batch);
    if (unitsChanged) {
      this.state.units = undefined;
      this.state.cursor = undefined;
      this.state.selected = undefined;
    }
    this.order = identityOrder(this.data.units);
    this.drawnLevel = -1;
    delete this.root.dataset['stats'];
    this.applyOrder();
    this.layout();
    this.pump();
    this.persist();
  }

  /** The gate whose mean plays the forget role (LSTM f; GRU z, or 1 − z when z takes the new candidate), if any. */
  private forgetGate(): { name: string; flip: boolean } | undefined {
    const cell = this.trace.layers[this.state.layer]!.cell;
    if (cell === 'lstm') return { name: 'f', flip: false };
    if (cell === 'gru') return { name: 'z', flip: this.zStored() === 'take-new' };
    return undefined;
  }

  /** τ = −1 / ln(mean forget) per unit (src/core/view/memory.ts), or undefined before statistics / without a forget gate. */
  private timescales(): Float64Array | undefined {
    const fg = this.forgetGate();
    const s = fg ? this.data.gates[fg.name]?.stats : undefined;
    if (!fg || !s) return undefined;
    return Float64Array.from(s.mean, (m) => timescaleOf(fg.flip ? 1 - m : m));
  }

  private applyOrder(): void {
    const kind = this.state.order;
    // A layer without the chosen gate (a mixed model), or whose gate has units of its own (a projected
    // LSTM's h), orders by its first gate with the layer's units.
    const g = this.data.unitNames.includes(this.state.orderGate) ? this.state.orderGate : this.data.unitNames.includes('h') ? 'h' : this.data.unitNames[this.data.unitNames.length - 1]!;
    const d = this.data.gates[g]!;
    if (kind === 'index') {
      this.order = identityOrder(this.data.units);
    } else if (kind === 'timescale') {
      if (!this.forgetGate()) {
        this.order = identityOrder(this.data.units);
        this.status.textContent = 'A vanilla RNN layer has no forget gate, so no memory timescale: units in index order.';
        this.root.dataset['order'] = `${kind}:none`;
        this.invalidate({ heatmaps: true, axes: true, overlay: true, plots: true });
        return;
      }
      const tau = this.timescales();
      if (!tau) {
        this.status.textContent = `Ordering units by ${UNIT_ORDER_LABELS[kind]} once statistics are ready…`;
        this.pump();
        return;
      }
      this.order = orderByKey(tau);
    } else if (kind === 'similarity') {
      const k = Math.min(similarityLevel(this.data.valid), topLevel(this.data.valid));
      if (!d.pyramid.levels[k]) {
        this.status.textContent = 'Ordering units by similarity once the overview is ready…';
        this.pump();
        return;
      }
      this.order = similarityOrder(d.pyramid.levels[k]!, bucketsAt(this.data.valid, k), this.data.units);
    } else {
      const s = d.stats;
      if (!s) {
        this.status.textContent = `Ordering units by ${UNIT_ORDER_LABELS[kind]} once statistics are ready…`;
        this.pump();
        return;
      }
      const key = kind === 'mean' ? s.mean : kind === 'variance' ? s.variance : s.low.map((v, i) => v + s.high[i]!);
      this.order = orderByKey(key);
    }
    this.status.textContent = '';
    this.root.dataset['order'] = kind === 'timescale' ? `${kind}:${this.forgetGate()!.name}` : `${kind}:${g}`;
    this.invalidate({ heatmaps: true, axes: true, overlay: true, plots: true });
  }

  // ---- background work ----------------------------------------------------------------------

  /** Runs pyramid and statistics slices in separate tasks (MessageChannel: no timer clamping). */
  private pump(): void {
    if (this.working || this.disposed) return;
    this.working = true;
    if (!this.workPort) {
      this.workPort = new MessageChannel();
      this.workPort.port1.onmessage = () => this.workSlice();
    }
    this.workPort.port2.postMessage(0);
  }

  private workSlice(): void {
    if (this.disposed) return;
    const t0 = performance.now();
    let more = true;
    const before = this.data.statsReady();
    while (more && performance.now() - t0 < SLICE_MS) more = this.data.workSlice();
    if (this.deferred && this.data.hasLevel(this.neededLevel())) {
      this.deferred = false;
      this.invalidate({ heatmaps: true });
    }
    if (this.data.pairsLanded) {
      this.data.pairsLanded = false;
      this.invalidate({ heatmaps: true });
    }
    if (!before && this.data.statsReady()) this.onStatsReady();
    else if (this.state.order === 'similarity' && this.root.dataset['order'] !== `similarity:${this.state.orderGate}`) this.applyOrder();
    if (more) this.workPort!.port2.postMessage(0);
    else {
      this.working = false;
      this.root.dataset['stats'] = 'ready';
    }
  }

  private onStatsReady(): void {
    if (this.state.order !== 'index') this.applyOrder();
    this.updateSummary();
    this.invalidate({ plots: true });
  }

  /** Pyramid level the current zoom draws from. */
  private neededLevel(): number {
    const r = this.stepsRange;
    const cols = Math.max(1, this.panels[this.data.names[0]!]!.canvas.width);
    return levelFor((r.end - r.start) / cols, 64);
  }

  // ---- layout and drawing -------------------------------------------------------------------

  private layout(): void {
    if (this.disposed) return;
    this.geom = undefined;
    const avail = this.root.clientWidth || 800;
    const width = Math.max(120, Math.floor(avail - LABEL_W - LEGEND_W - 16));
    const height = Math.max(56, Math.min(180, this.data.units * 6));
    if (width === this.plotWidth && height === this.gateHeight) return;
    this.plotWidth = width;
    this.gateHeight = height;
    this.geom = undefined;
    for (const g of this.allNames) {
      this.panels[g]!.row.hidden = !this.data.names.includes(g);
      this.panels[g]!.resize(width, height);
    }
    this.stepAxis.style.width = `${width}px`;
    this.unitPlot.style.width = `${Math.min(520, Math.max(240, width / 2 - 8))}px`;
    this.unitPlot.style.height = '120px';
    this.stepPlot.style.width = this.unitPlot.style.width;
    this.stepPlot.style.height = '120px';
    this.drawnLevel = -1;
    this.invalidate({ heatmaps: true, axes: true, overlay: true, plots: true });
  }

  /** Marks parts dirty and asks for one animation frame (coalescing every request in between). */
  private invalidate(parts: Partial<Dirty>): void {
    if (this.disposed) return;
    Object.assign(this.dirty, parts);
    if (!this.frame) this.frame = requestAnimationFrame(() => this.onFrame());
  }

  private onFrame(): void {
    this.frame = 0;
    if (this.disposed) return;
    const d = this.dirty;
    this.dirty = { heatmaps: false, axes: false, overlay: false, plots: false };
    // Measures show in the devtools timeline (and let the benchmark split a frame).
    let t = performance.now();
    const measure = (name: string) => {
      const now = performance.now();
      mark(name, t, now);
      t = now;
    };
    if (d.heatmaps) {
      this.drawHeatmaps();
      measure('gatescope:heatmaps');
    }
    if (d.axes) {
      this.drawAxes();
      measure('gatescope:axes');
    }
    if (d.overlay) {
      this.drawOverlay();
      measure('gatescope:overlay');
    }
    if (d.plots) {
      this.drawPlots();
      measure('gatescope:plots');
    }
  }

  private drawHeatmaps(): void {
    const need = Math.min(this.neededLevel(), topLevel(this.data.valid));
    this.data.wantedLevel = need;
    if (!this.data.hasLevel(need)) {
      // The overview needs a coarser level than exists yet: drawing from finer levels would hold
      // the UI thread for more than a frame; the pump redraws as soon as the level lands.
      this.root.dataset['state'] = 'preparing';
      this.deferred = true;
      if (this.drawnLevel < 0) this.lod.textContent = 'Preparing the overview…';
      this.pump();
      return;
    }
    const steps = this.stepsRange;
    const units = this.unitsRange;
    const flipped = this.zFlipped();
    const first = this.panels[this.data.names[0]!]!;
    const cols = first.canvas.width;
    const rows = first.canvas.height;
    const sp = (steps.end - steps.start) / cols;
    const up = (units.end - units.start) / rows;
    const half = { start: units.start / 2, end: units.end / 2 };
    void flipped;
    let fineColumns = 0;
    let fineBucket = this.data.bucket;
    this.fine?.beginFrame();
    for (const g of this.data.names) {
      if (this.data.ownUnits(g)) {
        // A projected LSTM's h: all its units in index order (the layer's unit zoom and order are for hiddenSize units).
        const own = this.data.gates[g]!.units;
        this.panels[g]!.draw(this.data.gates[g]!.pyramid, this.data.steps, identityOrder(own), steps, { start: 0, end: own }, this.coloursOf(g));
        continue;
      }
      const paired = up >= 2 && this.data.bucket === 1 ? this.data.pairedPyramid(g, need, this.order) : undefined;
      if (paired) {
        this.panels[g]!.draw(paired, this.data.steps, this.data.pairOrder, steps, half, this.coloursOf(g));
        continue;
      }
      // A sidecar trace zoomed past its inline levels: the finer level's tiles for the visible steps.
      let tiled: TiledLevel | undefined;
      const spec = this.data.gates[g]!.spec;
      const m = this.fine ? this.fine.levelFor(spec, sp) : -1;
      if (m >= 0) {
        const bucket = spec.levels[m]!.bucket;
        tiled = this.fine!.tiled(spec, m, Math.floor(steps.start / bucket), Math.ceil(steps.end / bucket));
        fineBucket = Math.min(fineBucket, bucket);
      }
      const info = this.panels[g]!.draw(this.data.gates[g]!.pyramid, this.data.steps, this.order, steps, units, this.coloursOf(g), tiled);
      if (tiled && info) fineColumns = g === this.data.names[0] ? info.fineColumns : Math.min(fineColumns, info.fineColumns);
    }
    if (up >= 2) this.pump();
    this.drawnLevel = need;
    this.draws++;
    const r = this.root.dataset;
    r['state'] = 'ready';
    r['draws'] = String(this.draws);
    r['stepsStart'] = String(Math.floor(steps.start));
    r['stepsEnd'] = String(Math.ceil(steps.end));
    r['unitsStart'] = String(Math.floor(units.start));
    r['unitsEnd'] = String(Math.ceil(units.end));
    r['layer'] = String(this.state.layer);
    r['batch'] = String(this.state.batch);
    // Where the columns came from: every step (full), the sidecar's finer tiles for some or all columns, or the overview.
    const fineAll = fineColumns >= cols;
    const shownBucket = this.data.bucket > 1 && fineAll ? fineBucket : this.data.bucket;
    r['detail'] = shownBucket === 1 ? 'full' : fineColumns > 0 ? 'partial' : 'overview';
    r['bucket'] = String(shownBucket);
    if (this.fine) {
      r['tilesLoaded'] = String(this.fine.loaded);
      r['tilesPending'] = String(this.fine.pending);
      r['tilesMb'] = (this.fine.cachedBytes / 2 ** 20).toFixed(1);
      r['tileRttMs'] = this.fine.roundTripMs.toFixed(1);
      r['tileHostMs'] = this.fine.hostMs.toFixed(1);
      if (this.fine.error) r['tilesError'] = this.fine.error;
      else delete r['tilesError'];
    }
    const coarse = Math.max(1, sp) < shownBucket;
    const agg = coarse
      ? `Overview: each column shows the mean of ${shownBucket} steps${this.fine?.error ? ` (full detail unavailable: ${this.fine.error})` : this.fine ? (this.fine.pending > 0 ? ' (fetching full detail…)' : '') : ' (full detail is in the sidecar; it needs the Gatescope extension)'}.`
      : sp > 1.001 || up > 1.001
        ? `Level of detail: each pixel shows the mean of ≈${fmtCount(Math.max(1, sp))} step${sp > 1.5 ? 's' : ''} × ${fmtCount(Math.max(1, up))} unit${up > 1.5 ? 's' : ''} (NaN/Inf inside a pixel show as NaN/Inf).`
        : 'Full detail: one cell per pixel or more.';
    this.lod.textContent = `Steps ${Math.floor(steps.start)}–${Math.ceil(steps.end) - 1} of ${this.data.steps}, units rows ${Math.floor(units.start)}–${Math.ceil(units.end) - 1} of ${this.data.units}. ${agg}`;
    r['lod'] = agg;
    this.updateSummary();
  }

  private drawAxes(): void {
    const tokens = this.trace.tokens;
    drawStepAxis(this.stepAxis, this.stepsRange, this.plotWidth, tokens, (s) => this.originalStep(s));
    for (const g of this.data.names) {
      const own = this.data.ownUnits(g) ? this.data.gates[g]!.units : 0;
      if (own) drawUnitAxis(this.panels[g]!.unitAxis, { start: 0, end: own }, this.gateHeight, identityOrder(own));
      else drawUnitAxis(this.panels[g]!.unitAxis, this.unitsRange, this.gateHeight, this.order);
    }
  }

  /** Positions of the plots inside the stack, read once per layout (reading them per hover would force a layout). */
  private geometry(): { plotLeft: number; rowTops: number[]; stackTop: number; width: number } {
    return (this.geom ??= {
      plotLeft: this.panels[this.data.names[0]!]!.plot.offsetLeft + 1,
      rowTops: this.allNames.map((g) => this.panels[g]!.row.offsetTop + 1),
      stackTop: this.stack.offsetTop,
      width: this.root.clientWidth,
    });
  }

  private drawOverlay(): void {
    const focusCell = this.hover ?? (document.activeElement === this.stack ? this.state.cursor : undefined);
    const show = (e: HTMLElement, on: boolean) => (e.style.display = on ? 'block' : 'none');
    if (!focusCell) {
      show(this.xhairV, false);
      for (const h of this.xhairH) show(h, false);
      show(this.tooltip, false);
      show(this.cursorBox, false);
      return;
    }
    const g = this.geometry();
    const { step, row } = focusCell;
    const s = this.stepsRange;
    const u = this.unitsRange;
    const pxS = this.plotWidth / (s.end - s.start);
    const pxU = this.gateHeight / (u.end - u.start);
    const x = g.plotLeft + (step + 0.5 - s.start) * pxS;
    const dy = (row + 0.5 - u.start) * pxU;
    show(this.xhairV, true);
    this.xhairV.style.left = `${x}px`;
    for (let i = 0; i < this.allNames.length; i++) {
      const h = this.xhairH[i]!;
      show(h, this.data.names.includes(this.allNames[i]!));
      h.style.top = `${g.rowTops[i]! + dy}px`;
      h.style.left = `${g.plotLeft}px`;
      h.style.width = `${this.plotWidth}px`;
    }
    const cursor = this.state.cursor;
    if (cursor && document.activeElement === this.stack) {
      show(this.cursorBox, true);
      this.cursorBox.style.left = `${g.plotLeft + (cursor.step - s.start) * pxS}px`;
      this.cursorBox.style.top = `${g.rowTops[0]! + (cursor.row - u.start) * pxU}px`;
      this.cursorBox.style.width = `${Math.max(2, pxS)}px`;
      this.cursorBox.style.height = `${Math.max(2, pxU)}px`;
    } else show(this.cursorBox, false);
    fillTooltip(this.tooltip, this.cellReport(step, row, this.hover?.own));
    show(this.tooltip, true);
    // Right of the crosshair, or left of it past the middle (no measuring: a transform flips it).
    this.tooltip.style.left = `${x + 14}px`;
    this.tooltip.style.transform = x > g.width / 2 ? 'translateX(calc(-100% - 28px))' : 'none';
    this.tooltip.style.top = `${g.stackTop + g.rowTops[0]! + dy + 12}px`;
  }

  private drawPlots(): void {
    const sel = this.state.selected;
    this.detail.style.display = sel ? 'flex' : 'none';
    if (!sel) return;
    const { step, unit } = sel;
    const flip = this.zFlipped();
    const d = this.data;
    const H = d.units;
    const series = (fn: (g: GateName, i: number) => number) =>
      d.unitNames.map((g, index) => ({ gate: g, index, at: (i: number) => (g === 'z' && flip ? 1 - fn(g, i) : fn(g, i)) }));
    const legend = `r blue solid · z orange dashed${flip ? ' (1 − z)' : ''} · n green dotted · h purple thick`;
    this.unitCaption.textContent = `Unit ${unit} over all ${d.steps} steps (${legend})`;
    this.unitPlot.setAttribute('aria-label', `Line plot of unit ${unit}: r, z, n, h over time`);
    drawLinePlot(this.unitPlot, this.chrome, series((g, i) => d.value(g, i, unit)), d.steps, d.valid, step);
    const tok = this.trace.tokens?.[step];
    this.stepCaption.textContent = `Step ${this.originalStep(step)}${tok !== undefined ? ` ${JSON.stringify(tok)}` : ''} across all ${H} units, in row order`;
    this.stepPlot.setAttribute('aria-label', `Line plot of step ${this.originalStep(step)} across units`);
    if (d.isMasked(step)) {
      drawLinePlot(this.stepPlot, this.chrome, [], H, 0, -1);
    } else {
      const o = this.order;
      drawLinePlot(this.stepPlot, this.chrome, series((g, i) => d.value(g, step, o[i]!)), H, H, rowOf(o, unit));
    }
    this.unitStatsText.textContent = this.unitStatsLine(unit);
  }

  private unitStatsLine(unit: number): string {
    const parts: string[] = [];
    for (const g of this.data.unitNames) {
      const s = this.data.gates[g]!.stats;
      if (!s) return 'Statistics: computing…';
      const pct = (v: number) => `${(v * 100).toFixed(1)}%`;
      let low = s.low[unit]!;
      let high = s.high[unit]!;
      if (g === 'z' && this.zFlipped()) [low, high] = [high, low];
      const sat = this.data.gates[g]!.spec.scale === 'sequential' ? `, ${pct(low)} of steps < 0.1, ${pct(high)} > 0.9` : '';
      const mean = g === 'z' && this.zFlipped() ? 1 - s.mean[unit]! : s.mean[unit]!;
      parts.push(`${g}: mean ${mean.toFixed(3)}, var ${s.variance[unit]!.toFixed(3)}${sat}${s.nonFinite[unit] ? `, ${s.nonFinite[unit]} non-finite` : ''}`);
    }
    const tau = this.timescales()?.[unit];
    const fg = this.forgetGate();
    if (tau !== undefined && fg) parts.push(`memory timescale τ = ${Number.isFinite(tau) ? tau.toPrecision(3) : tau > 0 ? '∞' : 'NaN'} steps (−1 / ln mean ${fg.flip ? '1 − z' : fg.name})`);
    return `Unit ${unit} over ${this.data.valid} valid steps — ${parts.join(' · ')}`;
  }

  private updateGateLabels(): void {
    this.geom = undefined;
    const flipped = this.zFlipped();
    for (const g of this.data.names) {
      const role = ROLE_TEXT[this.data.gates[g]!.spec.role] ?? this.data.gates[g]!.spec.role;
      const text = g === 'z' && this.trace.layers[this.state.layer]!.cell === 'gru' ? `${role}: ${Z_MEANING_TEXT[this.zShown()]}${flipped ? ' (shown as 1 − z)' : ''}` : role;
      this.panels[g]!.label.replaceChildren(el('b', undefined, g), el('br'), el('span', 'gs-muted', text));
    }
    this.root.dataset['zShown'] = this.zShown();
  }

  private updateSummary(): void {
    const d = this.data;
    const l = this.trace.layers[this.state.layer]!;
    const s = this.stepsRange;
    const u = this.unitsRange;
    const parts = [
      `Gate heatmaps of ${this.trace.model.name}, layer ${l.layer} ${l.direction}${this.trace.batch > 1 ? `, batch item ${this.state.batch}` : ''}: ${d.units} units by ${d.steps} steps${d.valid < d.steps ? ` (${d.valid} valid, the rest masked)` : ''}.`,
      `${l.cell.toUpperCase()} gates ${d.names.join(', ')}: ${d.names.map((g) => { const sc = scaleOf(d.gates[g]!.spec, d.gates[g]!.extremes); return `${g} on ${sc.min.toPrecision(2)} to ${sc.max.toPrecision(2)}`; }).join(', ')}.${l.cell === 'gru' ? ` z ${Z_MEANING_TEXT[this.zShown()]}.` : ''}`,
      `Showing steps ${Math.floor(s.start)} to ${Math.ceil(s.end) - 1} and unit rows ${Math.floor(u.start)} to ${Math.ceil(u.end) - 1}, units ordered by ${UNIT_ORDER_LABELS[this.state.order]}.`,
    ];
    const zs = d.gates['z']?.stats;
    const rs = d.gates['r']?.stats;
    if (zs && rs) {
      const avg = (a: Float64Array) => a.reduce((x, y) => x + (y === y ? y : 0), 0) / a.length;
      parts.push(
        `On average over units, r is below 0.1 on ${(avg(rs.low) * 100).toFixed(0)}% of steps and above 0.9 on ${(avg(rs.high) * 100).toFixed(0)}%; z below 0.1 on ${(avg(zs.low) * 100).toFixed(0)}% and above 0.9 on ${(avg(zs.high) * 100).toFixed(0)}% (stored z).`,
      );
    }
    parts.push('Arrow keys move a cursor cell and read its values, Enter selects it for line plots, plus and minus zoom, 0 resets.');
    this.summary.textContent = parts.join(' ');
    this.stack.setAttribute('aria-label', parts[0]!);
  }

  private onTheme(): void {
    this.chrome = readChrome(this.root);
    this.root.dataset['themeKind'] = this.chrome.kind;
    this.invalidate({ plots: true, overlay: true });
  }

  // ---- cells --------------------------------------------------------------------------------

  private originalStep(s: number): number {
    return this.trace.downsample ? s * this.trace.downsample.stride : s;
  }

  private cellReport(step: number, row: number, own?: { gate: string; unit: number }): CellReport {
    const d = this.data;
    // On a panel with units of its own (a projected LSTM's h): that unit, and the gates that have it.
    const unit = own ? own.unit : this.order[row]!;
    const names = own ? d.names.filter((g) => d.gates[g]!.units === d.gates[own.gate]!.units) : d.names.filter((g) => !d.ownUnits(g));
    const values: Record<GateName, number> = {};
    const maxError: Record<GateName, number> = {};
    let approx: string | undefined;
    for (const g of names) {
      const spec = d.gates[g]!.spec;
      const exact = this.fine?.exact(spec, step, unit);
      if (exact !== undefined) {
        values[g] = exact;
        maxError[g] = spec.levels[0]!.maxError;
      } else {
        values[g] = d.value(g, step, unit);
        maxError[g] = d.gates[g]!.maxError;
        if (d.bucket > 1) {
          const a = Math.floor(step / d.bucket) * d.bucket;
          approx = `means of steps ${a}–${Math.min(d.steps, a + d.bucket) - 1}${this.fine ? (this.fine.error ? '' : ' (fetching the exact values…)') : ' (exact values are in the sidecar)'}`;
        }
      }
    }
    const lod = this.root.dataset['lod'];
    return {
      step,
      originalStep: this.originalStep(step),
      token: this.trace.tokens?.[step],
      unit,
      row,
      masked: d.isMasked(step),
      names,
      values,
      maxError,
      zFlipped: this.zFlipped(),
      zShownMeaning: Z_MEANING_TEXT[this.zShown()],
      ...(approx ? { approx } : {}),
      aggregation: lod && lod.startsWith('Level') ? lod.replace(/^Level of detail: each pixel shows /, '').replace(/ \(NaN.*$/, '') : undefined,
    };
  }

  private select(step: number, row: number): void {
    this.state.selected = { step, unit: this.order[row]! };
    this.root.dataset['selectedStep'] = String(step);
    this.root.dataset['selectedUnit'] = String(this.order[row]);
    this.invalidate({ plots: true });
    this.persist();
  }

  // ---- input --------------------------------------------------------------------------------

  private cellFromEvent(e: MouseEvent): { step: number; row: number; gate: GateName; own?: { gate: string; unit: number } } | undefined {
    for (const g of this.data.names) {
      const rect = this.panels[g]!.canvas.getBoundingClientRect();
      if (e.clientY >= rect.top && e.clientY < rect.bottom && e.clientX >= rect.left && e.clientX < rect.right) {
        if (this.data.ownUnits(g)) {
          const own = this.data.gates[g]!.units;
          return {
            step: cellAt(this.stepsRange, e.clientX - rect.left, rect.width, this.data.steps),
            row: cellAt(this.unitsRange, e.clientY - rect.top, rect.height, this.data.units),
            gate: g,
            own: { gate: g, unit: cellAt({ start: 0, end: own }, e.clientY - rect.top, rect.height, own) },
          };
        }
        return {
          step: cellAt(this.stepsRange, e.clientX - rect.left, rect.width, this.data.steps),
          row: cellAt(this.unitsRange, e.clientY - rect.top, rect.height, this.data.units),
          gate: g,
        };
      }
    }
    return undefined;
  }

  private wireInput(): void {
    const on = <K extends keyof HTMLElementEventMap>(t: HTMLElement, type: K, fn: (e: HTMLElementEventMap[K]) => void, opts?: AddEventListenerOptions) => {
      t.addEventListener(type, fn as EventListener, opts);
      this.disposers.push(() => t.removeEventListener(type, fn as EventListener, opts));
    };
    on(this.stack, 'pointermove', (e) => {
      if (this.pointer && this.pointer.id === e.pointerId) {
        const dx = e.clientX - this.pointer.x;
        const dy = e.clientY - this.pointer.y;
        if (!this.pointer.moved && Math.abs(dx) + Math.abs(dy) < 4) return;
        this.pointer.moved = true;
        this.pointer.x = e.clientX;
        this.pointer.y = e.clientY;
        const s = this.stepsRange;
        const u = this.unitsRange;
        this.state.steps = panRange(s, (-dx * (s.end - s.start)) / this.plotWidth, this.data.steps);
        this.state.units = panRange(u, (-dy * (u.end - u.start)) / this.gateHeight, this.data.units);
        this.viewChanged();
        return;
      }
      const c = this.cellFromEvent(e);
      const next = c ? { step: c.step, row: c.row, ...(c.own ? { own: c.own } : {}) } : undefined;
      if (next?.step !== this.hover?.step || next?.row !== this.hover?.row || next?.own?.unit !== this.hover?.own?.unit) {
        this.hover = next;
        this.invalidate({ overlay: true });
      }
    });
    on(this.stack, 'pointerleave', () => {
      this.hover = undefined;
      this.invalidate({ overlay: true });
    });
    on(this.stack, 'pointerdown', (e) => {
      if (e.button !== 0) return;
      const c = this.cellFromEvent(e);
      if (!c) return;
      this.pointer = { id: e.pointerId, x: e.clientX, y: e.clientY, moved: false, gate: c.gate };
      try {
        this.stack.setPointerCapture(e.pointerId);
      } catch {
        // Synthetic pointers cannot be captured; dragging still works inside the stack.
      }
    });
    on(this.stack, 'pointerup', (e) => {
      const p = this.pointer;
      this.pointer = undefined;
      if (!p || p.id !== e.pointerId) return;
      if (!p.moved) {
        const c = this.cellFromEvent(e);
        if (c) {
          this.state.cursor = { step: c.step, row: c.row };
          this.select(c.step, c.row);
        }
      }
    });
    on(
      this.stack,
      'wheel',
      (e) => {
        const c = this.cellFromEvent(e);
        if (!c) return;
        if (e.ctrlKey || e.metaKey) {
          e.preventDefault();
          const factor = Math.exp(Math.max(-1, Math.min(1, e.deltaY * 0.0025)));
          const rect = this.panels[c.gate].canvas.getBoundingClientRect();
          if (e.shiftKey) {
            const at = this.unitsRange.start + ((e.clientY - rect.top) / rect.height) * (this.unitsRange.end - this.unitsRange.start);
            this.state.units = zoomRange(this.unitsRange, factor, at, this.data.units);
          } else {
            const at = this.stepsRange.start + ((e.clientX - rect.left) / rect.width) * (this.stepsRange.end - this.stepsRange.start);
            this.state.steps = zoomRange(this.stepsRange, factor, at, this.data.steps);
          }
          this.viewChanged();
        } else if (Math.abs(e.deltaX) > Math.abs(e.deltaY)) {
          e.preventDefault();
          const s = this.stepsRange;
          this.state.steps = panRange(s, (e.deltaX * (s.end - s.start)) / this.plotWidth, this.data.steps);
          this.viewChanged();
        }
      },
      { passive: false },
    );
    on(this.stack, 'keydown', (e) => this.onKey(e));
    on(this.stack, 'focus', () => {
      this.state.cursor ??= { step: Math.floor(this.stepsRange.start), row: Math.floor(this.unitsRange.start) };
      this.announceCursor();
      this.invalidate({ overlay: true });
    });
    on(this.stack, 'blur', () => this.invalidate({ overlay: true }));
  }

  private onKey(e: KeyboardEvent): void {
    const c = (this.state.cursor ??= { step: Math.floor(this.stepsRange.start), row: Math.floor(this.unitsRange.start) });
    const big = e.shiftKey ? 10 : 1;
    let moved = false;
    switch (e.key) {
      case 'ArrowLeft':
        c.step = Math.max(0, c.step - big);
        moved = true;
        break;
      case 'ArrowRight':
        c.step = Math.min(this.data.steps - 1, c.step + big);
        moved = true;
        break;
      case 'ArrowUp':
        c.row = Math.max(0, c.row - big);
        moved = true;
        break;
      case 'ArrowDown':
        c.row = Math.min(this.data.units - 1, c.row + big);
        moved = true;
        break;
      case 'Home':
        c.step = 0;
        moved = true;
        break;
      case 'End':
        c.step = this.data.steps - 1;
        moved = true;
        break;
      case 'Enter':
      case ' ':
        this.select(c.step, c.row);
        this.live.textContent = `Selected ${cellSentence(this.cellReport(c.step, c.row))}`;
        break;
      case '+':
      case '=':
        this.zoomKey(1 / ZOOM_STEP, e.altKey);
        break;
      case '-':
      case '_':
        this.zoomKey(ZOOM_STEP, e.altKey);
        break;
      case '0':
        this.resetZoom();
        break;
      case 'Escape':
        this.state.selected = undefined;
        this.invalidate({ plots: true });
        break;
      default:
        return;
    }
    e.preventDefault();
    if (moved) {
      this.hover = undefined;
      this.state.steps = revealCell(this.stepsRange, c.step, this.data.steps);
      this.state.units = revealCell(this.unitsRange, c.row, this.data.units);
      this.announceCursor();
      this.viewChanged();
    }
  }

  private zoomKey(factor: number, units: boolean): void {
    const c = this.state.cursor;
    if (units) {
      const at = c ? c.row + 0.5 : (this.unitsRange.start + this.unitsRange.end) / 2;
      this.state.units = zoomRange(this.unitsRange, factor, at, this.data.units);
    } else {
      const at = c ? c.step + 0.5 : (this.stepsRange.start + this.stepsRange.end) / 2;
      this.state.steps = zoomRange(this.stepsRange, factor, at, this.data.steps);
    }
    this.viewChanged();
  }

  private resetZoom(): void {
    this.state.steps = { start: 0, end: this.data.steps };
    this.state.units = { start: 0, end: this.data.units };
    this.viewChanged();
  }

  private viewChanged(): void {
    this.state.steps = clampRange(this.stepsRange, this.data.steps);
    this.state.units = clampRange(this.unitsRange, this.data.units);
    this.invalidate({ heatmaps: true, axes: true, overlay: true });
    this.persist();
  }

  private announceCursor(): void {
    const c = this.state.cursor;
    if (c) this.live.textContent = cellSentence(this.cellReport(c.step, c.row));
  }

  // ---- export -------------------------------------------------------------------------------

  private async export(format: 'png' | 'svg' | 'csv'): Promise<void> {
    const ch = this.host.exports;
    if (!ch) return;
    const l = this.trace.layers[this.state.layer]!;
    const base = `gru-layer${l.layer}-${l.direction}${this.trace.batch > 1 ? `-item${this.state.batch}` : ''}`;
    let data: string;
    if (format === 'csv') {
      const s = this.stepsRange;
      const u = this.unitsRange;
      const steps: [number, number] = [Math.floor(s.start), Math.ceil(s.end)];
      const rows: [number, number] = [Math.floor(u.start), Math.ceil(u.end)];
      const n = (steps[1] - steps[0]) * (rows[1] - rows[0]);
      if (n > CSV_MAX_ROWS) {
        this.status.textContent = `The visible selection has ${n.toLocaleString()} cells; CSV export takes at most ${CSV_MAX_ROWS.toLocaleString()}. Zoom in first.`;
        return;
      }
      data = visibleCsv({
        steps,
        rows,
        order: this.order,
        valid: this.data.valid,
        tokens: this.trace.tokens,
        names: this.data.unitNames,
        originalStep: (x) => this.originalStep(x),
        value: (g, st, un) => (g === 'z' && this.zFlipped() ? 1 - this.data.value(g, st, un) : this.data.value(g, st, un)),
      });
    } else {
      const pic = this.picture();
      data = format === 'png' ? pictureToPng(pic) : pictureToSvg(pic);
    }
    this.status.textContent = `Saving ${format.toUpperCase()}…`;
    const r = await ch.send(format, `${base}.${format}`, data);
    if (this.disposed) return;
    this.status.textContent = r.ok ? `Saved ${r.path}` : r.cancelled ? 'Export cancelled.' : `Export failed: ${r.error ?? 'unknown error'}`;
  }

  private picture(): Picture {
    const l = this.trace.layers[this.state.layer]!;
    const s = this.stepsRange;
    const label = (g: GateName) =>
      g === 'z' && l.cell === 'gru' ? `z ${Z_MEANING_TEXT[this.zShown()]}${this.zFlipped() ? ' (1 − z)' : ''}` : `${g} ${this.data.gates[g]!.spec.role}`;
    return {
      title: `${this.trace.model.name} · layer ${l.layer} ${l.direction}`,
      subtitle: `${this.data.names.map((g) => { const sc = scaleOf(this.data.gates[g]!.spec, this.data.gates[g]!.extremes); return `${g}: ${mapNameOf(this.data.gates[g]!.spec.scale)} ${sc.min.toPrecision(2)}…${sc.max.toPrecision(2)}`; }).join(' · ')} · ${this.lod.textContent ?? ''}`,
      gates: this.data.names.map((g) => ({ label: label(g), canvas: this.panels[g]!.canvas })),
      footer: `steps ${this.originalStep(Math.floor(s.start))}–${this.originalStep(Math.ceil(s.end) - 1)} →`,
      chrome: this.chrome,
    };
  }
}

/** "A (label) · " / "B (label) · " before a layer entry of a comparison, nothing for a plain trace. */
function runLabel(t: DecodedTrace, run: 'a' | 'b' | undefined): string {
  if (!t.compare) return '';
  const r = run ?? 'a';
  return `${r.toUpperCase()} (${t.compare[r].label}) · `;
}

function fmtCount(x: number): string {
  return x >= 10 ? String(Math.round(x)) : x.toFixed(1).replace(/\.0$/, '');
}

function rowOf(order: Int32Array, unit: number): number {
  return order.indexOf(unit);
}

function cssId(s: string): string {
  return s.replace(/[^A-Za-z0-9_-]/g, '_');
}

function similarityLevel(steps: number): number {
  let k = 0;
  while (bucketsAt(steps, k) > SIMILARITY_BUCKETS) k++;
  return k;
}

/** Keeps a saved state only where it still fits the trace (a re-run may change its shape). */
function sanitizeState(s: ViewState | undefined, t: DecodedTrace): ViewState {
  const layer = s && Number.isInteger(s.layer) && s.layer >= 0 && s.layer < t.layers.length ? s.layer : 0;
  const batch = s && Number.isInteger(s.batch) && s.batch >= 0 && s.batch < t.batch ? s.batch : 0;
  const units = t.layers[layer]!.hiddenSize;
  const okRange = (r: Range | undefined, total: number) =>
    r && typeof r.start === 'number' && typeof r.end === 'number' && r.end <= total && r.start >= 0 && r.end > r.start ? clampRange(r, total) : undefined;
  const orders = Object.keys(UNIT_ORDER_LABELS);
  const state: ViewState = {
    layer,
    batch,
    steps: okRange(s?.steps, t.steps),
    units: okRange(s?.units, units),
    order: s && orders.includes(s.order) ? s.order : 'index',
    orderGate: s && t.layers[layer]!.gates.some((g) => g.name === s.orderGate) ? s.orderGate : 'h',
    zShown: s?.zShown === 'keep-old' || s?.zShown === 'take-new' ? s.zShown : undefined,
  };
  if (s?.selected && s.selected.step < t.steps && s.selected.unit < units && s.selected.step >= 0 && s.selected.unit >= 0) state.selected = { ...s.selected };
  if (s?.cursor && s.cursor.step < t.steps && s.cursor.row < units && s.cursor.step >= 0 && s.cursor.row >= 0) state.cursor = { ...s.cursor };
  return state;
}
