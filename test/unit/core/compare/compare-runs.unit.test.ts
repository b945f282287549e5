import * as assert from 'node:assert/strict';
import { alignRuns, type LayerShape } from '../../../../src/core/compare/align';
import { compareRuns } from '../../../../src/core/compare/compare-runs';
import { gateSet } from '../../../../src/core/cells/gate-sets';

describe('compareRuns: per-gate statistics and the overall verdict', () => {
  const [B, T, H] = [1, 6, 2];
  const layer = (direction: 'forward' | 'reverse'): LayerShape => ({ layer: 0, direction, cell: 'gru', hiddenSize: H, gates: gateSet('gru').map((g) => ({ name: g.name, units: H })) });
  const shape = { batch: B, steps: T, layers: [layer('forward'), layer('reverse')] };
  const pairs = alignRuns(shape, shape);
  const zeros = () => new Float32Array(B * T * H);
  // b differs from a in: forward z at step 4 unit 1 by 0.3; reverse n at step 2 unit 0 by 0.05.
  const bValues: Record<string, Float32Array> = {};
  for (const p of pairs) for (const g of p.gates) bValues[`${p.direction}/${g.name}`] = zeros();
  bValues['forward/z']![4 * H + 1] = 0.3;
  bValues['reverse/n']![2 * H + 0] = 0.05;
  const result = compareRuns(pairs, (p, g, run) => (run === 'a' ? zeros() : bValues[`${p.direction}/${g}`]!), { batch: B, steps: T }, 0.01);

  it('lists a CompareGateStats per layer entry and gate, in document order', () => {
    assert.deepEqual(
      result.stats.map((s) => `${s.direction}/${s.gate}`),
      ['forward/r', 'forward/z', 'forward/n', 'forward/h', 'reverse/r', 'reverse/z', 'reverse/n', 'reverse/h'],
    );
    const z = result.stats[1]!;
    assert.equal(z.maxAbsDiff, Math.fround(0.3));
    assert.equal(z.firstDivergentStep, 4);
    assert.deepEqual(z.worst, { unit: 1, step: 4, batch: 0 });
    assert.ok(Math.abs(z.rms! - Math.fround(0.3) / Math.sqrt(B * T * H)) < 1e-12);
    assert.equal(result.stats[0]!.firstDivergentStep, null);
  });

  it('takes the largest |Δ| for the worst cell and the earliest divergence over all gates', () => {
    assert.deepEqual(result.summary, { maxAbsDiff: Math.fround(0.3), firstDivergentStep: 2, worst: { layer: 0, direction: 'forward', gate: 'z', unit: 1, step: 4 } });
  });
});
