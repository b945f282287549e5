// A plain input tensor as read from a .npy or .json file, before it becomes a model input.

import { oneLinePrintable } from './printable';

export type InputDtype = 'float32' | 'int64' | 'int32';

export interface InputTensor {
  dtype: InputDtype;
  /** Row-major dims; [] for a scalar. */
  shape: number[];
  /** float32: Float32Array; int64: BigInt64Array; int32: Int32Array. */
  data: Float32Array | BigInt64Array | Int32Array;
}

/** A file that could not be read as a tensor; `message` says what was found and what to do. */
export class InputFormatError extends Error {
  override name = 'InputFormatError';
  constructor(message: string) {
    super(oneLinePrintable(message));
  }
}

export function elementCount(shape: readonly number[]): number {
  let n = 1;
  for (const d of shape) n *= d;
  return n;
}

/** Dims as error messages show them: `[2, 3, 4]`; symbolic dims appear by name. */
export function formatDims(dims: readonly (number | string)[]): string {
  return `[${dims.join(', ')}]`;
}
