import * as assert from 'node:assert/strict';
import { encodeTrace } from '../../../../src/core/trace';
import { decodeTrace } from '../../../../src/core/trace/decode';
import { sanitizeState, type ViewState } from '../../../../src/core/view/view-state';

function trace(T: number, H: number, batch = 1) {
  const fill = () => new Float32Array(batch * T * H).fill(0.5);
  const { document } = encodeTrace(
    {
      model: { name: 'state test', source: 'native', engine: 'unit test' },
      layers: [{ layer: 0, direction: 'forward', cell: 'gru', hiddenSize: H, gates: { r: fill(), z: fill(), n: fill(), h: fill() } }],
      batch,
      steps: T,
    },
    { precision: 'float32' },
  );
  return decodeTrace(JSON.parse(JSON.stringify(document)));
}

describe('a saved view state checked against the trace it is shown with', () => {
  it('starts at the first layer and item, all cells, index order, without a saved state', () => {
    assert.deepEqual(sanitizeState(undefined, trace(10, 4)), { layer: 0, batch: 0, steps: undefined, units: undefined, order: 'index', orderGate: 'h', zShown: undefined });
  });
  it('keeps what still fits', () => {
    const saved: ViewState = { layer: 0, batch: 1, steps: { start: 2, end: 8 }, units: { start: 0, end: 4 }, order: 'mean', orderGate: 'z', zShown: 'take-new', cursor: { step: 3, row: 1 }, selected: { step: 4, unit: 2 } };
    assert.deepEqual(sanitizeState(saved, trace(10, 4, 2)), saved);
  });
  it('drops what a re-run with another shape no longer fits', () => {
    const saved = { layer: 3, batch: 5, steps: { start: 2, end: 80 }, units: { start: 0, end: 40 }, order: 'bogus', orderGate: 'q', zShown: 'sideways', cursor: { step: 30, row: 1 }, selected: { step: 4, unit: 9 } } as unknown as ViewState;
    assert.deepEqual(sanitizeState(saved, trace(10, 4)), { layer: 0, batch: 0, steps: undefined, units: undefined, order: 'index', orderGate: 'h', zShown: undefined });
  });
});
