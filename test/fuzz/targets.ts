// The fuzz targets: the npy, JSON-tensor, ONNX and trace parsers, each with seeds from the committed
// fixtures, a mutator, and a verdict. The verdicts are those of issue 15: a rejection is one line of
// a known error type (what the CLI prints after 'gatescope: '), never an internal error or a foreign
// log line; an accepted input gives the values an independent reading gives (the JSON reference
// below; numpy and onnxruntime-node in the longer `npm run fuzz`, see run-fuzz.ts).

import { readdirSync, readFileSync } from 'node:fs';
import * as path from 'node:path';
import { MAX_JSON_RANK, parseJsonTensor } from '../../src/core/io/json-tensor';
import { parseNpy } from '../../src/core/io/npy';
import { elementCount, InputFormatError, type InputTensor } from '../../src/core/io/tensor';
import { decodeTrace } from '../../src/core/trace/decode';
import { TraceFormatError } from '../../src/core/trace/errors';
import { OnnxTraceError } from '../../src/onnx/errors';
import { decodeModel, onnx } from '../../src/onnx/proto';
import { runOnnxTrace, type TraceOnnxOptions } from '../../src/onnx/trace';
import type { UserTensor } from '../../src/onnx/inputs';
import { HOSTILE_LITERALS, int, mutateBytes, mutateJsonText, mutateJsonValue, pick, rngFor, type Rng } from './mutate';

const ROOT = path.resolve(__dirname, '../..');
const ONNX_FIXTURES = path.join(ROOT, 'test/fixtures/onnx');
// Version 1 (0.1.0, read forever) and version 2 documents, written by the TypeScript and Python producers.
const TRACE_FIXTURES = ['v1', 'v2', 'python', 'python-v1'].map((d) => path.join(ROOT, 'test/fixtures/trace', d));
export const WASM_DIR = path.dirname(require.resolve('onnxruntime-web/ort-wasm-simd-threaded.wasm'));

/** What one case did: accepted or refused, and anything that breaks a verdict. */
export interface Outcome {
  accepted: boolean;
  findings: string[];
  /** What the parser produced, for the longer checks of run-fuzz.ts. */
  result?: unknown;
}

export interface FuzzTarget<C> {
  name: string;
  /** The case of (seed, index): the same pair always gives the same case. */
  make(seed: number, index: number): C;
  run(c: C): Promise<Outcome>;
  /** The case as a file, for reproducing a finding by hand. */
  bytes(c: C): Uint8Array;
}

const CONTROL = /[\u0000-\u001f\u007f]/;

/** Verdict on a rejection: a known error type, one line, no control characters, bounded length. */
export function errorFindings(e: unknown, known: readonly (abstract new (...a: never[]) => Error)[]): string[] {
  if (!(e instanceof Error) || !known.some((k) => e instanceof k)) {
    const name = e instanceof Error ? e.name : typeof e;
    return [`internal error (${name}): ${String((e as Error)?.message ?? e).slice(0, 200)}`];
  }
  const out: string[] = [];
  if (CONTROL.test(e.message)) out.push(`message has a line break or control character: ${JSON.stringify(e.message.slice(0, 200))}`);
  if (e.message.length > 2000) out.push(`message is ${e.message.length} characters long`);
  if (/internal error|Maximum call stack|Invalid (typed array|string|array) length/.test(e.message)) out.push(`message reports an internal error: ${e.message.slice(0, 200)}`);
  return out;
}

// ---------------------------------------------------------------- npy

const NPY_SEEDS = ['gru1.input.npy', 'io_float64.npy', 'io_int32.npy', 'io_v2.npy', 'tagger.input.npy', 'io_fortran.npy', 'h0input.h0.npy'];

/** A .npy (format 1.0) from a header dict and data bytes. */
export function npyFile(dict: string, data: Uint8Array): Uint8Array {
  let header = dict;
  while ((10 + header.length + 1) % 64 !== 0) header += ' ';
  header += '\n';
  const out = new Uint8Array(10 + header.length + data.length);
  out.set([0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59, 1, 0], 0);
  new DataView(out.buffer).setUint16(8, header.length, true);
  out.set(Uint8Array.from(header, (c) => c.charCodeAt(0) & 255), 10);
  out.set(data, 10 + header.length);
  return out;
}

