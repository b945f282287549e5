// The comparison view of a comparison trace (issue 14), shown below the trace's own view: for one
// layer entry and gate, run A, run B and A − B as three panes (one batch item, units down, steps
// across) that share one zoom and pan (Ctrl+wheel zooms time, Ctrl+Shift+wheel units, drag or a
// horizontal wheel pans, keys + − 0 and arrows; src/core/compare/pane-viewport.ts), one step axis and
// one hover (a crosshair in each pane; the tooltip gives A, B and A − B). The Δ pane is on a
// diverging scale (RdBu) over [−m, m] with m the largest |A − B| of the batch item, stated in its
// legend; the first step past the tolerance is marked in every pane and follows the zoom. For two
// checkpoints, run B's units can be matched to A's (Hungarian on the correlation of h,
// src/core/compare/unit-alignment.ts), shown as a permutation and undone with the same toggle.
// Statistics come from the values (src/core/compare/gate-diff.ts). Runs whose values live in a
// sidecar are drawn from the trace's inline overview level, with exact values on hover from the
// sidecar's tiles (sidecar-tiles.ts) once they arrive.
import { DIVERGING_LUT, specialColours, type GateColourScale } from '../core/color/maps';
import { rendererSettings } from './settings';
import { mapNameOf, scaleOf } from './colours';
import { comparisonPairs, deltaRange, statsOf, type ComparedEntry } from '../core/compare/comparison-pairs';
import { diffGate } from '../core/compare/gate-diff';
import { paneCell, paneRgba, type PaneJob } from '../core/compare/pane-raster';
import { clampViewport, dragBy, fullViewport, stepFraction, viewportForKey, wheelFactor, zoomAt, type PaneTotals, type PaneViewport } from '../core/compare/pane-viewport';
import { alignUnits, permuteUnits } from '../core/compare/unit-alignment';
import { permutationText, shownAlignment, type ShownAlignment } from '../core/compare/unit-alignment-shown';
import { gateOf, type DecodedGate, type DecodedTrace } from '../core/trace/decoded';
import { validSteps } from '../core/trace/mask';
import { formatFloat32 } from '../core/view/format';
import { drawStepAxis } from './axes';
import type { CompareState } from './compare-state';
import { button, el, labelled, select } from './dom';
import { SidecarTiles } from './sidecar-tiles';
import type { TileChannel } from './tile-channel';

const PANES = ['a', 'b', 'delta'] as const;
type Pane = (typeof PANES)[number];

const CSS = `
.gs-compare { margin-top: 10px; border-top: 1px solid var(--vscode-editorWidget-border, var(--vscode-contrastBorder, #c8c8c8)); padding-top: 6px; position: relative; }
.gs-compare-panes:focus { outline: 1px solid var(--vscode-focusBorder, #0090f1); outline-offset: 1px; }
.gs-compare-pane { margin: 4px 0 2px; }
.gs-compare-label { font-size: 0.92em; margin-bottom: 1px; }
.gs-compare-wrap { position: relative; overflow: hidden; border: 1px solid var(--vscode-editorWidget-border, var(--vscode-contrastBorder, #c8c8c8)); cursor: crosshair; touch-action: none; }
.gs-compare-wrap canvas { display: block; width: 100%; }
.gs-compare-first { position: absolute; top: 0; bottom: 0; width: 0; border-left: 2px dashed var(--vscode-editorWarning-foreground, #bf8803); pointer-events: none; }
.gs-compare-xhair { position: absolute; top: 0; bottom: 0; width: 0; border-left: 1px solid var(--vscode-editor-foreground, #333); pointer-events: none; display: none; }
.gs-compare-tip { position: absolute; z-index: 5; pointer-events: none; display: none; white-space: pre; padding: 3px 6px;
  background: var(--vscode-editorHoverWidget-background, #f3f3f3); color: var(--vscode-editorHoverWidget-foreground, inherit);
  border: 1px solid var(--vscode-editorHoverWidget-border, #c8c8c8); font-family: var(--vscode-editor-font-family, monospace); font-size: 0.92em; }
.gs-compare-legend, .gs-compare-perm { margin-top: 3px; font-size: 0.92em; }
.gs-compare .gs-steps { margin-left: 0; }
`;

