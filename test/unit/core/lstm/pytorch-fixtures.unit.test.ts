import * as assert from 'node:assert/strict';
import { gateNames } from '../../../../src/core/cells/gate-sets';
import { lstmFromKeras, lstmFromPytorch, runLstm } from '../../../../src/core/lstm';
import { RunCancelledError } from '../../../../src/core/recurrent/progress';
import { rnnFromPytorch, runRnn } from '../../../../src/core/rnn';
import { decode, maxAbsDiff } from '../gru/fixtures';
import { loadRecurrentFixtures, regenerateRecurrent } from './fixtures';

const TOL = 1e-5;

describe('LSTM engine vs PyTorch nn.LSTM fixtures (test/fixtures/torch/torch-lstm.json)', () => {
  const fixtures = loadRecurrentFixtures('torch-lstm.json');

  it('covers stacked, bidirectional, batch > 1, batch_first = false, proj_size, T = 1, H = 1 and initial states', () => {
    assert.ok(fixtures.some((f) => f.numLayers >= 2));
    assert.ok(fixtures.some((f) => f.bidirectional));
    assert.ok(fixtures.some((f) => f.batch > 1));
    assert.ok(fixtures.some((f) => !f.batchFirst));
    assert.ok(fixtures.some((f) => (f.projSize ?? 0) > 0 && f.numLayers > 1));
    assert.ok(fixtures.some((f) => (f.projSize ?? 0) > 0 && f.bidirectional));
    assert.ok(fixtures.some((f) => f.steps === 1));
    assert.ok(fixtures.some((f) => f.hiddenSize === 1));
    assert.ok(fixtures.some((f) => f.states));
  });

  for (const fx of fixtures) {
    for (const kernel of ['js', 'wasm'] as const) {
      it(`${fx.name} (${kernel}): I=${fx.inputSize} H=${fx.hiddenSize}${fx.projSize ? ` P=${fx.projSize}` : ''} L=${fx.numLayers}${fx.bidirectional ? ' bidir' : ''} B=${fx.batch} T=${fx.steps}: i, f, g, o, c, h within ${TOL}`, () => {
        const { params, x, h0, c0, checksum } = regenerateRecurrent(fx, 'lstm');
        assert.ok(Math.abs(checksum - fx.checksum) <= 1e-9 * Math.max(1, Math.abs(fx.checksum)), `weight stream differs from the script's: ${checksum} vs ${fx.checksum}`);
        const model = lstmFromPytorch(params, { hiddenSize: fx.hiddenSize, numLayers: fx.numLayers, bidirectional: fx.bidirectional, projSize: fx.projSize });
        const run = runLstm(model, x, { batch: fx.batch, steps: fx.steps, batchFirst: fx.batchFirst, initialH: h0, initialC: c0, kernel });
        assert.equal(run.kernel, kernel);
        assert.equal(run.layers.length, fx.layers.length);
        fx.layers.forEach((ref, n) => {
          const got = run.layers[n];
          assert.equal(got.cell, 'lstm');
          assert.equal(got.layer, ref.layer);
          assert.equal(got.direction, ref.direction);
          assert.deepEqual(Object.keys(got.gates), gateNames('lstm'));
          for (const g of gateNames('lstm')) {
            const err = maxAbsDiff(got.gates[g], decode(ref[g]));
            assert.ok(err <= TOL, `layer ${ref.layer} ${ref.direction} ${g}: max |diff| ${err}`);
          }
        });
      });
    }
  }

  it('h has proj_size units and c has hidden_size units when projecting', () => {
    const fx = fixtures.find((f) => f.name === 'proj')!;
    const { params, x, h0, c0 } = regenerateRecurrent(fx, 'lstm');
    const run = runLstm(lstmFromPytorch(params, { hiddenSize: fx.hiddenSize, numLayers: fx.numLayers, bidirectional: false, projSize: fx.projSize }), x, { batch: fx.batch, steps: fx.steps, initialH: h0, initialC: c0 });
    assert.equal(run.layers[0].gates.h.length, fx.batch * fx.steps * fx.projSize!);
    assert.equal(run.layers[0].gates.c.length, fx.batch * fx.steps * fx.hiddenSize);
  });

  it('a Keras LSTM (columns i, f, c, o, one bias) built from the same weights gives the same gates', () => {
    const fx = fixtures.find((f) => f.name === 'small-batch')!;
    const { params, x } = regenerateRecurrent(fx, 'lstm');
    const H = fx.hiddenSize;
    const I = fx.inputSize;
    // PyTorch rows i, f, g, o -> Keras columns i, f, c, o: the same block order, transposed.
    const transpose = (a: Float32Array, rows: number, cols: number) => {
      const out = new Float32Array(rows * cols);
      for (let r = 0; r < rows; r++) for (let c = 0; c < cols; c++) out[c * rows + r] = a[r * cols + c];
      return out;
    };
    const bias = new Float32Array(4 * H);
    for (let j = 0; j < 4 * H; j++) bias[j] = params.bias_ih_l0.data[j] + params.bias_hh_l0.data[j];
    const keras = lstmFromKeras({
      kernel: { dims: [I, 4 * H], data: transpose(params.weight_ih_l0.data, 4 * H, I) },
      recurrentKernel: { dims: [H, 4 * H], data: transpose(params.weight_hh_l0.data, 4 * H, H) },
      bias: { dims: [4 * H], data: bias },
    });
    const run = runLstm(keras, x, { batch: fx.batch, steps: fx.steps, kernel: 'js' });
    for (const g of gateNames('lstm')) {
      const err = maxAbsDiff(run.layers[0].gates[g], decode(fx.layers[0][g]));
      assert.ok(err <= TOL, `${g}: max |diff| ${err}`);
    }
  });

  it('refuses a wrong weight shape, naming the tensor and the expected shape', () => {
    const fx = fixtures.find((f) => f.name === 'small-batch')!;
    const { params } = regenerateRecurrent(fx, 'lstm');
    params.weight_hh_l0 = { dims: [4 * fx.hiddenSize, fx.hiddenSize + 1], data: new Float32Array(4 * fx.hiddenSize * (fx.hiddenSize + 1)) };
    assert.throws(() => lstmFromPytorch(params, { hiddenSize: fx.hiddenSize, numLayers: 1, bidirectional: false }), /weight_hh_l0 has shape \[20, 6\]; expected \[20, 5\]/);
  });

  it('refuses initialC of the wrong shape', () => {
    const fx = fixtures.find((f) => f.name === 'small-batch')!;
    const { params, x } = regenerateRecurrent(fx, 'lstm');
    const model = lstmFromPytorch(params, { hiddenSize: fx.hiddenSize, numLayers: 1, bidirectional: false });
    assert.throws(() => runLstm(model, x, { batch: fx.batch, steps: fx.steps, initialC: new Float32Array(3) }), /initialC has 3 values; expected shape \[1, 2, 5\]/);
  });
});

