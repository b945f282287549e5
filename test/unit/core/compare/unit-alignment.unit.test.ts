import * as assert from 'node:assert/strict';
import { alignUnits, invertPermutation, permuteUnits, unitCorrelation } from '../../../../src/core/compare/unit-alignment';
import { mulberry32 } from '../../../../src/core/spec/random-input';

/** Pearson correlation of two sequences, by its definition. */
function pearson(x: number[], y: number[]): number {
  const mx = x.reduce((s, v) => s + v, 0) / x.length;
  const my = y.reduce((s, v) => s + v, 0) / y.length;
  let sxy = 0;
  let sxx = 0;
  let syy = 0;
  for (let i = 0; i < x.length; i++) {
    sxy += (x[i]! - mx) * (y[i]! - my);
    sxx += (x[i]! - mx) ** 2;
    syy += (y[i]! - my) ** 2;
  }
  return sxy / Math.sqrt(sxx * syy);
}

describe('unit alignment by correlation of h (Hungarian)', () => {
  const [B, T, U] = [2, 40, 6];
  const next = mulberry32(9);
  const a = Float32Array.from({ length: B * T * U }, () => Math.tanh(3 * (next() - 0.5)));

  it('computes the Pearson correlation of every unit pair over the valid cells', () => {
    const b = Float32Array.from({ length: B * T * U }, () => next());
    const lengths = [40, 25];
    const corr = unitCorrelation(a, b, { batch: B, steps: T, units: U }, lengths);
    const column = (v: Float32Array, u: number) => {
      const out: number[] = [];
      for (let bi = 0; bi < B; bi++) for (let t = 0; t < lengths[bi]!; t++) out.push(v[(bi * T + t) * U + u]!);
      return out;
    };
    for (let u = 0; u < U; u++) for (let v = 0; v < U; v++) assert.ok(Math.abs(corr[u * U + v]! - pearson(column(a, u), column(b, v))) < 1e-12);
  });

  it('recovers the permutation of a network whose units were shuffled (and slightly perturbed)', () => {
    const perm = [4, 2, 5, 0, 3, 1];
    // b's unit perm[u] holds a's unit u.
    const b = new Float32Array(a.length);
    for (let row = 0; row < a.length; row += U) for (let u = 0; u < U; u++) b[row + perm[u]!] = a[row + u]! + 0.01 * (next() - 0.5);
    const { permutation } = alignUnits(a, b, { batch: B, steps: T, units: U });
    assert.deepEqual(permutation, perm);
    const back = permuteUnits(b, permutation, U);
    for (let i = 0; i < a.length; i++) assert.ok(Math.abs(back[i]! - a[i]!) <= 0.005 + 1e-7);
  });

  it('gives a constant unit zero correlation (no NaN reaches the assignment)', () => {
    const b = a.slice();
    for (let row = 0; row < b.length; row += U) b[row + 2] = 0.3;
    const { correlation, permutation } = alignUnits(a, b, { batch: B, steps: T, units: U });
    for (let u = 0; u < U; u++) assert.equal(correlation[u * U + 2], 0);
    assert.deepEqual([...permutation].sort(), [0, 1, 2, 3, 4, 5]);
  });

  it('permuteUnits and invertPermutation undo each other; a non-permutation is refused', () => {
    const perm = [2, 0, 1];
    const v = Float32Array.of(10, 11, 12, 20, 21, 22);
    assert.deepEqual([...permuteUnits(v, perm, 3)], [12, 10, 11, 22, 20, 21]);
    assert.deepEqual([...permuteUnits(permuteUnits(v, perm, 3), invertPermutation(perm), 3)], [...v]);
    assert.throws(() => permuteUnits(v, [0, 0, 1], 3), /not a permutation/);
  });
});