/** A compared layer entry, with how its run b is shown (as run or aligned to a). */
interface Entry {
  pair: ComparedEntry;
  key: string;
  /** The trace's own permutation of b's units for this entry (b is stored aligned), if any. */
  stored: number[] | undefined;
  /** Why b's units cannot be aligned here; undefined when they can. */
  noAlign: string | undefined;
  shown: ShownAlignment;
}

interface Summary {
  maxAbsDiff: number;
  rms: number;
  sqnrDb: number | null;
  firstDivergentStep: number | null;
}

interface Choice {
  entry: Entry;
  gate: string;
  diff: Summary;
}

/** What one pane pair draws from: level-0 values, or an inline overview level of a sidecar trace. */
interface Source {
  gA: DecodedGate;
  gB: DecodedGate;
  /** [B, ceil(T / bucket), U]. */
  a: Float32Array;
  /** b as shown (aligned or as run). */
  b: Float32Array;
  bucket: number;
  /** False when the values are an overview level (exact values come from tiles). */
  exact: boolean;
}

export interface CompareHost {
  /** Saved state of this output (compare-state.ts). */
  saved?: CompareState;
  saveState(s: CompareState): void;
  /** The sidecar tile channel; undefined without renderer messaging. */
  tiles?: TileChannel;
}

export class CompareView {
  readonly root: HTMLElement;
  private readonly entries: Entry[] = [];
  private readonly choices: Choice[] = [];
  private readonly inline: boolean;
  private readonly stats: HTMLElement;
  private readonly legend: HTMLElement;
  private readonly perm: HTMLElement;
  private readonly alignBox: HTMLInputElement;
  private readonly alignLabel: HTMLElement;
  private readonly tip: HTMLElement;
  private readonly panes: HTMLElement;
  private readonly axis: HTMLElement;
  private readonly wraps: Record<Pane, HTMLElement>;
  private readonly canvases: Record<Pane, HTMLCanvasElement>;
  private readonly xhairs: Record<Pane, HTMLElement>;
  private readonly firsts: Record<Pane, HTMLElement>;
  private readonly resize: ResizeObserver | undefined;
  private readonly state: CompareState;
  private readonly sources = new Map<number, Source>();
  /** Sidecar tiles of the shown entry's run a and run b (two layer entries: two caches). */
  private tilesA: SidecarTiles | undefined;
  private tilesB: SidecarTiles | undefined;
  private draws = 0;
  private frame = 0;
  private job: Omit<PaneJob, 'scale' | 'other' | 'values' | 'width' | 'height'> | undefined;
  private pointer: { id: number; x: number; y: number; moved: boolean } | undefined;
  /** The last hovered cell and where, so a tile that lands (or a redraw) refreshes the tooltip. */
  private hovered: { step: number; unit: number; clientX: number; clientY: number } | undefined;
  private readonly disposers: (() => void)[] = [];

  /** Undefined when the trace is not a comparison (no run b), so callers add nothing. */
  static for(trace: DecodedTrace, host: CompareHost = { saveState: () => undefined }): CompareView | undefined {
    return trace.compare && trace.layers.some((l) => l.run === 'b') ? new CompareView(trace, host) : undefined;
  }

