// encodeTrace: gate arrays -> trace document version 2 (+ a sidecar plan when the run is too large
// for a notebook output). Nothing is dropped: what does not fit the output moves to the sidecar.
//
// Size rule (docs/trace-format.md, "Size budget"): size = UTF-8 bytes of the compact JSON text.
// 1. Whole run inline: level 0 of every gate in the document (coarse levels are derived by readers),
//    and for a long run one coarse level as well (coarseInlineLevel), so that a reader paints from it
//    before it decodes level 0. precision 'auto' takes the first of float32, float16, uint8 that fits maxBytes; an explicit
//    precision is used as is when it fits.
// 2. Otherwise, with a sidecar allowed: the document keeps the coarsest levels (uint8, mean/min/max)
//    that fit `inlineBytes` (2 MiB by default), the sidecar holds every finer level. The sidecar's
//    precision 'auto' is the most precise whose file stays under SIDECAR_AUTO_MAX_BYTES.
// 3. Otherwise TraceSizeError says how large the run is and what to change.
// float16 cannot hold finite magnitudes >= 65520: such a gate is stored as float32 (with a warning)
// instead of turning values into ±Inf.

import { gateSet, type GateSpec, type LayerGateValues } from '../cells/gate-sets';
import { encodeBase64 } from '../encoding/base64';
import { encodeFloat16, fitsFloat16 } from '../encoding/float16';
import { finiteRange, quantizeUint8 } from '../encoding/uint8';
import { utf8ByteLength } from '../encoding/utf8';
import {
  TRACE_FORMAT,
  TRACE_VERSION,
  type CellConvention,
  type LevelData,
  type RunTag,
  type SidecarRef,
  type TensorDtype,
  type TraceCheck,
  type TraceCompare,
  type TraceDocument,
  type TraceGate,
  type TraceLayer,
  type TraceLevel,
  type TraceModel,
} from './document';
import { TraceSizeError } from './errors';
import { CancelledError } from '../cancel';
import { buildPyramid, bucketCount, chooseTileSteps, levelBuckets, PYRAMID_FANOUT, summariseFromValues, type LevelSummaries } from './pyramid';
import { layOutSidecar, sidecarHeaderBytes, sidecarFileName, sidecarTensorName, tileByteRange, type SidecarLayout, type SidecarTensor } from './sidecar';
import { BYTES_PER_VALUE } from './tensor';

export type TracePrecision = TensorDtype | 'auto';

export interface TraceLayerInput extends LayerGateValues {
  convention?: CellConvention;
  run?: RunTag;
  /** Gate specs, default gateSet(cell); their names are the keys of `gates`. */
  specs?: readonly GateSpec[];
}

/** A layer entry without its values: what the encoder needs to plan sizes before any value exists. */
export interface TraceLayerShape extends Omit<TraceLayerInput, 'gates'> {
  /** Units per gate name; a gate not listed has hiddenSize units. */
  units?: Record<string, number>;
}

export interface TraceInput extends Omit<TraceShape, 'layers'> {
  layers: TraceLayerInput[];
}

/** Everything of a trace input but the gate values (TraceInput without `gates`). */
export interface TraceShape {
  model: TraceModel;
  layers: TraceLayerShape[];
  batch: number;
  steps: number;
  tokens?: string[];
  sequenceLengths?: number[];
  check?: TraceCheck;
  warnings?: string[];
  producer?: string;
  createdAt?: string;
  compare?: TraceCompare;
}

export interface SidecarOptions {
  /** File name stem: the notebook's or the --out file's name without extension. */
  stem: string;
  /** Precision of the sidecar's levels. Default 'auto'. */
  precision?: TracePrecision;
  /** Budget of the document when a sidecar holds the fine levels. Default SIDECAR_INLINE_BYTES. */
  inlineBytes?: number;
}

export interface EncodeOptions {
  /** Default 'auto'. */
  precision?: TracePrecision;
  /** Budget in bytes of JSON text (UTF-8). Default DEFAULT_MAX_BYTES; Infinity for no budget. */
  maxBytes?: number;
  /** Allow a sidecar for runs beyond maxBytes (the caller writes it with writeSidecar). */
  sidecar?: SidecarOptions;
}

