// LSTM and RNN runs on the thread pool's kernel (R·h split by rows across threads, as for the GRU)
// give every gate bit for bit as the one-thread WebAssembly kernel: over the PyTorch fixtures
// (stacked, bidirectional, proj_size, batch > 1, lengths), and on shapes with many row chunks.
import * as assert from 'node:assert/strict';
import { lstmFromPytorch, runLstm } from '../../../src/core/lstm';
import { rnnFromPytorch, runRnn } from '../../../src/core/rnn';
import { GruThreadPool } from '../../../src/node/gru-threads';
import { XorShift } from '../core/gru/fixtures';
import { loadRecurrentFixtures, regenerateRecurrent } from '../core/lstm/fixtures';
import { assertSameEntries } from './same-bits';

describe('LSTM and RNN on the thread pool (Node worker threads)', function () {
  this.timeout(60000);
  let pool: GruThreadPool;
  before(() => { pool = new GruThreadPool(3); });
  after(() => pool.close());

  for (const fx of loadRecurrentFixtures('torch-lstm.json')) {
    it(`LSTM ${fx.name}: every gate and c bit for bit as in one thread`, () => {
      const { params, x, h0, c0 } = regenerateRecurrent(fx, 'lstm');
      const model = lstmFromPytorch(params, { hiddenSize: fx.hiddenSize, numLayers: fx.numLayers, bidirectional: fx.bidirectional, projSize: fx.projSize });
      const opts = { batch: fx.batch, steps: fx.steps, batchFirst: fx.batchFirst, initialH: h0, initialC: c0 };
      const one = runLstm(model, x, { ...opts, kernel: 'wasm' });
      const many = runLstm(model, x, { ...opts, kernel: pool.kernel() });
      assert.equal(many.kernel, 'wasm');
      assertSameEntries(many.layers, one.layers, fx.name);
    });
  }

  for (const fx of loadRecurrentFixtures('torch-rnn.json')) {
    it(`RNN ${fx.name}: h bit for bit as in one thread`, () => {
      const { params, x, h0 } = regenerateRecurrent(fx, 'rnn');
      const model = rnnFromPytorch(params, { hiddenSize: fx.hiddenSize, numLayers: fx.numLayers, bidirectional: fx.bidirectional, nonlinearity: fx.nonlinearity });
      const opts = { batch: fx.batch, steps: fx.steps, batchFirst: fx.batchFirst, initialH: h0 };
      assertSameEntries(runRnn(model, x, { ...opts, kernel: pool.kernel() }).layers, runRnn(model, x, { ...opts, kernel: 'wasm' }).layers, fx.name);
    });
  }

  // 4H = 1000 rows of R (32 chunks of 32 rows) and H = 300 (10 chunks): every thread owns chunks
  // and may take others'; lengths differ per item, so reverse runs start at each item's length.
  it('LSTM I=24 H=250 bidirectional with lengths, and RNN H=300: many row chunks per step, bit for bit', () => {
    const rng = new XorShift(41);
    const I = 24, H = 250, B = 2, T = 30;
    const lstmParams: Record<string, { dims: number[]; data: Float32Array }> = {};
    for (const sfx of ['l0', 'l0_reverse']) {
      lstmParams[`weight_ih_${sfx}`] = { dims: [4 * H, I], data: rng.uniform(4 * H * I, 0.2) };
      lstmParams[`weight_hh_${sfx}`] = { dims: [4 * H, H], data: rng.uniform(4 * H * H, 0.1) };
      lstmParams[`bias_ih_${sfx}`] = { dims: [4 * H], data: rng.uniform(4 * H, 0.1) };
      lstmParams[`bias_hh_${sfx}`] = { dims: [4 * H], data: rng.uniform(4 * H, 0.1) };
    }
    const lstm = lstmFromPytorch(lstmParams, { hiddenSize: H, numLayers: 1, bidirectional: true });
    const x = rng.uniform(B * T * I, 1);
    const lens = [T, T - 7];
    const opts = { batch: B, steps: T, sequenceLengths: lens };
    assertSameEntries(runLstm(lstm, x, { ...opts, kernel: pool.kernel() }).layers, runLstm(lstm, x, { ...opts, kernel: 'wasm' }).layers, 'LSTM H=250');

    const Hr = 300;
    const rnn = rnnFromPytorch({
      weight_ih_l0: { dims: [Hr, I], data: rng.uniform(Hr * I, 0.2) },
      weight_hh_l0: { dims: [Hr, Hr], data: rng.uniform(Hr * Hr, 0.05) },
      bias_ih_l0: { dims: [Hr], data: rng.uniform(Hr, 0.1) },
      bias_hh_l0: { dims: [Hr], data: rng.uniform(Hr, 0.1) },
    }, { hiddenSize: Hr, numLayers: 1, bidirectional: false });
    assertSameEntries(runRnn(rnn, x, { ...opts, kernel: pool.kernel() }).layers, runRnn(rnn, x, { ...opts, kernel: 'wasm' }).layers, 'RNN H=300');
  });
});