  private constructor(
    private readonly trace: DecodedTrace,
    private readonly host: CompareHost,
  ) {
    this.root = el('div', 'gs-root gs-compare', undefined, { 'data-gatescope': 'compare' });
    this.root.append(el('style', undefined, CSS));
    const c = trace.compare!;
    this.root.append(el('div', 'gs-title', `Comparison: A = ${c.a.label}, B = ${c.b.label}, tolerance ${c.tolerance}`));
    let pairs: ComparedEntry[] = [];
    try {
      pairs = comparisonPairs(trace);
    } catch (e) {
      this.root.append(el('div', 'gs-error', `Gatescope cannot compare the runs of this output: ${(e as Error).message}`, { role: 'alert' }));
    }
    this.inline = pairs.every((p) => p.gates.every((g) => gateOf(p.a, g)!.levels[0]!.mean && gateOf(p.b, g)!.levels[0]!.mean));
    if (!this.inline) {
      const usable = pairs.every((p) => p.gates.every((g) => overviewLevel(gateOf(p.a, g)!, gateOf(p.b, g)!) >= 0));
      if (!usable) pairs = [];
      this.root.append(
        el(
          'div',
          'gs-notice',
          usable
            ? `The values of these runs live in the sidecar: the panes show the inline overview (means over ${overviewBucket(pairs)} steps per column at most), the statistics are the stored ones, and hovering reads exact values from the sidecar${host.tiles ? '' : ' (not here: this renderer has no extension host to ask)'}.`
            : 'The values of these runs live in the sidecar and the output keeps no overview of them; `gatescope diff` reads the sidecar.',
        ),
      );
    }
    this.state = { choice: 0, batch: 0, aligned: {}, ...(host.saved ?? {}) };
    if (this.state.batch >= trace.batch) this.state.batch = 0;
    for (const pair of pairs) {
      const key = `${pair.layer}/${pair.direction}`;
      const stored = c.unitAlignment?.find((u) => u.layer === pair.layer && u.direction === pair.direction)?.permutation;
      const odd = pair.gates.find((g) => gateOf(pair.b, g)!.units !== pair.b.hiddenSize);
      const noAlign = !pair.gates.includes('h')
        ? 'this layer entry has no h'
        : odd
          ? `gate ${odd} has ${gateOf(pair.b, odd)!.units} units, not the layer's ${pair.b.hiddenSize}`
          : !this.inline
            ? 'the values live in the sidecar (`gatescope diff --align-units` writes an aligned comparison)'
            : undefined;
      const entry: Entry = { pair, key, stored, noAlign, shown: { apply: undefined, shown: stored } };
      this.entries.push(entry);
      this.setAlignment(entry, noAlign ? stored !== undefined : (this.state.aligned[key] ?? stored !== undefined));
      for (const gate of pair.gates) this.choices.push({ entry, gate, diff: this.summary(entry, gate) });
    }
    if (!(this.state.choice < this.choices.length) || !host.saved) this.state.choice = firstToShow(this.choices);

    const toolbar = el('div', 'gs-toolbar');
    const gateSelect = select('Gate compared', this.choiceOptions(), String(this.state.choice));
    gateSelect.addEventListener('change', () => {
      this.state.choice = Number(gateSelect.value);
      this.hovered = undefined;
      this.syncAlignBox();
      this.changed();
    });
    toolbar.append(labelled('Compare', gateSelect));
    if (trace.batch > 1) {
      const batchSelect = select('Batch item', Array.from({ length: trace.batch }, (_, b) => [String(b), String(b)] as const), String(this.state.batch));
      batchSelect.addEventListener('change', () => {
        this.state.batch = Number(batchSelect.value);
        this.sources.clear();
        this.tilesA = this.tilesB = undefined;
        this.changed();
      });
      toolbar.append(labelled('Batch item', batchSelect));
    }
    const reset = button('Reset zoom', 'Show all steps and units of the three panes (key 0)');
    reset.addEventListener('click', () => this.setViewport(undefined));
    toolbar.append(reset);
    this.alignBox = el('input', undefined, undefined, { type: 'checkbox', 'data-role': 'align-units' });
    this.alignLabel = el('label', 'gs-field', undefined, { title: "Match B's units to A's by the correlation of h over time (Hungarian); untick to show B as run" });
    this.alignLabel.append(this.alignBox, el('span', undefined, ' Align B’s units to A (h correlation)'));
    this.alignBox.addEventListener('change', () => {
      const entry = this.current().entry;
      this.setAlignment(entry, this.alignBox.checked);
      this.state.aligned[entry.key] = this.alignBox.checked;
      for (const ch of this.choices) if (ch.entry === entry) ch.diff = this.summary(entry, ch.gate);
      const keep = gateSelect.value;
      gateSelect.replaceChildren(...select('', this.choiceOptions(), keep).options);
      gateSelect.value = keep;
      this.changed();
    });
    toolbar.append(this.alignLabel);
    this.stats = el('div', 'gs-compare-stats');
    this.perm = el('div', 'gs-compare-perm', undefined, { 'aria-live': 'polite' });
    this.root.append(toolbar, this.stats, this.perm);

    const titles: Record<Pane, string> = { a: `A: ${c.a.label}`, b: `B: ${c.b.label}`, delta: 'A − B' };
    const mk = <T>(f: (p: Pane) => T) => ({ a: f('a'), b: f('b'), delta: f('delta') });
    this.panes = el('div', 'gs-compare-panes', undefined, {
      tabindex: '0',
      role: 'group',
      'aria-label': 'Panes A, B and A − B: Ctrl+wheel or + and − zoom time (Shift or Alt: units), drag or the arrow keys pan, 0 shows everything',
    });
    this.canvases = mk((p) => el('canvas', undefined, undefined, { 'data-pane': p, 'aria-label': titles[p] }));
    this.xhairs = mk(() => el('div', 'gs-compare-xhair'));
    this.firsts = mk(() => el('div', 'gs-compare-first', undefined, { title: 'first step past the tolerance' }));
    this.wraps = mk((p) => {
      const w = el('div', 'gs-compare-wrap', undefined, { 'data-pane': p });
      w.append(this.canvases[p], this.firsts[p], this.xhairs[p]);
      const pane = el('div', 'gs-compare-pane', undefined, { 'data-for': p });
      pane.append(el('div', 'gs-compare-label', titles[p]), w);
      this.panes.append(pane);
      return w;
    });
    this.axis = el('div', 'gs-steps', undefined, { 'aria-hidden': 'true' });
    this.panes.append(this.axis);
    this.legend = el('div', 'gs-compare-legend');
    this.tip = el('div', 'gs-compare-tip', undefined, { role: 'status' });
    this.root.append(this.panes, this.legend, el('div', 'gs-muted', 'Hover for A, B and A − B · Ctrl+wheel zooms time (Shift: units) · drag pans · keys: + − zoom, arrows pan, 0 resets'), this.tip);
    this.wireInput();
    this.syncAlignBox();
    this.resize = typeof ResizeObserver === 'function' ? new ResizeObserver(() => this.schedule()) : undefined;
    this.resize?.observe(this.root);
  }

