// Reads a tensor written as nested JSON arrays, e.g. [[0.1, 0.2], [0.3, 0.4]] (shape [2, 2]).
// Numbers become float32 unless `integer` asks for int64 (token ids). JSON has no NaN or Infinity,
// so the strings "NaN", "Infinity" and "-Infinity" stand for them.
// The scanner is iterative (a file nested thousands deep cannot exhaust the stack) and refuses what
// would otherwise change a value silently: literals beyond float32 (1e39, 1e400) and token ids that
// a 64-bit integer cannot hold exactly. Messages give positions ($[0][3]) and types, never content.

import { InputFormatError, type InputTensor } from './tensor';

/** Deepest nesting accepted: numpy's own limit on dims is 64; no recurrent model input comes near 32. */
export const MAX_JSON_RANK = 32;

const SPECIAL: Record<string, number> = { NaN: Number.NaN, Infinity: Number.POSITIVE_INFINITY, '-Infinity': Number.NEGATIVE_INFINITY };

const NUMBER = /-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?/y;
const STRING = /"(?:[^"\\\u0000-\u001f]|\\(?:["\\/bfnrt]|u[0-9a-fA-F]{4}))*"/y;
const LITERAL = /true|false|null/y;

function fail(what: string): never {
  throw new InputFormatError(`${what}; write the tensor as nested arrays of numbers, e.g. [[0.1, 0.2], [0.3, 0.4]]`);
}

/** "line L, column C" (1-based) of offset `at`. */
function position(text: string, at: number): string {
  let line = 1;
  let col = 1;
  for (let i = 0; i < at; i++) {
    if (text.charCodeAt(i) === 10) {
      line++;
      col = 1;
    } else col++;
  }
  return `line ${line}, column ${col}`;
}

function isSpace(c: number): boolean {
  return c === 0x20 || c === 0x09 || c === 0x0a || c === 0x0d;
}

/** Parses JSON text into a tensor. integer: produce int64 (every value must be an integer). */
export function parseJsonTensor(text: string, integer = false): InputTensor {
  const n = text.length;
  let i = 0;
  const skip = (): void => {
    while (i < n && isSpace(text.charCodeAt(i))) i++;
  };
  const invalid = (): never => fail(i >= n ? 'not valid JSON (it ends early)' : `not valid JSON (unexpected character at ${position(text, i)})`);
  /** Index of each open array's current element, outermost first. */
  const index: number[] = [];
  const pathOf = (): string => index.map((k) => `[${k}]`).join('');
  const shape: (number | undefined)[] = [];
  let rank = -1;
  const flat: number[] = [];

  skip();
  if (text[i] !== '[') {
    // A document that is valid JSON but no array gets the clearer message.
    let valid = true;
    try {
      JSON.parse(text);
    } catch {
      valid = false;
    }
    if (valid) fail('the JSON is not an array');
    invalid();
  }

  /** Reads one leaf at depth index.length; returns its number. */
  const leaf = (): number => {
    const at = `$${pathOf()}`;
    const c = text[i];
    if (c === '"') {
      STRING.lastIndex = i;
      const m = STRING.exec(text);
      if (!m) invalid();
      i = STRING.lastIndex;
      const s = JSON.parse(m![0]) as string;
      if (integer) fail(`${at} is a string, not a token id (ids are integers)`);
      if (!(s in SPECIAL)) fail(`${at} is a string, not a number (only "NaN", "Infinity" and "-Infinity" are read as numbers)`);
      return SPECIAL[s]!;
    }
    if (c === '{') fail(`${at} is an object, not a number`);
    LITERAL.lastIndex = i;
    const lit = LITERAL.exec(text);
    if (lit) fail(`${at} is ${lit[0] === 'null' ? 'null' : 'a boolean'}, not a number`);
    NUMBER.lastIndex = i;
    const m = NUMBER.exec(text);
    if (!m) invalid();
    i = NUMBER.lastIndex;
    const v = Number(m![0]);
    if (integer) {
      if (!Number.isFinite(v) || (Number.isInteger(v) && !Number.isSafeInteger(v))) {
        fail(`${at} is outside the range of exact token ids (|id| <= 2^53 - 1)`);
      }
      if (!Number.isInteger(v)) fail(`${at} is not an integer token id`);
      return v;
    }
    if (!Number.isFinite(Math.fround(v))) fail(`${at} is beyond the float32 range (|x| <= 3.4e38); scale the input, or write "Infinity" if that is meant`);
    return v;
  };

  /** Checks the innermost open array (still on `index`), which holds `count` elements. */
  const close = (count: number): void => {
    const d = index.length - 1;
    const at = `$${index.slice(0, d).map((k) => `[${k}]`).join('')}`;
    if (count === 0) fail(`empty array at ${at}`);
    const want = shape[d];
    if (want === undefined) shape[d] = count;
    else if (want !== count) fail(`ragged array: ${at} has ${count} entries, expected ${want}`);
  };

  // Each loop turn is at the start of a value (depth = index.length) or just after one.
  let expectValue = true;
  for (;;) {
    skip();
    if (expectValue) {
      const depth = index.length;
      if (text[i] === '[') {
        if (depth >= MAX_JSON_RANK) fail(`the JSON is nested deeper than ${MAX_JSON_RANK} levels; a tensor has fewer dims`);
        if (rank >= 0 && depth >= rank) fail(`ragged array: $${pathOf()} is an array where a number was expected`);
        i++;
        index.push(0);
        skip();
        if (text[i] === ']') {
          i++;
          close(0);
        }
        continue;
      }
      if (depth === 0) invalid();
      if (rank < 0) rank = depth;
      else if (depth !== rank) fail(`ragged array: $${pathOf()} is a number where an array was expected`);
      flat.push(leaf());
      expectValue = false;
      continue;
    }
    const c = text[i];
    if (c === ',') {
      i++;
      index[index.length - 1]!++;
      expectValue = true;
      continue;
    }
    if (c === ']') {
      i++;
      close(index[index.length - 1]! + 1);
      index.pop();
      if (index.length === 0) break;
      continue;
    }
    invalid();
  }
  skip();
  if (i < n) invalid();
  const dims = shape.slice(0, rank) as number[];
  if (integer) return { dtype: 'int64', shape: dims, data: BigInt64Array.from(flat, (v) => BigInt(v)) };
  return { dtype: 'float32', shape: dims, data: Float32Array.from(flat) };
}