const DESCRS = ["'<f4'", "'<f8'", "'<i8'", "'<i4'", "'>f4'", "'|u1'", "'<c8'", "'<f2'", "'=f8'", "'|b1'", "'<U3'", "'O'"];

/** Header-aware edits: descr, dims, duplicate or dropped keys, float64 values near float32's edge. */
function mutateNpy(r: Rng, src: Uint8Array): Uint8Array {
  const major = src[6]!;
  const lenBytes = major === 1 ? 2 : 4;
  const view = new DataView(src.buffer, src.byteOffset, src.byteLength);
  const hlen = major === 1 ? view.getUint16(8, true) : view.getUint32(8, true);
  let dict = String.fromCharCode(...src.subarray(8 + lenBytes, 8 + lenBytes + hlen)).trim();
  let data = src.subarray(8 + lenBytes + hlen);
  switch (int(r, 6)) {
    case 0:
      dict = dict.replace(/'descr':\s*'[^']*'/, `'descr': ${pick(r, DESCRS)}`);
      break;
    case 1:
      dict = dict.replace(/\(([^)]*)\)/, () => `(${Array.from({ length: int(r, 4) }, () => pick(r, ['0', '1', '2', '7', '-1', '99999999999', '4294967296', '3L', ' 5 '])).join(', ')}${int(r, 2) ? ',' : ''})`);
      break;
    case 2: {
      const key = pick(r, ["'shape': (1,)", "'descr': '<f8'", "'fortran_order': True", "'fortran_order': False", "'extra': 1", "\"shape\": (2,)"]);
      dict = dict.replace(/}\s*$/, `${key}, }`).replace(/,\s*,/, ',');
      break;
    }
    case 3:
      dict = dict.replace(pick(r, [/'descr':\s*'[^']*',?/, /'fortran_order':\s*\w+,?/, /'shape':\s*\([^)]*\),?/]), '');
      break;
    case 4: {
      if (/'<f8'/.test(dict) && data.length >= 8) {
        const d = Uint8Array.from(data);
        const dv = new DataView(d.buffer);
        dv.setFloat64(8 * int(r, d.length >> 3), pick(r, [1e300, -1e39, 3.4028235677973366e38, 3.4028234663852886e38, Number.NaN, Number.POSITIVE_INFINITY, 1e-50]), true);
        data = d;
      } else return mutateBytes(r, src);
      break;
    }
    default:
      return mutateBytes(r, src);
  }
  return npyFile(dict, data);
}

function npyInvariants(t: InputTensor): string[] {
  const out: string[] = [];
  if (t.data.length !== elementCount(t.shape)) out.push(`${t.data.length} values for shape (${t.shape.join(', ')})`);
  return out;
}

/**
 * A well-formed .npy in one of the forms numpy reads: any supported dtype, key order, quote style,
 * spacing and format version, with values that include float32's edges, so that accepted files are
 * common and their values get checked.
 */
function freshNpy(r: Rng): Uint8Array {
  const kind = pick(r, ['f4', 'f8', 'i8', 'i4'] as const);
  const shape = Array.from({ length: int(r, 4) }, () => 1 + int(r, 4));
  const count = elementCount(shape);
  const size = kind === 'f4' || kind === 'i4' ? 4 : 8;
  const data = new Uint8Array(count * size);
  const dv = new DataView(data.buffer);
  const specials = [0, -0, 1, -1, 0.1, 1e-40, 3.4028234663852886e38, -3.4028234663852886e38, 3.4028235677973366e38, 1e300, Number.NaN, Number.POSITIVE_INFINITY, 2 ** 53, -(2 ** 31), 2 ** 31 - 1];
  for (let i = 0; i < count; i++) {
    const v = int(r, 3) === 0 ? pick(r, specials) : (r() - 0.5) * 10 ** int(r, 12);
    if (kind === 'f4') dv.setFloat32(4 * i, v, true);
    else if (kind === 'f8') dv.setFloat64(8 * i, v, true);
    else if (kind === 'i4') dv.setInt32(4 * i, Number.isFinite(v) ? Math.trunc(v) | 0 : 0, true);
    else dv.setBigInt64(8 * i, BigInt(Number.isFinite(v) ? Math.trunc(v) : 0), true);
  }
  const q = int(r, 2) ? "'" : '"';
  const tuple = `(${shape.join(pick(r, [', ', ',']))}${shape.length === 1 ? ',' : ''})`;
  const entries = [`${q}descr${q}: ${q}${pick(r, ['<', '<', '='])}${kind}${q}`, `${q}fortran_order${q}: ${shape.length > 1 ? 'False' : pick(r, ['False', 'True'])}`, `${q}shape${q}: ${tuple}`];
  for (let i = entries.length - 1; i > 0; i--) {
    const j = int(r, i + 1);
    [entries[i], entries[j]] = [entries[j]!, entries[i]!];
  }
  const dict = `{${entries.join(pick(r, [', ', ',', ',  ']))}${pick(r, [', ', '', ','])}}`;
  const file = npyFile(dict, data);
  const version = pick(r, [1, 1, 2, 3]);
  if (version === 1) return file;
  // Format 2.0/3.0: a 4-byte header length.
  const out = new Uint8Array(file.length + 2);
  out.set(file.subarray(0, 6));
  out[6] = version;
  out[7] = 0;
  new DataView(out.buffer).setUint32(8, new DataView(file.buffer).getUint16(8, true), true);
  out.set(file.subarray(10), 12);
  return out;
}