describe('LSTM and RNN runs: progress and cancellation', () => {
  it('report progress up to 1 and stop with RunCancelledError when the signal is aborted', () => {
    const fx = loadRecurrentFixtures('torch-lstm.json').find((f) => f.name === 'h1-t1')!;
    const { params } = regenerateRecurrent(fx, 'lstm');
    const lstm = lstmFromPytorch(params, { hiddenSize: 1, numLayers: 1, bidirectional: false });
    const x = new Float32Array(5000);
    const seen: number[] = [];
    runLstm(lstm, x, { batch: 1, steps: 5000, onProgress: (p) => seen.push(p) });
    assert.ok(seen.length > 2 && seen[seen.length - 1] === 1 && seen.every((p, i) => i === 0 || p >= seen[i - 1]!));
    const signal = { aborted: false };
    assert.throws(() => runLstm(lstm, x, { batch: 1, steps: 5000, signal, onProgress: () => { signal.aborted = true; } }), RunCancelledError);
    const rnn = rnnFromPytorch({ weight_ih_l0: { dims: [1, 1], data: Float32Array.of(0.5) }, weight_hh_l0: { dims: [1, 1], data: Float32Array.of(0.5) }, bias_ih_l0: { dims: [1], data: Float32Array.of(0) }, bias_hh_l0: { dims: [1], data: Float32Array.of(0) } }, { hiddenSize: 1, numLayers: 1, bidirectional: false });
    signal.aborted = false;
    assert.throws(() => runRnn(rnn, x, { batch: 1, steps: 5000, signal, onProgress: () => { signal.aborted = true; } }), /RNN run cancelled/);
  });
});
