// protobufjs reads a field whatever its wire type and ignores trailing bytes; onnxruntime's C++
// protobuf refuses such a file. Gatescope re-encodes the model it instruments, so without a check
// it traced models that onnxruntime itself cannot load (found by the fuzz suite, issue 15).
import * as assert from 'node:assert/strict';
import { OnnxTraceError } from '../../../src/onnx/errors';
import { decodeModel } from '../../../src/onnx/proto';
import { runOnnxTrace } from '../../../src/onnx/trace';
import { fixtureBytes, fixtureInputs, WASM_DIR } from './fixtures';

/** onnx_lbr0 with the GRU's 'direction' attribute tagged as wire type 4 (END_GROUP) instead of 2. */
function wrongWireType(): Uint8Array {
  const bytes = Uint8Array.from(fixtureBytes('onnx_lbr0.onnx'));
  const name = new TextEncoder().encode('direction');
  for (let i = 0; i + 4 + name.length < bytes.length; i++) {
    // NodeProto.attribute is field 5, length-delimited: tag 0x2a, length, then AttributeProto.name (0x0a, 9, "direction").
    if (bytes[i] === 0x2a && bytes[i + 2] === 0x0a && bytes[i + 3] === name.length && name.every((c, k) => bytes[i + 4 + k] === c)) {
      bytes[i] = 0x2c;
      return bytes;
    }
  }
  throw new Error('fixture layout changed: no direction attribute found');
}

describe('models onnxruntime cannot load are refused even when protobufjs reads them', function () {
  this.timeout(60000);

  it('a field with the wrong wire type: protobufjs decodes it, the trace is refused', async () => {
    const bytes = wrongWireType();
    assert.doesNotThrow(() => decodeModel(bytes));
    await assert.rejects(runOnnxTrace({ modelBytes: bytes, inputs: fixtureInputs('onnx_lbr0'), wasmDir: WASM_DIR }), (e: unknown) => e instanceof OnnxTraceError && /onnxruntime-web could not load the model \(.*protobuf parsing failed/.test(e.message));
  });

  it('trailing bytes after the model', async () => {
    const good = fixtureBytes('onnx_lbr0.onnx');
    const bytes = new Uint8Array(good.length + 3);
    bytes.set(good);
    bytes.set([0x3a, 0x05, 0x08], good.length);
    await assert.rejects(runOnnxTrace({ modelBytes: bytes, inputs: fixtureInputs('onnx_lbr0'), wasmDir: WASM_DIR }), OnnxTraceError);
  });
});
