import assert from 'node:assert/strict';
import { decodeTrace } from '../../../../src/core/trace/decode';
import { encodeTrace } from '../../../../src/core/trace/encode';
import { isMasked } from '../../../../src/core/trace/mask';
import { FLOAT16_RELATIVE_ERROR, FLOAT16_SUBNORMAL_ERROR } from '../../../../src/core/encoding/float16';
import { U8_MAX_CODE } from '../../../../src/core/encoding/uint8';
import { CONVENTION, decodedLevel0, GRU_GATE_NAMES as GATE_NAMES, makeInput, storedLevel0 } from './make-trace';

/** Encode, write as JSON text, parse, decode: the path a notebook output takes. */
function viaJson(encoded: { document: unknown; sidecar?: unknown }) {
  assert.equal(encoded.sidecar, undefined, 'expected the whole run inline');
  return decodeTrace(JSON.parse(JSON.stringify(encoded.document)));
}

describe('trace round trip', () => {
  const input = makeInput({ batch: 3, steps: 40, hidden: [16, 8], bidirectional: true, seed: 11 });

  it('float32 is exact', () => {
    const t = viaJson(encodeTrace(input, { precision: 'float32', maxBytes: Infinity }));
    assert.equal(t.batch, 3);
    assert.equal(t.steps, 40);
    assert.equal(t.layers.length, 4);
    input.layers.forEach((l, i) => {
      assert.equal(t.layers[i]!.layer, l.layer);
      assert.equal(t.layers[i]!.direction, l.direction);
      assert.equal(t.layers[i]!.cell, 'gru');
      assert.deepEqual(t.layers[i]!.convention, CONVENTION);
      assert.deepEqual(
        t.layers[i]!.gates.map((g) => [g.name, g.units, g.levels.length]),
        GATE_NAMES.map((g) => [g, l.hiddenSize, 1]),
      );
      for (const g of GATE_NAMES) {
        const got = decodedLevel0(t, i, g);
        assert.equal(got.dtype, 'float32');
        assert.deepEqual(got.values, l.gates[g]);
        assert.equal(got.maxError, 0);
      }
    });
  });

  it('float16 stays within half an ulp (relative 2^-11)', () => {
    const t = viaJson(encodeTrace(input, { precision: 'float16', maxBytes: Infinity }));
    let worst = 0;
    input.layers.forEach((l, i) => {
      for (const g of GATE_NAMES) {
        const got = decodedLevel0(t, i, g);
        assert.equal(got.dtype, 'float16');
        l.gates[g]!.forEach((v, k) => {
          const err = Math.abs(got.values[k]! - v);
          assert.ok(err <= Math.max(FLOAT16_RELATIVE_ERROR * Math.abs(v), FLOAT16_SUBNORMAL_ERROR), `${g}[${k}] ${v} -> ${got.values[k]}`);
          if (v !== 0) worst = Math.max(worst, err / Math.abs(v));
        });
      }
    });
    assert.ok(worst > 0, 'float16 changed nothing: the test data is not exercising rounding');
  });

  it('uint8 stays within half a quantization step, and the step is (max - min) / 252', () => {
    const t = viaJson(encodeTrace(input, { precision: 'uint8', maxBytes: Infinity }));
    input.layers.forEach((l, i) => {
      for (const g of GATE_NAMES) {
        const got = decodedLevel0(t, i, g);
        let min = Infinity;
        let max = -Infinity;
        l.gates[g]!.forEach((v) => ((min = Math.min(min, v)), (max = Math.max(max, v))));
        const step = (max - min) / U8_MAX_CODE;
        const rounding = 2 ** -24 * Math.max(Math.abs(min), Math.abs(max));
        assert.ok(got.maxError! >= step / 2 && got.maxError! <= step / 2 + rounding * (1 + 1e-9), `maxError ${got.maxError} vs step/2 ${step / 2}`);
        l.gates[g]!.forEach((v, k) => assert.ok(Math.abs(got.values[k]! - v) <= got.maxError!, `${g}[${k}]`));
      }
    });
  });

  it('keeps a constant uint8 tensor exact (scale 0)', () => {
    const one = makeInput({ batch: 1, steps: 5, hidden: [4] });
    one.layers[0]!.gates.z!.fill(0.25);
    const doc = encodeTrace(one, { precision: 'uint8', maxBytes: Infinity });
    assert.equal(storedLevel0(doc.document, 0, 'z').mean.scale, 0);
    assert.ok(decodedLevel0(viaJson(doc), 0, 'z').values.every((v) => v === 0.25));
  });

  for (const precision of ['float32', 'float16', 'uint8'] as const) {
    it(`NaN, +Inf and -Inf survive ${precision} and do not widen the uint8 scale`, () => {
      const one = makeInput({ batch: 2, steps: 6, hidden: [5], seed: 2 });
      const h = one.layers[0]!.gates.h!;
      h[0] = NaN;
      h[7] = Infinity;
      h[13] = -Infinity;
      const doc = encodeTrace(one, { precision, maxBytes: Infinity });
      const back = decodedLevel0(viaJson(doc), 0, 'h').values;
      assert.ok(Number.isNaN(back[0]));
      assert.equal(back[7], Infinity);
      assert.equal(back[13], -Infinity);
      for (let k = 0; k < h.length; k++) if (Number.isFinite(h[k]!)) assert.ok(Number.isFinite(back[k]!), `finite cell ${k} became ${back[k]}`);
      if (precision === 'uint8') assert.ok(storedLevel0(doc.document, 0, 'h').mean.scale! <= 2 / U8_MAX_CODE);
    });
  }

  it('stores float16-overflowing tensors as float32 with a warning instead of making them ±Inf', () => {
    const one = makeInput({ batch: 1, steps: 4, hidden: [3] });
    one.layers[0]!.gates.h![2] = 1e6;
    const doc = encodeTrace(one, { precision: 'float16', maxBytes: Infinity });
    assert.equal(storedLevel0(doc.document, 0, 'h').dtype, 'float32');
    assert.equal(storedLevel0(doc.document, 0, 'r').dtype, 'float16');
    assert.match(doc.document.warnings!.join('\n'), /layer 0 forward h: values beyond float16's range/);
    assert.equal(decodedLevel0(viaJson(doc), 0, 'h').values[2], 1e6);
  });

  it('carries tokens, check, warnings, producer and model through', () => {
    const one = makeInput({ batch: 1, steps: 3, hidden: [2] });
    const doc = encodeTrace(
      { ...one, tokens: ['a', 'β', '🙂'], check: { reference: 'torch', maxAbsError: 1e-7 }, warnings: ['w'], producer: 'test', createdAt: '2026-01-01T00:00:00Z' },
      { maxBytes: Infinity },
    );
    const t = viaJson(doc);
    assert.deepEqual(t.tokens, ['a', 'β', '🙂']);
    assert.deepEqual(t.check, { reference: 'torch', maxAbsError: 1e-7 });
    assert.deepEqual(t.warnings, ['w']);
    assert.equal(t.producer, 'test');
    assert.equal(t.createdAt, '2026-01-01T00:00:00Z');
    assert.deepEqual(t.model, one.model);
  });

  describe('masked steps', () => {
    const masked = makeInput({ batch: 3, steps: 7, hidden: [4], seed: 5 });
    masked.sequenceLengths = [7, 3, 0];

    it('marks t >= sequenceLengths[b] through isMasked', () => {
      const t = viaJson(encodeTrace(masked, { maxBytes: Infinity }));
      assert.deepEqual(t.sequenceLengths, [7, 3, 0]);
      assert.equal(isMasked(t, 0, 6), false);
      assert.equal(isMasked(t, 1, 2), false);
      assert.equal(isMasked(t, 1, 3), true);
      assert.equal(isMasked(t, 2, 0), true);
      assert.equal(isMasked({ steps: 7 } as { sequenceLengths?: number[] }, 2, 0), false);
    });

    it('keeps padding in masked steps from forcing float16 back to float32 (and from a false warning)', () => {
      const m = structuredClone(masked);
      // Batch item 1 is masked from step 3: padding beyond float16's range there is not a value.
      m.layers[0]!.gates.h!.fill(1e6, (1 * 7 + 3) * 4, 2 * 7 * 4);
      const doc = encodeTrace(m, { precision: 'float16', maxBytes: Infinity });
      assert.equal(storedLevel0(doc.document, 0, 'h').dtype, 'float16');
      assert.equal(doc.document.warnings, undefined);
      const v = decodedLevel0(viaJson(doc), 0, 'h').values;
      for (let t = 3; t < 7; t++) for (let u = 0; u < 4; u++) assert.equal(v[(1 * 7 + t) * 4 + u], 0);
    });

    it('stores masked cells as 0 and keeps their padding out of the uint8 range', () => {
      const m = structuredClone(masked);
      // Padding garbage in masked steps must not widen the scale.
      m.layers[0]!.gates.n!.fill(1000, (1 * 7 + 3) * 4, 2 * 7 * 4);
      const doc = encodeTrace(m, { precision: 'uint8', maxBytes: Infinity });
      assert.ok(storedLevel0(doc.document, 0, 'n').mean.scale! < 2 / U8_MAX_CODE + 1e-9);
      const f32 = viaJson(encodeTrace(m, { precision: 'float32', maxBytes: Infinity }));
      const v = decodedLevel0(f32, 0, 'n').values;
      for (let t = 3; t < 7; t++) for (let u = 0; u < 4; u++) assert.equal(v[(1 * 7 + t) * 4 + u], 0);
      for (let t = 0; t < 3; t++) for (let u = 0; u < 4; u++) assert.equal(v[(1 * 7 + t) * 4 + u], m.layers[0]!.gates.n![(1 * 7 + t) * 4 + u]);
    });
  });
});
