// Checks the caller's input tensors against the model's graph inputs and converts them to what the
// model declares (float, int64, int32). Errors name the input, the expected dims and what was found.

import { parseJsonTensor } from '../core/io/json-tensor';
import { parseNpy } from '../core/io/npy';
import { elementCount, formatDims, type InputTensor } from '../core/io/tensor';
import type { GruNodeInfo } from './graph';
import { OnnxTraceError } from './errors';
import { elemTypeName, onnx, toNumber } from './proto';

export type UserDtype = 'float32' | 'int64' | 'int32';

export interface UserTensor {
  dims: number[];
  dtype: UserDtype;
  data: Float32Array | BigInt64Array | Int32Array;
}

export interface ModelInputInfo {
  name: string;
  /** Fixed sizes as numbers, symbolic ones as their names ("?" when unnamed). */
  dims: (number | string)[];
  /** 'float32' | 'int64' | 'int32' or another ONNX element type name (not feedable). */
  dtype: string;
}

const FEEDABLE: Record<number, UserDtype> = { 1: 'float32', 7: 'int64', 6: 'int32' };

export function describeInputs(inputs: readonly onnx.IValueInfoProto[]): ModelInputInfo[] {
  return inputs.map((vi) => {
    const t = vi.type?.tensorType;
    const dims = (t?.shape?.dim ?? []).map((d) => (d.dimValue !== null && d.dimValue !== undefined && toNumber(d.dimValue) > 0 ? toNumber(d.dimValue) : d.dimParam || '?'));
    return { name: vi.name!, dims, dtype: FEEDABLE[t?.elemType ?? 0] ?? elemTypeName(t?.elemType) };
  });
}

/**
 * A tensor file (.npy, or .json nested arrays; by the name's extension, any case) as a feed, or
 * undefined for any other extension. Unreadable contents throw InputFormatError. `integer`: JSON
 * numbers become int64 token ids.
 */
export function tensorFromFile(name: string, bytes: Uint8Array, integer: boolean): UserTensor | undefined {
  let t: InputTensor;
  if (/\.npy$/i.test(name)) t = parseNpy(bytes);
  else if (/\.json$/i.test(name)) t = parseJsonTensor(new TextDecoder().decode(bytes), integer);
  else return undefined;
  return { dims: t.shape, dtype: t.dtype, data: t.data };
}

/** Exact-integer bounds of each integer feed: int32's range; int64 ids travel through float64 here. */
const INT_RANGE: Record<'int64' | 'int32', { min: number; max: number; what: string }> = {
  int64: { min: -Number.MAX_SAFE_INTEGER, max: Number.MAX_SAFE_INTEGER, what: 'outside the range of exact token ids (|id| <= 2^53 - 1)' },
  int32: { min: -(2 ** 31), max: 2 ** 31 - 1, what: 'outside int32, which the model declares' },
};

function convert(t: UserTensor, want: UserDtype, name: string): UserTensor['data'] {
  if (t.dtype === want) return t.data;
  const n = t.data.length;
  if (want === 'float32') {
    const out = new Float32Array(n);
    for (let i = 0; i < n; i++) out[i] = Number(t.data[i]!);
    return out;
  }
  // Checked one by one: BigInt64Array and Int32Array would wrap an out-of-range value silently.
  const range = INT_RANGE[want];
  const ints = new Array<number>(n);
  for (let i = 0; i < n; i++) {
    const v = Number(t.data[i]!);
    if (Number.isNaN(v) || (Number.isFinite(v) && !Number.isInteger(v))) {
      throw new OnnxTraceError(`input '${name}' holds a non-integer value at flat index ${i} (${t.dtype}), but the model expects ${want} (token ids): pass integers (numpy int64)`);
    }
    if (!(v >= range.min && v <= range.max)) {
      throw new OnnxTraceError(`input '${name}' holds a value at flat index ${i} (${t.dtype}) ${range.what}: pass token ids the model's vocabulary has`);
    }
    ints[i] = v;
  }
  return want === 'int64' ? BigInt64Array.from(ints, (v) => BigInt(v)) : Int32Array.from(ints);
}

/**
 * Validates `given` against the model inputs and returns feeds in the model's dtypes. `gru` lets a
 * GRU whose X is a graph input check the feature width against its W even when dims are symbolic.
 */
export function prepareFeeds(inputs: readonly ModelInputInfo[], given: Record<string, UserTensor>, gru: readonly GruNodeInfo[]): Record<string, UserTensor> {
  const names = inputs.map((i) => i.name);
  for (const key of Object.keys(given)) {
    if (!names.includes(key)) throw new OnnxTraceError(`'${key}' is not an input of the model; its inputs are ${names.map((n) => `'${n}'`).join(', ')}: name one of them`);
  }
  const feeds: Record<string, UserTensor> = {};
  for (const info of inputs) {
    const t = given[info.name];
    const expected = `${info.dtype} ${formatDims(info.dims)}`;
    if (!t) throw new OnnxTraceError(`model input '${info.name}' (${expected}) was not given a value: give one for it`);
    const want = info.dtype as UserDtype;
    if (want !== 'float32' && want !== 'int64' && want !== 'int32') {
      throw new OnnxTraceError(`model input '${info.name}' has element type ${info.dtype}, which Gatescope cannot feed (float32, int64, int32 only)`);
    }
    if (info.dims.length > 0 && t.dims.length !== info.dims.length) {
      throw new OnnxTraceError(`input '${info.name}' has rank ${t.dims.length} (dims ${formatDims(t.dims)}); the model expects rank ${info.dims.length}: ${formatDims(info.dims)}`);
    }
    info.dims.forEach((d, i) => {
      if (typeof d === 'number' && t.dims[i] !== d) {
        throw new OnnxTraceError(`input '${info.name}' has dims ${formatDims(t.dims)}; the model expects ${formatDims(info.dims)} (dim ${i} must be ${d}, found ${t.dims[i]})`);
      }
    });
    const zero = t.dims.indexOf(0);
    if (zero >= 0) throw new OnnxTraceError(`input '${info.name}' has dims ${formatDims(t.dims)}: dim ${zero} is 0, so there is nothing to run; give at least one step and one batch item`);
    const count = elementCount(t.dims);
    if (t.data.length !== count) throw new OnnxTraceError(`input '${info.name}' has ${t.data.length} values for dims ${formatDims(t.dims)} (needs ${count}): fix the file`);
    for (const node of gru) {
      if (node.X.kind !== 'input' || node.X.name !== info.name || node.W.kind !== 'const') continue;
      const width = node.W.tensor.dims[2]!;
      if (t.dims.length !== 3) {
        throw new OnnxTraceError(`input '${info.name}' feeds GRU node '${node.name}' and must have rank 3 [T, B, ${width}]; found dims ${formatDims(t.dims)}`);
      }
      if (t.dims[2] !== width) {
        throw new OnnxTraceError(`input '${info.name}' has ${t.dims[2]} features per step (dims ${formatDims(t.dims)}); GRU node '${node.name}' expects [T, B, ${width}] (input_size ${width})`);
      }
    }
    feeds[info.name] = { dims: t.dims, dtype: want, data: convert(t, want, info.name) };
  }
  return feeds;
}