export interface SidecarPlan {
  stem: string;
  layout: SidecarLayout;
  /** Values of layout.tensors[i], full [B, buckets, units] float32. */
  values: Float32Array[];
}

export interface EncodedTrace {
  document: TraceDocument;
  /** Present when levels go to a sidecar: write it (writeSidecar), then set document.sidecar to the returned ref. */
  sidecar?: SidecarPlan;
}

/**
 * 8 MiB (default of gatescope.maxOutputMB). VS Code asks before opening any notebook over 10 MiB in
 * remote windows (SSH, WSL, containers, code-server): one trace must leave room for the rest of the
 * notebook. Measurements: docs/trace-format.md, "Size budget".
 */
export const DEFAULT_MAX_BYTES = 8 * 1024 * 1024;
/** The output's budget when a sidecar holds the fine levels: header and overview only. */
export const SIDECAR_INLINE_BYTES = 2 * 1024 * 1024;
/** 'auto' sidecar precision: the most precise whose file stays under this. */
export const SIDECAR_AUTO_MAX_BYTES = 2 * 1024 ** 3;

const MB = 1024 * 1024;
/** Stands in for uint8 scale/offset when sizing: 24 characters, the longest JSON text of a finite double. */
const NUMBER_PLACEHOLDER = -1.2345678901234567e-300;
export const HASH_PLACEHOLDER = '0'.repeat(64);

/** Where each level of every gate goes: inline at a dtype, or to the sidecar at a dtype. */
export interface Plan {
  /** Levels k >= firstInline are inline; below, in the sidecar. 0: everything inline. */
  firstInline: number;
  /** dtype of level 0 when inline (plan 1), per layer per gate (float16 may fall back to float32). */
  inlineDtypes: TensorDtype[][];
  /** dtype of the sidecar levels (plan 2), per layer per gate. */
  sidecarDtypes: TensorDtype[][];
  f16Fallback: boolean;
  /** Plan 1: whether the long run's coarse level (Prepared.coarseLevel) is stored beside level 0. */
  coarse: boolean;
}

export interface Prepared {
  input: TraceShape;
  /** The values, when the whole input is at hand (encodeTrace); absent when planning from a shape. */
  values?: TraceInput;
  specs: GateSpec[][];
  /** Units per layer per gate. */
  units: number[][];
  buckets: number[];
  tileSteps: number;
  /** Index in `buckets` of the coarse level an inline document also stores (coarseInlineLevel), or -1. */
  coarseLevel: number;
  /** fits float16, per layer per gate: computed on first use (one pass over the values), only when float16 is considered. */
  f16ok: boolean[][] | undefined;
}

export function encodeTrace(input: TraceInput, opts: EncodeOptions = {}): EncodedTrace {
  const p = prepare(input);
  return encodePrepared(p, opts);
}

function encodePrepared(p: Prepared, opts: EncodeOptions): EncodedTrace {
  const d = decide(p, opts);
  if (d.kind === 'inline') return { document: build(p, d.plan, undefined, gateLevels(p)) };
  const tensors: SidecarValues[] = [];
  const document = build(p, d.plan, tensors, gateLevels(p));
  const layout = layOutSidecar(p.tileSteps, tensors.map((t) => t.tensor));
  const values = tensors.map((t) => t.values);
  document.sidecar = { file: sidecarFileName(d.stem, HASH_PLACEHOLDER), bytes: layout.totalBytes, headerSha256: HASH_PLACEHOLDER };
  return { document, sidecar: { stem: d.stem, layout, values } };
}

/** Where every level goes: all inline (level 0, and a long run's coarse level), or the fine levels to a sidecar. */
export type Decision = { kind: 'inline'; plan: Plan } | { kind: 'sidecar'; plan: Plan; stem: string };

/**
 * The encoding plan from sizes alone (estimateBytes counts bytes from dims; values are read only
 * for the float16 range check, and not at all when `p` is a shape: float16 is then assumed to fit).
 * Throws TraceSizeError when nothing fits.
 */
