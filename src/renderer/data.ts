// The numbers behind one view: one layer entry (layer + direction) of one batch item of a decoded
// trace, with its time pyramids and per-unit statistics built in small slices off the first paint.
// A gate whose level 0 is inline is shown at full detail; one whose fine levels are in a sidecar is
// shown from its finest inline level (bucket means), which becomes the first level of its pyramid.
// A gate whose level 0 is still base64 (decodeTrace's defer: a long run with a coarse inline level) is
// shown from that coarse level while level 0 is decoded in slices; `refined` tells the view to build
// the full-detail LayerData then. Hover values are exact meanwhile (exactPending reads one value).
import type { DeferredValues } from '../core/trace/deferred-values';
import { isDecoded, isInline, type DecodedGate, type DecodedLayer, type DecodedTrace } from '../core/trace/decoded';
import { validSteps } from '../core/trace/mask';
import { sliceStored } from '../core/trace/tensor';
import type { StoredValues } from '../core/trace/decoded';
import { bucketCount } from '../core/trace/pyramid';
import { gateExtremes } from '../core/view/extremes';
import { addPyramidLevel, bucketsAt, buildLevel, pairUnits, pyramidComplete, startPyramid, topLevel, type TimePyramid } from '../core/view/pyramid';
import { identityOrder } from '../core/view/order';
import { accumulateStats, finishStats, startStats, type StatsAccumulator, type UnitStats } from '../core/view/stats';

/** Steps x units summarized per slice of background work (about 2 ms of a frame). */
const STATS_SLICE_CELLS = 1 << 20;
/** Values of a deferred level 0 decoded per slice of background work (about 1.5 ms of uint8, bench/render.js). */
const DECODE_SLICE_VALUES = 1 << 18;

export interface GateData {
  name: string;
  spec: DecodedGate;
  /** Steps per stored value: 1 at full detail, the bucket of the finest inline level otherwise. */
  bucket: number;
  /** Units of this gate: the layer's hiddenSize, or a projected LSTM's projSize for h. */
  units: number;
  /** [bucket][unit] values of this batch item (a view into the decoded level). */
  values: Float32Array;
  /** Finite extremes over the whole run (all batch items), for ranges taken from the data. */
  extremes: { lo: number; hi: number };
  /** Half a quantization step (uint8), relative bound (float16), 0 (float32). */
  maxError: number;
  pyramid: TimePyramid;
  /** The level `values` come from as the document stores it (uint8 codes, float16 bits), for drawers that upload it as stored. */
  stored?: { k: number; source: StoredValues };
  stats?: UnitStats;
  statsAcc?: StatsAccumulator;
  /** Unit-pair means of pyramid levels, in the display order `pairedOrder` (sparse by level). */
  paired?: TimePyramid;
}

/** Largest unit-pair level built inside a frame (cells read); larger ones are built as background work. */
const PAIR_IN_FRAME_CELLS = 1 << 20;

export class LayerData {
  readonly units: number;
  /** All steps of the trace. */
  readonly steps: number;
  /** Steps before this batch item's sequence length; later steps are masked. */
  readonly valid: number;
  readonly gates: Record<string, GateData>;
  /** Gate names of this layer entry, in display order. */
  readonly names: readonly string[];
  /** Steps per stored value (1: full detail). The same for every gate of a trace. */
  readonly bucket: number;
  /** The unit order the paired levels were built for, and the identity order over pairs. */
  private pairedOrder: Int32Array | undefined;
  readonly pairOrder: Int32Array;
  /** Paired level asked for but too large to build inside a frame (built by workSlice). */
  private pairWanted = -1;
  /** Set when background work finished a wanted paired level (the view redraws and clears it). */
  pairsLanded = false;
  /** Deferred level-0 values of this entry's gates still being decoded (empty: nothing pending). */
  private readonly pending: DeferredValues[] = [];
  /** Set when every pending level 0 is decoded: the view swaps in a LayerData at full detail. */
  refined = false;

  constructor(
    readonly trace: DecodedTrace,
    readonly layerIndex: number,
    readonly batch: number,
  ) {
    const layer: DecodedLayer = trace.layers[layerIndex]!;
    this.units = layer.hiddenSize;
    this.steps = trace.steps;
    this.valid = validSteps(trace, batch);
    this.names = layer.gates.map((g) => g.name);
    const gates: Record<string, GateData> = {};
    let bucket = 1;
    for (const g of layer.gates) {
      // Level 0 when decoded; else the finest decoded inline level (the coarse level of a deferred
      // level 0, or the overview of a sidecar trace). isDecoded/isInline never start a decode.
      const level = g.levels.find(isDecoded) ?? g.levels.find(isInline)!;
      const d0 = g.levels[0]!.deferred;
      if (d0 && !d0.done) this.pending.push(d0);
      bucket = level.bucket;
      const stride = level.buckets * g.units;
      const values = level.mean!.subarray(batch * stride, (batch + 1) * stride);
      const k = Math.round(Math.log2(level.bucket));
      const U = g.units;
      const pyramid: TimePyramid =
        k === 0 ? startPyramid(values, this.valid, U) : { units: U, steps: this.valid, levels: Object.assign([], { [k]: values.subarray(0, bucketCount(this.valid, level.bucket) * U) }) };
      gates[g.name] = { name: g.name, spec: g, bucket: level.bucket, units: U, values, extremes: gateExtremes(g, trace.batch, trace.sequenceLengths), maxError: level.maxError, pyramid };
      const stored = level.stored;
      if (stored) gates[g.name]!.stored = { k, source: sliceStored(stored, batch * stride, batch * stride + bucketCount(this.valid, level.bucket) * U) };
    }
    this.bucket = bucket;
    this.gates = gates;
    this.pairOrder = identityOrder(Math.ceil(this.units / 2));
  }

