// The gate heatmaps of one view: which pyramid level, paired rows or sidecar tiles each gate is drawn
// from at the current zoom, and when: every gate in one frame, or, where that takes longer than a
// frame, one gate per frame with zoom and pan answered by rescaled previews. The status and the
// level-of-detail line each exact drawing leaves are draw-status.ts's.
import { identityOrder } from '../core/view/order';
import { topLevel } from '../core/view/pyramid';
import { levelFor, type RasterColours, type TiledLevel } from '../core/view/raster';
import { traceStatus } from '../core/view/status-contract';
import { flips } from '../core/view/z-flip';
import { covers, type Shown } from '../core/view/rescale';
import { rasterColours, scaleOf } from './colours';
import { writeDrawStatus, writeRanges } from './draw-status';
import { mark } from './timing';
import type { ViewContext } from './view-context';

type GateName = string;

/**
 * Heatmap work per frame (ms) the view keeps to while zooming and panning: half of a 60 Hz frame,
 * the rest left to the browser. Slower exact draws are answered with rescaled previews.
 */
export const FRAME_BUDGET_MS = 8;

/** The budget in force: FRAME_BUDGET_MS, unless the page sets `gatescopeFrameBudgetMs` (tests force either path with 0 or 1e9). */
function frameBudget(): number {
  const b = (globalThis as { gatescopeFrameBudgetMs?: unknown }).gatescopeFrameBudgetMs;
  return typeof b === 'number' ? b : FRAME_BUDGET_MS;
}