export function decide(p: Prepared, opts: EncodeOptions): Decision {
  const precision = opts.precision ?? 'auto';
  const maxBytes = opts.maxBytes ?? DEFAULT_MAX_BYTES;
  if (!(maxBytes > 0)) throw new RangeError(`maxBytes must be > 0, got ${maxBytes}`);

  // 1. Everything inline.
  const inlineCandidates: TensorDtype[] = precision === 'auto' ? ['float32', 'float16', 'uint8'] : [precision];
  let smallest = Infinity;
  // Precision comes first: a run that fits only without its coarse level keeps its dtype and drops the level.
  for (const dtype of inlineCandidates) {
    for (const coarse of p.coarseLevel > 0 ? [true, false] : [false]) {
      const plan = { ...planFor(p, 0, dtype, 'uint8'), coarse };
      const bytes = estimateBytes(p, plan, false);
      smallest = Math.min(smallest, bytes);
      if (bytes <= maxBytes) return { kind: 'inline', plan };
    }
  }

  // 2. Overview inline, fine levels in a sidecar.
  if (opts.sidecar) {
    const inlineBytes = Math.min(maxBytes, opts.sidecar.inlineBytes ?? SIDECAR_INLINE_BYTES);
    const sp = opts.sidecar.precision ?? 'auto';
    const top = p.buckets.length - 1;
    let firstInline = -1;
    for (let k = 1; k <= top; k++) {
      if (estimateBytes(p, planFor(p, k, 'uint8', 'uint8'), true) <= inlineBytes) {
        firstInline = k;
        break;
      }
    }
    if (firstInline < 0) {
      const need = top > 0 ? estimateBytes(p, planFor(p, top, 'uint8', 'uint8'), true) : smallest;
      throw new TraceSizeError(
        `The run's overview does not fit the output (${fmtMB(need)}, budget ${fmtMB(inlineBytes)}): ` +
          `${p.input.layers.length} layer entries of up to ${maxUnitsOf(p.units)} units. ` +
          'Trace fewer layers or fewer batch items, or raise gatescope.maxOutputMB.',
        need,
        inlineBytes,
        0,
      );
    }
    const sidecarDtype = pickSidecarDtype(p, firstInline, sp);
    return { kind: 'sidecar', plan: planFor(p, firstInline, 'uint8', sidecarDtype), stem: opts.sidecar.stem };
  }

  throw new TraceSizeError(
    `The trace does not fit the output budget of ${fmtMB(maxBytes)}: even as ${inlineCandidates[inlineCandidates.length - 1]} it needs ${fmtMB(smallest)}. ` +
      `To see every step, run it where a sidecar file can be written beside the notebook (save the notebook first; the CLI: --out FILE), ` +
      `${p.input.batch > 1 ? `trace fewer batch items (now ${p.input.batch}), ` : ''}or raise the budget (setting gatescope.maxOutputMB).`,
    smallest,
    maxBytes,
    0,
  );
}

/** Bytes of the compact JSON text of a document (what maxBytes limits). */
export function traceJsonBytes(doc: TraceDocument): number {
  return utf8ByteLength(JSON.stringify(doc));
}

/** Bytes the sink receives and where; `write` may be async (file handles). */
export interface SidecarSink {
  write(bytes: Uint8Array, position: number): void | Promise<void>;
}

/** SHA-256 of bytes as lowercase hex (Node: crypto.createHash; web: crypto.subtle). */
export type Sha256 = (bytes: Uint8Array) => string | Promise<string>;

/**
 * Writes a sidecar: every tile encoded and hashed, then the header (which lists the tile hashes) at
 * offset 0. Returns the reference for document.sidecar (its file name carries the header hash, so
 * the caller renames the file it wrote into `ref.file`).
 */
