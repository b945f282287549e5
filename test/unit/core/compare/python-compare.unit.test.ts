// The Python package's gatescope.compare and the TypeScript core compute the same statistics: the
// comparison trace the fixtures script wrote with Python (test/fixtures/compare/torch-gru.compare.json)
// holds runs a and b; compareRuns recomputes its `compare.stats` from them.
import * as assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { alignRuns } from '../../../../src/core/compare/align';
import { compareRuns } from '../../../../src/core/compare/compare-runs';
import { decodeTrace } from '../../../../src/core/trace/decode';
import { gateOf, inlineValues } from '../../../../src/core/trace/decoded';

const FILE = path.resolve(__dirname, '../../../fixtures/compare/torch-gru.compare.json');

describe('gatescope.compare (Python) and compareRuns (TypeScript) agree', () => {
  const doc = decodeTrace(JSON.parse(readFileSync(FILE, 'utf8')));
  const runB = { ...doc, layers: doc.layers.filter((l) => l.run === 'b').map((l) => ({ ...l, run: 'a' as const })) };
  const pairs = alignRuns(doc, runB);
  const values = (p: (typeof pairs)[number], gate: string, run: 'a' | 'b') => inlineValues(gateOf((run === 'a' ? doc : runB).layers[run === 'a' ? p.a : p.b]!, gate)!)!;
  const ts = compareRuns(pairs, values, doc, doc.compare!.tolerance);
  const py = doc.compare!.stats!;

  it('on every layer entry and gate of a 2-layer bidirectional GRU against its int8-rounded copy', () => {
    assert.equal(ts.stats.length, 16);
    assert.equal(py.length, ts.stats.length);
    ts.stats.forEach((s, i) => {
      const p = py[i]!;
      const at = `${s.layer} ${s.direction} ${s.gate}`;
      assert.deepEqual([p.layer, p.direction, p.gate], [s.layer, s.direction, s.gate]);
      assert.equal(p.maxAbsDiff, s.maxAbsDiff, at);
      assert.ok(Math.abs(p.rms! - s.rms!) <= 1e-12 * s.rms!, at);
      assert.ok(Math.abs(p.sqnrDb! - s.sqnrDb!) <= 1e-9, at);
      assert.equal(p.firstDivergentStep, s.firstDivergentStep, at);
      assert.deepEqual(p.worst, s.worst, at);
    });
    assert.ok(ts.summary.maxAbsDiff > doc.compare!.tolerance, 'int8 rounding moves the gates past 1e-5');
  });
});