export const npyTarget: FuzzTarget<Uint8Array> = {
  name: 'npy',
  make(seed, index) {
    const r = rngFor(seed, index);
    if (int(r, 3) === 0) {
      const fresh = freshNpy(r);
      return int(r, 3) === 0 ? mutateNpy(r, fresh) : fresh;
    }
    const src = new Uint8Array(readFileSync(path.join(ONNX_FIXTURES, pick(r, NPY_SEEDS))));
    return mutateNpy(r, src);
  },
  async run(bytes) {
    let t: InputTensor;
    try {
      t = parseNpy(bytes);
    } catch (e) {
      return { accepted: false, findings: errorFindings(e, [InputFormatError]) };
    }
    return { accepted: true, findings: npyInvariants(t), result: t };
  },
  bytes: (c) => c,
};

// ---------------------------------------------------------------- JSON tensors

export interface JsonCase {
  text: string;
  integer: boolean;
}

type Reference = { ok: true; shape: number[]; values: number[] } | { ok: false } | { ok: 'unknown' };

/**
 * An independent reading of a JSON tensor by JSON.parse and recursion, with the same rules stated
 * separately: rectangular nested arrays of at most MAX_JSON_RANK levels; float mode: numbers that
 * stay finite in float32 and the three special strings; integer mode: safe integers only.
 */
export function jsonReference(text: string, integer: boolean): Reference {
  let root: unknown;
  try {
    root = JSON.parse(text);
  } catch (e) {
    return e instanceof RangeError ? { ok: 'unknown' } : { ok: false };
  }
  const shape: number[] = [];
  for (let v = root; Array.isArray(v); v = v[0]) {
    if (v.length === 0) return { ok: false };
    shape.push(v.length);
  }
  if (shape.length === 0 || shape.length > MAX_JSON_RANK) return { ok: false };
  const values: number[] = [];
  const special: Record<string, number> = { NaN: Number.NaN, Infinity: Number.POSITIVE_INFINITY, '-Infinity': Number.NEGATIVE_INFINITY };
  const visit = (v: unknown, d: number): boolean => {
    if (d === shape.length) {
      if (typeof v === 'string' && !integer && v in special) {
        values.push(special[v]!);
        return true;
      }
      if (typeof v !== 'number') return false;
      if (integer ? !Number.isSafeInteger(v) : !Number.isFinite(Math.fround(v))) return false;
      values.push(integer ? v + 0 : Math.fround(v)); // + 0: int64 has no -0
      return true;
    }
    return Array.isArray(v) && v.length === shape[d] && v.every((x) => visit(x, d + 1));
  };
  return visit(root, 0) ? { ok: true, shape, values } : { ok: false };
}

