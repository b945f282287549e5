// Unit alignment of two checkpoints: hidden units of separately trained (or re-initialised) networks
// may play the same roles in a different order. Unit u of a is matched to the unit of b whose h
// over time correlates best with it (Pearson, over the valid cells of every batch item), as the
// permutation that maximises the summed correlation (minCostAssignment on −correlation).

import { minCostAssignment } from './hungarian';

/**
 * Pearson correlation of every unit of a with every unit of b: row-major U × U, entry [u, v] for a's
 * unit u against b's unit v. a and b are [B, T, U]; a unit constant over the valid cells (or with
 * a non-finite value) correlates 0 with everything.
 */
export function unitCorrelation(
  a: ArrayLike<number>,
  b: ArrayLike<number>,
  dims: { batch: number; steps: number; units: number },
  lengths?: readonly number[],
): Float64Array {
  const { batch: B, steps: T, units: U } = dims;
  if (a.length !== B * T * U || b.length !== B * T * U) throw new RangeError(`unitCorrelation: expected ${B * T * U} values ([${B}, ${T}, ${U}]), got ${a.length} and ${b.length}`);
  // Each unit's values over the valid cells, centred and scaled to unit norm, stored unit-major
  // [U, cells] so that corr[u, v] is one contiguous dot product.
  const rows: number[] = [];
  for (let bi = 0; bi < B; bi++) for (let t = 0; t < (lengths ? lengths[bi]! : T); t++) rows.push((bi * T + t) * U);
  const N = rows.length;
  const norm = (src: ArrayLike<number>): Float64Array => {
    const x = new Float64Array(U * N);
    for (let u = 0; u < U; u++) {
      const o = u * N;
      let mean = 0;
      for (let k = 0; k < N; k++) mean += src[rows[k]! + u]!;
      mean /= N;
      let ss = 0;
      for (let k = 0; k < N; k++) {
        const d = src[rows[k]! + u]! - mean;
        x[o + k] = d;
        ss += d * d;
      }
      const s = ss > 0 && Number.isFinite(ss) ? 1 / Math.sqrt(ss) : 0;
      for (let k = 0; k < N; k++) x[o + k] = x[o + k]! * s;
    }
    return x;
  };
  const xa = norm(a);
  const xb = norm(b);
  const corr = new Float64Array(U * U);
  // Four units of b per pass over a's unit: each value of a is loaded once for four products.
  for (let u = 0; u < U; u++) {
    const ou = u * N;
    let v = 0;
    for (; v + 4 <= U; v += 4) {
      const o0 = v * N;
      const o1 = o0 + N;
      const o2 = o1 + N;
      const o3 = o2 + N;
      let d0 = 0;
      let d1 = 0;
      let d2 = 0;
      let d3 = 0;
      for (let k = 0; k < N; k++) {
        const p = xa[ou + k]!;
        d0 += p * xb[o0 + k]!;
        d1 += p * xb[o1 + k]!;
        d2 += p * xb[o2 + k]!;
        d3 += p * xb[o3 + k]!;
      }
      corr[u * U + v] = d0;
      corr[u * U + v + 1] = d1;
      corr[u * U + v + 2] = d2;
      corr[u * U + v + 3] = d3;
    }
    for (; v < U; v++) {
      const ov = v * N;
      let dot = 0;
      for (let k = 0; k < N; k++) dot += xa[ou + k]! * xb[ov + k]!;
      corr[u * U + v] = dot;
    }
  }
  return corr;
}

/** The permutation that shows b's unit permutation[u] at a's unit u, maximising Σ corr[u, permutation[u]]. */
export function alignUnits(
  a: ArrayLike<number>,
  b: ArrayLike<number>,
  dims: { batch: number; steps: number; units: number },
  lengths?: readonly number[],
): { permutation: number[]; correlation: Float64Array } {
  const corr = unitCorrelation(a, b, dims, lengths);
  const cost = corr.map((c) => -c);
  return { permutation: Array.from(minCostAssignment(cost, dims.units)), correlation: corr };
}

/** b [B, T, U] with its units reordered: out[b, t, u] = values[b, t, permutation[u]]. */
export function permuteUnits(values: ArrayLike<number>, permutation: readonly number[], units: number): Float32Array {
  if (permutation.length !== units) throw new RangeError(`permuteUnits: permutation has ${permutation.length} entries, expected ${units}`);
  const seen = new Uint8Array(units);
  for (const p of permutation) {
    if (!Number.isInteger(p) || p < 0 || p >= units || seen[p]) throw new RangeError(`permuteUnits: [${permutation.join(', ')}] is not a permutation of 0..${units - 1}`);
    seen[p] = 1;
  }
  const out = new Float32Array(values.length);
  for (let row = 0; row < values.length; row += units) {
    for (let u = 0; u < units; u++) out[row + u] = values[row + permutation[u]!]!;
  }
  return out;
}

/** The permutation that undoes `permutation` (inverse[permutation[u]] = u). */
export function invertPermutation(permutation: readonly number[]): number[] {
  const out = new Array<number>(permutation.length);
  permutation.forEach((p, u) => (out[p] = u));
  return out;
}
