// Minimum-cost assignment of an n × n cost matrix (the Hungarian method, Kuhn 1955 / Munkres 1957),
// in the O(n³) form that grows the matching one row at a time along a shortest augmenting path,
// keeping dual potentials u (rows) and v (columns) so that cost[i][j] − u[i] − v[j] >= 0 everywhere
// and = 0 on matched pairs (Edmonds & Karp 1972; Tomizawa 1971). Written for unit alignment, where
// n is a layer's hidden size (up to a few thousand).

/**
 * Rows to columns: returns `col` with col[i] the column assigned to row i, minimising
 * Σ cost[i, col[i]]. `cost` is row-major n × n; every entry must be finite.
 */
export function minCostAssignment(cost: ArrayLike<number>, n: number): Int32Array {
  if (!Number.isInteger(n) || n < 0) throw new RangeError(`minCostAssignment: n must be an integer >= 0, got ${n}`);
  if (cost.length !== n * n) throw new RangeError(`minCostAssignment: expected ${n * n} costs (n × n), got ${cost.length}`);
  for (let k = 0; k < cost.length; k++) {
    if (!Number.isFinite(cost[k]!)) throw new RangeError(`minCostAssignment: cost[${Math.floor(k / n)}][${k % n}] is ${cost[k]}; costs must be finite`);
  }
  // 1-based rows and columns; column 0 is the virtual start of each augmenting path.
  const u = new Float64Array(n + 1);
  const v = new Float64Array(n + 1);
  /** rowOf[j]: the row matched to column j (0: none). */
  const rowOf = new Int32Array(n + 1);
  /** prev[j]: the column before j on the current shortest path. */
  const prev = new Int32Array(n + 1);
  const minSlack = new Float64Array(n + 1);
  const used = new Uint8Array(n + 1);
  for (let i = 1; i <= n; i++) {
    rowOf[0] = i;
    let j0 = 0;
    minSlack.fill(Infinity);
    used.fill(0);
    do {
      used[j0] = 1;
      const i0 = rowOf[j0]!;
      let delta = Infinity;
      let j1 = 0;
      const base = (i0 - 1) * n - 1;
      for (let j = 1; j <= n; j++) {
        if (used[j]) continue;
        const slack = cost[base + j]! - u[i0]! - v[j]!;
        if (slack < minSlack[j]!) {
          minSlack[j] = slack;
          prev[j] = j0;
        }
        if (minSlack[j]! < delta) {
          delta = minSlack[j]!;
          j1 = j;
        }
      }
      for (let j = 0; j <= n; j++) {
        if (used[j]) {
          u[rowOf[j]!]! += delta;
          v[j]! -= delta;
        } else minSlack[j]! -= delta;
      }
      j0 = j1;
    } while (rowOf[j0] !== 0);
    // Flip the path: each column on it takes the row of the column before it.
    do {
      const j1 = prev[j0]!;
      rowOf[j0] = rowOf[j1]!;
      j0 = j1;
    } while (j0 !== 0);
  }
  const col = new Int32Array(n);
  for (let j = 1; j <= n; j++) col[rowOf[j]! - 1] = j - 1;
  return col;
}