function jsonSeeds(): JsonCase[] {
  const nested = (t: InputTensor): unknown => {
    const flat = Array.from(t.data as ArrayLike<number | bigint>, Number);
    const build = (d: number, off: number): unknown => {
      if (d === t.shape.length) return flat[off];
      const stride = elementCount(t.shape.slice(d + 1));
      return Array.from({ length: t.shape[d]! }, (_, i) => build(d + 1, off + i * stride));
    };
    return build(0, 0);
  };
  const read = (f: string) => parseNpy(new Uint8Array(readFileSync(path.join(ONNX_FIXTURES, f))));
  return [
    { text: JSON.stringify(nested(read('gru1.input.npy'))), integer: false },
    { text: JSON.stringify(nested(read('onnx_seqlens.input.npy'))), integer: false },
    { text: JSON.stringify(nested(read('tagger.input.npy'))), integer: true },
    { text: '[[1, 2, 3, 4, 1, 5, 10]]', integer: true },
    { text: '[[["NaN", 0.5], [1, "-Infinity"]]]', integer: false },
  ];
}

let jsonSeedCache: JsonCase[] | undefined;

/** Number spellings JSON allows, for well-formed tensors: exponents, signs, long fractions. */
function freshNumber(r: Rng, integer: boolean): string {
  if (integer) return pick(r, ['0', '-0', '7', '-1', '1e2', '1.0', '9007199254740991', '-9007199254740991', '123456789012', String(int(r, 1000))]);
  return pick(r, ['0', '-0', '0.1', '-2.5e-3', '1E5', '3.4028234663852886e38', '3.4028235e38', '1e-45', '1e-46', '123456789.123456789', '"NaN"', '"-Infinity"', String((r() - 0.5) * 10 ** int(r, 30))]);
}

function freshJson(r: Rng, integer: boolean): string {
  const shape = Array.from({ length: 1 + int(r, 3) }, () => 1 + int(r, 3));
  const ws = () => pick(r, ['', ' ', '\n', '\t ', '\r\n']);
  const build = (d: number): string => (d === shape.length ? freshNumber(r, integer) : `[${ws()}${Array.from({ length: shape[d]! }, () => build(d + 1)).join(`${ws()},${ws()}`)}${ws()}]`);
  return `${ws()}${build(0)}${ws()}`;
}

export const jsonTarget: FuzzTarget<JsonCase> = {
  name: 'json',
  make(seed, index) {
    const r = rngFor(seed, index);
    if (int(r, 3) === 0) {
      const integer = int(r, 2) === 0;
      const text = freshJson(r, integer);
      return { text: int(r, 4) === 0 ? mutateJsonText(r, text) : text, integer };
    }
    jsonSeedCache ??= jsonSeeds();
    const s = pick(r, jsonSeedCache);
    const text = int(r, 10) === 0 ? `[[${Array.from({ length: 1 + int(r, 4) }, () => pick(r, HOSTILE_LITERALS)).join(', ')}]]` : mutateJsonText(r, s.text);
    return { text, integer: int(r, 4) === 0 ? !s.integer : s.integer };
  },
  async run({ text, integer }) {
    const ref = jsonReference(text, integer);
    let t: InputTensor;
    try {
      t = parseJsonTensor(text, integer);
    } catch (e) {
      const findings = errorFindings(e, [InputFormatError]);
      if (ref.ok === true) findings.push('refused a tensor the reference reads');
      return { accepted: false, findings };
    }
    const findings: string[] = [];
    if (ref.ok === false) findings.push('accepted a tensor the reference refuses');
    if (ref.ok === true) {
      if (ref.shape.join() !== t.shape.join()) findings.push(`shape (${t.shape.join(', ')}), reference (${ref.shape.join(', ')})`);
      const got = Array.from(t.data as ArrayLike<number | bigint>, Number);
      const bad = got.findIndex((v, i) => !Object.is(v, ref.values[i]) && !(Number.isNaN(v) && Number.isNaN(ref.values[i]!)));
      if (bad >= 0 || got.length !== ref.values.length) findings.push(`value at flat index ${bad} is ${got[bad]}, reference ${ref.values[bad]}`);
    }
    return { accepted: true, findings };
  },
  bytes: (c) => new TextEncoder().encode(c.text),
};

// ---------------------------------------------------------------- ONNX

/** Models whose graph output is the GRU's Y itself, so onnxruntime-node can check accepted runs. */
export const Y_OUTPUT_MODELS = ['onnx_lbr0', 'onnx_clip', 'onnx_activations', 'onnx_seqlens', 'onnx_reverse', 'onnx_initialh_const'];
const ONNX_SEEDS = [...Y_OUTPUT_MODELS, 'gru1', 'tagger', 'h0input', 'bigru'];