  /**
   * Level k of gate g with adjacent display rows averaged in pairs, for drawing when two or more
   * units share a pixel row; undefined while it is not built (it is then queued as background work).
   */
  pairedPyramid(g: string, k: number, order: Int32Array): TimePyramid | undefined {
    if (this.pairedOrder !== order) {
      this.pairedOrder = order;
      for (const n of this.names) this.gates[n]!.paired = undefined;
      this.pairWanted = -1;
    }
    const d = this.gates[g]!;
    const p = (d.paired ??= { units: Math.ceil(this.units / 2), steps: this.valid, levels: [] });
    if (p.levels[k]) return p;
    if (!d.pyramid.levels[k]) return undefined;
    if (bucketsAt(this.valid, k) * this.units > PAIR_IN_FRAME_CELLS) {
      this.pairWanted = k;
      return undefined;
    }
    p.levels[k] = pairUnits(d.pyramid.levels[k]!, bucketsAt(this.valid, k), this.units, order);
    return p;
  }

  /** True while the heatmaps show a coarse level because level 0 is still being decoded. */
  get refining(): boolean {
    return this.pending.length > 0 && !this.refined;
  }

  /** Exact value of gate g at (step, unit) while its level 0 is still being decoded (one value read from the base64 text); undefined otherwise. */
  exactPending(g: string, step: number, unit: number): number | undefined {
    const d = this.gates[g]!;
    const deferred = d.spec.levels[0]!.deferred;
    if (d.bucket === 1 || !deferred || unit >= d.units) return undefined;
    return deferred.valueAt((this.batch * this.steps + step) * d.units + unit);
  }

  /**
   * Stored value of gate g at (step, unit): exact at full detail and while level 0 is being decoded
   * (read alone from its base64), else the mean of the bucket holding the step (a sidecar trace's
   * overview). Masked steps are the caller's to check.
   */
  value(g: string, step: number, unit: number): number {
    const d = this.gates[g]!;
    if (unit >= d.units) return NaN;
    return this.exactPending(g, step, unit) ?? d.values[Math.floor(step / d.bucket) * d.units + unit]!;
  }

  /** The gates whose units are the layer's (all but a projected LSTM's h): what unit plots, statistics lines, orders and CSV rows cover. */
  get unitNames(): readonly string[] {
    return this.names.filter((g) => !this.ownUnits(g));
  }

  /** True when gate g has a unit count of its own (a projected LSTM's h), so the layer's unit order and zoom do not apply to it. */
  ownUnits(g: string): boolean {
    return this.gates[g]!.units !== this.units;
  }

  isMasked(step: number): boolean {
    return step >= this.valid;
  }

  /** Pyramid level the view draws now: built first, straight from the gate values. */
  wantedLevel = 0;

  /**
   * Does one slice of pending work, false when none is left: the level the view draws, then the
   * decoding of a deferred level 0 (after which the view swaps in full detail, so nothing else is
   * built from the coarse level), then pyramid levels, paired levels and statistics.
   */
  workSlice(): boolean {
    const want = Math.min(this.wantedLevel, topLevel(this.valid));
    const base = Math.round(Math.log2(this.bucket));
    if (want > base) {
      for (const g of this.names) {
        const p = this.gates[g]!.pyramid;
        if (!p.levels[want]) {
          buildLevel(p, want);
          return true;
        }
      }
    }
    if (this.pending.length && !this.refined) {
      const d = this.pending.find((x) => !x.done);
      if (d) d.step(DECODE_SLICE_VALUES);
      else this.refined = true;
      return true;
    }
    for (const g of this.names) {
      const p = this.gates[g]!.pyramid;
      if (!pyramidComplete(p)) {
        addPyramidLevel(p);
        return true;
      }
    }
    if (this.pairWanted >= 0 && this.pairedOrder) {
      const k = this.pairWanted;
      for (const g of this.names) {
        const d = this.gates[g]!;
        if (d.units !== this.units) continue;
        const p = (d.paired ??= { units: Math.ceil(this.units / 2), steps: this.valid, levels: [] });
        if (!p.levels[k] && d.pyramid.levels[k]) {
          p.levels[k] = pairUnits(d.pyramid.levels[k]!, bucketsAt(this.valid, k), this.units, this.pairedOrder);
          return true;
        }
      }
      this.pairWanted = -1;
      this.pairsLanded = true;
      return true;
    }
    const validRows = bucketCount(this.valid, this.bucket);
    for (const g of this.names) {
      const d = this.gates[g]!;
      if (!d.stats) {
        // Statistics over the stored rows: every step at full detail, bucket means otherwise.
        const acc = (d.statsAcc ??= startStats(d.units));
        const t1 = Math.min(validRows, acc.steps + Math.max(1, Math.floor(STATS_SLICE_CELLS / d.units)));
        accumulateStats(acc, d.values, acc.steps, t1);
        if (acc.steps >= validRows) {
          d.stats = finishStats(acc);
          d.statsAcc = undefined;
        }
        return true;
      }
    }
    return false;
  }

  /** True when every pyramid level up to `level` exists for every gate. */
  hasLevel(level: number): boolean {
    const k = Math.max(Math.round(Math.log2(this.bucket)), Math.min(level, topLevel(this.valid)));
    return this.names.every((g) => this.gates[g]!.pyramid.levels[k] !== undefined);
  }

  statsReady(): boolean {
    return this.names.every((g) => this.gates[g]!.stats !== undefined);
  }
}
