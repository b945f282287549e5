// Reads a tensor written as nested JSON arrays, e.g. [[0.1, 0.2], [0.3, 0.4]] (shape [2, 2]).
// Numbers become float32 unless `integer` asks for int64 (token ids). JSON has no NaN or Infinity,
// so the strings "NaN", "Infinity" and "-Infinity" stand for them.

import { InputFormatError, type InputTensor } from './tensor';

const SPECIAL: Record<string, number> = { NaN: Number.NaN, Infinity: Number.POSITIVE_INFINITY, '-Infinity': Number.NEGATIVE_INFINITY };

function fail(what: string): never {
  throw new InputFormatError(`${what}; write the tensor as nested arrays of numbers, e.g. [[0.1, 0.2], [0.3, 0.4]]`);
}

function shapeOf(value: unknown, path: string): number[] {
  if (!Array.isArray(value)) return [];
  if (value.length === 0) fail(`empty array at ${path}`);
  const inner = shapeOf(value[0], `${path}[0]`);
  return [value.length, ...inner];
}

/** Parses JSON text into a tensor. integer: produce int64 (every value must be an integer). */
export function parseJsonTensor(text: string, integer = false): InputTensor {
  let root: unknown;
  try {
    root = JSON.parse(text);
  } catch (e) {
    fail(`not valid JSON (${(e as Error).message})`);
  }
  if (!Array.isArray(root)) fail('the JSON is not an array');
  const shape = shapeOf(root, '$');
  const flat: number[] = [];
  const walk = (value: unknown, depth: number, path: string): void => {
    if (depth === shape.length) {
      const v = typeof value === 'string' && value in SPECIAL ? SPECIAL[value] : value;
      if (typeof v !== 'number') fail(`${path} is ${JSON.stringify(value)}, not a number`);
      flat.push(v);
      return;
    }
    if (!Array.isArray(value) || value.length !== shape[depth]) {
      fail(`ragged array: ${path} has ${Array.isArray(value) ? value.length : 'no'} entries, expected ${shape[depth]}`);
    }
    value.forEach((v, i) => walk(v, depth + 1, `${path}[${i}]`));
  };
  walk(root, 0, '$');
  if (integer) {
    const data = new BigInt64Array(flat.length);
    flat.forEach((v, i) => {
      if (!Number.isInteger(v)) fail(`value ${v} at flat index ${i} is not an integer token id`);
      data[i] = BigInt(v);
    });
    return { dtype: 'int64', shape, data };
  }
  return { dtype: 'float32', shape, data: Float32Array.from(flat) };
}
