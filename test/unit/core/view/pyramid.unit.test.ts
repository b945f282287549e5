import * as assert from 'node:assert/strict';
import { addPyramidLevel, bucketsAt, buildLevel, missingLevel, pairUnits, pyramidComplete, startPyramid, topLevel } from '../../../../src/core/view/pyramid';

/** Builds every level of a pyramid over values [t][u]. */
function full(values: number[], steps: number, units: number) {
  const p = startPyramid(Float32Array.from(values), steps, units);
  while (!pyramidComplete(p)) addPyramidLevel(p);
  return p;
}

describe('time pyramid', () => {
  it('halves the steps per level until one bucket is left', () => {
    const p = full(Array.from({ length: 10 }, (_, i) => i), 5, 2);
    assert.deepEqual(p.levels.map((l) => l.length / 2), [5, 3, 2, 1]);
    assert.equal(bucketsAt(5, 2), 2);
  });

  it('stores exact means of each bucket, weighting a short last bucket by its steps', () => {
    // one unit, steps 0..4 with values 1, 2, 3, 4, 10
    const p = full([1, 2, 3, 4, 10], 5, 1);
    assert.deepEqual(Array.from(p.levels[1]!), [1.5, 3.5, 10]);
    assert.deepEqual(Array.from(p.levels[2]!), [2.5, 10]);
    assert.deepEqual(Array.from(p.levels[3]!), [4]); // (1+2+3+4+10)/5, not (2.5+10)/2
  });

  it('keeps units apart ([step][unit] layout)', () => {
    const p = full([0, 100, 2, 200], 2, 2);
    assert.deepEqual(Array.from(p.levels[1]!), [1, 150]);
  });

  it('propagates NaN and Inf so that they stay visible when zoomed out', () => {
    const p = full([1, NaN, 3, Infinity], 4, 1);
    assert.ok(Number.isNaN(p.levels[2]![0]));
    assert.equal(p.levels[1]![1], Infinity);
  });

  it('uses only the valid steps (masked tail excluded)', () => {
    const p = full([1, 3, 0, 0], 2, 1);
    assert.deepEqual(Array.from(p.levels[1]!), [2]);
  });
});

describe('unit pairs', () => {
  it('averages adjacent units in display order and copies a lone last unit', () => {
    // 2 buckets x 3 units
    const level = Float32Array.from([0, 1, 10, 2, 3, 20]);
    assert.deepEqual(Array.from(pairUnits(level, 2, 3, Int32Array.from([0, 1, 2]))), [0.5, 10, 2.5, 20]);
    assert.deepEqual(Array.from(pairUnits(level, 2, 3, Int32Array.from([2, 0, 1]))), [5, 1, 11, 3]);
  });
});

describe('levels built out of order', () => {
  it('a level built straight from level 0 equals the one built through the levels below', () => {
    const T = 37;
    const U = 3;
    const values = Array.from({ length: T * U }, (_, i) => Math.sin(i * 0.37) * 3);
    const direct = startPyramid(Float32Array.from(values), T, U);
    buildLevel(direct, 3);
    assert.equal(direct.levels[1], undefined);
    assert.equal(missingLevel(direct), 1);
    const chained = full(values, T, U);
    const a = Array.from(direct.levels[3]!);
    const b = Array.from(chained.levels[3]!);
    a.forEach((v, i) => assert.ok(Math.abs(v - b[i]!) < 1e-5, `bucket value ${i}: ${v} vs ${b[i]}`));
    while (!pyramidComplete(direct)) addPyramidLevel(direct);
    assert.equal(direct.levels.length, topLevel(T) + 1);
    assert.ok(direct.levels.every((l) => l instanceof Float32Array));
  });
});
