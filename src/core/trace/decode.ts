// decodeTrace: parsed JSON -> DecodedTrace, validating every field the renderer relies on. Reads
// version 1 (Gatescope 0.1.0, lifted by decode-v1.ts) and version 2. Unknown fields are ignored
// (a version may gain optional fields); a larger version number is refused with a message that says
// to update Gatescope.

import { CELL_KINDS, type CellKind, type GateRange, type GateRole } from '../cells/gate-sets';
import type { CellConvention, Direction, LevelData, RunTag, SidecarRef, TraceCompare } from './document';
import { TRACE_FORMAT, TRACE_VERSION } from './document';
import type { DecodedGate, DecodedLayer, DecodedLevel, DecodedTrace, RemoteSummary } from './decoded';
import { decodeTraceV1 } from './decode-v1';
import { TraceFormatError } from './errors';
import { decodeCommonFields, intField, stringField } from './fields';
import { bucketCount } from './pyramid';
import { checkTensor, decodeTensor, describe, isObject, tensorMaxError, uint8MaxError } from './tensor';
import { DeferredValues } from './deferred-values';
import { FLOAT16_RELATIVE_ERROR } from '../encoding/float16';

const ROLES: readonly GateRole[] = ['reset', 'update', 'candidate', 'input', 'forget', 'output', 'cell', 'hidden'];
const SUMMARIES = ['mean', 'min', 'max'] as const;

export interface DecodeOptions {
  /**
   * Keep the base64 text of a gate's inline level 0 undecoded when the gate also stores a coarser
   * inline level (a long run, encode.ts coarseInlineLevel): level.deferred decodes it in slices, and
   * reading level.mean decodes the rest at once. Every other field is checked as usual; the base64
   * characters of a deferred level are checked as they are decoded (its length is checked now).
   */
  defer?: boolean;
  /**
   * Keep each inline mean's stored uint8 codes or float16 bits beside its float32 values
   * (level.stored; 1/4 or 1/2 of them more memory): a drawer that uploads them reads them as stored.
   */
  keepStored?: boolean;
}

export function decodeTrace(json: unknown, opts: DecodeOptions = {}): DecodedTrace {
  if (typeof json === 'string') throw new TraceFormatError('', 'expected a parsed JSON object, found a string (call JSON.parse first)');
  if (!isObject(json)) throw new TraceFormatError('', `expected a Gatescope trace object, found ${describe(json)}`);
  if (json['format'] !== TRACE_FORMAT) {
    throw new TraceFormatError('format', `expected "${TRACE_FORMAT}", found ${describe(json['format'])}: this is not a Gatescope trace`);
  }
  const version = json['version'];
  if (typeof version !== 'number' || !Number.isInteger(version) || version < 1) {
    throw new TraceFormatError('version', `expected a positive integer, found ${describe(version)}`);
  }
  if (version > TRACE_VERSION) {
    throw new TraceFormatError(
      'version',
      `made by a newer Gatescope (trace version ${version}); this Gatescope reads versions 1 to ${TRACE_VERSION}. Update the Gatescope extension to view it`,
    );
  }
  return version === 1 ? decodeTraceV1(json) : decodeTraceV2(json, opts);
}

function decodeTraceV2(json: Record<string, unknown>, opts: DecodeOptions): DecodedTrace {
  const model = decodeModelV2(json['model']);
  const batch = intField(json, 'batch', '', 1);
  const steps = intField(json, 'steps', '', 1);
  const pyr = json['pyramid'];
  if (!isObject(pyr)) throw new TraceFormatError('pyramid', `expected an object {fanout, tileSteps}, found ${describe(pyr)}`);
  const fanout = intField(pyr, 'fanout', 'pyramid', 2);
  const tileSteps = intField(pyr, 'tileSteps', 'pyramid', 1);
  if ((tileSteps & (tileSteps - 1)) !== 0) throw new TraceFormatError('pyramid.tileSteps', `expected a power of two, found ${tileSteps}`);
  const out: DecodedTrace = { version: 2, model, batch, steps, pyramid: { fanout, tileSteps }, layers: [] };
  decodeCommonFields(json, out);
  if (json['sidecar'] !== undefined) out.sidecar = decodeSidecarRef(json['sidecar']);
  if (json['compare'] !== undefined) out.compare = decodeCompare(json['compare']);

  const layersJson = json['layers'];
  if (!Array.isArray(layersJson) || layersJson.length === 0) {
    throw new TraceFormatError('layers', `expected a non-empty array of layer entries, found ${describe(layersJson)}`);
  }
  const seen = new Set<string>();
  layersJson.forEach((l, i) => {
    const layer = decodeLayer(l, `layers[${i}]`, out, opts);
    const key = `${layer.run ?? 'a'}/${layer.layer}/${layer.direction}`;
    if (seen.has(key)) throw new TraceFormatError(`layers[${i}]`, `duplicate entry for layer ${layer.layer} ${layer.direction}${layer.run ? ` (run ${layer.run})` : ''}`);
    seen.add(key);
    if (opts.defer) undeferMixed(layer);
    out.layers.push(layer);
  });
  return out;
}

