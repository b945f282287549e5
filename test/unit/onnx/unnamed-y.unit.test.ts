// A GRU whose Y output is unnamed (only Y_h used) is valid ONNX and onnxruntime runs it (issue 15:
// it was refused with "onnxruntime did not return its Y ('')").
import * as assert from 'node:assert/strict';
import { decodeModel, onnx } from '../../../src/onnx/proto';
import { runOnnxTrace } from '../../../src/onnx/trace';
import { fixtureBytes, fixtureInputs, maxAbsDiff, WASM_DIR } from './fixtures';

/** onnx_lbr0 with the GRU's Y left unnamed and Y_h as the only graph output. */
function withUnnamedY(): Uint8Array {
  const m = decodeModel(fixtureBytes('onnx_lbr0.onnx'));
  const node = m.graph!.node!.find((n) => n.opType === 'GRU')!;
  assert.deepEqual(node.output, ['Y', 'Y_h']);
  node.output = ['', 'Y_h'];
  m.graph!.output = [onnx.ValueInfoProto.create({ name: 'Y_h', type: { tensorType: { elemType: onnx.TensorProto.DataType.FLOAT } } })];
  return onnx.ModelProto.encode(m).finish();
}

describe('GRU with an unnamed Y', function () {
  this.timeout(60000);
  for (const engine of ['onnxruntime', 'native'] as const) {
    it(`traces like the same model with Y named (engine ${engine})`, async () => {
      const inputs = fixtureInputs('onnx_lbr0');
      const named = (await runOnnxTrace({ modelBytes: fixtureBytes('onnx_lbr0.onnx'), inputs, engine, wasmDir: WASM_DIR })).input;
      const unnamed = (await runOnnxTrace({ modelBytes: withUnnamedY(), inputs, engine, wasmDir: WASM_DIR })).input;
      assert.ok(unnamed.check!.maxAbsError <= 1e-6);
      assert.equal(maxAbsDiff(unnamed.layers[0]!.gates['h']!, named.layers[0]!.gates['h']!), 0);
    });
  }
});
