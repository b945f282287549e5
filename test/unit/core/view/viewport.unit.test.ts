import * as assert from 'node:assert/strict';
import { MIN_SPAN } from '../../../../src/core/view/range';
import type { ViewState } from '../../../../src/core/view/view-state';
import { clampView, cursorOf, moveCursor, panView, rangeOf, resetView, zoomViewAt, zoomViewAtCursor } from '../../../../src/core/view/viewport';

const dims = { steps: 100, units: 20 };
const fresh = (): ViewState => ({ layer: 0, batch: 0, order: 'index', orderGate: 'h' });

describe('viewport: zoom, pan and the keyboard cursor on a view state', () => {
  it('shows everything until told otherwise, and remembers it', () => {
    const s = fresh();
    assert.deepEqual(rangeOf(s, dims, 'steps'), { start: 0, end: 100 });
    assert.deepEqual(rangeOf(s, dims, 'units'), { start: 0, end: 20 });
    assert.deepEqual(s.steps, { start: 0, end: 100 });
  });
  it('zooms about a point given as a fraction of the visible range', () => {
    const s = fresh();
    zoomViewAt(s, dims, 'steps', 0.5, 0.2);
    assert.deepEqual(s.steps, { start: 10, end: 60 });
    assert.deepEqual(s.units, undefined, 'the other axis is untouched');
  });
  it('zooms about the cursor cell centre, or the middle without a cursor', () => {
    const s = fresh();
    zoomViewAtCursor(s, dims, 'steps', 0.5);
    assert.deepEqual(s.steps, { start: 25, end: 75 });
    s.cursor = { step: 0, row: 9 };
    zoomViewAtCursor(s, dims, 'units', 0.5);
    assert.deepEqual(s.units, { start: 4.75, end: 14.75 });
  });
  it('pans by pixels of the plot, in proportion to the visible span', () => {
    const s = fresh();
    s.steps = { start: 10, end: 30 };
    panView(s, dims, 'steps', 50, 100);
    assert.deepEqual(s.steps, { start: 20, end: 40 });
    panView(s, dims, 'steps', -1000, 100);
    assert.deepEqual(s.steps, { start: 0, end: 20 });
  });
  it('clamps saved ranges into the data and resets to all of it', () => {
    const s = fresh();
    s.steps = { start: 98, end: 99 };
    clampView(s, dims);
    assert.deepEqual(s.steps, { start: 100 - MIN_SPAN, end: 100 });
    assert.deepEqual(s.units, { start: 0, end: 20 });
    resetView(s, dims);
    assert.deepEqual(s.steps, { start: 0, end: 100 });
  });
  it('puts the cursor on the first visible cell when there is none', () => {
    const s = fresh();
    s.steps = { start: 40.6, end: 60 };
    s.units = { start: 3.2, end: 9 };
    assert.deepEqual(cursorOf(s, dims), { step: 40, row: 3 });
  });
  it('moves the cursor by arrow keys (10 with Shift), stopping at the edges', () => {
    const s = fresh();
    assert.equal(moveCursor(s, dims, 'ArrowRight', false), true);
    assert.deepEqual(s.cursor, { step: 1, row: 0 });
    moveCursor(s, dims, 'ArrowDown', true);
    assert.deepEqual(s.cursor, { step: 1, row: 10 });
    moveCursor(s, dims, 'ArrowDown', true);
    assert.deepEqual(s.cursor, { step: 1, row: 19 });
    moveCursor(s, dims, 'ArrowLeft', true);
    assert.deepEqual(s.cursor, { step: 0, row: 19 });
    moveCursor(s, dims, 'End', false);
    assert.deepEqual(s.cursor, { step: 99, row: 19 });
    moveCursor(s, dims, 'Home', false);
    assert.equal(s.cursor!.step, 0);
  });
  it('scrolls just enough to show the cursor cell', () => {
    const s = fresh();
    s.steps = { start: 0, end: 10 };
    s.cursor = { step: 9, row: 0 };
    moveCursor(s, dims, 'ArrowRight', false);
    assert.deepEqual(s.steps, { start: 1, end: 11 });
  });
  it('leaves other keys to the caller', () => {
    const s = fresh();
    assert.equal(moveCursor(s, dims, 'Enter', false), false);
    assert.equal(moveCursor(s, dims, 'a', false), false);
  });
});
