import * as assert from 'node:assert/strict';
import { absDiff, diffGate } from '../../../../src/core/compare/gate-diff';
import { mulberry32 } from '../../../../src/core/spec/random-input';

/** Straightforward reference: every statistic by its definition, in float64, one cell at a time. */
function reference(a: Float32Array, b: Float32Array, B: number, T: number, U: number, tol: number, lengths?: number[]) {
  let max = 0;
  let sd = 0;
  let sa = 0;
  let n = 0;
  let first: number | null = null;
  for (let t = 0; t < T && first === null; t++) {
    for (let bi = 0; bi < B; bi++) {
      if (lengths && t >= lengths[bi]!) continue;
      for (let u = 0; u < U; u++) if (Math.abs(a[(bi * T + t) * U + u]! - b[(bi * T + t) * U + u]!) > tol) first = t;
    }
  }
  for (let i = 0; i < a.length; i++) {
    const bi = Math.floor(i / (T * U));
    const t = Math.floor(i / U) % T;
    if (lengths && t >= lengths[bi]!) continue;
    const d = Math.abs(a[i]! - b[i]!);
    max = Math.max(max, d);
    sd += d * d;
    sa += a[i]! * a[i]!;
    n++;
  }
  return { max, rms: Math.sqrt(sd / n), sqnr: 10 * Math.log10(sa / sd), first };
}

describe('diffGate: statistics of a − b over valid cells', () => {
  it('gives the closed forms for a constant offset: max = rms = e, SQNR = 20 log10(c / e)', () => {
    const [B, T, U] = [2, 5, 3];
    const a = new Float32Array(B * T * U).fill(0.5);
    const b = new Float32Array(B * T * U).fill(0.5 - 0.125);
    const d = diffGate(a, b, { batch: B, steps: T, units: U }, 0.1);
    assert.equal(d.maxAbsDiff, 0.125);
    assert.equal(d.rms, 0.125);
    assert.ok(Math.abs(d.sqnrDb! - 20 * Math.log10(0.5 / 0.125)) < 1e-12);
    assert.equal(d.firstDivergentStep, 0);
    assert.equal(d.cells, B * T * U);
  });

  it('reports the first step past the tolerance, in any batch item and unit, and the worst cell', () => {
    const [B, T, U] = [2, 8, 4];
    const a = new Float32Array(B * T * U);
    const b = new Float32Array(B * T * U);
    b[(0 * T + 6) * U + 1] = 0.001; // below tolerance at step 6
    b[(1 * T + 5) * U + 3] = 0.5; // batch item 1, step 5, unit 3: the first divergence and the worst
    b[(0 * T + 7) * U + 2] = -0.25;
    const d = diffGate(a, b, { batch: B, steps: T, units: U }, 0.01);
    assert.equal(d.firstDivergentStep, 5);
    assert.deepEqual(d.worst, { batch: 1, step: 5, unit: 3 });
    assert.equal(d.maxAbsDiff, 0.5);
    assert.equal(d.stepMaxAbsDiff[6], Math.fround(0.001));
    assert.equal(d.stepMaxAbsDiff[7], 0.25);
  });

  it('counts |a − b| equal to the tolerance as within it (divergence is strictly greater)', () => {
    const a = Float32Array.of(0, 0, 0);
    const b = Float32Array.of(0, 0.5, 1);
    assert.equal(diffGate(a, b, { batch: 1, steps: 3, units: 1 }, 0.5).firstDivergentStep, 2);
  });

  it('is null and zero for identical runs (SQNR null: no noise)', () => {
    const a = Float32Array.from({ length: 12 }, (_, i) => Math.sin(i));
    const d = diffGate(a, a.slice(), { batch: 1, steps: 4, units: 3 }, 0);
    assert.equal(d.maxAbsDiff, 0);
    assert.equal(d.rms, 0);
    assert.equal(d.sqnrDb, null);
    assert.equal(d.firstDivergentStep, null);
  });

  it('skips masked steps: a difference past a batch item\'s length is not seen', () => {
    const [B, T, U] = [2, 6, 2];
    const a = new Float32Array(B * T * U);
    const b = new Float32Array(B * T * U);
    b[(1 * T + 4) * U] = 9; // batch item 1 has 3 valid steps: step 4 is masked
    b[(0 * T + 5) * U + 1] = 0.2; // batch item 0 is valid everywhere
    const d = diffGate(a, b, { batch: B, steps: T, units: U }, 0.1, [6, 3]);
    assert.equal(d.maxAbsDiff, Math.fround(0.2));
    assert.equal(d.firstDivergentStep, 5);
    assert.equal(d.cells, (6 + 3) * U);
  });

  it('treats one-sided NaN and unequal infinities as infinite differences, shared NaN and equal infinities as agreement', () => {
    assert.equal(absDiff(NaN, NaN), 0);
    assert.equal(absDiff(Infinity, Infinity), 0);
    assert.equal(absDiff(NaN, 1), Infinity);
    assert.equal(absDiff(-Infinity, Infinity), Infinity);
    assert.equal(absDiff(Infinity, 3), Infinity);
    const d = diffGate(Float32Array.of(1, NaN, 2), Float32Array.of(1, 5, 2), { batch: 1, steps: 3, units: 1 }, 1e-5);
    assert.equal(d.maxAbsDiff, Infinity);
    assert.equal(d.firstDivergentStep, 1);
    assert.equal(d.sqnrDb, null);
  });

  it('agrees with the definitions on 50 random [B, T, U] cases with random masks', () => {
    const next = mulberry32(5);
    for (let k = 0; k < 50; k++) {
      const B = 1 + Math.floor(next() * 3);
      const T = 1 + Math.floor(next() * 30);
      const U = 1 + Math.floor(next() * 9);
      const a = Float32Array.from({ length: B * T * U }, () => 2 * next() - 1);
      const b = a.map((x) => (next() < 0.1 ? x + 0.05 * (next() - 0.5) : x));
      const lengths = k % 2 ? Array.from({ length: B }, () => 1 + Math.floor(next() * T)) : undefined;
      const tol = 0.01;
      const d = diffGate(a, b, { batch: B, steps: T, units: U }, tol, lengths);
      const r = reference(a, b, B, T, U, tol, lengths);
      assert.equal(d.maxAbsDiff, r.max);
      assert.ok(Math.abs(d.rms - r.rms) <= 1e-12 * Math.max(1, r.rms));
      if (Number.isFinite(r.sqnr)) assert.ok(Math.abs(d.sqnrDb! - r.sqnr) < 1e-9);
      else assert.equal(d.sqnrDb, null);
      assert.equal(d.firstDivergentStep, r.first);
      const w = d.worst;
      assert.equal(Math.abs(a[(w.batch * T + w.step) * U + w.unit]! - b[(w.batch * T + w.step) * U + w.unit]!), r.max);
    }
  });

  it('rejects arrays of the wrong size and a negative tolerance', () => {
    assert.throws(() => diffGate(new Float32Array(5), new Float32Array(6), { batch: 1, steps: 2, units: 3 }, 0), /expected 6 values/);
    assert.throws(() => diffGate(new Float32Array(6), new Float32Array(6), { batch: 1, steps: 2, units: 3 }, -1), /tolerance/);
  });
});
