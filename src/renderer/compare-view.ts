// The comparison view of a comparison trace (issue 14), shown below the trace's own view: for one
// layer entry and gate, run A, run B and A − B as three panes over the whole run (one batch item,
// units down, steps across), one hover shared by the three (a crosshair in each; the tooltip gives
// A, B and A − B), the Δ pane on a diverging scale (RdBu) over [−m, m] with m the largest |A − B|
// of the batch item, stated in its legend, and the first step past the tolerance marked in every
// pane. Statistics come from the values (src/core/compare/gate-diff.ts), not from the stored ones.
// Not here yet: zoom and pan shared with the main view; level 0 must be inline (not in a sidecar).
import { DIVERGING_LUT, gateColourScale, type GateColourScale } from '../core/color/maps';
import { comparisonPairs, deltaRange, type ComparedEntry } from '../core/compare/comparison-pairs';
import { diffGate, type GateDiff } from '../core/compare/gate-diff';
import { paneCell, paneRgba, type PaneJob } from '../core/compare/pane-raster';
import { gateOf, inlineValues, type DecodedTrace } from '../core/trace/decoded';
import { validSteps } from '../core/trace/mask';
import { formatFloat32 } from '../core/view/format';
import { el, labelled, select } from './dom';

const PANES = ['a', 'b', 'delta'] as const;
type Pane = (typeof PANES)[number];

const CSS = `
.gs-compare { margin-top: 10px; border-top: 1px solid var(--vscode-editorWidget-border, var(--vscode-contrastBorder, #c8c8c8)); padding-top: 6px; }
.gs-compare-pane { margin: 4px 0 2px; }
.gs-compare-label { font-size: 0.92em; margin-bottom: 1px; }
.gs-compare-wrap { position: relative; border: 1px solid var(--vscode-editorWidget-border, var(--vscode-contrastBorder, #c8c8c8)); cursor: crosshair; }
.gs-compare-wrap canvas { display: block; width: 100%; }
.gs-compare-first { position: absolute; top: 0; bottom: 0; width: 0; border-left: 2px dashed var(--vscode-editorWarning-foreground, #bf8803); pointer-events: none; }
.gs-compare-xhair { position: absolute; top: 0; bottom: 0; width: 0; border-left: 1px solid var(--vscode-editor-foreground, #333); pointer-events: none; display: none; }
.gs-compare-tip { position: absolute; z-index: 5; pointer-events: none; display: none; white-space: pre; padding: 3px 6px;
  background: var(--vscode-editorHoverWidget-background, #f3f3f3); color: var(--vscode-editorHoverWidget-foreground, inherit);
  border: 1px solid var(--vscode-editorHoverWidget-border, #c8c8c8); font-family: var(--vscode-editor-font-family, monospace); font-size: 0.92em; }
.gs-compare-legend { margin-top: 3px; font-size: 0.92em; }
`;

interface Choice {
  pair: ComparedEntry;
  gate: string;
  diff: GateDiff;
}

export class CompareView {
  readonly root: HTMLElement;
  private readonly choices: Choice[];
  private readonly stats: HTMLElement;
  private readonly legend: HTMLElement;
  private readonly tip: HTMLElement;
  private readonly wraps: Record<Pane, HTMLElement>;
  private readonly canvases: Record<Pane, HTMLCanvasElement>;
  private readonly xhairs: Record<Pane, HTMLElement>;
  private readonly firsts: Record<Pane, HTMLElement>;
  private readonly resize: ResizeObserver | undefined;
  private choice = 0;
  private batch = 0;
  private draws = 0;
  private frame = 0;
  private job: Omit<PaneJob, 'scale' | 'other' | 'values' | 'width' | 'height'> | undefined;

  /** Undefined when the trace is not a comparison (no run b), so callers add nothing. */
  static for(trace: DecodedTrace): CompareView | undefined {
    return trace.compare && trace.layers.some((l) => l.run === 'b') ? new CompareView(trace) : undefined;
  }

