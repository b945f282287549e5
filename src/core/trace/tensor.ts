// One gate tensor [B, T, H] <-> its JSON form { dims, dtype, data (base64, little-endian), scale, offset }.

import { decodeBase64, encodeBase64, Base64Error, base64DecodedLength } from '../encoding/base64';
import { decodeFloat16, encodeFloat16, FLOAT16_RELATIVE_ERROR } from '../encoding/float16';
import { dequantizeUint8, finiteRange, quantizeUint8 } from '../encoding/uint8';
import type { EncodedTensor, TensorDtype } from './document';
import type { StoredValues } from './decoded';

/** A decoded version-1 tensor: values as float32 (NaN/±Inf preserved), dims [B, T, H], and the bound of |decoded − original|. */
export interface DecodedTensor {
  dims: [number, number, number];
  dtype: TensorDtype;
  values: Float32Array;
  maxError?: number;
  /** The values as stored (uint8 and float16 only), when asked for. */
  stored?: StoredValues;
}
import { TraceFormatError } from './errors';

export type Dims = [number, number, number];

export const BYTES_PER_VALUE: Record<TensorDtype, number> = { float32: 4, float16: 2, uint8: 1 };

const LITTLE_ENDIAN = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;

/** Encodes values already laid out as [B, T, H] (masked cells zeroed) with the given dtype. */
export function encodeTensor(values: Float32Array, dims: Dims, dtype: TensorDtype, lengths?: ArrayLike<number>): EncodedTensor {
  const d: Dims = [dims[0], dims[1], dims[2]];
  if (dtype === 'float32') {
    let bytes = new Uint8Array(values.buffer, values.byteOffset, values.byteLength);
    if (!LITTLE_ENDIAN) bytes = swapBytes(bytes, 4);
    return { dims: d, dtype, data: encodeBase64(bytes) };
  }
  if (dtype === 'float16') return { dims: d, dtype, data: encodeBase64(encodeFloat16(values)) };
  const [min, max] = finiteRange(values, dims, lengths);
  const q = quantizeUint8(values, min, max);
  return { dims: d, dtype, data: encodeBase64(q.bytes), scale: q.scale, offset: q.offset };
}

/**
 * Decodes one tensor, validating its fields. `path` prefixes error messages, e.g. "layers[0].gates.r".
 * `expect` (when given) is the [B, T, H] all tensors of the document must have.
 */
export function decodeTensor(json: unknown, path: string, expect?: Dims, keepStored = false): DecodedTensor {
  const t = checkTensor(json, path, expect);
  let bytes: Uint8Array;
  try {
    bytes = decodeBase64(t.data);
  } catch (e) {
    if (e instanceof Base64Error) throw new TraceFormatError(`${path}.data`, e.message);
    throw e;
  }
  const out: DecodedTensor = { dims: t.dims, dtype: t.dtype, values: valuesOfBytes(bytes, t), maxError: tensorMaxError(t) };
  const stored = keepStored ? storedOfBytes(bytes, t) : undefined;
  if (stored) out.stored = stored;
  return out;
}

/** Values [start, end) of a stored form (views, not copies). */
export function sliceStored(s: StoredValues, start: number, end: number): StoredValues {
  return s.dtype === 'uint8' ? { ...s, codes: s.codes.subarray(start, end) } : { dtype: 'float16', bits: s.bits.subarray(start, end) };
}

/**
 * The stored form of little-endian bytes at a tensor's dtype: uint8 codes with their scale and
 * offset, or float16 bits (viewed when aligned on a little-endian machine); undefined for float32,
 * whose stored form is its values.
 */
export function storedOfBytes(bytes: Uint8Array, q: { dtype: TensorDtype; scale: number; offset: number }): StoredValues | undefined {
  if (q.dtype === 'uint8') return { dtype: 'uint8', codes: bytes, scale: q.scale, offset: q.offset };
  if (q.dtype === 'float32') return undefined;
  if (!LITTLE_ENDIAN) bytes = swapBytes(bytes, 2);
  const n = bytes.length / 2;
  return { dtype: 'float16', bits: bytes.byteOffset % 2 === 0 ? new Uint16Array(bytes.buffer, bytes.byteOffset, n) : new Uint16Array(bytes.slice().buffer) };
}

/** A tensor's fields, checked, with its base64 text not yet decoded (its length is checked). */
export interface CheckedTensor {
  dims: Dims;
  dtype: TensorDtype;
  data: string;
  /** uint8 only (0 otherwise): value = offset + scale * q. */
  scale: number;
  offset: number;
}

