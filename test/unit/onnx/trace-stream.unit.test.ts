// Gates streamed chunk by chunk into the sidecar (runOnnxTrace's gateStream, both engines) against the
// whole run encoded at once: the same sidecar bytes and document for the same run, which the
// readers accept.
import * as assert from 'node:assert/strict';
import type { TraceOnnxOptions } from '../../../src/onnx/trace';
import type { EncodeOptions } from '../../../src/core/trace/encode';
import { decodeTrace } from '../../../src/core/trace/decode';
import { SidecarReader } from '../../../src/core/trace/sidecar-reader';
import { memorySource, sha256 } from '../core/trace/sidecar-bytes';
import { WASM_DIR } from './fixtures';
import { both, fixtureAnySteps as anySteps, randomX, torchOnnx } from './stream-both';

describe('runOnnxTrace streaming the gates into the sidecar', function () {
  this.timeout(120000);

  it('a 2-layer bidirectional GRU (reverse directions streamed backwards), 700 steps in chunks of 128: the same bytes as the whole run', async () => {
    const base: TraceOnnxOptions = { modelBytes: anySteps('bigru.onnx'), inputs: { x: randomX(700, 2, 3, 4) }, engine: 'native', wasmDir: WASM_DIR };
    const enc: EncodeOptions = { maxBytes: 60_000, sidecar: { stem: 'bigru', inlineBytes: 40_000 } };
    const { whole, streamed, encoder } = await both(base, enc, 128);
    assert.equal(encoder.streaming, true);
    assert.ok(whole.sidecar.length > 0);
    assert.equal(streamed.json, whole.json);
    assert.deepEqual(streamed.sidecar, whole.sidecar);
    const doc = JSON.parse(streamed.json);
    assert.equal(decodeTrace(doc).layers.length, 4);
    const reader = await SidecarReader.open(memorySource(streamed.sidecar), doc.sidecar, sha256);
    for (const t of reader.index.tensors) for (let b = 0; b < t.dims[0]; b++) for (let i = 0; i < reader.tiles(t.name); i++) await reader.tileBytes(t.name, b, i);
  });

  it('a reverse node with an initial_h: the same bytes', async () => {
    const base: TraceOnnxOptions = { modelBytes: anySteps('onnx_reverse.onnx'), inputs: { X: randomX(300, 2, 3, 9) }, engine: 'native', wasmDir: WASM_DIR };
    const enc: EncodeOptions = { maxBytes: 20_000, sidecar: { stem: 'rev', inlineBytes: 10_000 } };
    const { whole, streamed } = await both(base, enc, 128);
    assert.equal(streamed.json, whole.json);
    assert.deepEqual(streamed.sidecar, whole.sidecar);
  });

  it('the onnxruntime engine (gates recomputed from its states), bidirectional, 2 batch items, in chunks of 100 steps: the same bytes', async () => {
    const base: TraceOnnxOptions = { modelBytes: anySteps('bigru.onnx'), inputs: { x: randomX(700, 2, 3, 5) }, engine: 'onnxruntime', wasmDir: WASM_DIR };
    const enc: EncodeOptions = { maxBytes: 60_000, sidecar: { stem: 'rec', inlineBytes: 40_000 } };
    const { whole, streamed, encoder } = await both(base, enc, 128, 100);
    assert.equal(encoder.streaming, true);
    assert.match(JSON.parse(streamed.json).model.engine, /gate recompute \(gatescope gatesFromStates\)/);
    assert.equal(streamed.json, whole.json);
    assert.deepEqual(streamed.sidecar, whole.sidecar);
  });

  it('the onnxruntime engine with activations the gate graph lacks (the engine\'s gatesFromStates): the same bytes', async () => {
    const base: TraceOnnxOptions = { modelBytes: anySteps('onnx_activations.onnx'), inputs: { X: randomX(500, 1, 3, 6) }, engine: 'onnxruntime', wasmDir: WASM_DIR };
    const enc: EncodeOptions = { maxBytes: 15_000, sidecar: { stem: 'act', inlineBytes: 8_000 } };
    const { whole, streamed } = await both(base, enc, 128, 64);
    assert.match(JSON.parse(streamed.json).model.engine, /gatesFromStates/);
    assert.equal(streamed.json, whole.json);
    assert.deepEqual(streamed.sidecar, whole.sidecar);
  });

  for (const engine of ['onnxruntime', 'native'] as const) {
    it(`a bidirectional GRU with sequence_lens [2000, 777, 0] and initial_h (engine ${engine}; native runs such a node whole, as one chunk): the same bytes`, async () => {
      const base: TraceOnnxOptions = { modelBytes: torchOnnx('seqlens-bidir.onnx', [2000, 777, 0]), inputs: { X: randomX(2000, 3, 3, 7) }, engine, wasmDir: WASM_DIR };
      const enc: EncodeOptions = { maxBytes: 70_000, sidecar: { stem: 'lens', inlineBytes: 60_000 } };
      const { whole, streamed, encoder } = await both(base, enc, 128, 100);
      assert.equal(encoder.streaming, true);
      assert.deepEqual(JSON.parse(streamed.json).sequenceLengths, [2000, 777, 0]);
      assert.equal(streamed.json, whole.json);
      assert.deepEqual(streamed.sidecar, whole.sidecar);
    });
  }
});