export async function writeSidecar(
  plan: SidecarPlan,
  sink: SidecarSink,
  sha256: Sha256,
  progress?: { onProgress?: (fraction: number) => void; signal?: { aborted: boolean } },
): Promise<SidecarRef> {
  const { layout, values } = plan;
  const hashes: string[][] = [];
  const total = layout.totalBytes;
  let done = 0;
  let scratch = new Uint8Array(0);
  for (let i = 0; i < layout.tensors.length; i++) {
    const t = layout.tensors[i]!;
    const v = values[i]!;
    const [B, J, U] = t.dims;
    const list: string[] = [];
    const per = Math.ceil(J / layout.tileSteps);
    for (let b = 0; b < B; b++) {
      for (let k = 0; k < per; k++) {
        if (progress?.signal?.aborted) throw new SidecarCancelled();
        const j0 = k * layout.tileSteps;
        const j1 = Math.min(J, j0 + layout.tileSteps);
        const slice = v.subarray((b * J + j0) * U, (b * J + j1) * U);
        const need = slice.length * BYTES_PER_VALUE[t.dtype];
        if (scratch.length < need) scratch = new Uint8Array(need);
        const bytes = encodeValues(slice, t.dtype, t, scratch.subarray(0, need));
        list.push(await sha256(bytes));
        const [start] = tileByteRange(layout, t, b, k);
        await sink.write(bytes, start);
        done += need;
        progress?.onProgress?.(done / total);
      }
    }
    hashes.push(list);
  }
  const header = sidecarHeaderBytes(layout, hashes);
  await sink.write(header.bytes, 0);
  const headerSha256 = await sha256(header.json);
  return { file: sidecarFileName(plan.stem, headerSha256), bytes: layout.totalBytes, headerSha256 };
}

/** The one CancelledError (src/core/cancel.ts), seen while writing a sidecar. */
export class SidecarCancelled extends CancelledError {
  constructor() {
    super('sidecar writing cancelled');
    this.name = 'SidecarCancelled';
  }
}

export const LITTLE_ENDIAN = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;
const EMPTY = new Uint8Array(0);

/** Little-endian bytes of values at dtype (uint8 with the tensor's scale/offset range). May return a view of `values`. */
export function encodeValues(values: Float32Array, dtype: TensorDtype, q: { scale?: number; offset?: number }, out: Uint8Array): Uint8Array {
  if (dtype === 'float32') {
    if (LITTLE_ENDIAN) return new Uint8Array(values.buffer, values.byteOffset, values.byteLength);
    const dv = new DataView(out.buffer, out.byteOffset, out.byteLength);
    for (let i = 0; i < values.length; i++) dv.setFloat32(4 * i, values[i]!, true);
    return out;
  }
  if (dtype === 'float16') return encodeFloat16(values, out);
  const min = q.offset ?? 0;
  const max = min + (q.scale ?? 0) * 252;
  return quantizeUint8(values, min, max, out).bytes;
}

function prepare(input: TraceInput): Prepared {
  validateInput(input);
  const units = input.layers.map((l) => {
    const map: Record<string, number> = {};
    for (const [name, a] of Object.entries(l.gates)) map[name] = a.length / (input.batch * input.steps);
    return map;
  });
  const shape: TraceShape = { ...input, layers: input.layers.map((l, li) => ({ ...l, units: units[li]! })) };
  return { ...prepareShape(shape), values: input };
}

/** Sizes of every gate and level from a shape alone: no value is read. */
export function prepareShape(shape: TraceShape): Prepared {
  validateShape(shape);
  const specs = shape.layers.map((l) => [...(l.specs ?? gateSet(l.cell))]);
  const units = shape.layers.map((l, li) => specs[li]!.map((s) => l.units?.[s.name] ?? l.hiddenSize));
  const tileSteps = chooseTileSteps(maxUnitsOf(units));
  const buckets = levelBuckets(shape.steps, PYRAMID_FANOUT, Math.min(64, tileSteps));
  return { input: shape, specs, units, buckets, tileSteps, coarseLevel: coarseInlineLevel(shape.steps, buckets), f16ok: undefined };
}

/** Runs at least this long store a coarse level beside level 0 when inline: many more steps than a heatmap has columns (about 1000). */
export const COARSE_INLINE_MIN_STEPS = 4096;
/** Steps per bucket of the coarse inline level, at least: its three summaries (mean, min, max) add at most 3/64 ≈ 4.7% to level 0's bytes. */
export const COARSE_INLINE_MIN_BUCKET = 64;
/** Buckets of the coarse inline level, at most: what a first paint decodes stays small (1024 × units × 3 values per batch item). */
export const COARSE_INLINE_MAX_BUCKETS = 1024;

