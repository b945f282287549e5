// onnxruntime-web prints its own log line (timestamp, ANSI colours) before Gatescope's message when
// a run fails (issue 15); Gatescope's one line must be all the user sees.
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { OnnxTraceError } from '../../../src/onnx/errors';
import { decodeModel, onnx } from '../../../src/onnx/proto';
import { runOnnxTrace } from '../../../src/onnx/trace';
import { captureOutput } from '../../fuzz/targets';
import { fixtureBytes, fixtureInputs, WASM_DIR } from './fixtures';

describe('onnxruntime-web stays quiet', function () {
  this.timeout(60000);

  it('a run that onnxruntime refuses (sequence_lens beyond T) prints nothing, and fails with one OnnxTraceError', async () => {
    const m = decodeModel(fixtureBytes('onnx_seqlens.onnx'));
    const seq = m.graph!.initializer!.find((t) => t.dataType === onnx.TensorProto.DataType.INT32 || t.dataType === onnx.TensorProto.DataType.INT64)!;
    if (seq.rawData?.length) {
      const d = Uint8Array.from(seq.rawData);
      new DataView(d.buffer).setInt32(0, 99, true);
      seq.rawData = d;
    } else if (seq.int32Data?.length) seq.int32Data[0] = 99;
    else seq.int64Data![0] = 99;
    const sink: string[] = [];
    const restore = captureOutput(sink);
    let error: unknown;
    try {
      await runOnnxTrace({ modelBytes: onnx.ModelProto.encode(m).finish(), inputs: fixtureInputs('onnx_seqlens'), wasmDir: WASM_DIR });
    } catch (e) {
      error = e;
    } finally {
      restore();
    }
    assert.ok(error instanceof OnnxTraceError, String(error));
    assert.ok(!error.message.includes('\n'));
    assert.deepEqual(sink, []);
  });

  it('the LSTM and RNN path too: an LSTM whose sequence_lens go beyond T prints nothing, and fails with one OnnxTraceError', async () => {
    const dir = path.join(__dirname, '../../fixtures/torch');
    const spec = (JSON.parse(fs.readFileSync(path.join(dir, 'onnx-lstm-rnn.json'), 'utf8')).models as { name: string; file: string; steps: number; batch: number; inputSize: number; X: number[] }[]).find((x) => x.file.endsWith('lstm_seqlens_reverse.onnx'))!;
    const m = decodeModel(new Uint8Array(fs.readFileSync(path.join(dir, spec.file))));
    const seq = m.graph!.initializer!.find((t) => t.dataType === onnx.TensorProto.DataType.INT32)!;
    if (seq.rawData?.length) {
      const d = Uint8Array.from(seq.rawData);
      new DataView(d.buffer).setInt32(0, 99, true);
      seq.rawData = d;
    } else seq.int32Data![0] = 99;
    const sink: string[] = [];
    const restore = captureOutput(sink);
    let error: unknown;
    try {
      await runOnnxTrace({
        modelBytes: onnx.ModelProto.encode(m).finish(),
        inputs: { X: { dims: [spec.steps, spec.batch, spec.inputSize], dtype: 'float32', data: Float32Array.from(spec.X) } },
        wasmDir: WASM_DIR,
      });
    } catch (e) {
      error = e;
    } finally {
      restore();
    }
    assert.ok(error instanceof OnnxTraceError, String(error));
    assert.ok(!error.message.includes('\n'));
    assert.deepEqual(sink, []);
  });
});
