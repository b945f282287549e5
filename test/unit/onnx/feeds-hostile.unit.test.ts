// Feeds converted to the model's dtypes (issue 15): float .npy token ids that used to wrap, int64
// ids beyond int32, and zero-length dims that aborted onnxruntime's WASM build.
import * as assert from 'node:assert/strict';
import { OnnxTraceError } from '../../../src/onnx/errors';
import { prepareFeeds, type ModelInputInfo, type UserTensor } from '../../../src/onnx/inputs';

const ids64: ModelInputInfo[] = [{ name: 'ids', dims: ['B', 'T'], dtype: 'int64' }];
const ids32: ModelInputInfo[] = [{ name: 'ids', dims: ['B', 'T'], dtype: 'int32' }];
const floats = (...v: number[]): UserTensor => ({ dims: [1, v.length], dtype: 'float32', data: Float32Array.from(v) });
const rejects = (fn: () => unknown, re: RegExp) => assert.throws(fn, (e: unknown) => e instanceof OnnxTraceError && re.test(e.message));

describe('feeds from hostile inputs', () => {
  it('float token ids beyond the int range are refused, not wrapped', () => {
    rejects(() => prepareFeeds(ids64, { ids: floats(1, 1e30) }, []), /flat index 1 \(\w+\) outside the range of exact token ids/);
    rejects(() => prepareFeeds(ids32, { ids: floats(2 ** 31) }, []), /flat index 0 \(\w+\) outside int32/);
    rejects(() => prepareFeeds(ids64, { ids: floats(Number.POSITIVE_INFINITY) }, []), /flat index 0/);
    assert.deepEqual(Array.from(prepareFeeds(ids64, { ids: floats(3, -1) }, [])['ids']!.data as BigInt64Array), [3n, -1n]);
  });

  it('int64 ids beyond int32 are refused for an int32 input', () => {
    const t: UserTensor = { dims: [1, 2], dtype: 'int64', data: BigInt64Array.of(1n, 1n << 40n) };
    rejects(() => prepareFeeds(ids32, { ids: t }, []), /flat index 1 \(\w+\) outside int32/);
  });

  it('a zero-length dim is refused with what to do', () => {
    rejects(() => prepareFeeds(ids64, { ids: { dims: [1, 0], dtype: 'int64', data: new BigInt64Array(0) } }, []), /dim 1 is 0/);
  });
});