/**
 * The level (index into `buckets`, fanout^k steps per bucket) that an inline document stores beside
 * level 0: the finest with at least COARSE_INLINE_MIN_BUCKET steps per bucket and at most
 * COARSE_INLINE_MAX_BUCKETS buckets; -1 for a run shorter than COARSE_INLINE_MIN_STEPS.
 */
export function coarseInlineLevel(steps: number, buckets: readonly number[]): number {
  if (steps < COARSE_INLINE_MIN_STEPS) return -1;
  for (let k = 1; k < buckets.length; k++) {
    if (buckets[k]! >= COARSE_INLINE_MIN_BUCKET && bucketCount(steps, buckets[k]!) <= COARSE_INLINE_MAX_BUCKETS) return k;
  }
  return -1;
}

/** Whether each gate's values fit float16 (masked cells, stored as 0, do not count). */
function f16okOf(p: Prepared): boolean[][] {
  if (p.f16ok) return p.f16ok;
  const v = p.values;
  if (!v) throw new Error('encodeTrace: float16 planning needs the values');
  p.f16ok = v.layers.map((l, li) => p.specs[li]!.map((s, gi) => fitsFloat16(zeroMasked(l.gates[s.name]!, v.batch, v.steps, p.units[li]![gi]!, v.sequenceLengths))));
  return p.f16ok;
}

function maxUnitsOf(units: number[][]): number {
  let m = 1;
  for (const row of units) for (const u of row) m = Math.max(m, u);
  return m;
}

function planFor(p: Prepared, firstInline: number, inlineDtype: TensorDtype, sidecarDtype: TensorDtype): Plan {
  let f16Fallback = false;
  const pick = (d: TensorDtype, ok: boolean): TensorDtype => {
    if (d === 'float16' && !ok) {
      f16Fallback = true;
      return 'float32';
    }
    return d;
  };
  // The float16 check reads every value: only done when float16 is asked for.
  const f16 = (firstInline === 0 ? inlineDtype : sidecarDtype) === 'float16' && p.values ? f16okOf(p) : undefined;
  const inlineDtypes = p.units.map((row, li) => row.map((_, gi) => (firstInline === 0 ? pick(inlineDtype, f16?.[li]![gi]! ?? true) : 'uint8')));
  const sidecarDtypes = p.units.map((row, li) => row.map((_, gi) => (firstInline > 0 ? pick(sidecarDtype, f16?.[li]![gi]! ?? true) : sidecarDtype)));
  return { firstInline, inlineDtypes, sidecarDtypes, f16Fallback, coarse: false };
}

function pickSidecarDtype(p: Prepared, firstInline: number, precision: TracePrecision): TensorDtype {
  if (precision !== 'auto') return precision;
  for (const d of ['float32', 'float16'] as const) {
    if (sidecarBytes(p, firstInline, d) <= SIDECAR_AUTO_MAX_BYTES) return d;
  }
  return 'uint8';
}

function sidecarBytes(p: Prepared, firstInline: number, dtype: TensorDtype): number {
  let cells = 0;
  p.input.layers.forEach((_, li) =>
    p.specs[li]!.forEach((_s, gi) => {
      const U = p.units[li]![gi]!;
      for (let k = 0; k < firstInline; k++) cells += (k === 0 ? 1 : 3) * p.input.batch * bucketCount(p.input.steps, p.buckets[k]!) * U;
    }),
  );
  return cells * BYTES_PER_VALUE[dtype];
}

/** Levels stored for a gate: all of them with a sidecar; level 0 (and the coarse level of a long run) when everything is inline. */
export function storedLevels(p: Prepared, plan: Plan): number[] {
  if (plan.firstInline > 0) return p.buckets.map((_, k) => k);
  return plan.coarse && p.coarseLevel > 0 ? [0, p.coarseLevel] : [0];
}

function warningsOf(p: Prepared, plan: Plan): string[] {
  const out = [...(p.input.warnings ?? [])];
  if (plan.f16Fallback) {
    p.input.layers.forEach((l, li) =>
      p.specs[li]!.forEach((s, gi) => {
        if (!p.f16ok?.[li]![gi]) out.push(`layer ${l.layer} ${l.direction} ${s.name}: values beyond float16's range (±65504); stored as float32 instead.`);
      }),
    );
  }
  return out;
}

