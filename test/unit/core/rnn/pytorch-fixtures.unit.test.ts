import * as assert from 'node:assert/strict';
import { rnnFromPytorch, runRnn } from '../../../../src/core/rnn';
import { decode, maxAbsDiff } from '../gru/fixtures';
import { loadRecurrentFixtures, regenerateRecurrent } from '../lstm/fixtures';

const TOL = 1e-5;

describe('RNN engine vs PyTorch nn.RNN fixtures (test/fixtures/torch/torch-rnn.json)', () => {
  const fixtures = loadRecurrentFixtures('torch-rnn.json');

  it('covers tanh and relu, stacked, bidirectional, batch > 1, batch_first = false, T = 1, H = 1', () => {
    assert.deepEqual([...new Set(fixtures.map((f) => f.nonlinearity))].sort(), ['relu', 'tanh']);
    assert.ok(fixtures.some((f) => f.numLayers >= 2));
    assert.ok(fixtures.some((f) => f.bidirectional));
    assert.ok(fixtures.some((f) => f.batch > 1));
    assert.ok(fixtures.some((f) => !f.batchFirst));
    assert.ok(fixtures.some((f) => f.steps === 1 && f.hiddenSize === 1));
  });

  for (const fx of fixtures) {
    for (const kernel of ['js', 'wasm'] as const) {
      it(`${fx.name} (${kernel}): I=${fx.inputSize} H=${fx.hiddenSize} L=${fx.numLayers}${fx.bidirectional ? ' bidir' : ''} B=${fx.batch} T=${fx.steps}: h within ${TOL}`, () => {
        const { params, x, h0, checksum } = regenerateRecurrent(fx, 'rnn');
        assert.ok(Math.abs(checksum - fx.checksum) <= 1e-9 * Math.max(1, Math.abs(fx.checksum)));
        const model = rnnFromPytorch(params, { hiddenSize: fx.hiddenSize, numLayers: fx.numLayers, bidirectional: fx.bidirectional, nonlinearity: fx.nonlinearity });
        const run = runRnn(model, x, { batch: fx.batch, steps: fx.steps, batchFirst: fx.batchFirst, initialH: h0, kernel });
        assert.equal(run.kernel, kernel);
        fx.layers.forEach((ref, n) => {
          const got = run.layers[n];
          assert.equal(got.cell, 'rnn');
          assert.equal(got.direction, ref.direction);
          assert.deepEqual(Object.keys(got.gates), ['h']);
          const err = maxAbsDiff(got.gates.h, decode(ref.h));
          assert.ok(err <= TOL, `layer ${ref.layer} ${ref.direction} h: max |diff| ${err}`);
        });
      });
    }
  }

  it('refuses an unknown nonlinearity', () => {
    const fx = fixtures[0];
    const { params } = regenerateRecurrent(fx, 'rnn');
    assert.throws(() => rnnFromPytorch(params, { hiddenSize: 1, numLayers: 1, bidirectional: false, nonlinearity: 'gelu' as 'tanh' }), /nonlinearity is 'gelu'; expected 'tanh' or 'relu'/);
  });
});
