// The coarse level a long inline run stores beside level 0 (encode.ts coarseInlineLevel): which level,
// what it costs, that both encoders write the same bytes, and that readers old and new read it.
import assert from 'node:assert/strict';
import { coarseInlineLevel, encodeTrace, type TraceInput } from '../../../../src/core/trace/encode';
import { TraceStreamEncoder } from '../../../../src/core/trace/encode-stream';
import { decodeTrace } from '../../../../src/core/trace/decode';
import { levelBuckets, PYRAMID_FANOUT, summariseFromValues } from '../../../../src/core/trace/pyramid';
import type { TraceDocument } from '../../../../src/core/trace/document';
import { makeInput } from './make-trace';

const LONG = 4100;

function levelsOf(doc: TraceDocument): number[][] {
  return doc.layers.flatMap((l) => l.gates.map((g) => g.levels.map((v) => v.bucket)));
}

/** The document with every level but 0 removed: what a writer of level 0 alone (the Python one) gives. */
function level0Only(doc: TraceDocument): TraceDocument {
  return { ...doc, layers: doc.layers.map((l) => ({ ...l, gates: l.gates.map((g) => ({ ...g, levels: g.levels.slice(0, 1) })) })) };
}

describe('coarse inline level (first paint without decoding level 0)', () => {
  it('is the finest level of >= 64 steps and <= 1024 buckets, for runs of 4096 steps or more', () => {
    const at = (T: number): number | undefined => {
      const b = levelBuckets(T, PYRAMID_FANOUT, 64);
      const k = coarseInlineLevel(T, b);
      return k < 0 ? undefined : b[k];
    };
    assert.equal(at(4095), undefined);
    assert.equal(at(300), undefined);
    assert.equal(at(4096), 64);
    assert.equal(at(10_000), 64);
    assert.equal(at(65_536), 64);
    assert.equal(at(65_600), 256);
    assert.equal(at(1_000_000), 1024);
  });

  for (const precision of ['uint8', 'float16', 'float32'] as const) {
    it(`is stored inline beside level 0 (${precision}), costs under 5% of level 0, and holds the bucket summaries`, () => {
      const input = makeInput({ batch: 2, steps: LONG, hidden: [8], seed: 4 });
      input.sequenceLengths = [LONG, 3000];
      const { document, sidecar } = encodeTrace(input, { precision, maxBytes: Infinity });
      assert.equal(sidecar, undefined);
      assert.deepEqual(levelsOf(document), [[1, 64], [1, 64], [1, 64], [1, 64]]);
      const g = document.layers[0]!.gates[0]!;
      const l0 = g.levels[0]!.mean as { data: string };
      const coarse = g.levels[1]!;
      assert.equal(coarse.dtype, precision);
      const coarseChars = ['mean', 'min', 'max'].reduce((n, s) => n + (coarse[s as 'mean'] as { data: string }).data.length, 0);
      assert.ok(coarseChars / l0.data.length < 0.05, `coarse level is ${((100 * coarseChars) / l0.data.length).toFixed(1)}% of level 0`);
      const decoded = decodeTrace(JSON.parse(JSON.stringify(document)));
      const want = summariseFromValues(decoded.layers[0]!.gates[0]!.levels[0]!.mean!, 2, LONG, 8, 64, input.sequenceLengths);
      const got = decoded.layers[0]!.gates[0]!.levels[1]!;
      const tol = got.maxError + decoded.layers[0]!.gates[0]!.levels[0]!.maxError;
      for (const s of ['mean', 'min', 'max'] as const) {
        const a = got[s]!;
        // Masked buckets (item 1 from bucket ceil(3000 / 64)) are the reader's to skip: uint8 clamps their 0 into the range.
        for (let i = 0; i < a.length; i++) if (i < 65 * 8 + 47 * 8) assert.ok(Math.abs(a[i]! - want[s][i]!) <= tol * (precision === 'float16' ? Math.max(1, Math.abs(a[i]!)) : 1) + 1e-7, `${s}[${i}]: ${a[i]} vs ${want[s][i]}`);
      }
    });
  }

  it('is not stored for shorter runs, nor beside a sidecar (every level is listed there)', () => {
    const short = encodeTrace(makeInput({ batch: 1, steps: 4000, hidden: [4], seed: 2 }), { maxBytes: Infinity }).document;
    assert.deepEqual(levelsOf(short)[0], [1]);
    const side = encodeTrace(makeInput({ batch: 1, steps: LONG, hidden: [64], seed: 2 }), { maxBytes: 200_000, sidecar: { stem: 'x' } }).document;
    assert.deepEqual(levelsOf(side)[0], [1, 4, 16, 64, 256]);
  });

  it('gives way to precision: a run that fits its budget only without the coarse level keeps its dtype and stores level 0 alone', () => {
    const input = makeInput({ batch: 1, steps: LONG, hidden: [8], seed: 6 });
    const withCoarse = encodeTrace(input, { precision: 'float32', maxBytes: Infinity }).document;
    const without = JSON.stringify(level0Only(withCoarse)).length;
    const tight = encodeTrace(input, { maxBytes: without + 200 }).document;
    assert.deepEqual(levelsOf(tight)[0], [1]);
    assert.equal(tight.layers[0]!.gates[0]!.levels[0]!.dtype, 'float32');
    const roomy = encodeTrace(input, { maxBytes: JSON.stringify(withCoarse).length + 200 }).document;
    assert.deepEqual(levelsOf(roomy)[0], [1, 64]);
    assert.equal(roomy.layers[0]!.gates[0]!.levels[0]!.dtype, 'float32');
  });

  it('the streamed encoder writes the same document, byte for byte', async () => {
    const input: TraceInput = makeInput({ batch: 2, steps: LONG, hidden: [6], seed: 9, bidirectional: true });
    input.sequenceLengths = [4099, 1500];
    const whole = JSON.stringify(encodeTrace(input, { precision: 'uint8', maxBytes: Infinity }).document);
    const enc = new TraceStreamEncoder({ ...input, layers: input.layers.map(({ gates: _g, ...rest }) => rest) }, { precision: 'uint8', maxBytes: Infinity });
    for (let e = 0; e < input.layers.length; e++) {
      const chunk: Record<string, Float32Array> = {};
      for (const [name, a] of Object.entries(input.layers[e]!.gates)) chunk[name] = a;
      await enc.push(e, chunk, 0, LONG);
    }
    const { document } = await enc.finish();
    assert.equal(JSON.stringify(document), whole);
  });

  it('a reader of level 0 alone and a new reader see the same level 0', () => {
    const input = makeInput({ batch: 1, steps: LONG, hidden: [5], seed: 3 });
    const doc = JSON.parse(JSON.stringify(encodeTrace(input, { precision: 'float16', maxBytes: Infinity }).document)) as TraceDocument;
    const withCoarse = decodeTrace(doc);
    const without = decodeTrace(level0Only(doc));
    for (let g = 0; g < 4; g++) {
      assert.deepEqual(withCoarse.layers[0]!.gates[g]!.levels[0]!.mean, without.layers[0]!.gates[g]!.levels[0]!.mean);
      assert.equal(without.layers[0]!.gates[g]!.levels.length, 1);
    }
  });
});
