// Helpers of the streaming tests: a fixture that runs any number of steps, seeded inputs, and one
// run traced twice (gates streamed into a TraceStreamEncoder, and whole then encodeTrace) so the
// two documents and sidecars can be compared byte for byte.
import * as assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { runOnnxTrace, type TraceOnnxOptions } from '../../../src/onnx/trace';
import { encodeTrace, writeSidecar, type EncodeOptions } from '../../../src/core/trace/encode';
import { TraceStreamEncoder } from '../../../src/core/trace/encode-stream';
import { rng } from '../core/trace/make-trace';
import { MemorySink, sha256 } from '../core/trace/sidecar-bytes';
import { decodeModel, onnx } from '../../../src/onnx/proto';
import { fixtureBytes } from './fixtures';

/** test/fixtures/torch/: LSTM and RNN models from make_lstm_rnn_fixtures.py. */
export const TORCH_DIR = path.resolve(__dirname, '../../fixtures/torch');

/** A model's bytes with dim `tDim` of every rank-3 graph input and output made symbolic, so it runs any T. */
export function anySteps(bytes: Uint8Array, tDim = 0): Uint8Array {
  const m = decodeModel(bytes);
  const g = m.graph!;
  for (const v of [...(g.input ?? []), ...(g.output ?? [])]) {
    const dim = v.type?.tensorType?.shape?.dim;
    if (dim && dim.length === 3) dim[tDim] = onnx.TensorShapeProto.Dimension.create({ dimParam: 'T' });
  }
  g.valueInfo = [];
  return onnx.ModelProto.encode(m).finish();
}

/** A torch.onnx export of test/fixtures/onnx (batch-first x [B, T, I]) with its steps symbolic. */
export function exportedAnySteps(name: string): Uint8Array {
  return anySteps(fixtureBytes(`${name}.onnx`), 1);
}

/** anySteps of a file of test/fixtures/onnx. */
export function fixtureAnySteps(file: string): Uint8Array {
  return anySteps(fixtureBytes(file));
}

/** A file of test/fixtures/torch/onnx (hand-built LSTM and RNN nodes, X [5, 3, 3]) with its steps made symbolic and, when given, its int32 initializer `seq` (sequence_lens) replaced. */
export function torchOnnx(file: string, seq?: number[]): Uint8Array {
  const m = decodeModel(anySteps(new Uint8Array(readFileSync(path.join(TORCH_DIR, 'onnx', file)))));
  if (seq) {
    const init = m.graph!.initializer!.find((t) => t.name === 'seq');
    assert.ok(init, `${file} has no sequence_lens initializer 'seq'`);
    init.int32Data = seq;
    delete (init as { rawData?: Uint8Array }).rawData;
  }
  return onnx.ModelProto.encode(m).finish();
}

/** X [T, B, I] (or [B, T, I]: the dims are only labels) of seeded values in [-1, 1). */
export function randomX(T: number, B: number, I: number, seed: number): { dims: number[]; dtype: 'float32'; data: Float32Array } {
  const next = rng(seed);
  return { dims: [T, B, I], dtype: 'float32', data: Float32Array.from({ length: T * B * I }, () => 2 * next() - 1) };
}

export interface Encoded {
  json: string;
  sidecar: Uint8Array;
}

/** The run of `base` streamed (chunks of chunkSteps; the GRU recovery's of recoverChunkSteps) and whole, each encoded with `enc`. */
export async function both(base: TraceOnnxOptions, enc: EncodeOptions, chunkSteps: number, recoverChunkSteps?: number): Promise<{ whole: Encoded; streamed: Encoded; encoder: TraceStreamEncoder }> {
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
  assert.ok(s.stream, 'the run was streamed');
  assert.ok(s.input.layers.every((l) => Object.keys(l.gates).length === 0), 'no gates are returned when streamed');
  const { document } = await s.stream.finish({ model: s.input.model, check: s.input.check, warnings: s.input.warnings, createdAt: s.input.createdAt });
  const w = await runOnnxTrace(base);
  w.input.createdAt = s.input.createdAt;
  const e = encodeTrace(w.input, enc);
  const wsink = new MemorySink();
  if (e.sidecar) e.document.sidecar = await writeSidecar(e.sidecar, wsink, sha256);
  return { whole: { json: JSON.stringify(e.document), sidecar: wsink.bytes }, streamed: { json: JSON.stringify(document), sidecar: sink.bytes }, encoder: encoder! };
}
