// An ONNX trace of LSTM and RNN nodes (and a mixed GRU -> LSTM -> RNN export) on the thread pool:
// the native engine splits each step's R·h across the pool, the GRU node's recovery its steps; the
// gates equal the one-thread trace's bit for bit, and the engine names its threads.
import * as assert from 'node:assert/strict';
import { runOnnxTrace, type TraceOnnxOptions } from '../../../src/onnx/trace';
import { GruThreadPool } from '../../../src/node/gru-threads';
import { WASM_DIR } from '../onnx/fixtures';
import { exportedAnySteps, randomX, torchOnnx } from '../onnx/stream-both';
import { assertSameEntries } from './same-bits';

describe('LSTM and RNN traces on the thread pool', function () {
  this.timeout(120000);
  let pool: GruThreadPool;
  before(() => { pool = new GruThreadPool(2); });
  after(() => pool.close());

  const cases: [string, () => TraceOnnxOptions][] = [
    ['LSTM with the default activations (the fused WebAssembly step)', () => ({ modelBytes: torchOnnx('lstm_defaults.onnx'), inputs: { X: randomX(300, 3, 3, 20) }, engine: 'native', wasmDir: WASM_DIR })],
    ['bidirectional LSTM with peepholes (elementwise math in TypeScript)', () => ({ modelBytes: torchOnnx('lstm_peepholes_bidir.onnx'), inputs: { X: randomX(300, 3, 3, 21) }, engine: 'native', wasmDir: WASM_DIR })],
    ['reverse RNN with sequence_lens', () => ({ modelBytes: torchOnnx('rnn_seqlens_reverse.onnx', [300, 111, 1]), inputs: { X: randomX(300, 3, 3, 22) }, engine: 'native', wasmDir: WASM_DIR })],
    ['torch.onnx export GRU -> bidirectional LSTM -> RNN', () => ({ modelBytes: exportedAnySteps('export_mixed'), inputs: { x: randomX(2, 300, 3, 23) }, engine: 'native', wasmDir: WASM_DIR })],
  ];
  for (const [name, opts] of cases) {
    it(`${name}: the same gates as one thread, and the engine says "2 threads"`, async () => {
      const one = await runOnnxTrace(opts());
      const many = await runOnnxTrace({ ...opts(), gruThreads: pool });
      assertSameEntries(many.input.layers, one.input.layers, name);
      assert.match(many.input.model.engine, /2 threads/, many.input.model.engine);
      assert.doesNotMatch(one.input.model.engine, /threads/, one.input.model.engine);
    });
  }
});
