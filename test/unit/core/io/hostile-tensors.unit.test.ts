// Tensor files that used to give a wrong answer with exit 0 or an internal error (issue 15): ids
// that wrap, finite values that overflow, duplicate .npy header keys, deep JSON nesting, and
// messages that echoed file content.
import * as assert from 'node:assert/strict';
import { parseJsonTensor } from '../../../../src/core/io/json-tensor';
import { parseNpy } from '../../../../src/core/io/npy';
import { InputFormatError } from '../../../../src/core/io/tensor';
import { labelsFor } from '../../../../src/core/spec/tokenize';

/** A .npy (format 1.0) with the given header dict text and raw data bytes. */
export function npyBytes(dict: string, data: Uint8Array): Uint8Array {
  let header = dict;
  while ((10 + header.length + 1) % 64 !== 0) header += ' ';
  header += '\n';
  const out = new Uint8Array(10 + header.length + data.length);
  out.set([0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59, 1, 0], 0);
  new DataView(out.buffer).setUint16(8, header.length, true);
  out.set(Uint8Array.from(header, (c) => c.charCodeAt(0)), 10);
  out.set(data, 10 + header.length);
  return out;
}

const f64 = (...v: number[]) => new Uint8Array(Float64Array.from(v).buffer);
const rejects = (fn: () => unknown, re: RegExp) => assert.throws(fn, (e: unknown) => e instanceof InputFormatError && re.test(e.message) && !e.message.includes('\n'));

describe('hostile tensor files', () => {
  it('JSON token ids beyond 2^53 (1e300, 2^64) are refused, not wrapped to 0', () => {
    rejects(() => parseJsonTensor('[[1, 1e300]]', true), /\$\[0\]\[1\] is outside the range of exact token ids/);
    rejects(() => parseJsonTensor('[[18446744073709551616]]', true), /\$\[0\]\[0\] is outside the range of exact token ids/);
    rejects(() => parseJsonTensor('[[-9007199254740993]]', true), /outside the range of exact token ids/);
    assert.deepEqual(Array.from(parseJsonTensor('[[9007199254740991, -3]]', true).data as BigInt64Array), [9007199254740991n, -3n]);
  });

  it('JSON token ids must be integers; "NaN" is not one', () => {
    rejects(() => parseJsonTensor('[[3, 1.5]]', true), /\$\[0\]\[1\] is not an integer token id/);
    rejects(() => parseJsonTensor('[["NaN"]]', true), /\$\[0\]\[0\] is a string, not a token id/);
  });

  it('finite JSON literals beyond float32 (1e39) or float64 (1e400) are refused, not turned into Infinity', () => {
    rejects(() => parseJsonTensor('[[1e39]]'), /\$\[0\]\[0\] is beyond the float32 range/);
    rejects(() => parseJsonTensor('[[-1e400]]'), /\$\[0\]\[0\] is beyond the float32 range/);
    assert.equal((parseJsonTensor('[[3.4028234663852886e38]]').data as Float32Array)[0], 3.4028234663852886e38);
    assert.equal((parseJsonTensor('[["Infinity"]]').data as Float32Array)[0], Number.POSITIVE_INFINITY);
  });

  it('float64 .npy values beyond float32 are refused; NaN and Inf stay', () => {
    const shape = "{'descr': '<f8', 'fortran_order': False, 'shape': (3,), }";
    rejects(() => parseNpy(npyBytes(shape, f64(1, 1e300, 2))), /flat index 1 is beyond the float32 range/);
    const ok = parseNpy(npyBytes(shape, f64(Number.NaN, Number.NEGATIVE_INFINITY, -2.5))).data as Float32Array;
    assert.ok(Number.isNaN(ok[0]!));
    assert.deepEqual([ok[1], ok[2]], [Number.NEGATIVE_INFINITY, -2.5]);
  });

  it('.npy headers with a duplicate key are refused (numpy reads the last, 0.1.0 read the first)', () => {
    rejects(() => parseNpy(npyBytes("{'descr': '<f8', 'fortran_order': False, 'shape': (1,), 'shape': (2,), }", f64(1, 2))), /key 'shape' twice/);
    rejects(() => parseNpy(npyBytes("{'descr': '<f4', 'descr': '<f8', 'fortran_order': False, 'shape': (1,), }", f64(1))), /key 'descr' twice/);
  });

  it('.npy headers with missing or unknown keys are refused without quoting the header', () => {
    rejects(() => parseNpy(npyBytes("{'descr': '<f8', 'shape': (1,), }", f64(1))), /no 'fortran_order'/);
    const secret = 'SECRET\u0000CONTENT';
    assert.throws(() => parseNpy(npyBytes(`{'descr': '<f8', 'fortran_order': False, 'shape': (1,), '${secret}': 1}`, f64(1))), (e: Error) => !e.message.includes('SECRET') && /unknown key/.test(e.message));
    assert.throws(() => parseNpy(npyBytes(`${secret} {'descr': '<f8'}`, f64(1))), (e: Error) => e instanceof InputFormatError && !e.message.includes('SECRET') && !e.message.includes('\u0000'));
  });

  it('reads the header forms numpy writes (v1 spacing, trailing comma, 0-d and 1-tuple shapes, L suffix)', () => {
    assert.deepEqual(parseNpy(npyBytes("{'descr': '<f8', 'fortran_order': False, 'shape': (), }", f64(7))).shape, []);
    assert.deepEqual(parseNpy(npyBytes('{"descr": "<f8", "fortran_order": False, "shape": (1L, 2L)}', f64(7, 8))).shape, [1, 2]);
  });

  it('.npy format versions other than 1.0, 2.0 and 3.0 are refused, as numpy does (minor version too)', () => {
    const good = npyBytes("{'descr': '<f8', 'fortran_order': False, 'shape': (1,), }", f64(1));
    const v1x = Uint8Array.from(good);
    v1x[7] = 0x20;
    rejects(() => parseNpy(v1x), /\.npy format version 1\.32 is not supported/);
  });

  it('JSON nested 5,000 deep gets one clear line, not a stack overflow', () => {
    rejects(() => parseJsonTensor('['.repeat(5000) + '1' + ']'.repeat(5000)), /nested deeper than 32 levels/);
  });

  it('JSON error messages give positions and types, never the content', () => {
    rejects(() => parseJsonTensor('[[1, "SECRET"]]'), /^\$\[0\]\[1\] is a string, not a number/);
    rejects(() => parseJsonTensor('[[1, {"k": "SECRET"}]]'), /^\$\[0\]\[1\] is an object, not a number/);
    assert.throws(() => parseJsonTensor('[[1, SECRET]]'), (e: Error) => /not valid JSON \(unexpected character at line 1, column 6\)/.test(e.message) && !e.message.includes('SECRET'));
  });

  it('negative token ids are labelled as onnxruntime Gather reads them (row V + id)', () => {
    const vocab = ['<pad>', 'a', 'b', 'c'];
    assert.deepEqual(labelsFor([1, -1, -4, -5, 4], vocab), ['a', 'c', '<pad>', '#-5', '#4']);
  });
});
