// decodeTrace's `defer`: level 0 of a gate with a coarse inline level stays base64 until asked, then
// decodes in slices, all at once, or one value at a time, always to the values a full decode gives.
import assert from 'node:assert/strict';
import { encodeTrace } from '../../../../src/core/trace/encode';
import { decodeTrace } from '../../../../src/core/trace/decode';
import { isDecoded, isInline } from '../../../../src/core/trace/decoded';
import { TraceFormatError } from '../../../../src/core/trace/errors';
import type { TraceDocument } from '../../../../src/core/trace/document';
import { makeInput } from './make-trace';
import { v1Document } from './make-v1-document';

/** 4100 steps x 7 units: 28,700 values per gate, not a multiple of the 12-value slice alignment. */
function longDoc(precision: 'uint8' | 'float16' | 'float32'): TraceDocument {
  const input = makeInput({ batch: 1, steps: 4100, hidden: [7], seed: 5 });
  const r = input.layers[0]!.gates['n']!;
  r[5] = NaN;
  r[r.length - 1] = Infinity;
  return JSON.parse(JSON.stringify(encodeTrace(input, { precision, maxBytes: Infinity }).document)) as TraceDocument;
}

describe('decodeTrace with defer (level 0 decoded later, in slices)', () => {
  for (const precision of ['uint8', 'float16', 'float32'] as const) {
    it(`gives the full decode's values by slices, by value and by reading mean (${precision})`, () => {
      const doc = longDoc(precision);
      const full = decodeTrace(doc);
      const lazy = decodeTrace(doc, { defer: true });
      for (let g = 0; g < 4; g++) {
        const want = full.layers[0]!.gates[g]!.levels[0]!;
        const level = lazy.layers[0]!.gates[g]!.levels[0]!;
        const d = level.deferred!;
        assert.ok(d, 'level 0 deferred');
        assert.equal(d.done, false);
        assert.ok(isInline(level) && !isDecoded(level));
        assert.equal(level.maxError, want.maxError);
        // The coarse level is decoded at once: the first paint reads it.
        assert.ok(lazy.layers[0]!.gates[g]!.levels[1]!.mean instanceof Float32Array);
        for (const i of [0, 1, 5, 11, 12, 1000, d.count - 2, d.count - 1]) assert.ok(Object.is(d.valueAt(i), want.mean![i]), `valueAt(${i})`);
        if (g % 2 === 0) {
          let slices = 0;
          while (d.step(1000)) slices++;
          assert.equal(slices, Math.ceil(d.count / 1008) - 1);
        }
        assert.deepEqual(level.mean, want.mean);
        assert.ok(d.done && isDecoded(level));
      }
    });
  }

  it('leaves documents without a coarse inline level as they were (level 0 only, version 1)', () => {
    const short = JSON.parse(JSON.stringify(encodeTrace(makeInput({ batch: 1, steps: 300, hidden: [4], seed: 1 }), { maxBytes: Infinity }).document)) as TraceDocument;
    const t = decodeTrace(short, { defer: true });
    assert.equal(t.layers[0]!.gates[0]!.levels[0]!.deferred, undefined);
    assert.ok(t.layers[0]!.gates[0]!.levels[0]!.mean instanceof Float32Array);
    const v1 = decodeTrace(JSON.parse(JSON.stringify(v1Document(makeInput({ batch: 1, steps: 20, hidden: [3], seed: 2 }), 'uint8'))), { defer: true });
    assert.ok(v1.layers[0]!.gates[0]!.levels[0]!.mean instanceof Float32Array);
  });

  it('decodes a layer entry at once when its gates do not all defer to one coarse bucket (a hand-made document)', () => {
    const doc = longDoc('uint8');
    const mixed = JSON.parse(JSON.stringify(doc)) as TraceDocument;
    mixed.layers[0]!.gates[2]!.levels = mixed.layers[0]!.gates[2]!.levels.slice(0, 1);
    const t = decodeTrace(mixed, { defer: true });
    for (const g of t.layers[0]!.gates) assert.ok(isDecoded(g.levels[0]!), `${g.name}: level 0 decoded`);
    const full = decodeTrace(doc);
    assert.deepEqual(t.layers[0]!.gates[0]!.levels[0]!.mean, full.layers[0]!.gates[0]!.levels[0]!.mean);
  });

  it('checks the length now and the characters as they are decoded, naming where', () => {
    const doc = longDoc('uint8');
    const mean = doc.layers[0]!.gates[1]!.levels[0]!.mean as { data: string };
    const bad = JSON.parse(JSON.stringify(doc)) as TraceDocument;
    (bad.layers[0]!.gates[1]!.levels[0]!.mean as { data: string }).data = mean.data.slice(0, 20000) + '!' + mean.data.slice(20001);
    const t = decodeTrace(bad, { defer: true });
    const d = t.layers[0]!.gates[1]!.levels[0]!.deferred!;
    assert.ok(d.step(6000));
    assert.throws(
      () => {
        while (d.step(6000));
      },
      (e: unknown) => e instanceof TraceFormatError && /layers\[0\]\.gates\[1\]\.levels\[0\]\.mean\.data/.test(e.message) && /index 20000/.test(e.message),
    );
    const short = JSON.parse(JSON.stringify(doc)) as TraceDocument;
    (short.layers[0]!.gates[1]!.levels[0]!.mean as { data: string }).data = mean.data.slice(0, -4);
    assert.throws(() => decodeTrace(short, { defer: true }), /levels\[0\]\.mean\.data: expected 28700 bytes/);
  });
});
