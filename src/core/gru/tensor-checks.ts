// Shape and value checks at the engine's edges. Every failure is a RangeError that names the
// tensor, its shape and the expected shape, thrown before any work starts.

import { formatDims } from '../io/tensor';

/** A dense float32 tensor as loaders receive it: row-major data with its dims. */
export interface Float32Tensor {
  dims: number[];
  data: Float32Array;
}

/** Largest hidden or input size accepted; far above any real GRU, low enough that products stay exact integers. */
export const MAX_GRU_SIZE = 1 << 16;

/** Largest total of float32 values the engine will allocate for one run's outputs (2^29 values = 2 GiB). */
export const MAX_OUTPUT_VALUES = 2 ** 29;

export function checkSize(what: string, value: number): void {
  if (!Number.isInteger(value) || value < 1 || value > MAX_GRU_SIZE) {
    throw new RangeError(`${what} is ${value}; expected an integer from 1 to ${MAX_GRU_SIZE}`);
  }
}

/** Checks a tensor's dims (and that its data has exactly that many values). */
export function checkTensor(name: string, t: Float32Tensor | undefined, expected: readonly number[], meaning: string): Float32Array {
  if (!t || !Array.isArray(t.dims) || !(t.data instanceof Float32Array)) {
    throw new RangeError(`${name} is missing or not a float32 tensor; expected shape ${formatDims(expected)} (${meaning})`);
  }
  const same = t.dims.length === expected.length && t.dims.every((d, i) => d === expected[i]);
  if (!same) {
    throw new RangeError(`${name} has shape ${formatDims(t.dims)}; expected ${formatDims(expected)} (${meaning})`);
  }
  const count = expected.reduce((a, b) => a * b, 1);
  if (t.data.length !== count) {
    throw new RangeError(`${name} has shape ${formatDims(t.dims)} but ${t.data.length} values; expected ${count} values for ${formatDims(expected)}`);
  }
  checkFinite(name, t.data, expected);
  return t.data;
}

/** Checks an array's length against a shape and that every value is finite. */
export function checkArray(name: string, data: Float32Array, expected: readonly number[], meaning: string): void {
  const count = expected.reduce((a, b) => a * b, 1);
  if (!(data instanceof Float32Array) || data.length !== count) {
    const got = data instanceof Float32Array ? `${data.length} values` : 'not a Float32Array';
    throw new RangeError(`${name} has ${got}; expected ${count} float32 values, shape ${formatDims(expected)} (${meaning})`);
  }
  checkFinite(name, data, expected);
}

export function checkFinite(name: string, data: Float32Array, dims: readonly number[]): void {
  for (let i = 0; i < data.length; i++) {
    if (!Number.isFinite(data[i])) {
      throw new RangeError(`${name} (shape ${formatDims(dims)}) has a non-finite value ${data[i]} at flat index ${i}; weights must be finite`);
    }
  }
}
