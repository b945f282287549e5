import * as assert from 'node:assert/strict';
import { clampViewport, dragBy, fullViewport, stepFraction, viewportForKey, wheelFactor, zoomAt } from '../../../../src/core/compare/pane-viewport';

describe('the viewport shared by the comparison panes', () => {
  const totals = { steps: 200, units: 16 };
  const size = { width: 400, height: 80 };

  it('zooms time about the step under the pointer, which stays under it, and leaves the units alone', () => {
    const v = fullViewport(totals);
    const x = 100; // step 50 at the full view
    const z = zoomAt(v, 0.5, x, 10, size, totals);
    assert.deepEqual(z.units, v.units);
    assert.equal(z.steps.end - z.steps.start, 100);
    assert.equal(z.steps.start + (x / size.width) * (z.steps.end - z.steps.start), 50);
  });

  it('zooms units instead with the units axis, about the unit under the pointer', () => {
    const z = zoomAt(fullViewport(totals), 0.5, 0, 40, size, totals, true);
    assert.deepEqual(z.steps, { start: 0, end: 200 });
    assert.deepEqual(z.units, { start: 4, end: 12 });
  });

  it('bounds one wheel event as the main view does (at most a factor e either way)', () => {
    assert.equal(wheelFactor(0), 1);
    assert.ok(wheelFactor(-100) < 1 && wheelFactor(100) > 1);
    assert.equal(wheelFactor(-1e6), Math.exp(-1));
    assert.equal(wheelFactor(1e6), Math.exp(1));
  });

  it('drags the content with the pointer and stops at the ends', () => {
    const v = { steps: { start: 50, end: 100 }, units: { start: 0, end: 16 } };
    // 40 px right in a 400 px pane showing 50 steps: 5 steps earlier.
    assert.deepEqual(dragBy(v, 40, 0, size, totals).steps, { start: 45, end: 95 });
    assert.deepEqual(dragBy(v, 4000, 0, size, totals).steps, { start: 0, end: 50 });
    assert.deepEqual(dragBy(v, -4000, 0, size, totals).steps, { start: 150, end: 200 });
  });

  it('takes + − 0, the arrows, Home and End, and no other key', () => {
    const v = { steps: { start: 40, end: 80 }, units: { start: 0, end: 16 } };
    const plus = viewportForKey(v, '+', false, totals)!;
    assert.ok(plus.steps.end - plus.steps.start < 40);
    assert.equal((plus.steps.start + plus.steps.end) / 2, 60);
    const alt = viewportForKey(v, '+', true, totals)!;
    assert.deepEqual(alt.steps, v.steps);
    assert.ok(alt.units.end - alt.units.start < 16);
    assert.deepEqual(viewportForKey(v, '0', false, totals), fullViewport(totals));
    assert.deepEqual(viewportForKey(v, 'ArrowRight', false, totals)!.steps, { start: 50, end: 90 });
    assert.deepEqual(viewportForKey(v, 'Home', false, totals)!.steps, { start: 0, end: 40 });
    assert.deepEqual(viewportForKey(v, 'End', false, totals)!.steps, { start: 160, end: 200 });
    assert.equal(viewportForKey(v, 'x', false, totals), undefined);
  });

  it('places a step (the first divergent one, the hovered one) by its centre, and hides it outside the zoom', () => {
    assert.equal(stepFraction({ start: 0, end: 10 }, 0), 0.05);
    assert.equal(stepFraction({ start: 20, end: 40 }, 29.5), 0.5);
    assert.equal(stepFraction({ start: 20, end: 40 }, 10), undefined);
    assert.equal(stepFraction({ start: 20, end: 40 }, 40), undefined);
  });

  it('reads a saved viewport back clamped to this gate, and anything malformed as the full view', () => {
    assert.deepEqual(clampViewport({ steps: { start: 190, end: 260 }, units: { start: 0, end: 64 } }, totals), { steps: { start: 130, end: 200 }, units: { start: 0, end: 16 } });
    assert.deepEqual(clampViewport(undefined, totals), fullViewport(totals));
    assert.deepEqual(clampViewport({ steps: { start: NaN, end: 3 }, units: { start: 0, end: 16 } } as never, totals), fullViewport(totals));
  });
});