/** Checks every field of a tensor but the base64 characters (decodeBase64 checks those as it decodes). */
export function checkTensor(json: unknown, path: string, expect?: Dims): CheckedTensor {
  if (!isObject(json)) throw new TraceFormatError(path, `expected a tensor object {dims, dtype, data}, found ${describe(json)}`);
  const dims = json['dims'];
  if (!Array.isArray(dims) || dims.length !== 3) {
    throw new TraceFormatError(`${path}.dims`, `expected [batch, steps, hiddenSize] (3 integers), found ${describe(dims)}`);
  }
  for (let i = 0; i < 3; i++) {
    const v = dims[i];
    if (typeof v !== 'number' || !Number.isInteger(v) || v < 1) {
      throw new TraceFormatError(`${path}.dims[${i}]`, `expected a positive integer, found ${describe(v)}`);
    }
  }
  const d = dims as Dims;
  if (expect && (d[0] !== expect[0] || d[1] !== expect[1] || d[2] !== expect[2])) {
    throw new TraceFormatError(`${path}.dims`, `expected ${fmtDims(expect)} (batch and steps shared by every tensor, last dim = hiddenSize), found ${fmtDims(d)}`);
  }
  const dtype = json['dtype'];
  if (dtype !== 'float32' && dtype !== 'float16' && dtype !== 'uint8') {
    throw new TraceFormatError(`${path}.dtype`, `expected "float32", "float16" or "uint8", found ${describe(dtype)}`);
  }
  let scale = 0;
  let offset = 0;
  if (dtype === 'uint8') {
    scale = finiteField(json, 'scale', path);
    offset = finiteField(json, 'offset', path);
    if (scale < 0) throw new TraceFormatError(`${path}.scale`, `expected a finite number >= 0, found ${scale}`);
  } else {
    for (const k of ['scale', 'offset']) {
      if (k in json) throw new TraceFormatError(`${path}.${k}`, `only uint8 tensors have ${k}; this tensor is ${dtype}`);
    }
  }
  const data = json['data'];
  if (typeof data !== 'string') throw new TraceFormatError(`${path}.data`, `expected a base64 string, found ${describe(data)}`);
  const count = d[0] * d[1] * d[2];
  const want = count * BYTES_PER_VALUE[dtype];
  const have = base64DecodedLength(data);
  if (have !== want) {
    const found = have < 0 ? `${data.length} base64 characters (not a multiple of 4)` : `${have}`;
    throw new TraceFormatError(`${path}.data`, `expected ${want} bytes for dims ${fmtDims(d)} ${dtype}, found ${found}`);
  }
  return { dims: d, dtype, data, scale, offset };
}

/**
 * Values of little-endian bytes at a tensor's dtype, written into `out` when given (its length is
 * the value count). float32 bytes at an aligned offset on a little-endian machine are viewed, not copied.
 */
export function valuesOfBytes(bytes: Uint8Array, q: { dtype: TensorDtype; scale: number; offset: number }, out?: Float32Array): Float32Array {
  const n = bytes.length / BYTES_PER_VALUE[q.dtype];
  if (q.dtype === 'float16') return decodeFloat16(bytes, out ?? new Float32Array(n));
  if (q.dtype === 'uint8') return dequantizeUint8(bytes, q.scale, q.offset, out ?? new Float32Array(n));
  if (!LITTLE_ENDIAN) bytes = swapBytes(bytes, 4);
  const view = bytes.byteOffset % 4 === 0 ? new Float32Array(bytes.buffer, bytes.byteOffset, n) : new Float32Array(bytes.slice().buffer);
  if (!out) return view;
  out.set(view);
  return out;
}

/** Bound of |decoded − original| for a tensor's dtype (see DecodedLevel.maxError). */
export function tensorMaxError(q: { dtype: TensorDtype; scale: number; offset: number }): number {
  return q.dtype === 'float16' ? FLOAT16_RELATIVE_ERROR : q.dtype === 'uint8' ? uint8MaxError(q.scale, q.offset) : 0;
}

/** Half a quantization step, plus half a float32 ulp at the largest magnitude from rounding the decoded value to float32. */
export function uint8MaxError(scale: number, offset: number): number {
  return scale / 2 + 2 ** -24 * Math.max(Math.abs(offset), Math.abs(offset + 252 * scale));
}

function finiteField(obj: Record<string, unknown>, key: string, path: string): number {
  const v = obj[key];
  if (typeof v !== 'number' || !Number.isFinite(v)) {
    throw new TraceFormatError(`${path}.${key}`, `uint8 tensors need a finite number ${key} (value = offset + scale * q), found ${describe(v)}`);
  }
  return v;
}

function swapBytes(bytes: Uint8Array, width: number): Uint8Array {
  const out = new Uint8Array(bytes.length);
  for (let i = 0; i < bytes.length; i += width) for (let j = 0; j < width; j++) out[i + j] = bytes[i + width - 1 - j]!;
  return out;
}

export function fmtDims(d: readonly number[]): string {
  return `[${d.join(',')}]`;
}

export function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/**
 * Short description of a JSON value for error messages: its type and length, never a string's
 * content (a trace document comes from anywhere, and messages end up in logs and saved outputs).
 */
export function describe(v: unknown): string {
  if (v === undefined) return 'nothing (missing)';
  if (v === null) return 'null';
  if (Array.isArray(v)) return `an array of length ${v.length}`;
  if (typeof v === 'string') return v.length === 0 ? 'an empty string' : `a string of ${v.length} character${v.length === 1 ? '' : 's'}`;
  if (typeof v === 'object') return 'an object';
  return `${typeof v} ${String(v)}`;
}
