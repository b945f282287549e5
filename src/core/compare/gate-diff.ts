// The difference of one gate between two runs, a − b, over the valid cells of [B, T, U] arrays:
// the largest |a − b|, its root mean square, the signal-to-quantisation-noise ratio in dB (the
// figure PyTorch's numeric suite and quantisation debuggers report) and the first step at which
// any unit of any batch item differs by more than the tolerance. Masked steps (t >= lengths[b],
// ONNX sequence_lens) carry no values and are skipped.

/** A cell position: batch item, step (input time), unit. */
export interface CellIndex {
  batch: number;
  step: number;
  unit: number;
}

export interface GateDiff {
  /** max |a − b| over valid cells; Infinity when a cell differs in a non-finite way (one NaN, ±Inf vs other). */
  maxAbsDiff: number;
  /** sqrt(mean (a − b)²) over valid cells. */
  rms: number;
  /**
   * 10 log10(Σ a² / Σ (a − b)²) over valid cells; null when it is not a finite number: a − b all
   * zero (identical runs), a all zero, or a non-finite difference. maxAbsDiff tells these apart.
   */
  sqnrDb: number | null;
  /** First step with |a − b| > tolerance in any unit and batch item (valid cells only), or null. */
  firstDivergentStep: number | null;
  /** The cell of maxAbsDiff (the first in [b, t, u] order on ties). */
  worst: CellIndex;
  /** Per step, max |a − b| over its valid cells (0 where every batch item is masked). Length T. */
  stepMaxAbsDiff: Float64Array;
  /** Valid cells compared. */
  cells: number;
}

/**
 * |x − y| for stored gate values: 0 when both are NaN or both the same infinity (the runs agree),
 * Infinity when only one is NaN or they are different infinities.
 */
export function absDiff(x: number, y: number): number {
  const d = Math.abs(x - y);
  if (d === d) return d;
  return x === y || (x !== x && y !== y) ? 0 : Infinity;
}

/**
 * Compares a and b, both [B, T, U] row-major in input time order. `lengths` (per batch item, the
 * valid steps) masks t >= lengths[b]; absent, every step is valid.
 */
export function diffGate(
  a: ArrayLike<number>,
  b: ArrayLike<number>,
  dims: { batch: number; steps: number; units: number },
  tolerance: number,
  lengths?: readonly number[],
): GateDiff {
  const { batch: B, steps: T, units: U } = dims;
  if (a.length !== B * T * U || b.length !== B * T * U) {
    throw new RangeError(`diffGate: expected ${B * T * U} values ([${B}, ${T}, ${U}]), got ${a.length} and ${b.length}`);
  }
  if (!(tolerance >= 0)) throw new RangeError(`diffGate: tolerance must be >= 0, got ${tolerance}`);
  const stepMax = new Float64Array(T);
  let max = -1;
  let worst: CellIndex = { batch: 0, step: 0, unit: 0 };
  let sumD2 = 0;
  let sumA2 = 0;
  let cells = 0;
  for (let bi = 0; bi < B; bi++) {
    const valid = lengths ? lengths[bi]! : T;
    for (let t = 0; t < valid; t++) {
      const row = (bi * T + t) * U;
      let rowMax = 0;
      let rowArg = 0;
      for (let u = 0; u < U; u++) {
        const x = a[row + u]!;
        const d = absDiff(x, b[row + u]!);
        sumD2 += d * d;
        if (Number.isFinite(x)) sumA2 += x * x;
        if (d > rowMax) {
          rowMax = d;
          rowArg = u;
        }
      }
      cells += U;
      if (rowMax > stepMax[t]!) stepMax[t] = rowMax;
      if (rowMax > max) {
        max = rowMax;
        worst = { batch: bi, step: t, unit: rowArg };
      }
    }
  }
  let first: number | null = null;
  for (let t = 0; t < T; t++) {
    if (stepMax[t]! > tolerance) {
      first = t;
      break;
    }
  }
  const sqnr = 10 * Math.log10(sumA2 / sumD2);
  return {
    maxAbsDiff: Math.max(0, max),
    rms: cells > 0 ? Math.sqrt(sumD2 / cells) : 0,
    sqnrDb: Number.isFinite(sqnr) ? sqnr : null,
    firstDivergentStep: first,
    worst,
    stepMaxAbsDiff: stepMax,
    cells,
  };
}