  start(): void {
    this.schedule();
  }

  dispose(): void {
    this.resize?.disconnect();
    for (const d of this.disposers) d();
    if (this.frame) cancelAnimationFrame(this.frame);
    this.frame = 0;
    this.root.remove();
  }

  // ---- state --------------------------------------------------------------------------------

  private current(): Choice {
    return this.choices[this.state.choice]!;
  }

  private choiceOptions(): (readonly [string, string])[] {
    return this.choices.map((ch, i) => [String(i), `layer ${ch.entry.pair.layer} ${ch.entry.pair.direction} · ${ch.gate}${ch.diff.firstDivergentStep === null ? '' : ` · diverges at step ${ch.diff.firstDivergentStep}`}`] as const);
  }

  private totals(): PaneTotals {
    const ch = this.current();
    return { steps: this.trace.steps, units: gateOf(ch.entry.pair.a, ch.gate)!.units };
  }

  private get viewport(): PaneViewport {
    return clampViewport(this.state.viewport, this.totals());
  }

  private setViewport(v: PaneViewport | undefined): void {
    this.state.viewport = v ? clampViewport(v, this.totals()) : fullViewport(this.totals());
    this.changed();
  }

  private changed(): void {
    this.host.saveState(this.state);
    this.schedule();
  }

  /** Shows b of `entry` aligned to a or as run (every gate of the entry moves with h's permutation). */
  private setAlignment(entry: Entry, aligned: boolean): void {
    entry.shown = shownAlignment(entry.stored, aligned, () => {
      const { pair } = entry;
      const dims = { batch: this.trace.batch, steps: this.trace.steps, units: pair.b.hiddenSize };
      return alignUnits(gateOf(pair.a, 'h')!.levels[0]!.mean!, gateOf(pair.b, 'h')!.levels[0]!.mean!, dims, this.trace.sequenceLengths).permutation;
    });
    for (const [i, ch] of this.choices.entries()) if (ch.entry === entry) this.sources.delete(i);
  }

  private syncAlignBox(): void {
    const entry = this.current()?.entry;
    if (!entry) {
      this.alignLabel.hidden = true;
      return;
    }
    this.alignBox.checked = entry.shown.shown !== undefined;
    this.alignBox.disabled = entry.noAlign !== undefined;
    if (entry.noAlign) this.alignLabel.title = `Unit alignment is not available: ${entry.noAlign}`;
  }

