// Seeded mutators shared by the fuzz suite: bytes, JSON text, and parsed JSON values. Every
// mutation is a function of (rng, input), so a case is reproduced from its seed and index alone.

import { mulberry32 } from '../../src/core/spec/random-input';

export type Rng = () => number;

export function rngFor(seed: number, index: number): Rng {
  // Distinct, well-mixed streams per case: the index goes through one multiplicative hash step.
  return mulberry32((Math.imul(seed ^ 0x9e3779b9, 0x85ebca6b) ^ Math.imul(index + 1, 0xc2b2ae35)) >>> 0);
}

export const int = (r: Rng, n: number): number => Math.floor(r() * n);
export const pick = <T>(r: Rng, items: readonly T[]): T => items[int(r, items.length)]!;

const INTERESTING_BYTES = [0x00, 0xff, 0x7f, 0x80, 0x0a, 0x27, 0x22, 0x2c, 0x28, 0x29, 0x30, 0x39, 0x2d];

/** One to four byte-level edits: bit flips, interesting bytes, inserts, deletes, duplicates, truncation. */
export function mutateBytes(r: Rng, src: Uint8Array): Uint8Array {
  let b: Uint8Array = Uint8Array.from(src);
  const ops = 1 + int(r, 4);
  for (let k = 0; k < ops; k++) {
    const at = b.length === 0 ? 0 : int(r, b.length);
    switch (int(r, 7)) {
      case 0:
        if (b.length) b[at] = b[at]! ^ (1 << int(r, 8));
        break;
      case 1:
        if (b.length) b[at] = pick(r, INTERESTING_BYTES);
        break;
      case 2: {
        const ins = Uint8Array.from({ length: 1 + int(r, 8) }, () => int(r, 256));
        b = concat(b.subarray(0, at), ins, b.subarray(at));
        break;
      }
      case 3:
        b = concat(b.subarray(0, at), b.subarray(Math.min(b.length, at + 1 + int(r, 16))));
        break;
      case 4: {
        const len = 1 + int(r, 32);
        b = concat(b.subarray(0, at), b.subarray(at, at + len), b.subarray(at));
        break;
      }
      case 5:
        b = b.subarray(0, at);
        break;
      default: {
        if (b.length < 8) break;
        const len = 2 + int(r, 6);
        const from = int(r, b.length - len);
        b.copyWithin(at, from, from + len);
      }
    }
  }
  return b;
}

function concat(...parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let o = 0;
  for (const p of parts) {
    out.set(p, o);
    o += p.length;
  }
  return out;
}

/** JSON number and value spellings that once changed values silently or crashed a parser. */
export const HOSTILE_LITERALS = [
  '1e39', '-1e39', '1e400', '-1e400', '1e300', '-1e300', '18446744073709551616', '9007199254740993', '-9223372036854775809',
  '3.4028234663852886e38', '3.4028235677973366e38', '3.40282357e38', '1.5e-45', '1e-400', '-0', '0', '-1', '0.5', '1.0', '1E+2', '7',
  '"NaN"', '"Infinity"', '"-Infinity"', '"nan"', '"1"', 'null', 'true', 'false', '{}', '[]', '[1]', '"x\\u0000y"', '""',
];

