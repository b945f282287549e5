// One trace output: header, toolbar, one heatmap per gate with legends and axes, the overlay for the
// hovered cell, detail plots of a selected cell, screen-reader text and export. This file holds the
// view's state and puts the parts together; each part is a file of its own (view-context.ts lists
// what they share). All DOM stays inside `root`; dispose() releases every observer, frame, listener
// and background task.
import type { GruConvention, ZMeaning } from '../core/trace/document';
import type { DecodedTrace } from '../core/trace/decoded';
import { identityOrder, type UnitOrderKind } from '../core/view/order';
import type { Range } from '../core/view/range';
import { TRACE_ATTR, traceStatus } from '../core/view/status-contract';
import { sanitizeState, type ViewState } from '../core/view/view-state';
import { clampView, rangeOf, resetView, type ViewDims } from '../core/view/viewport';
import { zFlipOf, type ZFlip } from '../core/view/z-flip';
import { AccessibleText } from './accessible-text';
import { ViewAxes } from './axes';
import { LayerData } from './data';
import { DetailPlots } from './detail-plots';
import { el } from './dom';
import { watchDevicePixelRatio } from './dpr-watch';
import type { ExportChannel } from './export';
import { buildGatePanels, labelGates, updateLegends, type GatePanel } from './gate-panel';
import { buildHeader } from './header';
import { Heatmaps } from './heatmaps';
import { INPUT_HELP, wireInput } from './input';
import { buildSpecialSwatches } from './legend';
import { Overlay } from './overlay';
import { BackgroundWork, FrameScheduler, workFor, type Dirty } from './scheduler';
import { SidecarTiles } from './sidecar-tiles';
import { CSS } from './styles';
import { readChrome, type ChromeColours } from './theme';
import type { TileChannel } from './tile-channel';
import { buildToolbar } from './toolbar';
import { unitOrder } from './unit-order';
import type { ViewContext } from './view-context';
import { exportView } from './view-export';
import { showError } from './error-root';

/** CSS pixels beside each heatmap: the gate label and unit axis on the left, the legend on the right. */
const LABEL_W = 96;
const LEGEND_W = 118;

export interface ViewHost {
  exports?: ExportChannel;
  /** Sidecar tiles from the extension host; absent where no host answers (the overview stays). */
  tiles?: TileChannel;
  saveState(s: ViewState): void;
  subscribeTheme(fn: () => void): () => void;
}

export class TraceView implements ViewContext {
  readonly root: HTMLElement;
  readonly stack: HTMLElement;
  readonly panels: Record<string, GatePanel>;
  readonly allNames: readonly string[];
  data: LayerData;
  order: Int32Array;
  readonly state: ViewState;
  chrome: ChromeColours;
  fine: SidecarTiles | undefined;
  plotWidth = 0;
  gateHeight = 0;
  private readonly lod: HTMLElement;
  /** The visible status line (orders waiting for statistics, export results). */
  private readonly status: HTMLElement;
  private readonly frames: FrameScheduler;
  private readonly work: BackgroundWork;
  private readonly heatmaps: Heatmaps;
  private readonly overlay: Overlay;
  private readonly plots: DetailPlots;
  private readonly text: AccessibleText;
  private readonly axes: ViewAxes;
  private readonly disposers: (() => void)[] = [];
  private disposed = false;
  /** The device pixel ratio the canvases were last sized for (start() sizes them). */
  private dpr = globalThis.devicePixelRatio || 1;