  /** The statistics of one gate as shown: recomputed from inline values, or the stored ones of a sidecar trace. */
  private summary(entry: Entry, gate: string): Summary {
    const { trace } = this;
    const tol = trace.compare!.tolerance;
    if (!this.inline) {
      const s = statsOf(trace, entry.pair.layer, entry.pair.direction, gate);
      return { maxAbsDiff: s ? (s.maxAbsDiff ?? Infinity) : NaN, rms: s ? (s.rms ?? Infinity) : NaN, sqnrDb: s?.sqnrDb ?? null, firstDivergentStep: s?.firstDivergentStep ?? null };
    }
    const gA = gateOf(entry.pair.a, gate)!;
    const b = this.shownB(entry, gateOf(entry.pair.b, gate)!.levels[0]!.mean!, gA.units);
    return diffGate(gA.levels[0]!.mean!, b, { batch: trace.batch, steps: trace.steps, units: gA.units }, tol, trace.sequenceLengths);
  }

  private shownB(entry: Entry, stored: Float32Array, units: number): Float32Array {
    return entry.shown.apply && units === entry.pair.b.hiddenSize ? permuteUnits(stored, entry.shown.apply, units) : stored;
  }

  private source(i: number): Source {
    let s = this.sources.get(i);
    if (s) return s;
    const ch = this.choices[i]!;
    const gA = gateOf(ch.entry.pair.a, ch.gate)!;
    const gB = gateOf(ch.entry.pair.b, ch.gate)!;
    const m = this.inline ? 0 : overviewLevel(gA, gB);
    s = { gA, gB, a: gA.levels[m]!.mean!, b: this.shownB(ch.entry, gB.levels[m]!.mean!, gA.units), bucket: gA.levels[m]!.bucket, exact: this.inline };
    this.sources.set(i, s);
    return s;
  }

  // ---- drawing ------------------------------------------------------------------------------

  private schedule(): void {
    if (this.frame || this.choices.length === 0) return;
    this.frame = requestAnimationFrame(() => {
      this.frame = 0;
      this.draw();
    });
  }