export interface OnnxCase {
  seed: string;
  model: Uint8Array;
  inputs: Record<string, UserTensor>;
  engine: 'onnxruntime' | 'native';
}

function fixtureInputs(name: string): Record<string, UserTensor> {
  const manifest = JSON.parse(readFileSync(path.join(ONNX_FIXTURES, 'manifest.json'), 'utf8')) as Record<string, { inputs: string[] }>;
  const names = manifest[name]!.inputs;
  const read = (f: string): UserTensor => {
    const t = parseNpy(new Uint8Array(readFileSync(path.join(ONNX_FIXTURES, f))));
    return { dims: t.shape, dtype: t.dtype, data: t.data };
  };
  const out: Record<string, UserTensor> = { [names[0]!]: read(`${name}.input.npy`) };
  if (names[1] === 'h0') out['h0'] = read(`${name}.h0.npy`);
  return out;
}

const ACT_NAMES = ['Sigmoid', 'Tanh', 'Relu', 'Affine', 'LeakyRelu', 'ThresholdedRelu', 'ScaledTanh', 'HardSigmoid', 'Elu', 'Softsign', 'Softplus', 'sigmoid', 'Swish', ''];
const FLOATS = [0, 1, -1, 0.5, 2, 1e-3, 1e30, -1e30, Number.NaN, Number.POSITIVE_INFINITY, 3.5];

/** Structured edits of a decoded model: GRU attributes, initializer dims and data, names, domain, opset. */
function mutateModel(r: Rng, m: onnx.ModelProto): void {
  const g = m.graph!;
  const grus = (g.node ?? []).filter((n) => n.opType === 'GRU');
  const gru = grus.length ? pick(r, grus) : pick(r, g.node!);
  const setAttr = (name: string, a: Partial<onnx.IAttributeProto>) => {
    gru.attribute = (gru.attribute ?? []).filter((x) => x.name !== name);
    gru.attribute.push(onnx.AttributeProto.create({ name, ...a }));
  };
  const enc = (s: string) => new TextEncoder().encode(s);
  switch (int(r, 12)) {
    case 0: {
      const count = pick(r, [1, 2, 2, 4, 3]);
      setAttr('activations', { type: onnx.AttributeProto.AttributeType.STRINGS, strings: Array.from({ length: count }, () => enc(pick(r, ACT_NAMES))) });
      if (int(r, 2)) setAttr('activation_alpha', { type: onnx.AttributeProto.AttributeType.FLOATS, floats: Array.from({ length: int(r, 4) }, () => pick(r, FLOATS)) });
      if (int(r, 2)) setAttr('activation_beta', { type: onnx.AttributeProto.AttributeType.FLOATS, floats: Array.from({ length: int(r, 4) }, () => pick(r, FLOATS)) });
      break;
    }
    case 1:
      setAttr('hidden_size', { type: onnx.AttributeProto.AttributeType.INT, i: pick(r, [0, -1, 1, 3, 4, 5, 7, 2 ** 31, 2 ** 40]) });
      break;
    case 2:
      setAttr('direction', { type: onnx.AttributeProto.AttributeType.STRING, s: enc(pick(r, ['forward', 'reverse', 'bidirectional', 'sideways', ''])) });
      break;
    case 3:
      setAttr(pick(r, ['clip', 'linear_before_reset', 'layout']), int(r, 2) ? { type: onnx.AttributeProto.AttributeType.FLOAT, f: pick(r, FLOATS) } : { type: onnx.AttributeProto.AttributeType.INT, i: pick(r, [0, 1, 2, -1]) });
      break;
    case 4: {
      const inits = g.initializer ?? [];
      if (!inits.length) break;
      const t = pick(r, inits);
      const dims = [...(t.dims ?? [])].map(Number);
      if (dims.length === 0) dims.push(1);
      dims[int(r, dims.length)] = pick(r, [0, -1, -3, 1, 2, 1e6, 2 ** 31, 2 ** 40]);
      t.dims = dims;
      break;
    }
    case 5: {
      const inits = g.initializer ?? [];
      if (!inits.length) break;
      const t = pick(r, inits);
      if (t.rawData?.length) t.rawData = int(r, 2) ? t.rawData.subarray(0, int(r, t.rawData.length)) : new Uint8Array(0);
      else if (t.floatData?.length) t.floatData = t.floatData.slice(0, int(r, t.floatData.length));
      break;
    }
    case 6:
      gru.output = ['', ...(gru.output ?? []).slice(1)];
      g.output = (g.output ?? []).filter((o) => o.name !== 'Y');
      if (g.output.length === 0) g.output.push(onnx.ValueInfoProto.create({ name: gru.output[1] || 'Y_h', type: { tensorType: { elemType: 1 } } }));
      if (!gru.output[1]) gru.output[1] = g.output[0]!.name!;
      break;
    case 7:
      gru.domain = pick(r, ['com.example', 'ai.onnx', '']);
      break;
    case 8:
      m.opsetImport = [onnx.OperatorSetIdProto.create({ domain: '', version: pick(r, [1, 6, 7, 13, 14, 22, 99]) })];
      break;
    case 9:
      gru.input = (gru.input ?? []).slice(0, int(r, (gru.input ?? []).length + 1));
      break;
    case 10: {
      const t = (g.initializer ?? []).find((x) => x.floatData?.length || x.rawData?.length);
      if (!t) break;
      if (t.rawData?.length) {
        const d = Uint8Array.from(t.rawData);
        new DataView(d.buffer).setFloat32(4 * int(r, d.length >> 2), pick(r, FLOATS), true);
        t.rawData = d;
      } else t.floatData![int(r, t.floatData!.length)] = pick(r, FLOATS);
      break;
    }
    default:
      gru.opType = pick(r, ['gru', 'LSTM', 'RNN', 'GRU']);
  }
}

