// LSTM and RNN nodes (and GRU nodes beside them) streamed chunk by chunk into the sidecar
// (runOnnxTrace's gateStream, both engines) against the whole run encoded at once: the same
// document and sidecar bytes, with real onnxruntime-web runs of PyTorch-exported and hand-built
// ONNX models; and a cancel between chunks ends the run.
import * as assert from 'node:assert/strict';
import { runOnnxTrace, type TraceOnnxOptions } from '../../../src/onnx/trace';
import type { EncodeOptions } from '../../../src/core/trace/encode';
import { TraceStreamEncoder } from '../../../src/core/trace/encode-stream';
import { CancelledError } from '../../../src/core/cancel';
import { MemorySink, sha256 } from '../core/trace/sidecar-bytes';
import { WASM_DIR } from './fixtures';
import { both, exportedAnySteps, randomX, torchOnnx } from './stream-both';

const ENGINES = ['onnxruntime', 'native'] as const;

/** A budget the runs below exceed whole while their overview fits. */
const BUDGET = { maxBytes: 70_000, inlineBytes: 60_000 };

async function same(base: TraceOnnxOptions, stem: string, chunkSteps: number): Promise<void> {
  const enc: EncodeOptions = { maxBytes: BUDGET.maxBytes, sidecar: { stem, inlineBytes: BUDGET.inlineBytes } };
  const { whole, streamed, encoder } = await both(base, enc, chunkSteps);
  assert.equal(encoder.streaming, true, 'the run is beyond the budget: its levels go to the sidecar as they come');
  assert.ok(whole.sidecar.length > 0);
  assert.equal(streamed.json, whole.json);
  assert.deepEqual(streamed.sidecar, whole.sidecar);
}

describe('runOnnxTrace streaming LSTM and RNN gates into the sidecar', function () {
  this.timeout(120000);

  for (const engine of ENGINES) {
    it(`a bidirectional LSTM with peepholes and initial states, 700 steps x 3 items in chunks of 128 (engine ${engine}): the same bytes as the whole run`, async () => {
      await same({ modelBytes: torchOnnx('lstm_peepholes_bidir.onnx'), inputs: { X: randomX(700, 3, 3, 11) }, engine, wasmDir: WASM_DIR }, 'lstm', 128);
    });

    it(`a reverse LSTM with sequence_lens [2000, 1231, 0] (engine ${engine}): the same bytes, masked steps left out`, async () => {
      await same({ modelBytes: torchOnnx('lstm_seqlens_reverse.onnx', [2000, 1231, 0]), inputs: { X: randomX(2000, 3, 3, 12) }, engine, wasmDir: WASM_DIR }, 'lstmlens', 256);
    });

    it(`a bidirectional ReLU RNN with initial_h and a reverse RNN with sequence_lens (engine ${engine}): the same bytes`, async () => {
      await same({ modelBytes: torchOnnx('rnn_relu_bidir_h0.onnx'), inputs: { X: randomX(6000, 3, 3, 13) }, engine, wasmDir: WASM_DIR }, 'rnn', 128);
      await same({ modelBytes: torchOnnx('rnn_seqlens_reverse.onnx', [2333, 6000, 1]), inputs: { X: randomX(6000, 3, 3, 14) }, engine, wasmDir: WASM_DIR }, 'rnnlens', 384);
    });

    it(`torch.onnx exports: a 2-layer LSTM, and GRU -> bidirectional LSTM -> RNN in one graph (engine ${engine}): the same bytes`, async () => {
      await same({ modelBytes: exportedAnySteps('export_lstm'), inputs: { x: randomX(2, 600, 3, 15) }, engine, wasmDir: WASM_DIR }, 'xlstm', 128);
      await same({ modelBytes: exportedAnySteps('export_mixed'), inputs: { x: randomX(2, 600, 3, 16) }, engine, wasmDir: WASM_DIR }, 'xmixed', 128);
    });
  }

  for (const engine of ENGINES) {
    it(`a cancel between chunks ends the run with CancelledError (engine ${engine})`, async () => {
      const signal = { aborted: false };
      let pushes = 0;
      const enc: EncodeOptions = { maxBytes: BUDGET.maxBytes, sidecar: { stem: 'cancel', inlineBytes: BUDGET.inlineBytes } };
      const run = runOnnxTrace({
        modelBytes: torchOnnx('lstm_peepholes_bidir.onnx'), inputs: { X: randomX(2000, 3, 3, 17) }, engine, wasmDir: WASM_DIR, signal,
        gateStream: {
          chunkSteps: 128,
          open: async (shape) => {
            const e = new TraceStreamEncoder(shape, enc, { stem: 'cancel', sink: new MemorySink(), sha256 });
            const push = e.push.bind(e);
            e.push = async (...args) => {
              if (++pushes === 2) signal.aborted = true;
              return push(...args);
            };
            return e;
          },
        },
      });
      await assert.rejects(run, (e: unknown) => e instanceof CancelledError);
      assert.equal(pushes, 2, 'no chunk after the cancel');
    });
  }
});
