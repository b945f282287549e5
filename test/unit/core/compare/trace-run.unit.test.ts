import * as assert from 'node:assert/strict';
import { compareTraceInputs } from '../../../../src/core/compare/comparison-trace';
import { traceRunInput } from '../../../../src/core/compare/trace-run';
import { decodeTrace } from '../../../../src/core/trace/decode';
import { encodeTrace, type TraceInput } from '../../../../src/core/trace/encode';

function run(name: string, shift: number): TraceInput {
  const [T, H] = [9, 3];
  const gate = (k: number) => Float32Array.from({ length: T * H }, (_, i) => Math.fround(Math.sin(i * 0.7 + k) * 0.5 + (i >= 5 * H ? shift : 0)));
  return { model: { name, source: 'native', engine: 'test' }, batch: 1, steps: T, tokens: Array.from({ length: T }, (_, t) => String(t)), layers: [{ layer: 0, direction: 'forward', cell: 'gru', hiddenSize: H, gates: { r: gate(1), z: gate(2), n: gate(3), h: gate(4) } }] };
}

const roundTrip = (input: TraceInput) => decodeTrace(JSON.parse(JSON.stringify(encodeTrace(input, { precision: 'float32', maxBytes: Infinity }).document)));

describe('traceRunInput: a recorded trace as run a of a comparison ("Compare With…" on a trace output)', () => {
  it('gives back the run\'s values, so comparing two recorded traces finds where they part', () => {
    const a = roundTrip(run('float', 0));
    const b = roundTrip(run('int8', 0.25));
    const c = compareTraceInputs(traceRunInput(a, 'a'), traceRunInput(b, 'b'), { labels: { a: 'float', b: 'int8' }, tolerance: 1e-3 });
    assert.equal(c.summary.firstDivergentStep, 5);
    assert.deepEqual([...traceRunInput(a, 'a').layers[0]!.gates['h']!], [...run('float', 0).layers[0]!.gates['h']!]);
    assert.deepEqual(traceRunInput(a, 'a').tokens, a.tokens);
  });

  it('takes run a of a comparison document (run b left out)', () => {
    const cmp = compareTraceInputs(run('float', 0), run('int8', 0.25), { labels: { a: 'float', b: 'int8' }, tolerance: 1e-3 });
    const decoded = roundTrip(cmp.input);
    const input = traceRunInput(decoded, 'the comparison');
    assert.equal(input.layers.length, 1);
    assert.deepEqual([...input.layers[0]!.gates['h']!], [...run('float', 0).layers[0]!.gates['h']!]);
  });

  it('refuses a trace whose values live in a sidecar, saying what reads it', () => {
    const a = roundTrip(run('float', 0));
    const g = a.layers[0]!.gates[0]!;
    g.levels[0] = { ...g.levels[0]!, mean: undefined, remote: { mean: { tensor: 'L0.r.0' } } };
    assert.throws(() => traceRunInput(a, 'the trace of cell 2'), { name: 'CompareError', message: 'the trace of cell 2 keeps its values in a sidecar file; compare it with `gatescope diff A.json B.json`, which reads sidecars' });
  });
});