/**
 * A view draws every gate of a layer entry from the same bucket size (renderer/data.ts): level 0 is
 * deferred for all its gates, with coarse levels of one size, or for none (decoded now). Every writer
 * gives every gate the same levels; a hand-made document may not.
 */
function undeferMixed(layer: DecodedLayer): void {
  const coarse = new Set(layer.gates.map((g) => (g.levels[0]!.deferred ? g.levels[g.levels.length - 1]!.bucket : 1)));
  if (coarse.size === 1) return;
  for (const g of layer.gates) if (g.levels[0]!.deferred) g.levels[0]!.deferred.values();
}

function decodeModelV2(m: unknown): DecodedTrace['model'] {
  if (!isObject(m)) throw new TraceFormatError('model', `expected an object {name, source, engine}, found ${describe(m)}`);
  const source = m['source'];
  if (source !== 'onnx' && source !== 'pytorch' && source !== 'keras' && source !== 'native') {
    throw new TraceFormatError('model.source', `expected "onnx", "pytorch", "keras" or "native", found ${describe(source)}`);
  }
  const model: DecodedTrace['model'] = { name: stringField(m, 'name', 'model'), source, engine: stringField(m, 'engine', 'model') };
  if (m['inputSize'] !== undefined) model.inputSize = intField(m, 'inputSize', 'model', 1);
  return model;
}

function decodeLayer(l: unknown, p: string, trace: DecodedTrace, opts: DecodeOptions): DecodedLayer {
  if (!isObject(l)) throw new TraceFormatError(p, `expected a layer object, found ${describe(l)}`);
  const layer = intField(l, 'layer', p, 0);
  const direction = l['direction'];
  if (direction !== 'forward' && direction !== 'reverse') throw new TraceFormatError(`${p}.direction`, `expected "forward" or "reverse", found ${describe(direction)}`);
  const cell = l['cell'];
  if (!CELL_KINDS.includes(cell as CellKind)) throw new TraceFormatError(`${p}.cell`, `expected one of ${CELL_KINDS.map((c) => `"${c}"`).join(', ')}, found ${describe(cell)}`);
  const out: DecodedLayer = {
    layer,
    direction: direction as Direction,
    name: stringField(l, 'name', p),
    cell: cell as CellKind,
    hiddenSize: intField(l, 'hiddenSize', p, 1),
    gates: [],
  };
  const conv = l['convention'];
  if (conv !== undefined) {
    // Shown to the user as written; its fields are the producer's (document.ts, *Convention).
    if (!isObject(conv)) throw new TraceFormatError(`${p}.convention`, `expected an object, found ${describe(conv)}`);
    out.convention = conv as unknown as CellConvention;
  }
  const run = l['run'];
  if (run !== undefined) {
    if (run !== 'a' && run !== 'b') throw new TraceFormatError(`${p}.run`, `expected "a" or "b", found ${describe(run)}`);
    out.run = run as RunTag;
  }
  const gates = l['gates'];
  if (!Array.isArray(gates) || gates.length === 0) throw new TraceFormatError(`${p}.gates`, `expected a non-empty array of gates, found ${describe(gates)}`);
  const names = new Map<string, number>();
  gates.forEach((g, i) => {
    const gate = decodeGate(g, `${p}.gates[${i}]`, trace, opts);
    const earlier = names.get(gate.name);
    if (earlier !== undefined) throw new TraceFormatError(`${p}.gates[${i}].name`, `the same gate name as ${p}.gates[${earlier}] (each gate appears once)`);
    names.set(gate.name, i);
    out.gates.push(gate);
  });
  return out;
}

