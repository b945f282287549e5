// The size rule of trace format v2 (docs/trace-format.md, "Size budget"): the whole run inline at the
// most precise dtype that fits; beyond the budget, the coarse levels inline and every finer level in
// a sidecar; nothing is dropped. Sizes are UTF-8 bytes of the compact JSON text.
import assert from 'node:assert/strict';
import type { TraceDocument } from '../../../../src/core/trace/document';
import { decodeTrace } from '../../../../src/core/trace/decode';
import { encodeTrace, SIDECAR_INLINE_BYTES, traceJsonBytes } from '../../../../src/core/trace/encode';
import { TraceSizeError } from '../../../../src/core/trace/errors';
import { bucketCount } from '../../../../src/core/trace/pyramid';
import { GRU_GATE_NAMES as GATE_NAMES, makeInput, storedLevel0 } from './make-trace';

/** Cells of level 0 over every gate of a document. */
function cells(doc: TraceDocument): number {
  return doc.layers.reduce((s, l) => s + l.gates.reduce((a, g) => a + doc.batch * doc.steps * g.units, 0), 0);
}

function level0Data(doc: TraceDocument): string[] {
  return doc.layers.flatMap((_, e) => GATE_NAMES.map((g) => (storedLevel0(doc, e, g).mean as { data: string }).data));
}

/** Size if the tensor bytes were stored raw: JSON text minus base64 text plus the decoded bytes. */
function rawPayloadBytes(doc: TraceDocument): number {
  let bytes = traceJsonBytes(doc);
  for (const d of level0Data(doc)) bytes += Buffer.from(d, 'base64').length - d.length;
  return bytes;
}

const dtypesOf = (doc: TraceDocument) => new Set(doc.layers.flatMap((l) => l.gates.flatMap((g) => g.levels.map((v) => v.dtype))));