  private draw(): void {
    const ch = this.current();
    const { trace } = this;
    const src = this.source(this.state.choice);
    const { gA, a, b, bucket } = src;
    const units = gA.units;
    const batch = this.state.batch;
    const valid = validSteps(trace, batch);
    const rows = Math.ceil(trace.steps / bucket);
    const validRows = Math.ceil(valid / bucket);
    const stored = this.inline ? undefined : ch.diff.maxAbsDiff;
    const m = stored !== undefined && Number.isFinite(stored) ? stored : deltaRange(a, b, { steps: rows, units }, batch, validRows);
    const ext = extremes(a, b, rows, units, batch, validRows);
    const scale = scaleOf(gA, ext);
    // Masked steps in the colour the trace view uses with this map (cividis' grey middle needs another).
    const specials = specialColours(rendererSettings().colorMap);
    // m = 0 (equal runs): any symmetric range shows white; 1 keeps the scale well defined.
    const deltaScale: GateColourScale = { lut: DIVERGING_LUT, min: -(m || 1), max: m || 1, fromData: true };
    const v = this.viewport;
    this.job = { steps: trace.steps, units, batch, bucket, validSteps: valid, start: v.steps.start, end: v.steps.end, unitStart: v.units.start, unitEnd: v.units.end };
    const dpr = window.devicePixelRatio || 1;
    const cssWidth = Math.max(120, this.wraps.a.clientWidth || 600);
    const cssHeight = Math.max(48, Math.min(200, units * 6));
    const first = ch.diff.firstDivergentStep;
    const firstAt = first === null ? undefined : stepFraction(v.steps, first);
    const range = `${v.steps.start.toFixed(3)} ${v.steps.end.toFixed(3)} ${v.units.start.toFixed(3)} ${v.units.end.toFixed(3)}`;
    for (const p of PANES) {
      const canvas = this.canvases[p];
      const width = Math.max(1, Math.round(cssWidth * dpr));
      const height = Math.max(1, Math.round(cssHeight * dpr));
      canvas.width = width;
      canvas.height = height;
      canvas.style.height = `${cssHeight}px`;
      const job: PaneJob = { ...this.job, values: p === 'b' ? b : a, width, height, scale: p === 'delta' ? deltaScale : scale, specials };
      if (p === 'delta') job.other = b;
      const image = new ImageData(width, height);
      paneRgba(job, new Uint8Array(image.data.buffer, image.data.byteOffset, image.data.byteLength));
      canvas.getContext('2d')!.putImageData(image, 0, 0);
      this.firsts[p].style.display = firstAt === undefined ? 'none' : '';
      if (firstAt !== undefined) this.firsts[p].style.left = pct(firstAt);
      // The range each pane was drawn with: one viewport, so the same in all three.
      this.wraps[p].setAttribute('data-range', range);
    }
    drawStepAxis(this.axis, v.steps, cssWidth, trace.tokens, (s) => s);
    const d = ch.diff;
    const token = first !== null && trace.tokens ? ` (${JSON.stringify(trace.tokens[first])})` : '';
    this.stats.textContent =
      `layer ${ch.entry.pair.layer} ${ch.entry.pair.direction} ${ch.gate}: max |A − B| ${num(d.maxAbsDiff)} · RMS ${num(d.rms)} · SQNR ${d.sqnrDb === null ? '—' : `${d.sqnrDb.toFixed(1)} dB`} · ` +
      (first === null ? 'within the tolerance at every step' : `first step past the tolerance: ${first}${token} (dashed line${firstAt === undefined ? ', outside the zoomed steps' : ''})`);
    const rangeText = `${formatFloat32(scale.min)} … ${formatFloat32(scale.max)}${scale.fromData ? ' (from the data)' : ''}`;
    this.legend.textContent =
      (m > 0
        ? `A − B: RdBu, −${formatFloat32(m)} … ${formatFloat32(m)} (the largest |A − B| ${stored !== undefined ? 'over the run, stored' : `of batch item ${batch}`}; blue A < B, red A > B)`
        : `A − B: 0 everywhere in this batch item (the runs agree)`) +
      ` · A and B: ${mapNameOf(gA.scale)}, ${rangeText}` +
      (bucket > 1 ? ` · overview: each column is a mean over ${bucket} steps` : '');
    const entry = ch.entry;
    const shown = entry.shown.shown;
    this.perm.textContent = entry.noAlign && !entry.stored ? '' : shown ? `B aligned to A: ${permutationText(shown)}` : 'B shown as run (units in their own order)';
    this.perm.setAttribute('data-permutation', shown ? JSON.stringify(shown) : '');
    this.syncAlignBox();
    const r = this.root;
    r.setAttribute('data-gate', ch.gate);
    r.setAttribute('data-layer', String(entry.pair.layer));
    r.setAttribute('data-direction', entry.pair.direction);
    r.setAttribute('data-first-divergent-step', first === null ? '' : String(first));
    r.setAttribute('data-aligned', shown ? 'true' : 'false');
    r.setAttribute('data-source', src.exact ? 'inline' : `overview/${bucket}`);
    r.setAttribute('data-draws', String(++this.draws));
    if (this.hovered) this.showHover(this.hovered.step, this.hovered.unit, this.hovered.clientX, this.hovered.clientY);
  }

  // ---- input --------------------------------------------------------------------------------

