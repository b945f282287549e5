import * as assert from 'node:assert/strict';
import { compareTraceInputs } from '../../../../src/core/compare/comparison-trace';
import { CompareError } from '../../../../src/core/compare/errors';
import { decodeTrace } from '../../../../src/core/trace/decode';
import { encodeTrace, type TraceInput } from '../../../../src/core/trace/encode';
import { mulberry32 } from '../../../../src/core/spec/random-input';

function run(seed: number, cell: 'gru' | 'lstm' = 'gru', projected = false): TraceInput {
  const next = mulberry32(seed);
  const [B, T, H] = [1, 12, 3];
  const values = (units: number) => Float32Array.from({ length: B * T * units }, () => next() - 0.5);
  const names = cell === 'gru' ? ['r', 'z', 'n', 'h'] : ['i', 'f', 'g', 'o', 'c', 'h'];
  const gates = Object.fromEntries(names.map((g) => [g, values(projected && g === 'h' ? 2 : H)]));
  return { model: { name: `m${seed}`, source: 'native', engine: 'test' }, batch: B, steps: T, layers: [{ layer: 0, direction: 'forward', cell, hiddenSize: H, gates }], warnings: [`w${seed}`] };
}

describe('compareTraceInputs: the comparison trace of two runs', () => {
  it('holds run a, run b tagged "b", the statistics and both runs\' warnings, and encodes as a valid v2 document', () => {
    const c = compareTraceInputs(run(1), run(2), { labels: { a: 'float', b: 'int8' }, tolerance: 1e-5 });
    const doc = decodeTrace(JSON.parse(JSON.stringify(encodeTrace(c.input, { maxBytes: Infinity }).document)));
    assert.deepEqual(doc.layers.map((l) => l.run ?? 'a'), ['a', 'b']);
    assert.deepEqual(doc.compare!.a, { label: 'float' });
    assert.equal(doc.compare!.stats!.length, 4);
    assert.deepEqual(doc.warnings, ['float: w1', 'int8: w2']);
    assert.equal(doc.model.name, 'float vs int8');
    assert.equal(c.summary.maxAbsDiff, Math.max(...c.stats.map((s) => s.maxAbsDiff!)));
  });

  it('names the runs by `names` in its error, and refuses unit alignment for a projected LSTM', () => {
    assert.throws(() => compareTraceInputs(run(1), run(2, 'lstm'), { labels: { a: 'x', b: 'y' }, names: { a: 'a.json', b: 'b.json' }, tolerance: 0 }), {
      name: 'CompareError',
      message: /^a\.json and b\.json do not line up: layer 0 forward is GRU in a\.json and LSTM in b\.json/,
    });
    assert.throws(() => compareTraceInputs(run(1, 'lstm', true), run(2, 'lstm', true), { labels: { a: 'x', b: 'y' }, tolerance: 0, alignUnits: true }), (e: unknown) => e instanceof CompareError && /projected LSTM/.test(e.message));
  });
});