export const onnxTarget: FuzzTarget<OnnxCase> & { options?: Partial<TraceOnnxOptions> } = {
  name: 'onnx',
  make(seed, index) {
    const r = rngFor(seed, index);
    const name = pick(r, ONNX_SEEDS);
    const bytes = new Uint8Array(readFileSync(path.join(ONNX_FIXTURES, `${name}.onnx`)));
    let model: Uint8Array;
    if (int(r, 5) === 0) model = mutateBytes(r, bytes);
    else {
      const m = decodeModel(bytes);
      const edits = 1 + int(r, 2);
      for (let k = 0; k < edits; k++) mutateModel(r, m);
      model = onnx.ModelProto.encode(m).finish();
    }
    return { seed: name, model, inputs: fixtureInputs(name), engine: int(r, 3) === 0 ? 'native' : 'onnxruntime' };
  },
  async run(c) {
    const foreign: string[] = [];
    const restore = captureOutput(foreign);
    let outcome: Outcome;
    try {
      const { input } = await runOnnxTrace({ modelBytes: c.model, inputs: c.inputs, engine: c.engine, wasmDir: WASM_DIR });
      outcome = { accepted: true, findings: [], result: input };
    } catch (e) {
      outcome = { accepted: false, findings: errorFindings(e, [OnnxTraceError, InputFormatError]) };
    } finally {
      restore();
    }
    if (foreign.length) outcome.findings.push(`foreign output: ${JSON.stringify(foreign.join('').slice(0, 200))}`);
    return outcome;
  },
  bytes: (c) => c.model,
};

/** Routes everything written to stdout/stderr/console into `sink` until the returned restore runs. */
export function captureOutput(sink: string[]): () => void {
  // onnxruntime-web's WASM module writes its log with fs.writeSync on fds 1 and 2 (patched on the
  // module object itself: an ES namespace import would be a copy).
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const fs = require('node:fs') as typeof import('node:fs');
  const writeSync = fs.writeSync;
  fs.writeSync = ((fd: number, data: unknown, ...rest: unknown[]) => {
    if (fd === 1 || fd === 2) {
      sink.push(typeof data === 'string' ? data : new TextDecoder().decode(data as Uint8Array));
      return typeof data === 'string' ? Buffer.byteLength(data) : (data as Uint8Array).length;
    }
    return (writeSync as (...a: unknown[]) => number)(fd, data, ...rest);
  }) as typeof fs.writeSync;
  const out = process.stdout.write;
  const err = process.stderr.write;
  const methods = ['log', 'error', 'warn', 'info', 'debug'] as const;
  const saved = methods.map((k) => console[k]);
  const grab = (chunk: unknown): boolean => {
    sink.push(String(chunk));
    return true;
  };
  process.stdout.write = grab as typeof process.stdout.write;
  process.stderr.write = grab as typeof process.stderr.write;
  for (const k of methods) console[k] = (...a: unknown[]) => void sink.push(a.map(String).join(' '));
  const onWarning = (w: Error) => void sink.push(`process warning ${w.name}: ${w.message}`);
  process.on('warning', onWarning);
  return () => {
    fs.writeSync = writeSync;
    process.stdout.write = out;
    process.stderr.write = err;
    methods.forEach((k, i) => (console[k] = saved[i]!));
    process.off('warning', onWarning);
  };
}

