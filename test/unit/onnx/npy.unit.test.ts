import * as assert from 'node:assert/strict';
import { parseJsonTensor } from '../../../src/core/io/json-tensor';
import { parseNpy } from '../../../src/core/io/npy';
import { InputFormatError } from '../../../src/core/io/tensor';
import { fixtureBytes } from './fixtures';

describe('parseNpy (files written by numpy.save)', () => {
  it('reads float32 with its shape', () => {
    const t = parseNpy(fixtureBytes('gru1.input.npy'));
    assert.equal(t.dtype, 'float32');
    assert.deepEqual(t.shape, [7, 1, 5]);
    assert.equal(t.data.length, 35);
    assert.ok(t.data instanceof Float32Array);
  });

  it('converts float64 to float32 value for value', () => {
    const f32 = parseNpy(fixtureBytes('gru1.input.npy'));
    const f64 = parseNpy(fixtureBytes('io_float64.npy'));
    assert.equal(f64.dtype, 'float32');
    assert.deepEqual(f64.shape, f32.shape);
    assert.deepEqual(Array.from(f64.data as Float32Array), Array.from(f32.data as Float32Array));
  });

  it('reads int64 token ids and int32', () => {
    const tokens = parseNpy(fixtureBytes('tagger.input.npy'));
    assert.equal(tokens.dtype, 'int64');
    assert.deepEqual(tokens.shape, [1, 7]);
    assert.deepEqual(Array.from(tokens.data as BigInt64Array, Number), [1, 2, 3, 4, 1, 5, 10]);
    const i32 = parseNpy(fixtureBytes('io_int32.npy'));
    assert.equal(i32.dtype, 'int32');
    assert.deepEqual(i32.shape, [3, 4]);
    assert.deepEqual(Array.from(i32.data as Int32Array), Array.from({ length: 12 }, (_, i) => i - 6));
  });

  it('reads format version 2.0', () => {
    const v2 = parseNpy(fixtureBytes('io_v2.npy'));
    assert.deepEqual(Array.from(v2.data as Float32Array), Array.from(parseNpy(fixtureBytes('gru1.input.npy')).data as Float32Array));
  });

  it('rejects Fortran order, bad magic, truncation and trailing bytes with what to do', () => {
    assert.throws(() => parseNpy(fixtureBytes('io_fortran.npy')), (e: Error) => e instanceof InputFormatError && /Fortran order; save numpy.ascontiguousarray/.test(e.message));
    assert.throws(() => parseNpy(new TextEncoder().encode('hello world')), /not a \.npy file \(missing the \\x93NUMPY magic\); save it with numpy\.save/);
    const good = fixtureBytes('gru1.input.npy');
    assert.throws(() => parseNpy(good.subarray(0, 60)), /\.npy file is truncated: header says 118 bytes, file has 50/);
    assert.throws(() => parseNpy(good.subarray(0, good.length - 4)), /shape \(7, 1, 5\) needs 140 data bytes, found 136/);
    const longer = new Uint8Array(good.length + 3);
    longer.set(good);
    assert.throws(() => parseNpy(longer), /3 bytes after its data/);
    assert.throws(() => parseNpy(new Uint8Array(0)), /not a \.npy file/);
  });

  it('rejects unsupported dtypes by name', () => {
    const good = fixtureBytes('gru1.input.npy');
    const text = new TextDecoder('latin1').decode(good.subarray(0, 128)).replace("'<f4'", "'<c8'");
    const bad = new Uint8Array(good);
    bad.set(Uint8Array.from(text, (c) => c.charCodeAt(0)));
    assert.throws(() => parseNpy(bad), /\.npy dtype '<c8' is not supported/);
  });
});

describe('parseJsonTensor (nested arrays)', () => {
  it('reads shape and values, with NaN/Infinity spelled as strings', () => {
    const t = parseJsonTensor('[[[0.5, "NaN"], [1, "-Infinity"]]]');
    assert.deepEqual(t.shape, [1, 2, 2]);
    const d = t.data as Float32Array;
    assert.equal(d[0], 0.5);
    assert.ok(Number.isNaN(d[1]!));
    assert.equal(d[3], Number.NEGATIVE_INFINITY);
  });

  it('reads integer token ids as int64 and refuses fractions there', () => {
    const t = parseJsonTensor('[[3, 1, 4]]', true);
    assert.equal(t.dtype, 'int64');
    assert.deepEqual(Array.from(t.data as BigInt64Array, Number), [3, 1, 4]);
    assert.throws(() => parseJsonTensor('[[3, 1.5]]', true), /\$\[0\]\[1\] is not an integer token id/);
  });

  it('names ragged arrays, non-numbers and invalid JSON', () => {
    assert.throws(() => parseJsonTensor('[[1, 2], [3]]'), /ragged array: \$\[1\] has 1 entries, expected 2/);
    assert.throws(() => parseJsonTensor('[[1, "x"]]'), /\$\[0\]\[1\] is a string, not a number/);
    assert.throws(() => parseJsonTensor('[[1, 2'), /not valid JSON/);
    assert.throws(() => parseJsonTensor('{"a": 1}'), /the JSON is not an array/);
  });
});