  private wireInput(): void {
    const on = <K extends keyof HTMLElementEventMap>(t: HTMLElement, type: K, fn: (e: HTMLElementEventMap[K]) => void, opts?: AddEventListenerOptions) => {
      t.addEventListener(type, fn as EventListener, opts);
      this.disposers.push(() => t.removeEventListener(type, fn as EventListener, opts));
    };
    for (const p of PANES) {
      const w = this.wraps[p];
      on(w, 'pointermove', (ev) => {
        const ptr = this.pointer;
        if (ptr && ptr.id === ev.pointerId) {
          const dx = ev.clientX - ptr.x;
          const dy = ev.clientY - ptr.y;
          if (!ptr.moved && Math.abs(dx) + Math.abs(dy) < 4) return;
          ptr.moved = true;
          ptr.x = ev.clientX;
          ptr.y = ev.clientY;
          const r = w.getBoundingClientRect();
          this.setViewport(dragBy(this.viewport, dx, dy, r, this.totals()));
          return;
        }
        this.hover(ev, w);
      });
      on(w, 'pointerleave', () => this.unhover());
      on(w, 'pointerdown', (ev) => {
        if (ev.button !== 0) return;
        this.pointer = { id: ev.pointerId, x: ev.clientX, y: ev.clientY, moved: false };
        try {
          w.setPointerCapture(ev.pointerId);
        } catch {
          // Synthetic pointers cannot be captured; dragging still works inside the pane.
        }
      });
      on(w, 'pointerup', () => (this.pointer = undefined));
      on(
        w,
        'wheel',
        (ev) => {
          const r = w.getBoundingClientRect();
          if (ev.ctrlKey || ev.metaKey) {
            ev.preventDefault();
            this.setViewport(zoomAt(this.viewport, wheelFactor(ev.deltaY), ev.clientX - r.left, ev.clientY - r.top, r, this.totals(), ev.shiftKey));
            this.hover(ev, w);
          } else if (Math.abs(ev.deltaX) > Math.abs(ev.deltaY)) {
            ev.preventDefault();
            this.setViewport(dragBy(this.viewport, -ev.deltaX, 0, r, this.totals()));
          }
        },
        { passive: false },
      );
    }
    on(this.panes, 'keydown', (ev) => {
      const next = viewportForKey(this.viewport, ev.key, ev.altKey, this.totals());
      if (!next) return;
      ev.preventDefault();
      this.setViewport(next);
    });
  }

  private hover(ev: MouseEvent, wrap: HTMLElement): void {
    if (!this.job) return;
    const r = wrap.getBoundingClientRect();
    const { step, unit } = paneCell({ ...this.job, width: r.width, height: r.height }, ev.clientX - r.left, ev.clientY - r.top);
    this.hovered = { step, unit, clientX: ev.clientX, clientY: ev.clientY };
    this.showHover(step, unit, ev.clientX, ev.clientY);
  }

  private showHover(step: number, unit: number, clientX: number, clientY: number): void {
    if (!this.job) return;
    const src = this.source(this.state.choice);
    const batch = this.state.batch;
    const masked = step >= this.job.validSteps;
    const token = this.trace.tokens ? ` ${JSON.stringify(this.trace.tokens[step])}` : '';
    let text: string;
    if (masked) text = `step ${step}${token}, unit ${unit}: masked (past this batch item's length)`;
    else {
      const exact = this.exactValues(src, step, unit);
      if (exact) {
        const [a, b] = exact;
        text = `step ${step}${token}, unit ${unit}\nA      ${formatFloat32(a)}\nB      ${formatFloat32(b)}\nA − B  ${formatFloat32(a - b)}`;
      } else {
        const i = (batch * Math.ceil(this.trace.steps / src.bucket) + Math.floor(step / src.bucket)) * src.gA.units + unit;
        const j0 = Math.floor(step / src.bucket) * src.bucket;
        const j1 = Math.min(this.trace.steps, j0 + src.bucket) - 1;
        const error = this.tilesA?.error ?? this.tilesB?.error;
        const why = !this.host.tiles ? 'in the sidecar (no extension host here)' : error ? `not read from the sidecar: ${error}` : 'loading from the sidecar';
        text =
          `step ${step}${token}, unit ${unit}: exact values ${why}\n` +
          `mean of steps ${j0}–${j1}:\nA      ${formatFloat32(src.a[i]!)}\nB      ${formatFloat32(src.b[i]!)}\nA − B  ${formatFloat32(src.a[i]! - src.b[i]!)}`;
      }
      this.tip.setAttribute('data-exact', exact ? 'true' : 'false');
    }
    this.tip.textContent = text;
    this.tip.setAttribute('data-step', String(step));
    this.tip.setAttribute('data-unit', String(unit));
    const at = stepFraction(this.viewport.steps, step);
    for (const p of PANES) {
      this.xhairs[p].style.left = at === undefined ? '0' : pct(at);
      this.xhairs[p].style.display = at === undefined ? 'none' : 'block';
    }
    const root = this.root.getBoundingClientRect();
    this.tip.style.display = 'block';
    this.tip.style.left = `${Math.min(clientX - root.left + 12, Math.max(0, root.width - 220))}px`;
    // Below the cursor, or above it in the lower half of the view (the panes end near the output's bottom).
    const y = clientY - root.top;
    this.tip.style.top = y > root.height / 2 ? `${Math.max(0, y - 12 - this.tip.offsetHeight)}px` : `${y + 12}px`;
  }

