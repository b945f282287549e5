import * as assert from 'node:assert/strict';
import { addPyramidLevel, pyramidComplete, startPyramid } from '../../../../src/core/view/pyramid';
import { levelFor, makeScratch, rasterizeGate, type RasterColours } from '../../../../src/core/view/raster';
import { identityOrder } from '../../../../src/core/view/order';

// A LUT whose entry i is the pixel value i itself, so pixels read back as LUT indices.
const colours: RasterColours = {
  lut: Uint32Array.from({ length: 256 }, (_, i) => i),
  lo: 0,
  hi: 1,
  nan: 1000,
  posInf: 1001,
  negInf: 1002,
  masked: 1003,
};

function pyramid(values: number[], steps: number, units: number) {
  const p = startPyramid(Float32Array.from(values), steps, units);
  while (!pyramidComplete(p)) addPyramidLevel(p);
  return p;
}

function draw(values: number[], validSteps: number, units: number, totalSteps: number, cols: number, rows: number, order = identityOrder(units)) {
  const out = new Uint32Array(cols * rows);
  const info = rasterizeGate(
    { pyramid: pyramid(values, validSteps, units), totalSteps, order, steps: { start: 0, end: totalSteps }, units: { start: 0, end: units }, cols, rows },
    colours,
    makeScratch(rows),
    out,
  );
  return { out: Array.from(out), info };
}

describe('rasterizeGate', () => {
  it('draws one pixel per cell at 1:1, rows = units, columns = steps', () => {
    // steps 0..2, units 0..1: [t][u]
    const { out } = draw([0, 1, 0.5, 0, 1, 0.5], 3, 2, 3, 3, 2);
    assert.deepEqual(out, [0, 128, 255, 255, 0, 128]);
  });

  it('shows the mean of the cells a pixel covers when steps outnumber pixels', () => {
    // 4 steps, 1 unit -> 2 columns: means of (0, 1) and (0.2, 0.2)
    const { out, info } = draw([0, 1, 0.2, 0.2], 4, 1, 4, 2, 1);
    assert.deepEqual(out, [128, 51]);
    assert.equal(info.stepsPerPixel, 2);
    assert.equal(info.level, 1);
  });

  it('averages units when units outnumber rows', () => {
    const { out, info } = draw([0, 1, 1, 1], 1, 4, 1, 1, 2);
    assert.deepEqual(out, [128, 255]);
    assert.equal(info.unitsPerPixel, 2);
  });

  it('draws rows in the given unit order', () => {
    const { out } = draw([0, 1], 1, 2, 1, 1, 2, Int32Array.from([1, 0]));
    assert.deepEqual(out, [255, 0]);
  });

  it('reads in index order without the gather and gives the gathered picture (zoomed units, many steps per pixel)', () => {
    // 40 steps x 12 units; units 4 and 5 hold the same values, so swapping them in the order changes
    // nothing on screen but sends the raster through the gather path.
    const T = 40;
    const U = 12;
    const values = Array.from({ length: T * U }, (_, i) => ((i % U) === 5 ? ((i - 1) * 37) % 101 : (i * 37) % 101) / 100);
    const job = (order: Int32Array) => {
      const out = new Uint32Array(7 * 3);
      rasterizeGate({ pyramid: pyramid(values, T, U), totalSteps: T, order, steps: { start: 3, end: 38 }, units: { start: 2, end: 9 }, cols: 7, rows: 3 }, colours, makeScratch(3), out);
      return Array.from(out);
    };
    const swapped = identityOrder(U);
    swapped[4] = 5;
    swapped[5] = 4;
    assert.deepEqual(job(identityOrder(U)), job(swapped));
  });

  it('zoomed in past the buckets, every column shows the bucket under it: columns sharing a bucket are equal, and a level of bucket means spans its columns', () => {
    // 10 steps x 3 units on 40 columns: 4 columns per step at level 0.
    const T = 10;
    const U = 3;
    const values = Array.from({ length: T * U }, (_, i) => ((i * 29) % 97) / 96);
    const lutOf = (v: number) => Math.round(v * 255);
    const { out } = draw(values, T, U, T, 40, U);
    for (let r = 0; r < U; r++) for (let c = 0; c < 40; c++) assert.equal(out[r * 40 + c], lutOf(values[Math.floor(c / 4) * U + r]!), `row ${r} column ${c}`);
    // A pyramid whose finest level is 4-step means (a sidecar trace's overview), drawn at one step per
    // column over steps [2, 22) of 24, 6 valid: each column shows the mean of the bucket holding its step.
    const means = Float32Array.from({ length: 6 * U }, (_, i) => ((i * 13) % 31) / 30);
    const p = { units: U, steps: 24, levels: Object.assign([], { 2: means }) };
    const o2 = new Uint32Array(20 * U);
    rasterizeGate({ pyramid: p, totalSteps: 24, order: identityOrder(U), steps: { start: 2, end: 22 }, units: { start: 0, end: U }, cols: 20, rows: U }, colours, makeScratch(U), o2);
    for (let r = 0; r < U; r++) for (let c = 0; c < 20; c++) assert.equal(o2[r * 20 + c], lutOf(means[Math.floor((2 + c) / 4) * U + r]!), `level 2, row ${r} column ${c}`);
  });

  it('paints masked steps as masked, never as values', () => {
    const { out } = draw([1, 1, 0, 0], 2, 1, 4, 4, 1);
    assert.deepEqual(out, [255, 255, 1003, 1003]);
  });

  it('names NaN and ±Inf with their own colours, and clamps values off the scale', () => {
    const { out } = draw([NaN, Infinity, -Infinity, 7, -7], 5, 1, 5, 5, 1);
    assert.deepEqual(out, [1000, 1001, 1002, 255, 0]);
  });

  it('picks the coarsest pyramid level no wider than a pixel', () => {
    assert.equal(levelFor(0.5, 10), 0);
    assert.equal(levelFor(1.9, 10), 0);
    assert.equal(levelFor(2, 10), 1);
    assert.equal(levelFor(17, 10), 4);
    assert.equal(levelFor(1e9, 3), 2);
  });
});
