// Gates streamed chunk by chunk into the sidecar (runOnnxTrace's gateStream, both engines) against the
// whole run encoded at once: the same sidecar bytes and document for the same run, which the
// readers accept.
import * as assert from 'node:assert/strict';
import { runOnnxTrace, type TraceOnnxOptions } from '../../../src/onnx/trace';
import { encodeTrace, writeSidecar, type EncodeOptions } from '../../../src/core/trace/encode';
import { TraceStreamEncoder } from '../../../src/core/trace/encode-stream';
import { decodeTrace } from '../../../src/core/trace/decode';
import { SidecarReader } from '../../../src/core/trace/sidecar-reader';
import { rng } from '../core/trace/make-trace';
import { MemorySink, memorySource, sha256 } from '../core/trace/sidecar-bytes';
import { decodeModel, onnx } from '../../../src/onnx/proto';
import { fixtureBytes, WASM_DIR } from './fixtures';

/** A fixture with its steps (dim 0 of every graph input and output) made symbolic, so it runs any T. */
function anySteps(file: string): Uint8Array {
  const m = decodeModel(fixtureBytes(file));
  const g = m.graph!;
  for (const v of [...(g.input ?? []), ...(g.output ?? [])]) {
    const dim = v.type?.tensorType?.shape?.dim;
    if (dim && dim.length === 3) dim[0] = onnx.TensorShapeProto.Dimension.create({ dimParam: 'T' });
  }
  g.valueInfo = [];
  return onnx.ModelProto.encode(m).finish();
}

/** X [T, B, I] of seeded values in [-1, 1). */
function randomX(T: number, B: number, I: number, seed: number): { dims: number[]; dtype: 'float32'; data: Float32Array } {
  const next = rng(seed);
  return { dims: [T, B, I], dtype: 'float32', data: Float32Array.from({ length: T * B * I }, () => 2 * next() - 1) };
}

async function both(base: TraceOnnxOptions, enc: EncodeOptions, chunkSteps: number, recoverChunkSteps?: number): Promise<{ whole: { json: string; sidecar: Uint8Array }; streamed: { json: string; sidecar: Uint8Array }; encoder: TraceStreamEncoder }> {
  const sink = new MemorySink();
  let encoder: TraceStreamEncoder | undefined;
  const s = await runOnnxTrace({
    ...base,
    gateStream: {
      open: async (shape) => (encoder = new TraceStreamEncoder(shape, enc, { stem: enc.sidecar!.stem, sink, sha256 })),
      chunkSteps,
      ...(recoverChunkSteps ? { recoverChunkSteps } : {}),
    },
  });
  assert.ok(s.stream, 'the native run was streamed');
  assert.ok(s.input.layers.every((l) => Object.keys(l.gates).length === 0), 'no gates are returned when streamed');
  const { document } = await s.stream.finish({ model: s.input.model, check: s.input.check, warnings: s.input.warnings, createdAt: s.input.createdAt });
  const w = await runOnnxTrace(base);
  w.input.createdAt = s.input.createdAt;
  const e = encodeTrace(w.input, enc);
  const wsink = new MemorySink();
  if (e.sidecar) e.document.sidecar = await writeSidecar(e.sidecar, wsink, sha256);
  return { whole: { json: JSON.stringify(e.document), sidecar: wsink.bytes }, streamed: { json: JSON.stringify(document), sidecar: sink.bytes }, encoder: encoder! };
}

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
});
