import * as assert from 'node:assert/strict';
import { unitStats } from '../../../../src/core/view/stats';
import { identityOrder, orderByKey, similarityOrder } from '../../../../src/core/view/order';
import { formatFloat32, formatValue } from '../../../../src/core/view/format';

describe('unit statistics', () => {
  it('saturation: fraction of steps below 0.1 and above 0.9 per unit', () => {
    // 4 steps x 2 units
    const s = unitStats(Float32Array.from([0.05, 0.5, 0.95, 0.5, 0.5, 0.99, 0.0, 0.5]), 4, 2);
    assert.deepEqual(Array.from(s.low), [0.5, 0]);
    assert.deepEqual(Array.from(s.high), [0.25, 0.25]);
  });
  it('mean and population variance over finite values; non-finite counted apart', () => {
    const s = unitStats(Float32Array.from([1, 3, NaN, Infinity]), 4, 1);
    assert.equal(s.mean[0], 2);
    assert.equal(s.variance[0], 1);
    assert.equal(s.nonFinite[0], 2);
  });
});

describe('unit orders', () => {
  it('index order is the identity', () => {
    assert.deepEqual(Array.from(identityOrder(3)), [0, 1, 2]);
  });
  it('orders by key descending, NaN last, ties by index', () => {
    assert.deepEqual(Array.from(orderByKey([0.2, NaN, 0.9, 0.2])), [2, 0, 3, 1]);
  });
  it('similarity order puts correlated units next to each other', () => {
    // units 0 and 2 rise together, units 1 and 3 fall together; unit 0 has the largest variance
    const T = 8;
    const U = 4;
    const s = new Float32Array(T * U);
    for (let t = 0; t < T; t++) {
      s[t * U] = 2 * t;
      s[t * U + 1] = -t + 0.1 * (t % 2);
      s[t * U + 2] = t + 0.05 * (t % 3);
      s[t * U + 3] = -t;
    }
    const o = Array.from(similarityOrder(s, T, U));
    assert.equal(o[0], 0);
    assert.equal(o[1], 2);
    assert.deepEqual(o.slice(2).sort(), [1, 3]);
  });
});

describe('value text', () => {
  it('gives the shortest decimal that reads back as the same float32', () => {
    assert.equal(formatFloat32(Math.fround(0.1)), '0.1');
    assert.equal(formatFloat32(Math.fround(1 / 3)), '0.33333334');
    const v = Math.fround(0.7234567);
    assert.equal(Math.fround(Number(formatFloat32(v))), v);
    assert.equal(formatFloat32(-0.5), '-0.5');
  });
  it('names non-finite values', () => {
    assert.equal(formatFloat32(NaN), 'NaN');
    assert.equal(formatFloat32(Infinity), '+Inf');
    assert.equal(formatFloat32(-Infinity), '-Inf');
  });
  it('adds the encoding error bound for inexact encodings', () => {
    assert.equal(formatValue(0.5, 0.002), '0.5 ±0.0020');
    assert.equal(formatValue(0.5, 0), '0.5');
    assert.equal(formatValue(NaN, 0.002), 'NaN');
  });
});