/** Document without payloads (placeholders), for sizing. */
function skeleton(p: Prepared, plan: Plan, withSidecar: boolean): TraceDocument {
  const { input } = p;
  const doc = head(p, plan);
  if (withSidecar) doc.sidecar = { file: sidecarFileName('x'.repeat(64), HASH_PLACEHOLDER), bytes: 1e15, headerSha256: HASH_PLACEHOLDER };
  doc.layers = input.layers.map((l, li) =>
    layerHead(l, p.specs[li]!.map((s, gi) => gateHead(p.units[li]![gi]!, s, storedLevels(p, plan).map((k) => levelSkeleton(p, plan, li, gi, k, l, s.name))))),
  );
  return doc;
}

function levelSkeleton(p: Prepared, plan: Plan, li: number, gi: number, k: number, l: TraceLayerShape, gate: string): TraceLevel {
  const inline = k >= plan.firstInline;
  const dtype = inline ? plan.inlineDtypes[li]![gi]! : plan.sidecarDtypes[li]![gi]!;
  const q = dtype === 'uint8' ? { scale: NUMBER_PLACEHOLDER, offset: NUMBER_PLACEHOLDER } : {};
  const data = (summary: 'mean' | 'min' | 'max'): LevelData =>
    inline ? { data: '', ...q } : { sidecar: sidecarTensorName(l.layer, l.direction, gate, p.buckets[k]!, summary, l.run), ...q };
  const level: TraceLevel = { bucket: p.buckets[k]!, dtype, mean: data('mean') };
  if (k > 0) {
    level.min = data('min');
    level.max = data('max');
  }
  return level;
}

function head(p: Prepared, plan: Plan): TraceDocument {
  const { input } = p;
  const doc: TraceDocument = {
    format: TRACE_FORMAT,
    version: TRACE_VERSION,
    model: input.model,
    batch: input.batch,
    steps: input.steps,
    pyramid: { fanout: PYRAMID_FANOUT, tileSteps: p.tileSteps },
    layers: [],
  };
  if (input.producer !== undefined) doc.producer = input.producer;
  if (input.createdAt !== undefined) doc.createdAt = input.createdAt;
  if (input.check) doc.check = input.check;
  const warnings = warningsOf(p, plan);
  if (warnings.length) doc.warnings = warnings;
  if (input.tokens) doc.tokens = input.tokens;
  if (input.sequenceLengths) doc.sequenceLengths = input.sequenceLengths;
  if (input.compare) doc.compare = input.compare;
  return doc;
}

function layerHead(l: TraceLayerShape, gates: TraceGate[]): TraceLayer {
  const out: Omit<TraceLayer, 'gates'> = { layer: l.layer, direction: l.direction, name: l.name ?? `layer ${l.layer} ${l.direction}`, cell: l.cell, hiddenSize: l.hiddenSize };
  if (l.convention) out.convention = l.convention;
  if (l.run && l.run !== 'a') out.run = l.run;
  // Gates last: the small descriptive fields stay readable at the top of a saved output.
  return { ...out, gates };
}

function gateHead(units: number, s: GateSpec, levels: TraceLevel[]): TraceGate {
  return { name: s.name, role: s.role, range: s.range, scale: s.scale, units, levels };
}

/** Upper bound of the JSON size (exact except that uint8 scale/offset are counted at their longest). */
function estimateBytes(p: Prepared, plan: Plan, withSidecar: boolean): number {
  let bytes = utf8ByteLength(JSON.stringify(skeleton(p, plan, withSidecar)));
  const { input } = p;
  input.layers.forEach((_, li) =>
    p.specs[li]!.forEach((_s, gi) => {
      const U = p.units[li]![gi]!;
      for (const k of storedLevels(p, plan)) {
        if (k < plan.firstInline) continue;
        const n = input.batch * bucketCount(input.steps, p.buckets[k]!) * U * BYTES_PER_VALUE[plan.inlineDtypes[li]![gi]!];
        bytes += (k === 0 ? 1 : 3) * Math.ceil(n / 3) * 4;
      }
    }),
  );
  return bytes;
}

