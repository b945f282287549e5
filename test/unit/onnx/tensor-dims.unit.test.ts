// Initializer dims checked before anything is allocated (issue 15: negative or huge dims gave
// "internal error: Invalid typed array length").
import * as assert from 'node:assert/strict';
import { OnnxTraceError } from '../../../src/onnx/errors';
import { onnx, readTensor } from '../../../src/onnx/proto';

const tensor = (dims: number[], fields: Partial<onnx.ITensorProto>) => onnx.TensorProto.create({ name: 'W', dataType: 1, dims, ...fields });
const rejects = (t: onnx.ITensorProto, re: RegExp) => assert.throws(() => readTensor(t, 'W'), (e: unknown) => e instanceof OnnxTraceError && re.test(e.message));

describe('ONNX tensor dims', () => {
  it('refuses a negative dim', () => {
    rejects(tensor([-1, 3], { rawData: new Uint8Array(12) }), /tensor 'W' has dims \[-1, 3\]: dim 0 is negative/);
  });

  it('refuses dims whose element count does not match the data, before allocating', () => {
    rejects(tensor([1e6, 1e6], { rawData: new Uint8Array(8) }), /tensor 'W' has 8 bytes of data, expected 4000000000000 for dims \[1000000, 1000000\]/);
    rejects(tensor([2 ** 40, 2 ** 40], { floatData: [1, 2] }), /tensor 'W' has 2 values, expected 1\.2\d*e\+24/);
    rejects(tensor([1e9], { floatData: [1, 2] }), /tensor 'W' has 2 values, expected 1000000000/);
  });

  it('still reads a valid tensor', () => {
    assert.deepEqual(Array.from(readTensor(tensor([2], { floatData: [1.5, -2] }), 'W').data), [1.5, -2]);
  });
});
