// The sidecar file of trace format v2: the pyramid levels that did not fit the notebook output, in
// safetensors layout so that numpy and torch users can open it (safetensors.numpy.load_file, or by
// hand: 8-byte little-endian header length N, N bytes of JSON header, then the raw data section).
//
// Header: { "<tensor name>": { "dtype": "F32"|"F16"|"U8", "shape": [B, buckets, units],
//           "data_offsets": [begin, end] }, ..., "__metadata__": { string: string } }
// with offsets relative to the data section, tensors back to back in header order. __metadata__:
//   format     "gatescope.trace.sidecar"
//   version    "2"
//   tileSteps  buckets per tile (see document.ts, PyramidLayout)
//   tiles      JSON text: { "<tensor name>": ["<sha256 hex of tile (b, i)>", ...] }, b-major
//   quant      JSON text: { "<uint8 tensor name>": [scale, offset] }
// The header is padded with spaces to a multiple of 8 bytes. The trace document holds the SHA-256
// of the header JSON (SidecarRef.headerSha256), so every byte a reader serves is checked: the header
// against the document, each tile against the header.
//
// Tile (b, i) of a tensor [B, J, U] is buckets [i * tileSteps, min((i + 1) * tileSteps, J)) of batch
// item b: one contiguous byte range (row-major), read with one ranged read.

import { BYTES_PER_VALUE } from './tensor';
import type { TensorDtype } from './document';
import { tilesPerItem } from './pyramid';

export const SIDECAR_FORMAT = 'gatescope.trace.sidecar';
export const SIDECAR_SUFFIX = '.gatescope.safetensors';
/** Largest header a reader accepts (safetensors' own limit is 100 MB). */
export const MAX_SIDECAR_HEADER_BYTES = 64 * 1024 * 1024;
/** SHA-256 in hex. */
const HASH_CHARS = 64;

const ST_DTYPE: Record<TensorDtype, string> = { float32: 'F32', float16: 'F16', uint8: 'U8' };
const FROM_ST: Record<string, TensorDtype> = { F32: 'float32', F16: 'float16', U8: 'uint8' };

export class SidecarError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'SidecarError';
  }
}

export interface SidecarTensor {
  name: string;
  dtype: TensorDtype;
  dims: [number, number, number];
  /** Byte offsets in the data section. */
  begin: number;
  end: number;
  /** uint8 only. */
  scale?: number;
  offset?: number;
}

export interface SidecarLayout {
  tileSteps: number;
  tensors: SidecarTensor[];
  /** Bytes of the header JSON, padding included (the 8-byte length prefix not included). */
  headerLength: number;
  /** Bytes of the whole file. */
  totalBytes: number;
}

/** Name of a summary tensor: e.g. "L0.forward.r.x1.mean" (x = steps per bucket), "b.L1.reverse.c.x16.max" (run b). */
export function sidecarTensorName(layer: number, direction: string, gate: string, bucket: number, summary: 'mean' | 'min' | 'max', run?: string): string {
  return `${run && run !== 'a' ? `${run}.` : ''}L${layer}.${direction}.${gate}.x${bucket}.${summary}`;
}

/** File name of a sidecar: "<stem>-<first 12 hex of the header hash>.gatescope.safetensors". */
export function sidecarFileName(stem: string, headerSha256: string): string {
  return `${stem}-${headerSha256.slice(0, 12)}${SIDECAR_SUFFIX}`;
}

/** Lays tensors out back to back and sizes the header (hashes are fixed-length, so it is exact before hashing). */
export function layOutSidecar(tileSteps: number, tensors: Omit<SidecarTensor, 'begin' | 'end'>[]): SidecarLayout {
  let at = 0;
  const placed = tensors.map((t): SidecarTensor => {
    const bytes = t.dims[0] * t.dims[1] * t.dims[2] * BYTES_PER_VALUE[t.dtype];
    const p = { ...t, begin: at, end: at + bytes };
    at += bytes;
    return p;
  });
  const zero = '0'.repeat(HASH_CHARS);
  const hashes = placed.map((t) => new Array<string>(t.dims[0] * tilesPerItem(t.dims[1], tileSteps)).fill(zero));
  const headerLength = padded(utf8Length(headerJson(tileSteps, placed, hashes)));
  return { tileSteps, tensors: placed, headerLength, totalBytes: 8 + headerLength + at };
}