  constructor(
    readonly trace: DecodedTrace,
    outputId: string,
    saved: ViewState | undefined,
    private readonly host: ViewHost,
  ) {
    this.state = sanitizeState(saved, trace);
    this.data = new LayerData(trace, this.state.layer, this.state.batch);
    this.fine = this.fineTilesFor(this.state.layer, this.state.batch);
    this.order = identityOrder(this.data.units);
    this.allNames = [...new Set(trace.layers.flatMap((l) => l.gates.map((g) => g.name)))];

    this.root = el('div', 'gs-root', undefined, { [TRACE_ATTR.gatescope]: 'trace', [TRACE_ATTR.outputId]: outputId });
    this.root.append(el('style', undefined, CSS));
    this.root.append(buildHeader(trace));
    const exports = host.exports;
    this.root.append(
      buildToolbar(trace, this.state, this.allNames, this.zShownSetting(), {
        setLayer: (layer, batch) => this.setLayer(layer, batch),
        setOrder: (kind, gate) => this.setOrder(kind, gate),
        setZShown: (z) => this.setZShown(z),
        resetZoom: () => this.resetZoom(),
        ...(exports ? { export: (f) => void exportView(this, exports, f, this.lod.textContent ?? '', (t) => (this.status.textContent = t), () => !this.disposed) } : {}),
      }),
    );
    this.status = el('div', 'gs-status gs-muted', '', { role: 'status' });
    this.root.append(this.status);

    this.stack = el('div', 'gs-stack', undefined, { tabindex: '0', role: 'application', 'aria-roledescription': 'gate heatmaps' });
    this.panels = buildGatePanels(trace, this.allNames, this.data, () => this.invalidate({ heatmaps: true }));
    for (const g of this.allNames) this.stack.append(this.panels[g]!.row);
    this.overlay = new Overlay(this);
    this.stack.append(...this.overlay.stackElements);
    this.axes = new ViewAxes(this);
    this.lod = el('div', 'gs-lod gs-muted');
    this.root.append(this.stack, this.axes.stepAxis, this.lod, buildSpecialSwatches(), this.overlay.tooltip);
    this.text = new AccessibleText(this, outputId);
    this.root.append(...this.text.elements);
    this.plots = new DetailPlots(this);
    this.root.append(this.plots.element);
    this.root.append(el('div', 'gs-muted', INPUT_HELP));

    this.heatmaps = new Heatmaps(this, this.lod, () => this.text.updateSummary());
    this.frames = new FrameScheduler({
      heatmaps: () => this.heatmaps.drawHeatmaps(),
      axes: () => this.axes.draw(),
      overlay: () => this.overlay.draw(),
      plots: () => this.plots.draw(),
    });
    this.work = new BackgroundWork(
      () => this.workSlice(),
      () => (traceStatus(this.root.dataset).stats = 'ready'),
    );
    this.chrome = readChrome(this.root);
    this.updateGateLabels();
    this.disposers.push(
      wireInput(this, this.overlay, {
        viewChanged: () => this.viewChanged(),
        select: (step, row) => this.select(step, row),
        resetZoom: () => this.resetZoom(),
        announceCursor: () => this.text.announceCursor(),
        announceSelected: (step, row) => this.text.announceSelected(step, row),
      }),
    );
    this.disposers.push(host.subscribeTheme(() => this.onTheme()));
    this.disposers.push(watchDevicePixelRatio(() => this.layout(true)));
    const ro = new ResizeObserver(() => this.layout());
    ro.observe(this.root);
    this.disposers.push(() => ro.disconnect());
    this.applyOrder();
  }

  /** Called once the root is in the document: sizes canvases and starts the first paint. */
  start(): void {
    this.chrome = readChrome(this.root);
    traceStatus(this.root.dataset).themeKind = this.chrome.kind;
    this.layout();
    this.pump();
  }

  dispose(): void {
    this.disposed = true;
    this.frames.dispose();
    this.work.dispose();
    for (const d of this.disposers.splice(0)) d();
    for (const g of this.allNames) this.panels[g]!.dispose();
  }

  // ---- what the parts share (ViewContext) ------------------------------------------------------

  get zFlip(): ZFlip {
    const l = this.trace.layers[this.state.layer]!;
    return zFlipOf(l.cell, (l.convention as GruConvention | undefined)?.zMeaning, this.state.zShown);
  }

  get dims(): ViewDims {
    return this.data;
  }

  get steps(): Range {
    return rangeOf(this.state, this.data, 'steps');
  }

  get units(): Range {
    return rangeOf(this.state, this.data, 'units');
  }

  invalidate(parts: Partial<Dirty>): void {
    // Any redraw also notices a new device pixel ratio whose media-query event did not arrive (a
    // webview iframe under devtools device emulation gets none).
    if ((globalThis.devicePixelRatio || 1) !== this.dpr) this.layout(true);
    if (parts.heatmaps) this.heatmaps.restart = true;
    this.frames.invalidate(parts);
  }

  pump(): void {
    this.work.pump();
  }

  persist(): void {
    this.host.saveState(this.state);
  }

  originalStep(s: number): number {
    return this.trace.downsample ? s * this.trace.downsample.stride : s;
  }

  // ---- state changes ---------------------------------------------------------------------------

  /** The z meaning chosen in the toolbar, or the stored one (keep-old outside GRU layers). */
  private zShownSetting(): ZMeaning {
    return this.state.zShown ?? this.zFlip.stored;
  }

  private fineTilesFor(layer: number, batch: number): SidecarTiles | undefined {
    if (!this.trace.sidecar || !this.host.tiles) return undefined;
    return new SidecarTiles(this.trace, layer, batch, this.host.tiles, () => {
      if (this.disposed) return;
      this.invalidate({ heatmaps: true, overlay: true });
    });
  }

  private setLayer(layer: number, batch: number): void {
    const unitsChanged = this.trace.layers[layer]!.hiddenSize !== this.data.units;
    this.state.layer = layer;
    this.state.batch = batch;
    this.data = new LayerData(this.trace, layer, batch);
    updateLegends(this.panels, this.trace, this.data);
    this.fine = this.fineTilesFor(layer, batch);
    if (unitsChanged) {
      this.state.units = undefined;
      this.state.cursor = undefined;
      this.state.selected = undefined;
    }
    this.order = identityOrder(this.data.units);
    this.heatmaps.drawnLevel = -1;
    delete traceStatus(this.root.dataset).stats;
    this.applyOrder();
    this.layout();
    this.pump();
    this.persist();
  }

  private setOrder(kind: UnitOrderKind, gate: string): void {
    this.state.order = kind;
    this.state.orderGate = gate;
    this.applyOrder();
    this.persist();
  }