describe('trace size', () => {
  // Realistic: 2 bidirectional layers of 128 units, 512 steps: 1,048,576 cells (r, z, n, h).
  const big = makeInput({ batch: 1, steps: 512, hidden: [128, 128], bidirectional: true, seed: 9 });
  big.tokens = Array.from({ length: 512 }, (_, i) => `tok${i}`);
  const measured: Record<string, { json: number; ipynb: number; raw: number }> = {};

  // Bounds: base64 (4/3 of the tensor bytes) plus under 0.012 bytes per cell of descriptive JSON (512
  // tokens, 16 gate headers of about 120 bytes with their role, range, scale and level; version 1
  // had 5.34 / 2.68 / 1.34 with plainer gate headers).
  for (const [precision, jsonBound, rawBound] of [
    ['float32', 5.345, 4.05],
    ['float16', 2.68, 2.05],
    ['uint8', 1.345, 1.05],
  ] as const) {
    it(`${precision}: bytes per cell of the JSON text <= ${jsonBound} (base64), tensor payload <= ${rawBound}`, () => {
      const { document: doc, sidecar } = encodeTrace(big, { precision, maxBytes: Infinity });
      assert.equal(sidecar, undefined);
      const n = cells(doc);
      assert.equal(n, 1_048_576);
      // Inline runs store level 0 alone (readers derive coarser levels).
      assert.ok(doc.layers.every((l) => l.gates.every((g) => g.levels.length === 1 && g.levels[0]!.bucket === 1)));
      const json = traceJsonBytes(doc) / n;
      // VS Code's ipynb serializer writes outputs with indentation; the data strings stay one line each.
      const ipynb = Buffer.byteLength(JSON.stringify(doc, null, 1)) / n;
      const raw = rawPayloadBytes(doc) / n;
      measured[precision] = { json, ipynb, raw };
      assert.ok(json <= jsonBound, `${precision}: ${json} bytes per cell`);
      assert.ok(raw <= rawBound, `${precision}: ${raw} raw bytes per cell`);
      // base64 stores 3 bytes in 4 characters: the tensor text alone costs 4/3 of the tensor bytes.
      const tensorBytes = level0Data(doc).reduce((a, d) => a + Buffer.from(d, 'base64').length, 0);
      assert.equal(tensorBytes, n * { float32: 4, float16: 2, uint8: 1 }[precision]);
      assert.ok(json * n >= (tensorBytes * 4) / 3);
    });
  }

  after(() => {
    if (Object.keys(measured).length) console.log(`      measured bytes per cell: ${JSON.stringify(measured, (_, v) => (typeof v === 'number' ? +v.toFixed(4) : v))}`);
  });

  describe('auto precision and the budget, whole run inline', () => {
    const input = makeInput({ batch: 2, steps: 200, hidden: [32], bidirectional: true, seed: 4 });
    input.tokens = Array.from({ length: 200 }, (_, i) => `t${i}`);
    input.sequenceLengths = [200, 131];
    const size = (precision: 'float32' | 'float16' | 'uint8') => traceJsonBytes(encodeTrace(input, { precision, maxBytes: Infinity }).document);
    const s32 = size('float32');
    const s16 = size('float16');
    const s8 = size('uint8');

    it('sizes shrink with the dtype: float32 > float16 > uint8', () => {
      assert.ok(s32 > s16 && s16 > s8, `${s32} ${s16} ${s8}`);
    });
    it('chooses float32 when it fits, exactly at the budget too', () => {
      const { document: doc, sidecar } = encodeTrace(input, { precision: 'auto', maxBytes: s32 });
      assert.deepEqual([...dtypesOf(doc)], ['float32']);
      assert.equal(sidecar, undefined);
      assert.equal(traceJsonBytes(doc), s32);
    });
    it('chooses float16 when float32 does not fit', () => {
      const { document: doc } = encodeTrace(input, { precision: 'auto', maxBytes: s32 - 1 });
      assert.deepEqual([...dtypesOf(doc)], ['float16']);
      assert.ok(traceJsonBytes(doc) <= s32 - 1);
    });
    it('chooses uint8 when float16 does not fit', () => {
      const { document: doc } = encodeTrace(input, { precision: 'auto', maxBytes: s16 - 1 });
      assert.deepEqual([...dtypesOf(doc)], ['uint8']);
      assert.ok(traceJsonBytes(doc) <= s16 - 1);
    });
    it('falls back from float16 to float32 per gate (with a warning) under auto too', () => {
      const over = structuredClone(input);
      over.layers[1]!.gates.h![0] = 70000;
      const { document: doc } = encodeTrace(over, { precision: 'auto', maxBytes: s32 - 1 });
      assert.equal(storedLevel0(doc, 1, 'h').dtype, 'float32');
      assert.equal(storedLevel0(doc, 1, 'z').dtype, 'float16');
      assert.equal(storedLevel0(doc, 0, 'h').dtype, 'float16');
      assert.deepEqual(doc.warnings, ["layer 0 reverse h: values beyond float16's range (±65504); stored as float32 instead."]);
      assert.equal(decodeTrace(JSON.parse(JSON.stringify(doc))).layers[1]!.gates[3]!.levels[0]!.mean![0], 70000);
    });

    it('without a sidecar, refuses with a TraceSizeError that says how large the run is and what to change', () => {
      const budget = Math.floor(s8 / 2);
      let err: TraceSizeError | undefined;
      try {
        encodeTrace(input, { maxBytes: budget });
      } catch (e) {
        err = e as TraceSizeError;
      }
      assert.ok(err instanceof TraceSizeError);
      assert.match(err.message, /^The trace does not fit the output budget of \d+\.\d kB: even as uint8 it needs \d+\.\d kB\./);
      assert.match(err.message, /run it where a sidecar file can be written beside the notebook \(save the notebook first; the CLI: --out FILE\)/);
      assert.match(err.message, /fewer batch items \(now 2\)/);
      assert.match(err.message, /gatescope\.maxOutputMB/);
      assert.equal(err.maxBytes, budget);
      // The estimate counts uint8 scale/offset at their longest: at most 24 characters more per number.
      assert.ok(err.smallestBytes >= s8 && err.smallestBytes <= s8 + 2 * 24 * 8, `${err.smallestBytes} vs ${s8}`);
      assert.equal(err.maxStepsThatFit, 0);
    });

    it('keeps an explicit precision: refuses rather than change it when it does not fit', () => {
      assert.throws(() => encodeTrace(input, { precision: 'float32', maxBytes: s32 - 1 }), (e: unknown) => e instanceof TraceSizeError && /even as float32 it needs/.test(e.message));
      assert.deepEqual([...dtypesOf(encodeTrace(input, { precision: 'float16', maxBytes: s16 }).document)], ['float16']);
    });

    it('refuses a budget that is not positive', () => {
      assert.throws(() => encodeTrace(input, { maxBytes: 0 }), /maxBytes must be > 0, got 0/);
    });
  });

  describe('beyond the budget: overview inline, fine levels in a sidecar', () => {
    // 1000 steps of 8 units: tiles of 4096 buckets, inline levels of at most 64 buckets: levels x1, x4, x16.
    const input = makeInput({ batch: 2, steps: 1000, hidden: [8], seed: 12 });
    input.sequenceLengths = [1000, 637];
    const full8 = traceJsonBytes(encodeTrace(input, { precision: 'uint8', maxBytes: Infinity }).document);

    it('moves levels below the first that fits to the sidecar; nothing is dropped', () => {
      const budget = full8 - 1;
      const { document: doc, sidecar } = encodeTrace(input, { maxBytes: budget, sidecar: { stem: 'run' } });
      assert.ok(sidecar, 'expected a sidecar plan');
      assert.ok(traceJsonBytes(doc) <= budget, `${traceJsonBytes(doc)} > ${budget}`);
      assert.deepEqual(doc.pyramid, { fanout: 4, tileSteps: 4096 });
      for (const l of doc.layers) {
        for (const g of l.gates) {
          assert.deepEqual(
            g.levels.map((v) => v.bucket),
            [1, 4, 16],
          );
          // Level 0 (1000 steps) needs about as much as the whole uint8 run: it goes to the sidecar;
          // level 1 (250 buckets × mean/min/max) is three quarters of it and fits.
          assert.ok('sidecar' in g.levels[0]!.mean && !g.levels[0]!.min);
          for (const k of [1, 2]) {
            const v = g.levels[k]!;
            assert.equal(v.dtype, 'uint8');
            for (const s of [v.mean, v.min!, v.max!]) assert.ok('data' in s && typeof s.scale === 'number' && typeof s.offset === 'number');
          }
        }
      }
      // The sidecar holds level 0 of every gate, as float32 ('auto' for a small file), the run's values exactly.
      assert.deepEqual(
        sidecar.layout.tensors.map((t) => [t.name, t.dtype, t.dims]),
        GATE_NAMES.map((g) => [`L0.forward.${g}.x1.mean`, 'float32', [2, 1000, 8]]),
      );
      GATE_NAMES.forEach((g, i) => {
        const want = input.layers[0]!.gates[g]!.slice();
        want.fill(0, (1 * 1000 + 637) * 8); // masked cells stored as 0
        assert.deepEqual(sidecar.values[i], want);
      });
      assert.equal(doc.sidecar!.bytes, sidecar.layout.totalBytes);
      assert.equal(sidecar.layout.totalBytes, 8 + sidecar.layout.headerLength + 4 * 2 * 1000 * 8 * 4);
    });

    it('keeps only coarser levels inline when the budget is smaller', () => {
      const level1 = encodeTrace(input, { maxBytes: full8 - 1, sidecar: { stem: 'run' } });
      const smaller = traceJsonBytes(level1.document) - 1;
      const { document: doc, sidecar } = encodeTrace(input, { maxBytes: smaller, sidecar: { stem: 'run' } });
      assert.ok(traceJsonBytes(doc) <= smaller);
      const g = doc.layers[0]!.gates[0]!;
      assert.ok('sidecar' in g.levels[0]!.mean && 'sidecar' in g.levels[1]!.mean && 'data' in g.levels[2]!.mean);
      // Sidecar order: layers, gates, levels, then mean/min/max.
      assert.deepEqual(
        sidecar!.layout.tensors.slice(0, 4).map((t) => [t.name, t.dims]),
        [
          ['L0.forward.r.x1.mean', [2, 1000, 8]],
          ['L0.forward.r.x4.mean', [2, 250, 8]],
          ['L0.forward.r.x4.min', [2, 250, 8]],
          ['L0.forward.r.x4.max', [2, 250, 8]],
        ],
      );
    });

    it('caps the document at sidecar.inlineBytes (2 MiB by default) even under a larger budget', () => {
      assert.equal(SIDECAR_INLINE_BYTES, 2 * 1024 * 1024);
      const cap = traceJsonBytes(encodeTrace(input, { maxBytes: full8 - 1, sidecar: { stem: 'run' } }).document);
      const { document: doc, sidecar } = encodeTrace(input, { precision: 'float32', maxBytes: full8 * 10, sidecar: { stem: 'run', inlineBytes: cap - 1 } });
      // float32 fits maxBytes: no sidecar at all.
      assert.equal(sidecar, undefined);
      assert.equal(doc.sidecar, undefined);
      const split = encodeTrace(input, { precision: 'float32', maxBytes: full8 - 1, sidecar: { stem: 'run', inlineBytes: cap - 1 } });
      assert.ok(traceJsonBytes(split.document) <= cap - 1);
      assert.ok('sidecar' in split.document.layers[0]!.gates[0]!.levels[1]!.mean);
    });

    it('uses the sidecar precision given, float16 falling back to float32 per gate with a warning', () => {
      const over = structuredClone(input);
      over.layers[0]!.gates.n![5] = -1e5;
      const { document: doc, sidecar } = encodeTrace(over, { maxBytes: full8 - 1, sidecar: { stem: 'run', precision: 'float16' } });
      assert.deepEqual(
        sidecar!.layout.tensors.map((t) => t.dtype),
        ['float16', 'float16', 'float32', 'float16'],
      );
      assert.equal(doc.layers[0]!.gates[2]!.levels[0]!.dtype, 'float32');
      assert.deepEqual(doc.warnings, ["layer 0 forward n: values beyond float16's range (±65504); stored as float32 instead."]);
      const u8 = encodeTrace(input, { maxBytes: full8 - 1, sidecar: { stem: 'run', precision: 'uint8' } });
      assert.ok(u8.sidecar!.layout.tensors.every((t) => t.dtype === 'uint8' && t.scale! > 0 && t.offset !== undefined));
    });

    it('refuses when not even the coarsest level fits the overview budget', () => {
      const top = 2 * bucketCount(1000, 16) * 8 * 3 * 4; // uint8 bytes of mean/min/max, level x16, every gate
      assert.throws(
        () => encodeTrace(input, { maxBytes: top, sidecar: { stem: 'run' } }),
        (e: unknown) =>
          e instanceof TraceSizeError &&
          /^The run's overview does not fit the output \(\d+\.\d kB, budget \d+\.\d kB\): 1 layer entries of up to 8 units\. Trace fewer layers or fewer batch items, or raise gatescope\.maxOutputMB\.$/.test(e.message),
      );
    });
  });
});