  private constructor(private readonly trace: DecodedTrace) {
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
    this.choices = [];
    const inline = pairs.every((p) => p.gates.every((g) => inlineValues(gateOf(p.a, g)!) && inlineValues(gateOf(p.b, g)!)));
    if (!inline) {
      this.root.append(el('div', 'gs-notice', 'The values of these runs live in the sidecar; the comparison view reads inline values only. The statistics are in the output (compare.stats) and `gatescope diff` reads the sidecar.'));
      pairs = [];
    }
    for (const pair of pairs) {
      for (const gate of pair.gates) {
        const a = inlineValues(gateOf(pair.a, gate)!)!;
        const b = inlineValues(gateOf(pair.b, gate)!)!;
        const units = gateOf(pair.a, gate)!.units;
        this.choices.push({ pair, gate, diff: diffGate(a, b, { batch: trace.batch, steps: trace.steps, units }, c.tolerance, trace.sequenceLengths) });
      }
    }
    this.choice = firstToShow(this.choices);
    const toolbar = el('div', 'gs-toolbar');
    const options = this.choices.map((ch, i) => [String(i), `layer ${ch.pair.layer} ${ch.pair.direction} · ${ch.gate}${ch.diff.firstDivergentStep === null ? '' : ` · diverges at step ${ch.diff.firstDivergentStep}`}`] as const);
    const gateSelect = select('Gate compared', options, String(this.choice));
    gateSelect.addEventListener('change', () => {
      this.choice = Number(gateSelect.value);
      this.schedule();
    });
    toolbar.append(labelled('Compare', gateSelect));
    if (trace.batch > 1) {
      const batchSelect = select('Batch item', Array.from({ length: trace.batch }, (_, b) => [String(b), String(b)] as const), '0');
      batchSelect.addEventListener('change', () => {
        this.batch = Number(batchSelect.value);
        this.schedule();
      });
      toolbar.append(labelled('Batch item', batchSelect));
    }
    this.stats = el('div', 'gs-compare-stats');
    this.root.append(toolbar, this.stats);
    const titles: Record<Pane, string> = { a: `A: ${c.a.label}`, b: `B: ${c.b.label}`, delta: 'A − B' };
    const mk = <T>(f: (p: Pane) => T) => ({ a: f('a'), b: f('b'), delta: f('delta') });
    this.canvases = mk((p) => el('canvas', undefined, undefined, { 'data-pane': p, 'aria-label': titles[p] }));
    this.xhairs = mk(() => el('div', 'gs-compare-xhair'));
    this.firsts = mk(() => el('div', 'gs-compare-first', undefined, { title: 'first step past the tolerance' }));
    this.wraps = mk((p) => {
      const w = el('div', 'gs-compare-wrap');
      w.append(this.canvases[p], this.firsts[p], this.xhairs[p]);
      const pane = el('div', 'gs-compare-pane', undefined, { 'data-for': p });
      pane.append(el('div', 'gs-compare-label', titles[p]), w);
      this.root.append(pane);
      w.addEventListener('pointermove', (ev) => this.hover(ev, w));
      w.addEventListener('pointerleave', () => this.unhover());
      return w;
    });
    this.legend = el('div', 'gs-compare-legend');
    this.tip = el('div', 'gs-compare-tip', undefined, { role: 'status' });
    this.root.append(this.legend, this.tip);
    this.resize = typeof ResizeObserver === 'function' ? new ResizeObserver(() => this.schedule()) : undefined;
    this.resize?.observe(this.root);
  }

  start(): void {
    this.schedule();
  }

  dispose(): void {
    this.resize?.disconnect();
    if (this.frame) cancelAnimationFrame(this.frame);
    this.frame = 0;
    this.root.remove();
  }

  private schedule(): void {
    if (this.frame || this.choices.length === 0) return;
    this.frame = requestAnimationFrame(() => {
      this.frame = 0;
      this.draw();
    });
  }

