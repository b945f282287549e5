// Per-unit statistics over the valid steps of one gate ([step][unit] layout, H units per row),
// accumulated over step ranges so that a long trace is summarized in slices that each fit a frame.

/** Fraction of steps with a gate below 0.1 and above 0.9 (Karpathy, Johnson & Fei-Fei 2015, fig. 3). */
export const SATURATION_LOW = 0.1;
export const SATURATION_HIGH = 0.9;

export interface UnitStats {
  /** Per unit, over finite values only (NaN when a unit has none). */
  mean: Float64Array;
  /** Population variance over finite values (from float64 sums; gate values are bounded, so cancellation is small). */
  variance: Float64Array;
  /** Per unit: fraction of valid steps below SATURATION_LOW / above SATURATION_HIGH. */
  low: Float64Array;
  high: Float64Array;
  /** Per unit: count of NaN or ±Inf values. */
  nonFinite: Int32Array;
}

export interface StatsAccumulator {
  units: number;
  /** Steps accumulated so far. */
  steps: number;
  sum: Float64Array;
  sumSq: Float64Array;
  low: Float64Array;
  high: Float64Array;
  nonFinite: Int32Array;
}

export function startStats(units: number): StatsAccumulator {
  return {
    units,
    steps: 0,
    sum: new Float64Array(units),
    sumSq: new Float64Array(units),
    low: new Float64Array(units),
    high: new Float64Array(units),
    nonFinite: new Int32Array(units),
  };
}

/** Adds steps [t0, t1) of `values` to `acc`. */
export function accumulateStats(acc: StatsAccumulator, values: Float32Array, t0: number, t1: number): void {
  const H = acc.units;
  const { sum, sumSq, low, high, nonFinite } = acc;
  for (let t = t0; t < t1; t++) {
    const base = t * H;
    for (let u = 0; u < H; u++) {
      const v = values[base + u];
      if (v - v !== 0) {
        nonFinite[u]++;
        continue;
      }
      sum[u] += v;
      sumSq[u] += v * v;
      if (v < SATURATION_LOW) low[u]++;
      else if (v > SATURATION_HIGH) high[u]++;
    }
  }
  acc.steps += t1 - t0;
}

export function finishStats(acc: StatsAccumulator): UnitStats {
  const H = acc.units;
  const mean = new Float64Array(H);
  const variance = new Float64Array(H);
  const low = new Float64Array(H);
  const high = new Float64Array(H);
  for (let u = 0; u < H; u++) {
    const n = acc.steps - acc.nonFinite[u];
    const m = n > 0 ? acc.sum[u] / n : NaN;
    mean[u] = m;
    variance[u] = n > 0 ? Math.max(0, acc.sumSq[u] / n - m * m) : NaN;
    low[u] = acc.steps > 0 ? acc.low[u] / acc.steps : NaN;
    high[u] = acc.steps > 0 ? acc.high[u] / acc.steps : NaN;
  }
  return { mean, variance, low, high, nonFinite: acc.nonFinite };
}

/** All statistics in one call (small traces, tests). */
export function unitStats(values: Float32Array, steps: number, units: number): UnitStats {
  const acc = startStats(units);
  accumulateStats(acc, values, 0, steps);
  return finishStats(acc);
}