/** One exact drawing of every gate, in one frame or one gate per frame. */
interface Pass {
  /** Gates still to draw (one-gate-per-frame passes). */
  left: GateName[];
  /** Fewest columns any gate drew from sidecar tiles (Infinity before the first gate). */
  fineColumns: number;
  /** Finest sidecar bucket drawn. */
  fineBucket: number;
  /** Time spent drawing the pass's gates (ms), summed over its frames. */
  ms: number;
}

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

  /**
   * Set by the view when a zoom or pan moved the ranges (before it invalidates the heatmaps): the
   * next frame answers with a rescaled preview when exact draws are slow.
   */
  moved = false;
  /**
   * Set by every heatmap invalidation from outside (TraceView.invalidate): the next frame starts a
   * new exact pass instead of continuing the gate-by-gate one.
   */
  restart = true;
  /**
   * Set by the view when what the colours mean changed (unit order, z view): the next pass draws
   * every gate in one frame however slow, so that no frame shows gates that disagree.
   */
  allAtOnce = false;
  /** The last exact draw of every gate took longer than FRAME_BUDGET_MS (previews then answer zoom and pan). */
  private slow = false;
  /** An exact pass drawn one gate per frame after a preview: the gates left, and what it has gathered. */
  private pass: Pass | undefined;
  /** Identities of the unit orders and colour scales drawn, for picture keys. */
  private readonly ids = new WeakMap<object, number>();
  private nextId = 1;

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
    const moved = this.moved;
    const restart = this.restart;
    const allAtOnce = this.allAtOnce;
    this.moved = false;
    this.restart = false;
    this.allAtOnce = false;
    const shown: Shown = { steps: { ...this.stepsRange }, units: { ...this.unitsRange } };
    const names = this.data.names;
    if (this.slow && this.drawnLevel >= 0 && !allAtOnce) {
      // Exact drawing takes longer than a frame: the gates are drawn one per frame. A zoom or pan is
      // answered in its own frame by the last exact pictures rescaled.
      if (moved && this.preview(shown)) {
        const r = traceStatus(this.root.dataset);
        r.state = 'preview';
        writeRanges(r, shown);
        this.pass = this.newPass([...names]);
        return this.continueNextFrame();
      }
      // A new pass; one cut short draws its remaining gates first, then those it drew already.
      if (!this.pass) this.pass = this.newPass([...names]);
      else if (restart) this.pass = this.newPass([...this.pass.left, ...names.filter((g) => !this.pass!.left.includes(g))]);
      const pass = this.pass;
      this.drawGates([pass.left.shift()!], pass, shown);
      if (pass.left.length > 0) return this.continueNextFrame();
      this.pass = undefined;
      this.slow = pass.ms > frameBudget();
      if (!this.slow) this.forgetPictures();
      this.finish(pass, shown);
      return;
    }
    this.pass = undefined;
    const all = this.newPass([]);
    this.drawGates(names, all, shown);
    this.slow = all.ms > frameBudget();
    if (this.slow) for (const g of names) this.capture(g, shown);
    else this.forgetPictures();
    this.finish(all, shown);
  }

  /** A new pass over `left` (sidecar tiles wanted from here on are the ones its gates ask for). */
  private newPass(left: GateName[]): Pass {
    this.fine?.beginFrame();
    return { left, fineColumns: Infinity, fineBucket: this.data.bucket, ms: 0 };
  }

  private forgetPictures(): void {
    for (const g of this.data.names) this.panels[g]!.forgetPictures();
  }

  /** Asks for the next frame to go on with the pass (not a restart: TraceView.invalidate sets that). */
  private continueNextFrame(): void {
    this.v.invalidate({ heatmaps: true });
    this.restart = false;
  }

  /** Rescaled pictures for every shown gate; false (nothing drawn) unless every one has a picture under its key. */
  private preview(to: Shown): boolean {
    const names = this.data.names;
    const keys = names.map((g) => this.pictureKey(g));
    if (!names.every((g, i) => keys[i] !== undefined && this.panels[g]!.hasPicture(keys[i]!))) return false;
    const t0 = performance.now();
    names.forEach((g, i) => this.panels[g]!.preview(to, keys[i]!));
    mark('gatescope:preview', t0, performance.now());
    return true;
  }

  /**
   * What gate g's colours mean on screen: layer, batch item, unit order, z view, colour scale and
   * canvas size. A kept picture stands in for a new view only under the same key; undefined for a
   * gate with units of its own (a projected LSTM's h has no unit zoom, so it is always drawn exactly).
   */
  private pictureKey(g: GateName): string | undefined {
    if (this.data.ownUnits(g)) return undefined;
    const c = this.panels[g]!.canvas;
    return `${this.state.layer}/${this.state.batch}/${this.idOf(this.order)}/${this.idOf(this.coloursOf(g))}/${c.width}x${c.height}`;
  }

  private idOf(o: object): number {
    let id = this.ids.get(o);
    if (id === undefined) this.ids.set(o, (id = this.nextId++));
    return id;
  }

  /** Keeps gate g's exact picture of `shown` for previews (the whole run's picture apart). */
  private capture(g: GateName, shown: Shown): void {
    const key = this.pictureKey(g);
    if (key === undefined) return;
    const all = { steps: { start: 0, end: this.data.steps }, units: { start: 0, end: this.data.units } };
    this.panels[g]!.capture(shown, key, covers(shown, all));
  }

  /** Draws `gates` exactly at the current zoom, adding to the pass what the status line needs. */
  private drawGates(gates: readonly GateName[], pass: Pass, shown: Shown): void {
    for (const g of gates) {
      const t0 = performance.now();
      this.drawGate(g, pass, shown);
      pass.ms += performance.now() - t0;
      if (this.pass === pass) this.capture(g, shown);
    }
  }

  private drawGate(g: GateName, pass: Pass, { steps, units }: Shown): void {
    const canvas = this.panels[g]!.canvas;
    const sp = (steps.end - steps.start) / canvas.width;
    const up = (units.end - units.start) / canvas.height;
    const stored = { stored: this.data.gates[g]!.stored };
    if (this.data.ownUnits(g)) {
      // A projected LSTM's h: all its units in index order (the layer's unit zoom and order are for hiddenSize units).
      const own = this.data.gates[g]!.units;
      this.panels[g]!.draw(this.data.gates[g]!.pyramid, this.data.steps, identityOrder(own), steps, { start: 0, end: own }, this.coloursOf(g), stored);
      return;
    }
    const paired = up >= 2 && this.data.bucket === 1 ? this.data.pairedPyramid(g, this.data.wantedLevel, this.order) : undefined;
    if (paired) {
      this.panels[g]!.draw(paired, this.data.steps, this.data.pairOrder, steps, { start: units.start / 2, end: units.end / 2 }, this.coloursOf(g));
      return;
    }
    // A sidecar trace zoomed past its inline levels: the finer level's tiles for the visible steps.
    let tiled: TiledLevel | undefined;
    const spec = this.data.gates[g]!.spec;
    const m = this.fine ? this.fine.levelFor(spec, sp) : -1;
    if (m >= 0) {
      const bucket = spec.levels[m]!.bucket;
      tiled = this.fine!.tiled(spec, m, Math.floor(steps.start / bucket), Math.ceil(steps.end / bucket));
      pass.fineBucket = Math.min(pass.fineBucket, bucket);
    }
    const info = this.panels[g]!.draw(this.data.gates[g]!.pyramid, this.data.steps, this.order, steps, units, this.coloursOf(g), { ...stored, fine: tiled });
    pass.fineColumns = Math.min(pass.fineColumns, tiled && info ? info.fineColumns : 0);
  }

  /** A pass drew every gate: the status on the root, the level-of-detail line and the summary. */
  private finish(pass: Pass, shown: Shown): void {
    const first = this.panels[this.data.names[0]!]!.canvas;
    if ((shown.units.end - shown.units.start) / first.height >= 2) this.pump();
    this.drawnLevel = this.data.wantedLevel;
    this.draws++;
    const fineColumns = Number.isFinite(pass.fineColumns) ? pass.fineColumns : 0;
    this.lod.textContent = writeDrawStatus(traceStatus(this.root.dataset), this.data, this.fine, { draws: this.draws, layer: this.state.layer, batch: this.state.batch, fineColumns, fineBucket: pass.fineBucket }, shown, first);
    this.updateSummary();
  }
}
