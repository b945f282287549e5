import * as assert from 'node:assert/strict';
import { gemmNT, matvec } from '../../../../src/core/gru/kernel-js';
import { XorShift } from './fixtures';

/** Plain float64 dot products, one row at a time: the definition the blocked kernels must meet. */
function reference(A: Float32Array, rows: number, K: number, x: Float32Array): Float32Array {
  const y = new Float32Array(rows);
  for (let i = 0; i < rows; i++) {
    let s = 0;
    for (let k = 0; k < K; k++) s += A[i * K + k] * x[k];
    y[i] = s;
  }
  return y;
}

describe('JS kernel products', () => {
  // Row counts around the 8-row block and odd K exercise every remainder path.
  const shapes: [number, number][] = [[1, 1], [7, 3], [8, 2], [9, 5], [17, 33], [1536, 512], [100, 37]];
  for (const [rows, K] of shapes) {
    it(`matvec ${rows}x${K} equals a plain float64 dot product to float32 rounding`, () => {
      const rng = new XorShift(rows * 31 + K);
      const A = rng.uniform(rows * K, 1);
      const x = rng.uniform(K, 1);
      const want = reference(A, rows, K, x);
      const y = new Float32Array(rows + 3).fill(NaN);
      matvec(A, 0, K, rows, K, x, 0, y, 2);
      for (let i = 0; i < rows; i++) {
        // Both sums are float64 and differ only in float64 rounding, so the stored float32 values are at most one float32 ulp apart.
        assert.ok(Math.abs(y[2 + i] - want[i]) <= 2 ** -23 * Math.abs(want[i]) + 1e-30, `row ${i}: ${y[2 + i]} vs ${want[i]}`);
      }
      assert.ok(Number.isNaN(y[0]) && Number.isNaN(y[1]) && Number.isNaN(y[rows + 2]), 'writes nothing outside its rows');
    });
  }

  it('matvec reads the vector and matrix at their offsets', () => {
    const rng = new XorShift(5);
    const A = rng.uniform(4 + 9 * 6, 1);
    const x = rng.uniform(3 + 6, 1);
    const y = new Float32Array(9);
    matvec(A, 4, 6, 9, 6, x, 3, y, 0);
    const want = reference(A.subarray(4), 9, 6, x.subarray(3));
    for (let i = 0; i < 9; i++) assert.ok(Math.abs(y[i] - want[i]) <= 1e-7, `row ${i}`);
  });

  for (const [M, N, K] of [[1, 5, 3], [2, 4, 8], [5, 9, 7], [6, 7, 5], [128, 1536, 128]]) {
    it(`gemmNT ${M}x${N}x${K} gives every row the matvec result`, () => {
      const rng = new XorShift(M + N + K);
      const A = rng.uniform(M * K, 1);
      const B = rng.uniform(N * K, 1);
      const C = new Float32Array(M * N);
      gemmNT(A, 0, K, M, B, 0, K, N, K, C, 0, N);
      for (let m = 0; m < M; m++) {
        const want = reference(B, N, K, A.subarray(m * K, (m + 1) * K));
        for (let n = 0; n < N; n++) assert.ok(Math.abs(C[m * N + n] - want[n]) <= 2 ** -23 * Math.abs(want[n]) + 1e-30, `C[${m}, ${n}]`);
      }
    });
  }
});
