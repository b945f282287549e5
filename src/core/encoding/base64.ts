// Standard base64 (RFC 4648 §4, with '=' padding, no line breaks) for the pure core, which has no
// Buffer or atob/btoa in every runtime it targets. Encoding uses the native Uint8Array.toBase64
// (ES2026) when the runtime has it, else Node's Buffer when present (found at run time), else a
// table-driven loop writing ASCII bytes that one TextDecoder call turns into the string. Decoding:
// Uint8Array.fromBase64 when present, else a table-driven loop.

const ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';
const PAD = 61; // '='

/** char code -> 6-bit value, or -1 for a character outside the alphabet. */
const DECODE = new Int16Array(128).fill(-1);
/** 6-bit value -> char code. */
const ENCODE = new Uint8Array(64);
for (let i = 0; i < 64; i++) {
  ENCODE[i] = ALPHABET.charCodeAt(i);
  DECODE[ALPHABET.charCodeAt(i)] = i;
}
/** 12-bit value -> two char codes packed as (first << 8 | second): one lookup per 12 bits. */
const ENCODE_PAIR = new Uint16Array(4096);
for (let i = 0; i < 4096; i++) ENCODE_PAIR[i] = (ENCODE[i >> 6]! << 8) | ENCODE[i & 63]!;

/** Characters converted per String.fromCharCode call (stays well under engines' argument limits). */
const CHUNK_CHARS = 16384;

interface NativeBase64 {
  fromBase64?: (s: string, opts?: { lastChunkHandling?: 'loose' | 'strict' | 'stop-before-partial' }) => Uint8Array;
}
interface NativeToBase64 {
  toBase64?: () => string;
}

const nativeFrom = (Uint8Array as unknown as NativeBase64).fromBase64;
const nativeTo = typeof (Uint8Array.prototype as unknown as NativeToBase64).toBase64 === 'function';

/** Thrown for text that is not canonical base64; `offset` is the first bad character's index. */
export class Base64Error extends Error {
  constructor(
    message: string,
    readonly offset: number,
  ) {
    super(message);
    this.name = 'Base64Error';
  }
}

interface NodeBufferLike {
  from(buffer: ArrayBufferLike, byteOffset: number, length: number): { toString(encoding: 'base64'): string };
}
/** Node's Buffer where core runs in Node (the CLI, the host's worker): its base64 is native code. Found at run time, so core needs no Node types. */
const nodeBuffer = (globalThis as { Buffer?: NodeBufferLike }).Buffer;
/** Turns the ASCII bytes of base64 text into a string in one native call (base64 is pure ASCII). */
const ascii = typeof TextDecoder === 'function' ? new TextDecoder('utf-8') : undefined;

/** Encodes bytes as padded base64 text. */
export function encodeBase64(bytes: Uint8Array): string {
  if (nativeTo) return (bytes as unknown as NativeToBase64).toBase64!();
  if (nodeBuffer && typeof nodeBuffer.from === 'function') return nodeBuffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('base64');
  return encodeBase64Portable(bytes);
}

/** Characters of the padded base64 text of `byteLength` bytes. */
export function base64Length(byteLength: number): number {
  return Math.ceil(byteLength / 3) * 4;
}

/**
 * Writes the padded base64 text of `bytes` as ASCII codes into `out` (at least base64Length(bytes.length)
 * long) and returns the number written: no intermediate string, for writers that build output bytes.
 */
export function encodeBase64Into(bytes: Uint8Array, out: Uint8Array): number {
  const n = bytes.length;
  const whole = n - (n % 3);
  let o = 0;
  for (let i = 0; i < whole; i += 3) {
    const v = (bytes[i]! << 16) | (bytes[i + 1]! << 8) | bytes[i + 2]!;
    const hi = ENCODE_PAIR[v >> 12]!;
    const lo = ENCODE_PAIR[v & 4095]!;
    out[o] = hi >> 8;
    out[o + 1] = hi & 255;
    out[o + 2] = lo >> 8;
    out[o + 3] = lo & 255;
    o += 4;
  }
  const rest = n - whole;
  if (rest > 0) {
    const v = (bytes[whole]! << 16) | (rest === 2 ? bytes[whole + 1]! << 8 : 0);
    out[o] = ENCODE[v >> 18]!;
    out[o + 1] = ENCODE[(v >> 12) & 63]!;
    out[o + 2] = rest === 2 ? ENCODE[(v >> 6) & 63]! : PAD;
    out[o + 3] = PAD;
    o += 4;
  }
  return o;
}

