import * as assert from 'node:assert/strict';
import { minCostAssignment } from '../../../../src/core/compare/hungarian';
import { mulberry32 } from '../../../../src/core/spec/random-input';

/** Every permutation of 0..n-1 (Heap's algorithm), for brute-force references. */
function permutations(n: number): number[][] {
  const out: number[][] = [];
  const p = Array.from({ length: n }, (_, i) => i);
  const c = new Array<number>(n).fill(0);
  out.push([...p]);
  let i = 0;
  while (i < n) {
    if (c[i]! < i) {
      const j = i % 2 === 0 ? 0 : c[i]!;
      [p[j], p[i]] = [p[i]!, p[j]!];
      out.push([...p]);
      c[i]!++;
      i = 0;
    } else c[i++] = 0;
  }
  return out;
}

const total = (cost: ArrayLike<number>, n: number, col: ArrayLike<number>) => Array.from(col).reduce((s, j, i) => s + cost[i * n + j]!, 0);

function assertPermutation(col: Int32Array, n: number): void {
  assert.deepEqual([...col].sort((x, y) => x - y), Array.from({ length: n }, (_, i) => i));
}

describe('minCostAssignment (Hungarian method, O(n³))', () => {
  it('solves cost[i][j] = (i+1)(j+1): the anti-diagonal, by the rearrangement inequality (greedy by row would take the diagonal, 14)', () => {
    const cost = [1, 2, 3, 2, 4, 6, 3, 6, 9];
    const col = minCostAssignment(cost, 3);
    assertPermutation(col, 3);
    assert.deepEqual([...col], [2, 1, 0]);
    assert.equal(total(cost, 3, col), 10);
  });

  it('finds the identity on a matrix whose diagonal is zero and the rest positive', () => {
    const n = 7;
    const cost = Array.from({ length: n * n }, (_, k) => (Math.floor(k / n) === k % n ? 0 : 1 + (k % 5)));
    assert.deepEqual([...minCostAssignment(cost, n)], Array.from({ length: n }, (_, i) => i));
  });

  it('recovers a hidden permutation from −(permuted identity) costs', () => {
    const perm = [3, 0, 4, 1, 2];
    const n = perm.length;
    const cost = Array.from({ length: n * n }, (_, k) => (perm[Math.floor(k / n)] === k % n ? -1 : 0));
    assert.deepEqual([...minCostAssignment(cost, n)], perm);
  });

  it('matches brute force over all permutations on 300 random matrices of size 1 to 7 (negative costs and ties included)', () => {
    const next = mulberry32(42);
    for (let trial = 0; trial < 300; trial++) {
      const n = 1 + (trial % 7);
      // Every third matrix is drawn from few integers, so ties are common.
      const cost = Array.from({ length: n * n }, () => (trial % 3 === 0 ? Math.floor(next() * 4) : 20 * next() - 10));
      const col = minCostAssignment(cost, n);
      assertPermutation(col, n);
      let best = Infinity;
      for (const p of permutations(n)) best = Math.min(best, total(cost, n, p));
      assert.ok(Math.abs(total(cost, n, col) - best) < 1e-9, `trial ${trial}: got ${total(cost, n, col)}, optimum ${best}`);
    }
  });

  it('handles n = 0 and n = 1', () => {
    assert.deepEqual([...minCostAssignment([], 0)], []);
    assert.deepEqual([...minCostAssignment([5], 1)], [0]);
  });

  it('rejects a wrong number of costs and non-finite costs', () => {
    assert.throws(() => minCostAssignment([1, 2, 3], 2), /expected 4 costs/);
    assert.throws(() => minCostAssignment([1, NaN, 3, 4], 2), /cost\[0\]\[1\] is NaN/);
    assert.throws(() => minCostAssignment([1, 2, Infinity, 4], 2), /cost\[1\]\[0\] is Infinity/);
  });

  it('solves 300 × 300 in well under a second (cubic, not factorial)', () => {
    const next = mulberry32(7);
    const n = 300;
    const cost = Float64Array.from({ length: n * n }, () => next());
    const t0 = performance.now();
    const col = minCostAssignment(cost, n);
    assertPermutation(col, n);
    assert.ok(performance.now() - t0 < 2000);
  });
});
