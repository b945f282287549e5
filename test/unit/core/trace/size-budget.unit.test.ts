import assert from 'node:assert/strict';
import { GATE_NAMES, type TraceDocument } from '../../../../src/core/trace/document';
import { decodeTrace } from '../../../../src/core/trace/decode';
import { encodeTrace, traceJsonBytes, type TraceInput } from '../../../../src/core/trace/encode';
import { TraceSizeError } from '../../../../src/core/trace/errors';
import { makeInput } from './make-trace';

function cells(doc: TraceDocument): number {
  return doc.layers.reduce((s, l) => s + GATE_NAMES.reduce((a, g) => a + l.gates[g].dims[0] * l.gates[g].dims[1] * l.gates[g].dims[2], 0), 0);
}

/** Size per cell if the tensor bytes were stored raw: JSON text minus base64 text plus the decoded bytes. */
function rawPayloadBytes(doc: TraceDocument): number {
  let bytes = traceJsonBytes(doc);
  for (const l of doc.layers) for (const g of GATE_NAMES) bytes += Buffer.from(l.gates[g].data, 'base64').length - l.gates[g].data.length;
  return bytes;
}

/** The first `n` steps of an input (the "window" the size error suggests). */
function window(input: TraceInput, n: number): TraceInput {
  return {
    ...input,
    steps: n,
    layers: input.layers.map((l) => {
      const cut = (a: Float32Array) => {
        const out = new Float32Array(input.batch * n * l.hiddenSize);
        for (let b = 0; b < input.batch; b++) out.set(a.subarray(b * input.steps * l.hiddenSize, (b * input.steps + n) * l.hiddenSize), b * n * l.hiddenSize);
        return out;
      };
      return { ...l, r: cut(l.r), z: cut(l.z), n: cut(l.n), h: cut(l.h) };
    }),
    tokens: input.tokens?.slice(0, n),
    sequenceLengths: input.sequenceLengths?.map((len) => Math.min(len, n)),
  };
}