  private setZShown(z: ZMeaning): void {
    this.state.zShown = z;
    this.updateGateLabels();
    this.heatmaps.allAtOnce = true;
    this.invalidate({ heatmaps: true, overlay: true, plots: true });
    this.persist();
  }

  private applyOrder(): void {
    const kind = this.state.order;
    const o = unitOrder(kind, this.state.orderGate, this.data, this.trace.layers[this.state.layer]!.cell, this.zFlip);
    if ('waiting' in o) {
      this.status.textContent = o.waiting;
      this.pump();
      return;
    }
    this.order = o.order;
    this.status.textContent = o.note;
    traceStatus(this.root.dataset).order = o.tag;
    this.heatmaps.allAtOnce = true;
    this.invalidate({ heatmaps: true, axes: true, overlay: true, plots: true });
  }

  private updateGateLabels(): void {
    this.overlay.forgetGeometry();
    labelGates(this.panels, this.data, this.trace.layers[this.state.layer]!.cell, this.zFlip);
    traceStatus(this.root.dataset).zShown = this.zShownSetting();
  }

  private select(step: number, row: number): void {
    this.state.selected = { step, unit: this.order[row]! };
    const r = traceStatus(this.root.dataset);
    r.selectedStep = String(step);
    r.selectedUnit = String(this.order[row]);
    this.invalidate({ plots: true });
    this.persist();
  }

  private resetZoom(): void {
    resetView(this.state, this.data);
    this.viewChanged();
  }

  private viewChanged(): void {
    clampView(this.state, this.data);
    this.heatmaps.moved = true;
    this.invalidate({ heatmaps: true, axes: true, overlay: true });
    this.persist();
  }

  private onTheme(): void {
    this.chrome = readChrome(this.root);
    traceStatus(this.root.dataset).themeKind = this.chrome.kind;
    this.invalidate({ plots: true, overlay: true });
  }

  // ---- background work and layout --------------------------------------------------------------

  /** One slice of pyramid and statistics work; redraws what it made drawable. True while work is left. */
  private workSlice(): boolean {
    let more: boolean;
    try {
      more = workFor(() => this.data.workSlice() && !this.data.refined);
    } catch (e) {
      // A deferred level 0 whose base64 turned out broken: the output shows the error instead.
      this.fail(e);
      return false;
    }
    if (this.data.refined) {
      this.refine();
      return true;
    }
    const before = this.data.statsReady();
    if (this.heatmaps.deferred && this.data.hasLevel(this.heatmaps.neededLevel())) {
      this.heatmaps.deferred = false;
      this.invalidate({ heatmaps: true });
    }
    if (this.data.pairsLanded) {
      this.data.pairsLanded = false;
      this.invalidate({ heatmaps: true });
    }
    if (!before && this.data.statsReady()) this.onStatsReady();
    else if (this.state.order === 'similarity' && traceStatus(this.root.dataset).order !== `similarity:${this.state.orderGate}`) this.applyOrder();
    return more;
  }

  /**
   * Level 0 of the shown layer is decoded: the view continues at full detail. The coarse picture
   * stays on screen until the level the zoom needs is built; the status says 'preparing' until then.
   */
  private refine(): void {
    const want = this.data.wantedLevel;
    this.data = new LayerData(this.trace, this.state.layer, this.state.batch);
    this.data.wantedLevel = want;
    const r = traceStatus(this.root.dataset);
    r.state = 'preparing';
    delete r.stats;
    this.applyOrder();
    this.invalidate({ heatmaps: true, overlay: true, plots: true });
  }

  private fail(e: unknown): void {
    // Frames and background work stop here; the registry disposes the rest with the output.
    this.disposed = true;
    this.frames.dispose();
    this.work.dispose();
    showError(this.root.parentElement ?? this.root, e);
  }

  private onStatsReady(): void {
    if (this.state.order !== 'index') this.applyOrder();
    this.text.updateSummary();
    this.invalidate({ plots: true });
  }

  /** Sizes the heatmaps to the root's width; `force`: re-size canvases even at the same CSS size (a new device pixel ratio). */
  private layout(force = false): void {
    if (this.disposed) return;
    this.dpr = globalThis.devicePixelRatio || 1;
    this.overlay.forgetGeometry();
    const avail = this.root.clientWidth || 800;
    const width = Math.max(120, Math.floor(avail - LABEL_W - LEGEND_W - 16));
    const height = Math.max(56, Math.min(180, this.data.units * 6));
    // A layer shows its own gates' panels (a layer of another cell kind may have the same size).
    for (const g of this.allNames) this.panels[g]!.row.hidden = !this.data.names.includes(g);
    if (!force && width === this.plotWidth && height === this.gateHeight) return;
    this.plotWidth = width;
    this.gateHeight = height;
    for (const g of this.allNames) this.panels[g]!.resize(width, height);
    this.axes.resize(width);
    this.plots.resize(width);
    this.heatmaps.drawnLevel = -1;
    this.invalidate({ heatmaps: true, axes: true, overlay: true, plots: true });
  }
}