/** Edits of JSON text at the level of its tokens, plus deep nesting and raw byte edits. */
export function mutateJsonText(r: Rng, text: string): string {
  let s = text;
  const ops = 1 + int(r, 3);
  for (let k = 0; k < ops; k++) {
    const numbers = [...s.matchAll(/-?\d+(?:\.\d+)?(?:[eE][+-]?\d+)?|"[^"]*"/g)];
    switch (int(r, 8)) {
      case 0:
      case 1: {
        if (numbers.length === 0) break;
        const m = pick(r, numbers);
        s = s.slice(0, m.index) + pick(r, HOSTILE_LITERALS) + s.slice(m.index! + m[0].length);
        break;
      }
      case 2: {
        if (numbers.length === 0) break;
        const m = pick(r, numbers);
        const depth = pick(r, [1, 2, 40, 5000]);
        s = s.slice(0, m.index) + '['.repeat(depth) + m[0] + ']'.repeat(depth) + s.slice(m.index! + m[0].length);
        break;
      }
      case 3: {
        const brackets = [...s.matchAll(/[[\],]/g)];
        if (brackets.length === 0) break;
        const m = pick(r, brackets);
        s = s.slice(0, m.index) + s.slice(m.index! + 1);
        break;
      }
      case 4: {
        const at = int(r, s.length + 1);
        s = s.slice(0, at) + pick(r, ['\u0000', '\ufeff', '\u00a0', '\t', ',', ']', '[', '"', '\ud800', 'e', '.', '-']) + s.slice(at);
        break;
      }
      case 5: {
        // Duplicate one element of an innermost array (a ragged array).
        const inner = [...s.matchAll(/\[([^[\]]*)\]/g)];
        if (inner.length === 0) break;
        const m = pick(r, inner);
        const items = m[1]!.split(',');
        items.splice(int(r, items.length + 1), 0, pick(r, items));
        s = s.slice(0, m.index) + `[${items.join(',')}]` + s.slice(m.index! + m[0].length);
        break;
      }
      case 6:
        s = s.slice(0, int(r, s.length + 1));
        break;
      default:
        s = new TextDecoder().decode(mutateBytes(r, new TextEncoder().encode(s)));
    }
  }
  return s;
}

/** Values a field of a parsed JSON document may be replaced with. */
export const HOSTILE_VALUES: unknown[] = [
  null, true, 0, -1, 1, 2, 0.5, -0, 1e9, 2 ** 31, 2 ** 53 + 2, 1e308, -1e308, Number.NaN, '', 'x', 'NaN', '\u0000', 'float32', 'uint8', 'float16',
  'forward', 'reverse', [], [0], [1, 1, 1], [1e9, 1e9, 1], [-1, 2, 3], {}, { name: 'Swish' }, 'A'.repeat(10000), '===', 'AAAA', 'AAA=',
];

type Json = unknown;

/** Every [container, key] pair inside a parsed JSON value (arrays and objects). */
export function slotsOf(root: Json): [Record<string | number, Json>, string | number][] {
  const out: [Record<string | number, Json>, string | number][] = [];
  const stack: Json[] = [root];
  while (stack.length) {
    const v = stack.pop();
    if (Array.isArray(v)) {
      // Long arrays (token lists) would dominate the choice: a few of their slots are enough.
      const n = Math.min(v.length, 4);
      for (let i = 0; i < n; i++) {
        out.push([v as unknown as Record<number, Json>, i]);
        stack.push(v[i]);
      }
    } else if (v && typeof v === 'object') {
      for (const k of Object.keys(v)) {
        out.push([v as Record<string, Json>, k]);
        stack.push((v as Record<string, Json>)[k]);
      }
    }
  }
  return out;
}

/** One to three structural edits of a parsed JSON document (a deep copy is edited). */
export function mutateJsonValue(r: Rng, doc: Json): Json {
  const copy = structuredClone(doc);
  const ops = 1 + int(r, 3);
  for (let k = 0; k < ops; k++) {
    const slots = slotsOf(copy);
    if (slots.length === 0) break;
    const [obj, key] = pick(r, slots);
    const v = obj[key];
    switch (int(r, 6)) {
      case 0:
        if (Array.isArray(obj)) obj.splice(key as number, 1);
        else delete obj[key];
        break;
      case 1:
      case 2:
        obj[key] = structuredClone(pick(r, HOSTILE_VALUES));
        break;
      case 3:
        if (typeof v === 'number') obj[key] = pick(r, [v + 1, v - 1, v * 2, -v, v / 3, v * 1e6]);
        else if (typeof v === 'string') obj[key] = pick(r, [v.slice(0, int(r, v.length + 1)), v + v.slice(0, 4), v.replace(/[A-Za-z]/, '!'), `${v}=`]);
        else obj[key] = structuredClone(pick(r, HOSTILE_VALUES));
        break;
      case 4:
        if (Array.isArray(v) && v.length) v.push(structuredClone(v[int(r, v.length)]));
        else if (Array.isArray(obj)) obj.push(structuredClone(v));
        break;
      default: {
        // Swap with another slot's value: well-formed pieces in the wrong place.
        const [o2, k2] = pick(r, slots);
        obj[key] = structuredClone(o2[k2]);
      }
    }
  }
  return copy;
}