// ---------------------------------------------------------------- trace documents

let traceSeedCache: unknown[] | undefined;

function traceSeeds(): unknown[] {
  const out: unknown[] = [];
  for (const dir of TRACE_FIXTURES) {
    for (const f of readdirSync(dir).sort()) {
      if (!f.endsWith('.json') || f === 'cases.json') continue;
      out.push(JSON.parse(readFileSync(path.join(dir, f), 'utf8')));
    }
  }
  return out;
}

export const traceTarget: FuzzTarget<string> = {
  name: 'trace',
  make(seed, index) {
    const r = rngFor(seed, index);
    traceSeedCache ??= traceSeeds();
    const doc = pick(r, traceSeedCache);
    // Mostly structural edits of the parsed document (the decoder's input); some text edits.
    if (int(r, 4) === 0) return mutateJsonText(r, JSON.stringify(doc));
    return JSON.stringify(mutateJsonValue(r, doc));
  },
  async run(text) {
    let json: unknown;
    try {
      json = JSON.parse(text);
    } catch {
      // Not JSON at all: the host and renderer never hand such text to the decoder.
      return { accepted: false, findings: [] };
    }
    const t0 = performance.now();
    let findings: string[] = [];
    let accepted = false;
    try {
      const doc = decodeTrace(json);
      accepted = true;
      for (const l of doc.layers) {
        for (const g of l.gates) {
          for (const lv of g.levels) {
            // Every inline summary holds exactly [batch, buckets, units] values, buckets = ceil(steps / bucket).
            if (lv.buckets !== Math.ceil(doc.steps / lv.bucket)) findings.push(`gate ${g.name} level of bucket ${lv.bucket} has ${lv.buckets} buckets for ${doc.steps} steps`);
            for (const [s, v] of [['mean', lv.mean], ['min', lv.min], ['max', lv.max]] as const) {
              if (v && v.length !== doc.batch * lv.buckets * g.units) findings.push(`gate ${g.name} ${s} has ${v.length} values for [${doc.batch}, ${lv.buckets}, ${g.units}]`);
            }
          }
        }
      }
      if (doc.tokens && doc.tokens.length !== doc.steps) findings.push(`${doc.tokens.length} tokens for ${doc.steps} steps`);
      for (const len of doc.sequenceLengths ?? []) if (!(Number.isInteger(len) && len >= 0 && len <= doc.steps)) findings.push(`sequence length ${len} outside 0..${doc.steps}`);
    } catch (e) {
      findings = errorFindings(e, [TraceFormatError]);
    }
    const ms = performance.now() - t0;
    if (ms > 2000) findings.push(`decoding took ${ms.toFixed(0)} ms`);
    return { accepted, findings };
  },
  bytes: (c) => new TextEncoder().encode(c),
};

export const TARGETS = { npy: npyTarget, json: jsonTarget, onnx: onnxTarget, trace: traceTarget };
export type TargetName = keyof typeof TARGETS;

/** Runs `count` cases of one target from `seed` (stopping early past `budgetMs`). */
export async function fuzz<C>(target: FuzzTarget<C>, seed: number, count: number, budgetMs = Number.POSITIVE_INFINITY, extra?: (c: C, o: Outcome) => Promise<void> | void) {
  const t0 = performance.now();
  let accepted = 0;
  let runs = 0;
  const findings: { index: number; finding: string }[] = [];
  for (let i = 0; i < count && performance.now() - t0 < budgetMs; i++) {
    const c = target.make(seed, i);
    const o = await target.run(c);
    if (extra) await extra(c, o);
    runs++;
    if (o.accepted) accepted++;
    for (const f of o.findings) findings.push({ index: i, finding: f });
  }
  return { name: target.name, runs, accepted, refused: runs - accepted, findings, ms: performance.now() - t0 };
}