/** A sidecar tensor (not yet placed) and its values. */
export interface SidecarValues {
  tensor: Omit<SidecarTensor, 'begin' | 'end'>;
  values: Float32Array;
}

/** The levels of gate gi of layer li: [mean, min, max] per stored level (see storedLevels), in the order of `storedLevels`. */
export type LevelSource = (li: number, gi: number, storedLevels: readonly number[]) => LevelSummaries[];

/**
 * Levels from the gate values at hand: the whole pyramid when every level is stored (a sidecar),
 * else level 0 and each stored coarse level summarised straight from level 0 (one pass, the
 * definition of pyramid.ts; a chain of coarsen() would differ only by float32 rounding of means).
 */
function gateLevels(p: Prepared): LevelSource {
  const input = p.values!;
  return (li, gi, stored) => {
    const l = input.layers[li]!;
    const U = p.units[li]![gi]!;
    const values = zeroMasked(l.gates[p.specs[li]![gi]!.name]!, input.batch, input.steps, U, input.sequenceLengths);
    if (stored.length === p.buckets.length && stored.length > 1) return buildPyramid(values, input.batch, input.steps, U, p.buckets, PYRAMID_FANOUT, input.sequenceLengths);
    return stored.map((k) => (k === 0 ? { mean: values, min: values, max: values } : summariseFromValues(values, input.batch, input.steps, U, p.buckets[k]!, input.sequenceLengths)));
  };
}

/**
 * Builds the document. With a sidecar (plan.firstInline > 0), every summary that goes there is pushed
 * to `sidecarValues` in document order (layers, gates, levels, mean/min/max): the sidecar's order.
 */
export function build(p: Prepared, plan: Plan, sidecarValues: SidecarValues[] | undefined, levelsOf: LevelSource): TraceDocument {
  const { input } = p;
  const doc = head(p, plan);
  const stored = storedLevels(p, plan);
  doc.layers = input.layers.map((l, li) =>
    layerHead(
      l,
      p.specs[li]!.map((s, gi) => {
        const U = p.units[li]![gi]!;
        const levels = levelsOf(li, gi, stored);
        return gateHead(
          U,
          s,
          levels.map((sums, i) => encodeLevel(p, plan, li, gi, stored[i]!, l, s.name, sums, U, sidecarValues)),
        );
      }),
    ),
  );
  return doc;
}

function encodeLevel(
  p: Prepared,
  plan: Plan,
  li: number,
  gi: number,
  k: number,
  l: TraceLayerShape,
  gate: string,
  sums: LevelSummaries,
  U: number,
  sidecarValues: SidecarValues[] | undefined,
): TraceLevel {
  const inline = k >= plan.firstInline;
  const dtype = inline ? plan.inlineDtypes[li]![gi]! : plan.sidecarDtypes[li]![gi]!;
  const dims: [number, number, number] = [p.input.batch, bucketCount(p.input.steps, p.buckets[k]!), U];
  const lengths = p.input.sequenceLengths?.map((n) => bucketCount(n, p.buckets[k]!));
  const one = (summary: 'mean' | 'min' | 'max'): LevelData => {
    const v = sums[summary];
    const q: { scale?: number; offset?: number } = {};
    if (dtype === 'uint8') {
      const [min, max] = finiteRange(v, dims, lengths);
      q.scale = max > min ? (max - min) / 252 : 0;
      q.offset = min;
    }
    if (!inline) {
      const name = sidecarTensorName(l.layer, l.direction, gate, p.buckets[k]!, summary, l.run);
      sidecarValues!.push({ tensor: { name, dtype, dims, ...q }, values: v });
      return { sidecar: name, ...q };
    }
    // float32 on a little-endian machine is a view of the values: no scratch needed.
    const scratch = dtype === 'float32' && LITTLE_ENDIAN ? EMPTY : new Uint8Array(v.length * BYTES_PER_VALUE[dtype]);
    return { data: encodeBase64(encodeValues(v, dtype, q, scratch)), ...q };
  };
  const level: TraceLevel = { bucket: p.buckets[k]!, dtype, mean: one('mean') };
  if (k > 0) {
    level.min = one('min');
    level.max = one('max');
  }
  return level;
}

