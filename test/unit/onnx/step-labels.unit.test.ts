import * as assert from 'node:assert/strict';
import { stepLabels, timeAxis } from '../../../src/onnx/step-labels';
import type { ModelInputInfo, UserTensor } from '../../../src/onnx/inputs';

const VOCAB = ['a', 'b', 'c', 'd', 'e', 'f', 'g', 'h', 'i'];
const ids = (dims: number[], values: number[]): UserTensor => ({ dims, dtype: 'int64', data: BigInt64Array.from(values, (v) => BigInt(v)) });
const input = (dims: (number | string)[]): ModelInputInfo[] => [{ name: 'ids', dims, dtype: 'int64' }];

describe('step labels (one rule for every host: batch item 0 of the first integer input, along its time axis)', () => {
  it('labels a [T] tensor step by step, "#id" beyond the vocabulary', () => {
    assert.deepEqual(stepLabels(VOCAB, input(['T']), { ids: ids([3], [0, 2, 12]) }, 3), ['a', 'c', '#12']);
  });

  it('reads [B, T] along its second axis and [T, B] along its first, by the run\'s step count', () => {
    // [B=2, T=3]: batch item 0 is the first row.
    assert.deepEqual(stepLabels(VOCAB, input(['?', '?']), { ids: ids([2, 3], [0, 1, 2, 3, 4, 5]) }, 3), ['a', 'b', 'c']);
    // [T=3, B=2] declared without a batch name (the editor's old rule read it as [B, T] only for B = 1).
    assert.deepEqual(stepLabels(VOCAB, input(['T', 'B']), { ids: ids([3, 2], [0, 1, 2, 3, 4, 5]) }, 3), ['a', 'c', 'e']);
  });

  it('takes the batch axis from the declared name when both axes have T steps', () => {
    const square = ids([3, 3], [0, 1, 2, 3, 4, 5, 6, 7, 8]);
    assert.deepEqual(stepLabels(VOCAB, input(['steps', 'batch']), { ids: square }, 3), ['a', 'd', 'g']);
    assert.deepEqual(stepLabels(VOCAB, input(['batch', 'steps']), { ids: square }, 3), ['a', 'b', 'c']);
    // No names to go by: batch first, PyTorch's usual Embedding input.
    assert.deepEqual(stepLabels(VOCAB, input([3, 3]), { ids: square }, 3), ['a', 'b', 'c']);
    assert.equal(timeAxis([3, 3], ['N', 'T'], 3), 1);
  });

  it('gives no labels without a vocabulary, an integer input, or an axis of T steps', () => {
    assert.equal(stepLabels(undefined, input(['T']), { ids: ids([3], [0, 1, 2]) }, 3), undefined);
    assert.equal(stepLabels(VOCAB, [{ name: 'x', dims: ['T', 1, 4], dtype: 'float32' }], { x: { dims: [3, 1, 4], dtype: 'float32', data: new Float32Array(12) } }, 3), undefined);
    assert.equal(stepLabels(VOCAB, input(['B', 'T']), { ids: ids([2, 2], [0, 1, 2, 3]) }, 3), undefined);
  });

  it('labels the first integer input, not an integer input after it', () => {
    const inputs: ModelInputInfo[] = [...input(['B', 'T']), { name: 'other', dims: ['B', 'T'], dtype: 'int32' }];
    assert.deepEqual(stepLabels(VOCAB, inputs, { ids: ids([1, 2], [4, 5]), other: { dims: [1, 2], dtype: 'int32', data: Int32Array.from([0, 0]) } }, 2), ['e', 'f']);
  });
});