function decodeGate(g: unknown, p: string, trace: DecodedTrace, opts: DecodeOptions): DecodedGate {
  if (!isObject(g)) throw new TraceFormatError(p, `expected a gate object, found ${describe(g)}`);
  const name = stringField(g, 'name', p);
  if (!/^[A-Za-z][A-Za-z0-9_]{0,15}$/.test(name)) throw new TraceFormatError(`${p}.name`, 'expected a short gate name of letters, digits and _ (such as "r" or "f")');
  const role = g['role'];
  if (!ROLES.includes(role as GateRole)) throw new TraceFormatError(`${p}.role`, `expected one of ${ROLES.join(', ')}, found ${describe(role)}`);
  const range = decodeRange(g['range'], `${p}.range`);
  const scale = g['scale'];
  if (scale !== 'sequential' && scale !== 'diverging') throw new TraceFormatError(`${p}.scale`, `expected "sequential" or "diverging", found ${describe(scale)}`);
  const units = intField(g, 'units', p, 1);
  const levels = g['levels'];
  if (!Array.isArray(levels) || levels.length === 0) throw new TraceFormatError(`${p}.levels`, `expected a non-empty array of levels, found ${describe(levels)}`);
  const out: DecodedGate = { name, role: role as GateRole, range, scale, units, levels: [] };
  let prev = 0;
  // Level 0 waits when a coarser level is inline to paint from (its last level: the coarsest).
  const last = levels[levels.length - 1];
  const deferLevel0 = opts.defer === true && levels.length > 1 && isObject(last) && isObject(last['mean']) && typeof last['mean']['data'] === 'string';
  levels.forEach((lv, k) => {
    // The bucket is checked before the summaries: a wrong bucket also gives the data a wrong length,
    // and the message must name the cause.
    const bucket = isObject(lv) ? intField(lv, 'bucket', `${p}.levels[${k}]`, 1) : 1;
    if (k === 0 && bucket !== 1) throw new TraceFormatError(`${p}.levels[0].bucket`, `level 0 has bucket 1, found ${bucket}`);
    if (k > 0 && !isPowerOf(bucket, trace.pyramid.fanout, prev)) {
      throw new TraceFormatError(`${p}.levels[${k}].bucket`, `expected a power of the fanout ${trace.pyramid.fanout} larger than ${prev}, found ${bucket}`);
    }
    const level = decodeLevel(lv, `${p}.levels[${k}]`, trace, units, k === 0 && deferLevel0, opts.keepStored === true);
    prev = level.bucket;
    out.levels.push(level);
  });
  return out;
}

function isPowerOf(n: number, base: number, above: number): boolean {
  if (n <= above) return false;
  let p = 1;
  while (p < n) p *= base;
  return p === n;
}

function decodeRange(r: unknown, p: string): GateRange {
  if (r === 'symmetric' || r === 'data') return r;
  if (Array.isArray(r) && r.length === 2 && r.every((x) => typeof x === 'number' && Number.isFinite(x)) && (r[0] as number) < (r[1] as number)) {
    return [r[0] as number, r[1] as number];
  }
  throw new TraceFormatError(p, `expected [lo, hi] with lo < hi, "symmetric" or "data", found ${describe(r)}`);
}