  private draw(): void {
    const ch = this.choices[this.choice]!;
    const { trace } = this;
    const gA = gateOf(ch.pair.a, ch.gate)!;
    const a = inlineValues(gA)!;
    const b = inlineValues(gateOf(ch.pair.b, ch.gate)!)!;
    const units = gA.units;
    const valid = validSteps(trace, this.batch);
    const m = deltaRange(a, b, { steps: trace.steps, units }, this.batch, valid);
    const ext = extremes(a, b, trace.steps, units, this.batch, valid);
    const scale = gateColourScale(gA, ext);
    // m = 0 (equal runs): any symmetric range shows white; 1 keeps the scale well defined.
    const deltaScale: GateColourScale = { lut: DIVERGING_LUT, min: -(m || 1), max: m || 1, fromData: true };
    this.job = { steps: trace.steps, units, batch: this.batch, validSteps: valid, start: 0, end: trace.steps };
    const dpr = window.devicePixelRatio || 1;
    const cssWidth = Math.max(120, this.wraps.a.clientWidth || 600);
    const cssHeight = Math.max(48, Math.min(200, units * 6));
    for (const p of PANES) {
      const canvas = this.canvases[p];
      const width = Math.max(1, Math.round(cssWidth * dpr));
      const height = Math.max(1, Math.round(cssHeight * dpr));
      canvas.width = width;
      canvas.height = height;
      canvas.style.height = `${cssHeight}px`;
      const job: PaneJob = { ...this.job, values: p === 'b' ? b : a, width, height, scale: p === 'delta' ? deltaScale : scale };
      if (p === 'delta') job.other = b;
      const image = new ImageData(width, height);
      paneRgba(job, new Uint8Array(image.data.buffer, image.data.byteOffset, image.data.byteLength));
      canvas.getContext('2d')!.putImageData(image, 0, 0);
      const first = ch.diff.firstDivergentStep;
      this.firsts[p].style.display = first === null ? 'none' : '';
      if (first !== null) this.firsts[p].style.left = stepLeft(first, trace.steps);
    }
    const d = ch.diff;
    const first = d.firstDivergentStep;
    const token = first !== null && trace.tokens ? ` (${JSON.stringify(trace.tokens[first])})` : '';
    this.stats.textContent =
      `layer ${ch.pair.layer} ${ch.pair.direction} ${ch.gate}: max |A − B| ${num(d.maxAbsDiff)} · RMS ${num(d.rms)} · SQNR ${d.sqnrDb === null ? '—' : `${d.sqnrDb.toFixed(1)} dB`} · ` +
      (first === null ? 'within the tolerance at every step' : `first step past the tolerance: ${first}${token} (dashed line)`);
    const range = `${formatFloat32(scale.min)} … ${formatFloat32(scale.max)}${scale.fromData ? ' (from the data)' : ''}`;
    this.legend.textContent =
      (m > 0 ? `A − B: RdBu, −${formatFloat32(m)} … ${formatFloat32(m)} (the largest |A − B| of batch item ${this.batch}; blue A < B, red A > B)` : 'A − B: 0 everywhere in this batch item (the runs agree)') +
      ` · A and B: ${gA.scale === 'sequential' ? 'viridis' : 'RdBu'}, ${range}`;
    this.root.setAttribute('data-gate', ch.gate);
    this.root.setAttribute('data-layer', String(ch.pair.layer));
    this.root.setAttribute('data-direction', ch.pair.direction);
    this.root.setAttribute('data-first-divergent-step', first === null ? '' : String(first));
    this.root.setAttribute('data-draws', String(++this.draws));
  }

  private hover(ev: PointerEvent, wrap: HTMLElement): void {
    if (!this.job) return;
    const r = wrap.getBoundingClientRect();
    const { step, unit } = paneCell({ ...this.job, width: r.width, height: r.height }, ev.clientX - r.left, ev.clientY - r.top);
    const ch = this.choices[this.choice]!;
    const i = (this.batch * this.trace.steps + step) * this.job.units + unit;
    const a = inlineValues(gateOf(ch.pair.a, ch.gate)!)![i]!;
    const b = inlineValues(gateOf(ch.pair.b, ch.gate)!)![i]!;
    const masked = step >= this.job.validSteps;
    const token = this.trace.tokens ? ` ${JSON.stringify(this.trace.tokens[step])}` : '';
    this.tip.textContent = masked
      ? `step ${step}${token}, unit ${unit}: masked (past this batch item's length)`
      : `step ${step}${token}, unit ${unit}\nA      ${formatFloat32(a)}\nB      ${formatFloat32(b)}\nA − B  ${formatFloat32(a - b)}`;
    this.tip.setAttribute('data-step', String(step));
    this.tip.setAttribute('data-unit', String(unit));
    const left = stepLeft(step, this.trace.steps);
    for (const p of PANES) {
      this.xhairs[p].style.left = left;
      this.xhairs[p].style.display = 'block';
    }
    const root = this.root.getBoundingClientRect();
    this.tip.style.display = 'block';
    this.tip.style.left = `${Math.min(ev.clientX - root.left + 12, Math.max(0, root.width - 220))}px`;
    // Below the cursor, or above it in the lower half of the view (the panes end near the output's bottom).
    const y = ev.clientY - root.top;
    this.tip.style.top = y > root.height / 2 ? `${Math.max(0, y - 12 - this.tip.offsetHeight)}px` : `${y + 12}px`;
  }

  private unhover(): void {
    this.tip.style.display = 'none';
    for (const p of PANES) this.xhairs[p].style.display = 'none';
  }
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

/** CSS left of a step's centre, as a percentage of the pane (the same string for every pane). */
function stepLeft(step: number, steps: number): string {
  return `${(((step + 0.5) / steps) * 100).toFixed(4)}%`;
}

function num(x: number): string {
  if (x === 0) return '0';
  return Number.isFinite(x) ? x.toExponential(2) : 'non-finite';
}

/** Finite extremes of both runs' valid values of one batch item (for ranges taken from the data). */
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