  /** [a, b] at (step, display unit) of the batch item: inline, or from sidecar tiles (undefined until both landed). */
  private exactValues(src: Source, step: number, unit: number): [number, number] | undefined {
    const batch = this.state.batch;
    if (src.exact) {
      const i = (batch * this.trace.steps + step) * src.gA.units + unit;
      return [src.a[i]!, src.b[i]!];
    }
    const channel = this.host.tiles;
    if (!channel || !this.trace.sidecar) return undefined;
    const ch = this.current();
    const layers = this.trace.layers;
    if (!this.tilesA || this.tilesA.layer !== layers.indexOf(ch.entry.pair.a)) {
      const redraw = () => {
        if (this.hovered) this.showHover(this.hovered.step, this.hovered.unit, this.hovered.clientX, this.hovered.clientY);
      };
      this.tilesA = new SidecarTiles(this.trace, layers.indexOf(ch.entry.pair.a), batch, channel, redraw);
      this.tilesB = new SidecarTiles(this.trace, layers.indexOf(ch.entry.pair.b), batch, channel, redraw);
    }
    const apply = ch.entry.shown.apply;
    const unitB = apply && src.gB.units === ch.entry.pair.b.hiddenSize ? apply[unit]! : unit;
    const a = this.tilesA.exact(src.gA, step, unit);
    const b = this.tilesB!.exact(src.gB, step, unitB);
    return a === undefined || b === undefined ? undefined : [a, b];
  }

  private unhover(): void {
    this.hovered = undefined;
    this.tip.style.display = 'none';
    for (const p of PANES) this.xhairs[p].style.display = 'none';
  }
}

/** Index into gate.levels of the finest level both gates keep inline (the overview of a sidecar trace), or -1. */
function overviewLevel(a: DecodedGate, b: DecodedGate): number {
  for (let m = 0; m < a.levels.length; m++) if (a.levels[m]!.mean && b.levels[m]?.mean && a.levels[m]!.bucket === b.levels[m]!.bucket) return m;
  return -1;
}

function overviewBucket(pairs: readonly ComparedEntry[]): number {
  let most = 1;
  for (const p of pairs) for (const g of p.gates) most = Math.max(most, gateOf(p.a, g)!.levels[overviewLevel(gateOf(p.a, g)!, gateOf(p.b, g)!)]!.bucket);
  return most;
}

/** The gate to show first: the earliest divergence (ties: the larger max |A − B|), else the largest difference. */
function firstToShow(choices: readonly Choice[]): number {
  let best = 0;
  choices.forEach((c, i) => {
    const b = choices[best]!.diff;
    const f = c.diff.firstDivergentStep ?? Infinity;
    const fb = b.firstDivergentStep ?? Infinity;
    if (f < fb || (f === fb && c.diff.maxAbsDiff > b.maxAbsDiff)) best = i;
  });
  return best;
}

function pct(f: number): string {
  return `${(f * 100).toFixed(4)}%`;
}

function num(x: number): string {
  if (x === 0) return '0';
  return Number.isFinite(x) ? x.toExponential(2) : Number.isNaN(x) ? '—' : 'non-finite';
}

/** Finite extremes of both runs' valid rows of one batch item (for ranges taken from the data); rows of `steps` per item. */
function extremes(a: Float32Array, b: Float32Array, steps: number, units: number, batch: number, valid: number): { lo: number; hi: number } {
  let lo = Infinity;
  let hi = -Infinity;
  for (const v of [a, b]) {
    for (let i = batch * steps * units, end = i + valid * units; i < end; i++) {
      const x = v[i]!;
      if (x < lo) lo = x;
      if (x > hi) hi = x;
    }
  }
  return { lo, hi };
}