/** The table-driven encoder (exported so tests can compare it with the native one). */
export function encodeBase64Portable(bytes: Uint8Array): string {
  const out = new Uint8Array(base64Length(bytes.length));
  encodeBase64Into(bytes, out);
  if (ascii) return ascii.decode(out);
  const parts: string[] = [];
  for (let i = 0; i < out.length; i += CHUNK_CHARS) parts.push(String.fromCharCode.apply(null, out.subarray(i, i + CHUNK_CHARS) as unknown as number[]));
  return parts.join('');
}

/** Number of bytes that padded base64 text of `length` characters holds, or -1 if the length is impossible. */
export function base64DecodedLength(text: string): number {
  const len = text.length;
  if (len % 4 !== 0) return -1;
  if (len === 0) return 0;
  let pad = 0;
  if (text.charCodeAt(len - 1) === PAD) pad++;
  if (text.charCodeAt(len - 2) === PAD) pad++;
  return (len / 4) * 3 - pad;
}

/**
 * Decodes padded base64. Rejects whitespace, URL-safe characters, missing padding and non-zero
 * padding bits, so that one byte sequence has exactly one accepted text.
 */
export function decodeBase64(text: string): Uint8Array {
  if (nativeFrom) {
    try {
      // 'strict' rejects non-zero padding bits; the native decoder skips ASCII whitespace, which
      // the length check catches (fewer bytes than the text's length implies).
      const out = nativeFrom(text, { lastChunkHandling: 'strict' });
      if (out.length === base64DecodedLength(text)) return out;
    } catch {
      // The native decoder's message does not locate the fault: find it with the portable one.
    }
  }
  return decodeBase64Portable(text);
}

/** The table-driven decoder (exported so tests can compare it with the native one). */
export function decodeBase64Portable(text: string): Uint8Array {
  const outLen = base64DecodedLength(text);
  if (outLen < 0) throw new Base64Error(`base64 length ${text.length} is not a multiple of 4`, text.length);
  const out = new Uint8Array(outLen);
  const len = text.length;
  const padStart = len - ((len / 4) * 3 - outLen);
  const wholeQuads = outLen === 0 ? 0 : Math.floor(outLen / 3) * 4;
  let o = 0;
  let i = 0;
  for (; i < wholeQuads; i += 4) {
    const c0 = text.charCodeAt(i);
    const c1 = text.charCodeAt(i + 1);
    const c2 = text.charCodeAt(i + 2);
    const c3 = text.charCodeAt(i + 3);
    if ((c0 | c1 | c2 | c3) > 127) throw badChar(text, i);
    const a = DECODE[c0]!;
    const b = DECODE[c1]!;
    const c = DECODE[c2]!;
    const d = DECODE[c3]!;
    if ((a | b | c | d) < 0) throw badChar(text, i);
    const v = (a << 18) | (b << 12) | (c << 6) | d;
    out[o] = v >> 16;
    out[o + 1] = (v >> 8) & 255;
    out[o + 2] = v & 255;
    o += 3;
  }
  const rest = outLen - o;
  if (rest > 0) {
    const a = sextet(text, i);
    const b = sextet(text, i + 1);
    const c = rest === 2 ? sextet(text, i + 2) : 0;
    if (rest === 1 && (b & 15) !== 0) throw new Base64Error(`base64 has non-zero padding bits at character ${i + 1}`, i + 1);
    if (rest === 2 && (c & 3) !== 0) throw new Base64Error(`base64 has non-zero padding bits at character ${i + 2}`, i + 2);
    out[o] = (a << 2) | (b >> 4);
    if (rest === 2) out[o + 1] = ((b & 15) << 4) | (c >> 2);
  }
  for (let p = padStart; p < len; p++) {
    if (text.charCodeAt(p) !== PAD) throw badChar(text, p);
  }
  return out;
}

function sextet(text: string, i: number): number {
  const v = DECODE[text.charCodeAt(i)];
  if (v === undefined || v < 0) throw badChar(text, i);
  return v;
}

function badChar(text: string, from: number): Base64Error {
  for (let i = from; i < text.length; i++) {
    const code = text.charCodeAt(i);
    const v = DECODE[code];
    if ((v === undefined || v < 0) && !(code === PAD && i >= text.length - 2)) {
      return new Base64Error(`invalid base64: a character outside the alphabet A-Z a-z 0-9 + / at index ${i}`, i);
    }
  }
  return new Base64Error(`invalid base64 padding at index ${from}`, from);
}
