import * as assert from 'node:assert/strict';
import { compareStore } from '../../../src/renderer/compare-state';
import { contextStore, type ViewState } from '../../../src/renderer/state';

/** The renderer context's getState/setState: one object for every output of the notebook. */
function fakeContext() {
  let state: unknown;
  return { getState: () => state, setState: (v: unknown) => (state = JSON.parse(JSON.stringify(v))) };
}

describe('comparison view state beside the main views\' state', () => {
  const view: ViewState = { layer: 0, batch: 0, order: 'index', orderGate: 'h' };

  it('keeps both: saving one kind of state does not drop the other', () => {
    const ctx = fakeContext();
    const views = contextStore(ctx);
    const compares = compareStore(ctx);
    views.save('out1', view);
    compares.save('out1', { choice: 3, batch: 1, viewport: { steps: { start: 10, end: 30 }, units: { start: 0, end: 8 } }, aligned: { '0/forward': true } });
    views.save('out2', { ...view, layer: 1 });
    assert.deepEqual(compares.load('out1'), { choice: 3, batch: 1, viewport: { steps: { start: 10, end: 30 }, units: { start: 0, end: 8 } }, aligned: { '0/forward': true } });
    assert.deepEqual(views.load('out1'), view);
    assert.equal(views.load('out2')!.layer, 1);
    assert.equal(compares.load('out2'), undefined);
  });

  it('reads malformed saved state as defaults, and survives a host without state', () => {
    const ctx = fakeContext();
    ctx.setState({ compares: { x: { choice: 'two', aligned: 5 } } });
    assert.deepEqual(compareStore(ctx).load('x'), { choice: 0, batch: 0, viewport: undefined, aligned: {} });
    const none = compareStore(undefined);
    none.save('x', { choice: 0, batch: 0, aligned: {} });
    assert.equal(none.load('x'), undefined);
  });
});
