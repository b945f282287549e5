import * as assert from 'node:assert/strict';
import { cellAt, clampRange, MIN_SPAN, panRange, revealCell, zoomRange } from '../../../../src/core/view/range';

describe('visible range', () => {
  it('zooming in about a point keeps that point under the cursor', () => {
    const r = zoomRange({ start: 0, end: 100 }, 0.5, 20, 100);
    assert.deepEqual(r, { start: 10, end: 60 });
  });
  it('zooming out never leaves [0, total]', () => {
    assert.deepEqual(zoomRange({ start: 10, end: 60 }, 4, 50, 100), { start: 0, end: 100 });
  });
  it('zooming in stops at MIN_SPAN cells', () => {
    const r = zoomRange({ start: 0, end: 8 }, 0.01, 4, 100);
    assert.equal(r.end - r.start, MIN_SPAN);
  });
  it('panning stops at the ends and keeps the span', () => {
    assert.deepEqual(panRange({ start: 10, end: 20 }, -50, 100), { start: 0, end: 10 });
    assert.deepEqual(panRange({ start: 10, end: 20 }, 500, 100), { start: 90, end: 100 });
  });
  it('axes shorter than MIN_SPAN show everything', () => {
    assert.deepEqual(clampRange({ start: 0, end: 1 }, 2), { start: 0, end: 2 });
  });
  it('maps a pixel to the cell under it, clamped', () => {
    assert.equal(cellAt({ start: 100, end: 200 }, 0, 50, 1000), 100);
    assert.equal(cellAt({ start: 100, end: 200 }, 49.9, 50, 1000), 199);
    assert.equal(cellAt({ start: 0, end: 10 }, 500, 50, 10), 9);
  });
  it('reveals a cursor cell outside the range by scrolling just enough', () => {
    assert.deepEqual(revealCell({ start: 10, end: 20 }, 25, 100), { start: 16, end: 26 });
    assert.deepEqual(revealCell({ start: 10, end: 20 }, 3, 100), { start: 3, end: 13 });
    assert.deepEqual(revealCell({ start: 10, end: 20 }, 12, 100), { start: 10, end: 20 });
  });
});