function decodeLevel(lv: unknown, p: string, trace: DecodedTrace, units: number, defer: boolean, keepStored: boolean): DecodedLevel {
  if (!isObject(lv)) throw new TraceFormatError(p, `expected a level object, found ${describe(lv)}`);
  const bucket = intField(lv, 'bucket', p, 1);
  const dtype = lv['dtype'];
  if (dtype !== 'float32' && dtype !== 'float16' && dtype !== 'uint8') throw new TraceFormatError(`${p}.dtype`, `expected "float32", "float16" or "uint8", found ${describe(dtype)}`);
  const buckets = bucketCount(trace.steps, bucket);
  const out: DecodedLevel = { bucket, buckets, dtype, maxError: 0 };
  for (const s of SUMMARIES) {
    const d = lv[s];
    if (s !== 'mean' && (bucket === 1) !== (d === undefined)) {
      throw new TraceFormatError(`${p}.${s}`, bucket === 1 ? 'level 0 stores only mean (the values themselves)' : `missing (levels with bucket > 1 store mean, min and max)`);
    }
    if (d === undefined) {
      if (s === 'mean') throw new TraceFormatError(`${p}.mean`, 'missing');
      continue;
    }
    if (!isObject(d)) throw new TraceFormatError(`${p}.${s}`, `expected {data} or {sidecar}, found ${describe(d)}`);
    const data = d as LevelData & Record<string, unknown>;
    if ('sidecar' in data) {
      if (!trace.sidecar) throw new TraceFormatError(`${p}.${s}.sidecar`, 'refers to a sidecar, but the document names none (field "sidecar")');
      const tensor = data['sidecar'];
      if (typeof tensor !== 'string' || tensor.length === 0 || tensor.length > 200) throw new TraceFormatError(`${p}.${s}.sidecar`, `expected a tensor name, found ${describe(tensor)}`);
      const r: RemoteSummary = { tensor };
      if (dtype === 'uint8') {
        const scale = data['scale'];
        const offset = data['offset'];
        if (typeof scale !== 'number' || !Number.isFinite(scale) || scale < 0 || typeof offset !== 'number' || !Number.isFinite(offset)) {
          throw new TraceFormatError(`${p}.${s}`, 'uint8 summaries need a finite scale >= 0 and a finite offset (value = offset + scale * q)');
        }
        r.scale = scale;
        r.offset = offset;
        out.maxError = Math.max(out.maxError, uint8MaxError(scale, offset));
      } else if (dtype === 'float16') out.maxError = Math.max(out.maxError, FLOAT16_RELATIVE_ERROR);
      (out.remote ??= { mean: r })[s] = r;
    } else if (defer) {
      // Level 0 has mean only. The getter decodes on first read, so every reader stays correct.
      const t = checkTensor({ ...data, dims: [trace.batch, buckets, units], dtype }, `${p}.${s}`);
      const deferred = new DeferredValues(t, `${p}.${s}`, keepStored);
      out.deferred = deferred;
      Object.defineProperty(out, 'mean', { get: () => deferred.values(), enumerable: true, configurable: true });
      // The stored form exists once every value is decoded (a reader asks again after that).
      if (keepStored) Object.defineProperty(out, 'stored', { get: () => deferred.stored, enumerable: true, configurable: true });
      out.maxError = Math.max(out.maxError, tensorMaxError(t));
    } else {
      const t = decodeTensor({ ...data, dims: [trace.batch, buckets, units], dtype }, `${p}.${s}`, undefined, keepStored && s === 'mean');
      out[s] = t.values;
      if (t.stored) out.stored = t.stored;
      out.maxError = Math.max(out.maxError, t.maxError ?? 0);
    }
  }
  return out;
}

function decodeSidecarRef(s: unknown): SidecarRef {
  if (!isObject(s)) throw new TraceFormatError('sidecar', `expected an object {file, bytes, headerSha256}, found ${describe(s)}`);
  const file = stringField(s, 'file', 'sidecar');
  if (!/^[^/\\:\0]{1,240}$/.test(file) || file === '.' || file === '..') {
    throw new TraceFormatError('sidecar.file', 'expected a plain file name in the same folder (no path separators)');
  }
  const bytes = intField(s, 'bytes', 'sidecar', 9);
  const headerSha256 = stringField(s, 'headerSha256', 'sidecar');
  if (!/^[0-9a-f]{64}$/.test(headerSha256)) throw new TraceFormatError('sidecar.headerSha256', 'expected 64 lowercase hex digits (SHA-256)');
  return { file, bytes, headerSha256 };
}

function decodeCompare(c: unknown): TraceCompare {
  if (!isObject(c)) throw new TraceFormatError('compare', `expected an object {a, b, tolerance}, found ${describe(c)}`);
  const label = (k: 'a' | 'b') => {
    const v = c[k];
    if (!isObject(v)) throw new TraceFormatError(`compare.${k}`, `expected an object {label}, found ${describe(v)}`);
    return { label: stringField(v, 'label', `compare.${k}`) };
  };
  const tolerance = c['tolerance'];
  if (typeof tolerance !== 'number' || !Number.isFinite(tolerance) || tolerance < 0) {
    throw new TraceFormatError('compare.tolerance', `expected a finite number >= 0, found ${describe(tolerance)}`);
  }
  // stats and unitAlignment are kept as written (checked by the compare view that reads them).
  const out: TraceCompare = { a: label('a'), b: label('b'), tolerance };
  if (Array.isArray(c['stats'])) out.stats = c['stats'] as TraceCompare['stats'];
  if (Array.isArray(c['unitAlignment'])) out.unitAlignment = c['unitAlignment'] as TraceCompare['unitAlignment'];
  return out;
}
