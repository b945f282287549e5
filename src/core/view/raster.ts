// Rasterizes one gate of one batch item into packed RGBA pixels at screen resolution: each pixel
// shows the mean of the cells it covers (level of detail), coloured through a 256-entry table.
// Pure (no DOM): the renderer copies `out` into an ImageData.
import type { StoredValues } from '../trace/decoded';
import type { Range } from './range';
import type { TimePyramid } from './pyramid';

/** Scratch buffers reused across draws (hot loop allocates nothing). */
export interface RasterScratch {
  /** Per visible display unit: the sum over a column's buckets. Grows to the units shown. */
  accUnit: Float64Array;
  rowStart: Int32Array;
  rowEnd: Int32Array;
}

/**
 * First cell shown at display index i (a row or a column) when each index covers `per` cells
 * from `start`; zoomed in past one cell per index (per < 1), the cell under the index's centre.
 */
function spanStart(start: number, per: number, i: number): number {
  return per >= 1 ? Math.round(start + i * per) : Math.floor(start + (i + 0.5) * per);
}

/** End (exclusive) of the cells display index i covers, given its first cell `a`: at least one cell. */
function spanEnd(start: number, per: number, i: number, a: number): number {
  return per >= 1 ? Math.max(a + 1, Math.round(start + (i + 1) * per)) : a + 1;
}

export function makeScratch(rows: number): RasterScratch {
  return { accUnit: new Float64Array(0), rowStart: new Int32Array(rows), rowEnd: new Int32Array(rows) };
}

export interface RasterColours {
  /** 256 packed RGBA pixels (native byte order, as a Uint32Array view over Uint8ClampedArray RGBA). */
  lut: Uint32Array;
  /** Scale [lo, hi] mapped onto entries 0..255. */
  lo: number;
  hi: number;
  nan: number;
  posInf: number;
  negInf: number;
  masked: number;
}

/**
 * A level finer than any the pyramid holds in full, present only in tiles (a sidecar trace's fine
 * levels, fetched for the visible range): bucket 2^k steps, tile t holds buckets [t << shift, (t + 1) << shift)
 * as [bucket][unit] rows. Columns whose tiles are all present are drawn from it, the others from the pyramid.
 */
export interface TiledLevel {
  k: number;
  shift: number;
  tiles: readonly (Float32Array | undefined)[];
}

export interface RasterJob {
  pyramid: TimePyramid;
  fine?: TiledLevel;
  /**
   * Pyramid level k as the document stores it (uint8 codes or float16 bits of the same values):
   * a drawer that uploads levels (WebGL2) draws level k from these; the CPU raster ignores it.
   */
  stored?: { k: number; source: StoredValues };
  /** All steps of the trace (steps >= pyramid.steps are masked for this batch item). */
  totalSteps: number;
  /** Display order: order[d] is the unit shown at display row d. */
  order: Int32Array;
  steps: Range;
  units: Range;
  cols: number;
  rows: number;
}

/** What one pixel covers at this zoom (for the level-of-detail notice). */
export interface RasterInfo {
  stepsPerPixel: number;
  unitsPerPixel: number;
  /** Level of the columns drawn from the pyramid. */
  level: number;
  /** Columns drawn from job.fine (0 without it). */
  fineColumns: number;
}

/** Pyramid level whose buckets are at most `stepsPerCol` steps wide. */
export function levelFor(stepsPerCol: number, available: number): number {
  if (!(stepsPerCol >= 2)) return 0;
  return Math.min(available - 1, Math.floor(Math.log2(stepsPerCol)));
}

/** levelFor, moved to the nearest level the pyramid holds: a finer one when the wanted level is missing above, else a coarser. */
export function presentLevelFor(stepsPerCol: number, levels: readonly (Float32Array | undefined)[]): number {
  const k = levelFor(stepsPerCol, levels.length);
  for (let j = k; j >= 0; j--) if (levels[j]) return j;
  for (let j = k + 1; j < levels.length; j++) if (levels[j]) return j;
  return k;
}