/** Tiles of a tensor, in the header's order (b-major). */
export function tileCount(layout: { tileSteps: number }, t: SidecarTensor): number {
  return t.dims[0] * tilesPerItem(t.dims[1], layout.tileSteps);
}

/** Absolute file byte range [start, end) of tile (b, i) of a tensor. */
export function tileByteRange(layout: { tileSteps: number; headerLength: number }, t: SidecarTensor, b: number, i: number): [number, number] {
  const [, J, U] = t.dims;
  const w = BYTES_PER_VALUE[t.dtype];
  const j0 = i * layout.tileSteps;
  const j1 = Math.min(J, j0 + layout.tileSteps);
  const base = 8 + layout.headerLength + t.begin;
  return [base + (b * J + j0) * U * w, base + (b * J + j1) * U * w];
}

/** The header bytes (8-byte length prefix + padded JSON) once every tile hash is known. */
export function sidecarHeaderBytes(layout: SidecarLayout, hashes: string[][]): { bytes: Uint8Array; json: Uint8Array } {
  const json = new TextEncoder().encode(headerJson(layout.tileSteps, layout.tensors, hashes));
  if (padded(json.length) !== layout.headerLength) throw new Error(`sidecar header is ${json.length} bytes, laid out for ${layout.headerLength}`);
  const bytes = new Uint8Array(8 + layout.headerLength).fill(0x20);
  new DataView(bytes.buffer).setBigUint64(0, BigInt(layout.headerLength), true);
  bytes.set(json, 8);
  return { bytes, json: bytes.subarray(8) };
}

function headerJson(tileSteps: number, tensors: SidecarTensor[], hashes: string[][]): string {
  const header: Record<string, unknown> = {};
  const tiles: Record<string, string[]> = {};
  const quant: Record<string, [number, number]> = {};
  tensors.forEach((t, i) => {
    header[t.name] = { dtype: ST_DTYPE[t.dtype], shape: t.dims, data_offsets: [t.begin, t.end] };
    tiles[t.name] = hashes[i]!;
    if (t.dtype === 'uint8') quant[t.name] = [t.scale ?? 0, t.offset ?? 0];
  });
  header['__metadata__'] = {
    format: SIDECAR_FORMAT,
    version: '2',
    tileSteps: String(tileSteps),
    tiles: JSON.stringify(tiles),
    quant: JSON.stringify(quant),
  };
  return JSON.stringify(header);
}

function padded(n: number): number {
  return Math.ceil(n / 8) * 8;
}

function utf8Length(s: string): number {
  return new TextEncoder().encode(s).length;
}

/** A parsed and checked sidecar header. */
export interface SidecarIndex extends SidecarLayout {
  byName: Map<string, SidecarTensor>;
  tileHashes: Map<string, string[]>;
}

/** Reads the 8-byte length prefix; throws SidecarError when it cannot be a header of a file of `fileBytes`. */
export function sidecarHeaderLength(prefix: Uint8Array, fileBytes: number): number {
  if (prefix.length < 8) throw new SidecarError(`the file has ${prefix.length} bytes, too short for a safetensors header`);
  const n = new DataView(prefix.buffer, prefix.byteOffset, 8).getBigUint64(0, true);
  if (n > BigInt(Math.min(MAX_SIDECAR_HEADER_BYTES, fileBytes - 8))) {
    throw new SidecarError(`its header length (${n} bytes) does not fit a ${fileBytes}-byte file`);
  }
  return Number(n);
}

/**
 * Parses a sidecar header (the JSON bytes after the length prefix) of a file of `fileBytes`, checking
 * that every tensor lies inside the data section with the bytes its dtype and shape need, and that
 * the tile hash lists are complete. Throws SidecarError naming the fault.
 */
