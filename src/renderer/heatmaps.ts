// The gate heatmaps of one view: which pyramid level, paired rows or sidecar tiles each gate is drawn
// from at the current zoom, the draw itself (one GatePanel per gate), the level-of-detail line under
// them, and the drawing status on the root (src/core/view/status-contract.ts).
import { identityOrder } from '../core/view/order';
import { topLevel } from '../core/view/pyramid';
import { levelFor, type RasterColours, type TiledLevel } from '../core/view/raster';
import { traceStatus } from '../core/view/status-contract';
import { flips } from '../core/view/z-flip';
import { rasterColours, scaleOf } from './colours';
import type { ViewContext } from './view-context';

type GateName = string;

export class Heatmaps {
  /** Pyramid level of the last draw (-1: none since the last layout or layer change). */
  drawnLevel = -1;
  /** A heatmap draw waits for its pyramid level (the background work redraws when it lands). */
  deferred = false;
  /** Counts completed heatmap draws (exposed as data-draws so tests and tools can wait for a redraw). */
  private draws = 0;
  private readonly colourCache = new Map<string, RasterColours>();

  constructor(
    private readonly v: ViewContext,
    /** The level-of-detail line under the heatmaps. */
    private readonly lod: HTMLElement,
    /** Called after each draw (the screen-reader summary names the visible range). */
    private readonly updateSummary: () => void,
  ) {}

  private get data() {
    return this.v.data;
  }
  private get root() {
    return this.v.root;
  }
  private get panels() {
    return this.v.panels;
  }
  private get fine() {
    return this.v.fine;
  }
  private get order() {
    return this.v.order;
  }
  private get state() {
    return this.v.state;
  }
  private get stepsRange() {
    return this.v.steps;
  }
  private get unitsRange() {
    return this.v.units;
  }
  private pump(): void {
    this.v.pump();
  }

  /** Pyramid level the current zoom draws from. */
  neededLevel(): number {
    const r = this.stepsRange;
    const cols = Math.max(1, this.panels[this.data.names[0]!]!.canvas.width);
    return levelFor((r.end - r.start) / cols, 64);
  }

  /** Raster colours of gate g in the current layer (z read backwards when shown as 1 − z). */
  private coloursOf(g: GateName): RasterColours {
    const d = this.data.gates[g]!;
    const reversed = flips(this.v.zFlip, g);
    const key = `${this.state.layer}/${g}/${reversed}`;
    let c = this.colourCache.get(key);
    if (!c) this.colourCache.set(key, (c = rasterColours(scaleOf(d.spec, d.extremes), reversed)));
    return c;
  }

  drawHeatmaps(): void {
    const need = Math.min(this.neededLevel(), topLevel(this.data.valid));
    this.data.wantedLevel = need;
    if (!this.data.hasLevel(need)) {
      // The overview needs a coarser level than exists yet: drawing from finer levels would hold
      // the UI thread for more than a frame; the pump redraws as soon as the level lands.
      traceStatus(this.root.dataset).state = 'preparing';
      this.deferred = true;
      if (this.drawnLevel < 0) this.lod.textContent = 'Preparing the overview…';
      this.pump();
      return;
    }
    const steps = this.stepsRange;
    const units = this.unitsRange;
    const first = this.panels[this.data.names[0]!]!;
    const cols = first.canvas.width;
    const rows = first.canvas.height;
    const sp = (steps.end - steps.start) / cols;
    const up = (units.end - units.start) / rows;
    const half = { start: units.start / 2, end: units.end / 2 };
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
    const r = traceStatus(this.root.dataset);
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
    r['decode'] = this.data.refining ? 'pending' : 'done';
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
    const agg = coarse && this.data.refining
      ? `Overview: each column shows the mean of ${shownBucket} steps (decoding full detail…).`
      : coarse
      ? `Overview: each column shows the mean of ${shownBucket} steps${this.fine?.error ? ` (full detail unavailable: ${this.fine.error})` : this.fine ? (this.fine.pending > 0 ? ' (fetching full detail…)' : '') : ' (full detail is in the sidecar; it needs the Gatescope extension)'}.`
      : sp > 1.001 || up > 1.001
        ? `Level of detail: each pixel shows the mean of ≈${fmtCount(Math.max(1, sp))} step${sp > 1.5 ? 's' : ''} × ${fmtCount(Math.max(1, up))} unit${up > 1.5 ? 's' : ''} (NaN/Inf inside a pixel show as NaN/Inf).`
        : 'Full detail: one cell per pixel or more.';
    this.lod.textContent = `Steps ${Math.floor(steps.start)}–${Math.ceil(steps.end) - 1} of ${this.data.steps}, units rows ${Math.floor(units.start)}–${Math.ceil(units.end) - 1} of ${this.data.units}. ${agg}`;
    r['lod'] = agg;
    this.updateSummary();
  }
}

function fmtCount(x: number): string {
  return x >= 10 ? String(Math.round(x)) : x.toFixed(1).replace(/\.0$/, '');
}
