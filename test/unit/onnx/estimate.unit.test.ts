// The work and output of a trace estimated from shapes before anything is computed (issue 15:
// T = 10^7 failed with "Invalid string length" after 59 s and 5.6 GB).
import * as assert from 'node:assert/strict';
import { OnnxTraceError } from '../../../src/onnx/errors';
import { checkTraceEstimate, estimateTrace, MAX_JSON_CHARS } from '../../../src/onnx/estimate';
import { decodeModel, onnx } from '../../../src/onnx/proto';
import { runOnnxTrace } from '../../../src/onnx/trace';
import { fixtureBytes, WASM_DIR } from './fixtures';
import { randomX, torchOnnx } from './stream-both';

describe('trace size estimate', function () {
  this.timeout(60000);

  it('counts 4 gates per direction, step, batch item and unit, and sizes memory and JSON', () => {
    const e = estimateTrace([{ name: 'g', T: 10, B: 2, H: 3, D: 2 }], 4);
    assert.equal(e.values, 4 * 2 * 10 * 2 * 3);
    assert.equal(e.outputBytes, Math.ceil((e.values * 4 * 4) / 3));
    assert.ok(e.memoryBytes >= e.values * 4);
  });

  it('refuses T = 10^7 at once, saying how big it would be and what to change', () => {
    const t0 = performance.now();
    assert.throws(
      () => checkTraceEstimate([{ name: '/gru/GRU', T: 1e7, B: 1, H: 64, D: 1 }], { bytesPerValue: 4, maxMemoryBytes: 4 * 2 ** 30, maxOutputBytes: MAX_JSON_CHARS }),
      (e: unknown) => e instanceof OnnxTraceError && /about 34\.1 GB of memory, above the limit 4\.3 GB/.test(e.message) && /fewer steps/.test(e.message),
    );
    assert.ok(performance.now() - t0 < 50);
  });

  it('refuses output beyond what one JSON string can hold, naming a lower precision', () => {
    assert.throws(
      () => checkTraceEstimate([{ name: 'g', T: 2e6, B: 1, H: 32, D: 1 }], { bytesPerValue: 4, maxMemoryBytes: 64 * 2 ** 30, maxOutputBytes: MAX_JSON_CHARS }),
      (e: unknown) => e instanceof OnnxTraceError && /of JSON, beyond the .* one output can hold/.test(e.message) && /--precision uint8/.test(e.message),
    );
    checkTraceEstimate([{ name: 'g', T: 2e6, B: 1, H: 32, D: 1 }], { bytesPerValue: 1, maxMemoryBytes: 64 * 2 ** 30, maxOutputBytes: MAX_JSON_CHARS });
  });

  it('with streamed output, bounds each gate\'s data (one string) instead of the whole trace', () => {
    const limits = { bytesPerValue: 4, maxMemoryBytes: 64 * 2 ** 30, maxGateBytes: MAX_JSON_CHARS };
    // 16 entries of 4 x 1e6 x 8 values: 2.7 GB of JSON in all (beyond one string), 42.7 MB per gate.
    checkTraceEstimate(Array.from({ length: 8 }, (_, i) => ({ name: `g${i}`, T: 1e6, B: 1, H: 8, D: 2 })), limits);
    // An LSTM entry of 6 x 4e5 x 256 values: 3.3 GB of JSON, 546 MB per gate (one string).
    checkTraceEstimate([{ name: 'l', T: 4e5, B: 1, H: 256, D: 1, gates: 6, op: 'LSTM' }], { ...limits, bytesPerValue: 1 });
    assert.throws(() => checkTraceEstimate([{ name: 'g', T: 4e6, B: 1, H: 32, D: 1 }], limits), (e: unknown) => e instanceof OnnxTraceError && /one gate's data would be about 682\.7 MB of JSON \(GRU node 'g': batch 1 x 4000000 steps x 32 units\)/.test(e.message));
  });

  it('runOnnxTrace refuses before running onnxruntime when the input makes the trace too large', async () => {
    // onnx_lbr0 (H = 5, 4 features) with X's T and B made symbolic; 2e6 steps of one batch item.
    const m = decodeModel(fixtureBytes('onnx_lbr0.onnx'));
    const dims = m.graph!.input![0]!.type!.tensorType!.shape!.dim!;
    dims[0] = onnx.TensorShapeProto.Dimension.create({ dimParam: 'T' });
    dims[1] = onnx.TensorShapeProto.Dimension.create({ dimParam: 'B' });
    const T = 2_000_000;
    const X = { dims: [T, 1, 4], dtype: 'float32' as const, data: new Float32Array(T * 4) };
    const t0 = performance.now();
    await assert.rejects(runOnnxTrace({ modelBytes: onnx.ModelProto.encode(m).finish(), inputs: { X }, wasmDir: WASM_DIR, maxMemoryBytes: 2 ** 28 }), (e: unknown) => e instanceof OnnxTraceError && /2000000 steps/.test(e.message));
    assert.ok(performance.now() - t0 < 2000, `took ${performance.now() - t0} ms`);
  });
});

describe('trace size estimate of a streamed run', () => {
  it('counts onnxruntime\'s Y, not the gates: a run refused whole fits when streamed into the sidecar', () => {
    // 4 gates x 1 x 200,000 x 256 = 204.8M values: 1.9 GB whole at uint8 output, 205 MB (Y) streamed.
    const shape = [{ name: 'g', T: 200_000, B: 1, H: 256, D: 1 }];
    assert.throws(() => checkTraceEstimate(shape, { bytesPerValue: 1, maxMemoryBytes: 2 ** 30 }), /about 1\.9 GB of memory, above the limit 1\.1 GB/);
    checkTraceEstimate(shape, { bytesPerValue: 1, maxMemoryBytes: 2 ** 30, streamed: true });
    assert.throws(() => checkTraceEstimate(shape, { bytesPerValue: 1, maxMemoryBytes: 2 ** 27, streamed: true }), /about 204\.8 MB of memory/);
  });
});

describe('trace size estimate of LSTM and RNN runs', function () {
  this.timeout(60000);

  it('counts an LSTM\'s 6 gates and an RNN\'s 1; streamed, only Y: an LSTM run refused whole fits when streamed', () => {
    const lstm = { name: 'l', T: 200_000, B: 1, H: 256, D: 1, gates: 6, op: 'LSTM' };
    assert.equal(estimateTrace([lstm], 1).values, 6 * 200_000 * 256);
    assert.equal(estimateTrace([{ ...lstm, gates: 1, op: 'RNN' }], 1).values, 200_000 * 256);
    // 307.2M values: 2.9 GB whole at uint8 output; Y alone (205 MB) streamed.
    assert.throws(() => checkTraceEstimate([lstm], { bytesPerValue: 1, maxMemoryBytes: 2 ** 31 }), /1 LSTM node; the first: 1 direction x 6 gates x batch 1 x 200000 steps x 256 units\): about 2\.9 GB of memory/);
    checkTraceEstimate([lstm], { bytesPerValue: 1, maxMemoryBytes: 2 ** 31, streamed: true });
    // A node the streamed path runs whole (sequence_lens on the native engine) counts whole.
    assert.throws(() => checkTraceEstimate([{ ...lstm, whole: true }], { bytesPerValue: 1, maxMemoryBytes: 2 ** 31, streamed: true }), /about 2\.5 GB of memory/);
  });

  it('runOnnxTrace refuses an LSTM run whose gates would not fit, before recomputing them', async () => {
    const X = randomX(20_000, 3, 3, 1);
    await assert.rejects(
      runOnnxTrace({ modelBytes: torchOnnx('lstm_peepholes_bidir.onnx'), inputs: { X }, wasmDir: WASM_DIR, maxMemoryBytes: 2 ** 24 }),
      (e: unknown) => e instanceof OnnxTraceError && /LSTM node; the first: 2 directions x 6 gates x batch 3 x 20000 steps x 4 units/.test(e.message),
    );
  });
});
