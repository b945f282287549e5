// Unit orders for the heatmap rows. Every order is a permutation: order[d] = unit shown at row d.

export type UnitOrderKind = 'index' | 'mean' | 'variance' | 'saturation' | 'similarity' | 'timescale';

export const UNIT_ORDER_LABELS: Record<UnitOrderKind, string> = {
  index: 'index',
  mean: 'mean (high first)',
  variance: 'variance (high first)',
  saturation: 'saturation (most saturated first)',
  similarity: 'similarity (neighbours correlate)',
  timescale: 'memory timescale τ (longest first; LSTM f, GRU z)',
};

export function identityOrder(units: number): Int32Array {
  const o = new Int32Array(units);
  for (let i = 0; i < units; i++) o[i] = i;
  return o;
}

/** Units sorted by `key` descending; NaN keys last; ties keep index order. */
export function orderByKey(key: ArrayLike<number>): Int32Array {
  const idx = Array.from({ length: key.length }, (_, i) => i);
  idx.sort((a, b) => {
    const ka = key[a]!;
    const kb = key[b]!;
    const na = ka !== ka;
    const nb = kb !== kb;
    if (na || nb) return na === nb ? a - b : na ? 1 : -1;
    return kb - ka || a - b;
  });
  return Int32Array.from(idx);
}

/**
 * Similarity order: a greedy nearest-neighbour chain on the Pearson correlation of the units' time
 * series (given coarsened, `series` [bucket][unit]), starting at the unit of highest variance, so
 * that units that move together sit on adjacent rows. O(units^2 * buckets).
 */
export function similarityOrder(series: Float32Array, buckets: number, units: number): Int32Array {
  const z = new Float64Array(buckets * units);
  const norm = new Float64Array(units);
  for (let u = 0; u < units; u++) {
    let m = 0;
    let n = 0;
    for (let j = 0; j < buckets; j++) {
      const v = series[j * units + u];
      if (v - v === 0) {
        m += v;
        n++;
      }
    }
    m = n > 0 ? m / n : 0;
    let ss = 0;
    for (let j = 0; j < buckets; j++) {
      const v = series[j * units + u];
      const d = v - v === 0 ? v - m : 0;
      z[u * buckets + j] = d;
      ss += d * d;
    }
    norm[u] = ss;
    const s = ss > 0 ? 1 / Math.sqrt(ss) : 0;
    for (let j = 0; j < buckets; j++) z[u * buckets + j] *= s;
  }
  const used = new Uint8Array(units);
  const order = new Int32Array(units);
  let cur = 0;
  for (let u = 1; u < units; u++) if (norm[u] > norm[cur]) cur = u;
  for (let d = 0; d < units; d++) {
    order[d] = cur;
    used[cur] = 1;
    let best = -1;
    let bestCorr = -Infinity;
    for (let u = 0; u < units; u++) {
      if (used[u]) continue;
      let c = 0;
      for (let j = 0; j < buckets; j++) c += z[cur * buckets + j] * z[u * buckets + j];
      if (c > bestCorr) {
        bestCorr = c;
        best = u;
      }
    }
    if (best < 0) break;
    cur = best;
  }
  return order;
}