export function parseSidecarHeader(json: Uint8Array, fileBytes: number): SidecarIndex {
  let header: unknown;
  try {
    header = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(json));
  } catch {
    throw new SidecarError('its header is not valid UTF-8 JSON');
  }
  if (typeof header !== 'object' || header === null || Array.isArray(header)) throw new SidecarError('its header is not a JSON object');
  const h = header as Record<string, unknown>;
  const meta = h['__metadata__'] as Record<string, unknown> | undefined;
  if (typeof meta !== 'object' || meta === null || meta['format'] !== SIDECAR_FORMAT) {
    throw new SidecarError(`it is not a Gatescope sidecar (__metadata__.format is not "${SIDECAR_FORMAT}")`);
  }
  const tileSteps = Number(meta['tileSteps']);
  if (!Number.isInteger(tileSteps) || tileSteps < 1 || (tileSteps & (tileSteps - 1)) !== 0) throw new SidecarError('__metadata__.tileSteps is not a power of two');
  const tiles = parseJsonMeta(meta['tiles'], 'tiles');
  const quant = parseJsonMeta(meta['quant'], 'quant');
  const dataBytes = fileBytes - 8 - json.length;
  const tensors: SidecarTensor[] = [];
  const byName = new Map<string, SidecarTensor>();
  const tileHashes = new Map<string, string[]>();
  for (const [name, v] of Object.entries(h)) {
    if (name === '__metadata__') continue;
    const e = v as Record<string, unknown>;
    const dtype = FROM_ST[String(e?.['dtype'])];
    const shape = e?.['shape'];
    const offs = e?.['data_offsets'];
    if (!dtype) throw new SidecarError(`tensor ${JSON.stringify(name)} has dtype ${JSON.stringify(e?.['dtype'])}; expected F32, F16 or U8`);
    if (!Array.isArray(shape) || shape.length !== 3 || !shape.every((d) => Number.isInteger(d) && d >= 1)) {
      throw new SidecarError(`tensor ${JSON.stringify(name)} has shape ${JSON.stringify(shape)}; expected [batch, buckets, units]`);
    }
    if (!Array.isArray(offs) || offs.length !== 2 || !offs.every((d) => Number.isInteger(d) && d >= 0)) {
      throw new SidecarError(`tensor ${JSON.stringify(name)} has no valid data_offsets`);
    }
    const dims = shape as [number, number, number];
    const [begin, end] = offs as [number, number];
    const want = dims[0] * dims[1] * dims[2] * BYTES_PER_VALUE[dtype];
    if (end - begin !== want || end > dataBytes) {
      throw new SidecarError(`tensor ${JSON.stringify(name)} claims bytes [${begin}, ${end}) of a ${dataBytes}-byte data section; its shape needs ${want}`);
    }
    const t: SidecarTensor = { name, dtype, dims, begin, end };
    if (dtype === 'uint8') {
      const q = quant[name];
      if (!Array.isArray(q) || q.length !== 2 || !q.every((x) => typeof x === 'number' && Number.isFinite(x))) {
        throw new SidecarError(`uint8 tensor ${JSON.stringify(name)} has no scale and offset in __metadata__.quant`);
      }
      [t.scale, t.offset] = q as [number, number];
    }
    const list = tiles[name];
    const count = dims[0] * tilesPerItem(dims[1], tileSteps);
    if (!Array.isArray(list) || list.length !== count || !list.every((x) => typeof x === 'string' && /^[0-9a-f]{64}$/.test(x))) {
      throw new SidecarError(`tensor ${JSON.stringify(name)} does not list its ${count} tile hashes in __metadata__.tiles`);
    }
    tensors.push(t);
    byName.set(name, t);
    tileHashes.set(name, list as string[]);
  }
  return { tileSteps, tensors, headerLength: json.length, totalBytes: fileBytes, byName, tileHashes };
}

function parseJsonMeta(v: unknown, key: string): Record<string, unknown> {
  if (typeof v !== 'string') throw new SidecarError(`__metadata__.${key} is missing`);
  try {
    const o = JSON.parse(v) as unknown;
    if (typeof o === 'object' && o !== null && !Array.isArray(o)) return o as Record<string, unknown>;
  } catch {
    // reported below
  }
  throw new SidecarError(`__metadata__.${key} is not a JSON object`);
}