/** Masked cells (t >= lengths[b]) as 0, the canonical stored value; copies only when one is not. */
function zeroMasked(values: Float32Array, B: number, T: number, U: number, lengths?: readonly number[]): Float32Array {
  if (!lengths) return values;
  let out = values;
  for (let b = 0; b < B; b++) {
    for (let i = (b * T + lengths[b]!) * U, end = (b + 1) * T * U; i < end; i++) {
      if (out[i] !== 0) {
        if (out === values) out = values.slice();
        out[i] = 0;
      }
    }
  }
  return out;
}

/** Sizes in MB of 2^20 bytes (the unit of gatescope.maxOutputMB); small budgets in kB or bytes. */
export function fmtMB(bytes: number): string {
  if (bytes < 10_000) return `${Math.round(bytes)} bytes`;
  if (bytes < MB) return `${(bytes / 1024).toFixed(1)} kB`;
  return `${(bytes / MB).toFixed(bytes < 10 * MB ? 2 : 1)} MB`;
}

function validateInput(input: TraceInput): void {
  const { batch, steps } = input;
  validateShape(input);
  input.layers.forEach((l, i) => {
    const p = `encodeTrace: layers[${i}]`;
    const specs = l.specs ?? gateSet(l.cell);
    const names = specs.map((s) => s.name);
    for (const g of Object.keys(l.gates)) if (!names.includes(g)) throw new RangeError(`${p}.gates.${g}: not a gate of a ${l.cell} cell (${names.join(', ')})`);
    for (const s of specs) {
      const a = l.gates[s.name];
      if (!(a instanceof Float32Array)) throw new RangeError(`${p}.gates.${s.name} must be a Float32Array [batch, steps, units]`);
      if (a.length === 0 || a.length % (batch * steps) !== 0) throw new RangeError(`${p}.gates.${s.name}: ${a.length} values is not [${batch}, ${steps}, units]`);
    }
  });
}

function validateShape(input: TraceShape): void {
  const { batch, steps } = input;
  if (!Number.isInteger(batch) || batch < 1) throw new RangeError(`encodeTrace: batch must be a positive integer, got ${batch}`);
  if (!Number.isInteger(steps) || steps < 1) throw new RangeError(`encodeTrace: steps must be a positive integer, got ${steps}`);
  if (!input.layers.length) throw new RangeError('encodeTrace: layers is empty (a trace holds at least one layer entry)');
  const seen = new Set<string>();
  input.layers.forEach((l, i) => {
    const p = `encodeTrace: layers[${i}]`;
    if (!Number.isInteger(l.hiddenSize) || l.hiddenSize < 1) throw new RangeError(`${p}.hiddenSize must be a positive integer, got ${l.hiddenSize}`);
    if (!Number.isInteger(l.layer) || l.layer < 0) throw new RangeError(`${p}.layer must be an integer >= 0, got ${l.layer}`);
    if (l.direction !== 'forward' && l.direction !== 'reverse') throw new RangeError(`${p}.direction must be "forward" or "reverse", got ${String(l.direction)}`);
    const key = `${l.run ?? 'a'}/${l.layer}/${l.direction}`;
    if (seen.has(key)) throw new RangeError(`${p}: duplicate entry for layer ${l.layer} ${l.direction}`);
    seen.add(key);
    for (const [g, u] of Object.entries(l.units ?? {})) if (!Number.isInteger(u) || u < 1) throw new RangeError(`${p}.units.${g} must be a positive integer, got ${u}`);
  });
  if (input.tokens && input.tokens.length !== steps) throw new RangeError(`encodeTrace: tokens has ${input.tokens.length} labels, expected ${steps} (one per step)`);
  if (input.sequenceLengths) {
    if (input.sequenceLengths.length !== batch) throw new RangeError(`encodeTrace: sequenceLengths has ${input.sequenceLengths.length} entries, expected ${batch}`);
    input.sequenceLengths.forEach((n, b) => {
      if (!Number.isInteger(n) || n < 0 || n > steps) throw new RangeError(`encodeTrace: sequenceLengths[${b}] must be an integer in [0, ${steps}], got ${n}`);
    });
  }
}