/** Fills out[row * cols + col] for the job. `out.length` >= cols * rows. */
export function rasterizeGate(job: RasterJob, colours: RasterColours, scratch: RasterScratch, out: Uint32Array): RasterInfo {
  const { pyramid, order, cols, rows } = job;
  const H = pyramid.units;
  const valid = pyramid.steps;
  const stepsPerCol = (job.steps.end - job.steps.start) / cols;
  const unitsPerRow = (job.units.end - job.units.start) / rows;
  const k = presentLevelFor(stepsPerCol, pyramid.levels);
  const L = pyramid.levels[k];
  const bucket = 2 ** k;
  const { rowStart, rowEnd } = scratch;

  for (let r = 0; r < rows; r++) {
    const a = spanStart(job.units.start, unitsPerRow, r);
    const b = spanEnd(job.units.start, unitsPerRow, r, a);
    rowStart[r] = Math.min(a, H - 1);
    rowEnd[r] = Math.min(b, H);
  }
  // Display units [dS, dE) are read once per bucket into accUnit; rows then sum their units.
  const dS = rowStart[0];
  const dE = rowEnd[rows - 1];
  const nd = dE - dS;
  if (scratch.accUnit.length < nd) scratch.accUnit = new Float64Array(nd);
  const acc = scratch.accUnit;
  let identity = true;
  for (let d = dS; d < dE && identity; d++) identity = order[d] === d;

  const scale = 255 / (colours.hi - colours.lo);
  const lo = colours.lo;
  const lut = colours.lut;
  const fine = job.fine && job.fine.k < k ? job.fine : undefined;
  const fBucket = fine ? 2 ** fine.k : 0;
  const fMask = fine ? (1 << fine.shift) - 1 : 0;
  let fineColumns = 0;
  // Buckets [prevJ0, prevJ1) filled column c - 1 from the level (-1: it did not): a column with the
  // same buckets has the same pixels (zoomed in past the level's buckets, a bucket spans columns).
  let prevJ0 = -1;
  let prevJ1 = -1;
  for (let c = 0; c < cols; c++) {
    const i0 = spanStart(job.steps.start, stepsPerCol, c);
    let i1 = spanEnd(job.steps.start, stepsPerCol, c, i0);
    if (i0 >= valid || i0 >= job.totalSteps) {
      for (let r = 0; r < rows; r++) out[r * cols + c] = colours.masked;
      prevJ0 = -1;
      continue;
    }
    if (i1 > valid) i1 = valid;
    // Buckets whose first step lies in [i0, i1) (each bucket lands in one column), at least one:
    // stepsPerCol / 2^k of them, in [1, 2).
    // Zoomed in past the level's buckets (a sidecar trace's overview): the bucket holding the column.
    let n = 0;
    if (fine) {
      const f0 = fBucket > stepsPerCol ? Math.floor(i0 / fBucket) : Math.min(Math.ceil(i0 / fBucket), Math.ceil(valid / fBucket) - 1);
      const f1 = fBucket > stepsPerCol ? f0 + 1 : Math.max(f0 + 1, Math.ceil(i1 / fBucket));
      let ready = true;
      for (let t = f0 >> fine.shift; t <= (f1 - 1) >> fine.shift; t++) if (!fine.tiles[t]) ready = false;
      if (ready) {
        for (let j = f0; j < f1; j++) {
          const tile = fine.tiles[j >> fine.shift]!;
          const base = (j & fMask) * H;
          if (j === f0) for (let d = dS; d < dE; d++) acc[d - dS] = tile[base + order[d]];
          else for (let d = dS; d < dE; d++) acc[d - dS] += tile[base + order[d]];
        }
        n = f1 - f0;
        fineColumns++;
        prevJ0 = -1;
      }
    }
    if (n === 0) {
      const j0 = bucket > stepsPerCol ? Math.floor(i0 / bucket) : Math.min(Math.ceil(i0 / bucket), Math.ceil(valid / bucket) - 1);
      const j1 = bucket > stepsPerCol ? j0 + 1 : Math.max(j0 + 1, Math.ceil(i1 / bucket));
      if (j0 === prevJ0 && j1 === prevJ1) {
        for (let r = 0, o = c; r < rows; r++, o += cols) out[o] = out[o - 1]!;
        continue;
      }
      prevJ0 = j0;
      prevJ1 = j1;
      if (identity) {
        // Contiguous reads (the unit-paired levels and index order): no gather through `order`.
        let base = j0 * H + dS;
        for (let d = 0; d < nd; d++) acc[d] = L[base + d];
        for (let j = j0 + 1; j < j1; j++) {
          base = j * H + dS;
          for (let d = 0; d < nd; d++) acc[d] += L[base + d];
        }
      } else {
        let base = j0 * H;
        for (let d = dS; d < dE; d++) acc[d - dS] = L[base + order[d]];
        for (let j = j0 + 1; j < j1; j++) {
          base = j * H;
          for (let d = dS; d < dE; d++) acc[d - dS] += L[base + order[d]];
        }
      }
      n = j1 - j0;
    }
    for (let r = 0; r < rows; r++) {
      const e = rowEnd[r] - dS;
      let sum = 0;
      for (let d = rowStart[r] - dS; d < e; d++) sum += acc[d];
      const v = sum / (n * (rowEnd[r] - rowStart[r]));
      let px: number;
      if (v !== v) px = colours.nan;
      else if (v === Infinity) px = colours.posInf;
      else if (v === -Infinity) px = colours.negInf;
      else {
        const i = Math.round((v - lo) * scale);
        px = lut[i > 255 ? 255 : i >= 0 ? i : 0];
      }
      out[r * cols + c] = px;
    }
  }
  return { stepsPerPixel: Math.max(1, stepsPerCol), unitsPerPixel: Math.max(1, unitsPerRow), level: k, fineColumns };
}
