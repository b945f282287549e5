// decodeTrace's keepStored: each inline mean keeps the form the document stores (uint8 codes with
// their scale and offset, float16 bits) beside its float32 values, for the WebGL2 drawer to upload as
// stored. The stored form is the base64 data's bytes exactly, and decodes to the same values.
import assert from 'node:assert/strict';
import { decodeBase64 } from '../../../../src/core/encoding/base64';
import { decodeFloat16 } from '../../../../src/core/encoding/float16';
import { decodeTrace } from '../../../../src/core/trace/decode';
import type { TraceDocument } from '../../../../src/core/trace/document';
import { encodeTrace } from '../../../../src/core/trace/encode';
import { sliceStored } from '../../../../src/core/trace/tensor';
import { makeInput } from './make-trace';

function doc(precision: 'uint8' | 'float16' | 'float32', steps: number): TraceDocument {
  const input = makeInput({ batch: 2, steps, hidden: [5], seed: 9 });
  input.layers[0]!.gates['n']![3] = NaN;
  return JSON.parse(JSON.stringify(encodeTrace(input, { precision, maxBytes: Infinity }).document)) as TraceDocument;
}

/** The base64 bytes of a level's mean in the document. */
function bytesOf(d: TraceDocument, gate: number, level: number): Uint8Array {
  return decodeBase64((d.layers[0]!.gates[gate]!.levels[level]!.mean as { data: string }).data);
}

describe('decodeTrace with keepStored (the stored form of each inline mean)', () => {
  it('keeps uint8 codes with scale and offset, and float16 bits, equal to the stored bytes and decoding to the values', () => {
    for (const precision of ['uint8', 'float16'] as const) {
      const d = doc(precision, 300);
      const t = decodeTrace(d, { keepStored: true });
      for (let g = 0; g < 4; g++) {
        const level = t.layers[0]!.gates[g]!.levels[0]!;
        const s = level.stored!;
        assert.equal(s.dtype, precision);
        const raw = bytesOf(d, g, 0);
        if (s.dtype === 'uint8') {
          assert.deepEqual(s.codes, raw);
          const enc = d.layers[0]!.gates[g]!.levels[0]!.mean as { scale: number; offset: number };
          assert.deepEqual([s.scale, s.offset], [enc.scale, enc.offset]);
          for (let i = 0; i < s.codes.length; i++) {
            const q: number = s.codes[i]!;
            if (q <= 252) assert.equal(level.mean![i], Math.fround(s.offset + s.scale * q), `value ${i}`);
            else assert.ok(!Number.isFinite(level.mean![i]!), `code ${q} is NaN or ±Inf`);
          }
        } else {
          assert.deepEqual(new Uint8Array(s.bits.buffer, s.bits.byteOffset, s.bits.byteLength), raw);
          assert.deepEqual(decodeFloat16(new Uint8Array(s.bits.buffer, s.bits.byteOffset, s.bits.byteLength), new Float32Array(s.bits.length)), level.mean);
        }
      }
    }
  });

  it('keeps nothing for float32 (its values are its stored form) or when not asked', () => {
    assert.equal(decodeTrace(doc('float32', 300), { keepStored: true }).layers[0]!.gates[0]!.levels[0]!.stored, undefined);
    assert.equal(decodeTrace(doc('uint8', 300)).layers[0]!.gates[0]!.levels[0]!.stored, undefined);
  });

  it('a deferred level 0 has its stored form once decoded (made once: the same arrays on every read)', () => {
    const d = doc('uint8', 4200);
    const t = decodeTrace(d, { defer: true, keepStored: true });
    const gate = t.layers[0]!.gates[1]!;
    const level0 = gate.levels[0]!;
    assert.ok(level0.deferred && !level0.deferred.done);
    assert.equal(level0.stored, undefined, 'not before every value is decoded');
    const coarse = gate.levels[gate.levels.length - 1]!;
    assert.equal(coarse.stored?.dtype, 'uint8', 'the coarse level is decoded at once, with its codes');
    while (level0.deferred.step(5000));
    const s = level0.stored!;
    assert.equal(s.dtype, 'uint8');
    assert.deepEqual(s.dtype === 'uint8' && s.codes, bytesOf(d, 1, 0));
    assert.equal(level0.stored, s);
  });

  it('sliceStored views one batch item\'s values', () => {
    const t = decodeTrace(doc('float16', 300), { keepStored: true });
    const s = t.layers[0]!.gates[0]!.levels[0]!.stored!;
    const one = sliceStored(s, 300 * 5, 600 * 5);
    assert.ok(one.dtype === 'float16' && s.dtype === 'float16');
    assert.equal(one.bits.length, 1500);
    assert.equal(one.bits.buffer, s.bits.buffer, 'a view, not a copy');
    assert.equal(one.bits[0], s.bits[1500]);
  });
});