describe('trace size', () => {
  // Realistic: 2 bidirectional layers of 128 units, 512 steps: 1,048,576 cells (r, z, n, h).
  const big = makeInput({ batch: 1, steps: 512, hidden: [128, 128], bidirectional: true, seed: 9 });
  big.tokens = Array.from({ length: 512 }, (_, i) => `tok${i}`);
  const measured: Record<string, { json: number; ipynb: number; raw: number }> = {};

  for (const [precision, jsonBound, rawBound] of [
    ['float32', 5.34, 4.05],
    ['float16', 2.68, 2.05],
    ['uint8', 1.34, 1.05],
  ] as const) {
    it(`${precision}: bytes per cell of the JSON text <= ${jsonBound} (base64), tensor payload <= ${rawBound}`, () => {
      const doc = encodeTrace(big, { precision, maxBytes: Infinity });
      const n = cells(doc);
      assert.equal(n, 1_048_576);
      const json = traceJsonBytes(doc) / n;
      // VS Code's ipynb serializer writes outputs with indentation; the data strings stay one line each.
      const ipynb = Buffer.byteLength(JSON.stringify(doc, null, 1)) / n;
      const raw = rawPayloadBytes(doc) / n;
      measured[precision] = { json, ipynb, raw };
      assert.ok(json <= jsonBound, `${precision}: ${json} bytes per cell`);
      assert.ok(raw <= rawBound, `${precision}: ${raw} raw bytes per cell`);
      // base64 stores 3 bytes in 4 characters: the tensor text alone costs 4/3 of the tensor bytes.
      const tensorBytes = doc.layers.reduce((a, l) => a + GATE_NAMES.reduce((b, g) => b + Buffer.from(l.gates[g].data, 'base64').length, 0), 0);
      assert.ok(json * n >= (tensorBytes * 4) / 3);
    });
  }

  after(() => {
    if (Object.keys(measured).length) console.log(`      measured bytes per cell: ${JSON.stringify(measured, (_, v) => (typeof v === 'number' ? +v.toFixed(4) : v))}`);
  });

  describe('auto precision and the budget', () => {
    const input = makeInput({ batch: 2, steps: 200, hidden: [32], bidirectional: true, seed: 4 });
    input.tokens = Array.from({ length: 200 }, (_, i) => `t${i}`);
    input.sequenceLengths = [200, 131];
    const size = (precision: 'float32' | 'float16' | 'uint8') => traceJsonBytes(encodeTrace(input, { precision, maxBytes: Infinity }));
    const s32 = size('float32');
    const s16 = size('float16');
    const s8 = size('uint8');

    const dtypesOf = (doc: TraceDocument) => new Set(doc.layers.flatMap((l) => GATE_NAMES.map((g) => l.gates[g].dtype)));

    it('chooses float32 when it fits, exactly at the budget too', () => {
      const doc = encodeTrace(input, { precision: 'auto', maxBytes: s32 });
      assert.deepEqual([...dtypesOf(doc)], ['float32']);
      assert.equal(doc.downsample, undefined);
    });
    it('chooses float16 when float32 does not fit', () => {
      const doc = encodeTrace(input, { precision: 'auto', maxBytes: s32 - 1 });
      assert.deepEqual([...dtypesOf(doc)], ['float16']);
      assert.ok(traceJsonBytes(doc) <= s32 - 1);
    });
    it('chooses uint8 when float16 does not fit', () => {
      const doc = encodeTrace(input, { precision: 'auto', maxBytes: s16 - 1 });
      assert.deepEqual([...dtypesOf(doc)], ['uint8']);
      assert.ok(traceJsonBytes(doc) <= s16 - 1);
    });

    it('downsamples in time with the smallest stride that fits, says so, and never exceeds the budget', () => {
      const budget = Math.floor(s8 / 2.5);
      const doc = encodeTrace(input, { precision: 'auto', maxBytes: budget });
      assert.ok(traceJsonBytes(doc) <= budget, `${traceJsonBytes(doc)} > ${budget}`);
      const ds = doc.downsample!;
      assert.equal(ds.originalSteps, 200);
      assert.equal(ds.stride, 3);
      assert.throws(() => encodeTrace(input, { precision: 'auto', maxBytes: budget, maxStride: 2 }), TraceSizeError);
      assert.match(doc.warnings!.at(-1)!, /^Downsampled in time to fit the output budget .*every 3rd step is shown \(67 of 200 steps, starting at step 0\), stored as uint8/);
      const t = decodeTrace(JSON.parse(JSON.stringify(doc)));
      assert.equal(t.steps, 67);
      assert.equal(t.tokens![1], 't3');
      assert.deepEqual(t.sequenceLengths, [67, 44]);
      const u = t.layers[1]!.gates.z;
      const orig = input.layers[1]!.z;
      for (let k = 0; k < 67; k++) {
        for (let j = 0; j < 32; j++) assert.ok(Math.abs(u.values[k * 32 + j]! - orig[k * 3 * 32 + j]!) <= u.maxError!);
      }
    });

    it('downsamples at an explicit precision instead of changing it', () => {
      const doc = encodeTrace(input, { precision: 'float32', maxBytes: Math.floor(s32 * 0.6) });
      assert.deepEqual([...dtypesOf(doc)], ['float32']);
      assert.equal(doc.downsample!.stride, 2);
      const t = decodeTrace(JSON.parse(JSON.stringify(doc)));
      assert.equal(t.layers[0]!.gates.h.values[5 * 32 + 7], input.layers[0]!.h[10 * 32 + 7]);
    });

    it('refuses with a TraceSizeError that says which window fits, and that window does fit', () => {
      const budget = Math.floor(s8 / 40);
      let err: TraceSizeError | undefined;
      try {
        encodeTrace(input, { maxBytes: budget });
      } catch (e) {
        err = e as TraceSizeError;
      }
      assert.ok(err instanceof TraceSizeError);
      assert.match(err.message, /does not fit the output budget .* even as uint8 keeping every 16th step/);
      assert.match(err.message, new RegExp(`trace a window of at most ${err.maxStepsThatFit} of the 200 steps`));
      assert.match(err.message, /fewer batch items \(now 2\)/);
      assert.match(err.message, /gatescope\.maxOutputMB/);
      assert.ok(err.maxStepsThatFit > 0);
      const fits = encodeTrace(window(input, err.maxStepsThatFit), { precision: 'uint8', maxBytes: budget, maxStride: 1 });
      assert.ok(traceJsonBytes(fits) <= budget);
      assert.throws(() => encodeTrace(window(input, err.maxStepsThatFit + 1), { precision: 'uint8', maxBytes: budget, maxStride: 1 }), TraceSizeError);
    });

    it('says so when not even one step fits', () => {
      assert.throws(() => encodeTrace(input, { maxBytes: 2000 }), (e: unknown) => e instanceof TraceSizeError && e.maxStepsThatFit === 0 && !/window/.test(e.message));
    });
  });
});
