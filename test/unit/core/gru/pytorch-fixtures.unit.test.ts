import * as assert from 'node:assert/strict';
import { fromPytorch, runGru } from '../../../../src/core/gru';
import { decode, loadTorchFixtures, maxAbsDiff, regenerate } from './fixtures';

const TOL = 1e-5;

describe('GRU engine vs PyTorch nn.GRU fixtures (test/fixtures/torch/torch-gru.json)', () => {
  const fixtures = loadTorchFixtures();

  it('covers the configurations the issue asks for', () => {
    const sizes = fixtures.flatMap((f) => [f.inputSize, f.hiddenSize]);
    assert.equal(Math.min(...sizes), 1);
    assert.equal(Math.max(...sizes), 256);
    assert.deepEqual([...new Set(fixtures.map((f) => f.numLayers))].sort(), [1, 2, 3]);
    assert.ok(fixtures.some((f) => f.bidirectional));
    assert.ok(fixtures.some((f) => f.batch > 1));
    assert.ok(fixtures.some((f) => !f.batchFirst));
    assert.ok(fixtures.some((f) => f.steps === 1));
    assert.ok(fixtures.some((f) => f.hiddenSize === 1));
    assert.ok(fixtures.some((f) => f.h0));
  });

  for (const fx of fixtures) {
    for (const kernel of ['js', 'wasm'] as const) {
      it(`${fx.name} (${kernel}): I=${fx.inputSize} H=${fx.hiddenSize} L=${fx.numLayers}${fx.bidirectional ? ' bidir' : ''} B=${fx.batch} T=${fx.steps}: r, z, n, h within ${TOL}`, () => {
        const { params, x, h0, checksum } = regenerate(fx);
        assert.ok(Math.abs(checksum - fx.checksum) <= 1e-9 * Math.max(1, Math.abs(fx.checksum)), `weight stream differs from the script's: ${checksum} vs ${fx.checksum}`);
        const model = fromPytorch(params, { hiddenSize: fx.hiddenSize, numLayers: fx.numLayers, bidirectional: fx.bidirectional });
        const run = runGru(model, x, { batch: fx.batch, steps: fx.steps, batchFirst: fx.batchFirst, initialH: h0, kernel });
        assert.equal(run.kernel, kernel);
        assert.equal(run.layers.length, fx.layers.length);
        fx.layers.forEach((ref, i) => {
          const got = run.layers[i];
          assert.equal(got.layer, ref.layer);
          assert.equal(got.direction, ref.direction);
          for (const g of ['r', 'z', 'n', 'h'] as const) {
            const err = maxAbsDiff(got[g], decode(ref[g]));
            assert.ok(err <= TOL, `layer ${ref.layer} ${ref.direction} ${g}: max |diff| ${err}`);
          }
        });
      });
    }
  }

  it('saturating fixtures really saturate (most r, z near 0 or 1; n near +-1)', () => {
    for (const fx of fixtures.filter((f) => f.name.startsWith('saturating'))) {
      const z = decode(fx.layers[0].z);
      const n = decode(fx.layers[0].n);
      const nearZ = z.filter((v) => v < 0.01 || v > 0.99).length / z.length;
      const nearN = n.filter((v) => Math.abs(v) > 0.99).length / n.length;
      assert.ok(nearZ > 0.5 && nearN > 0.5, `${fx.name}: saturated z ${nearZ}, n ${nearN}`);
    }
  });
});
