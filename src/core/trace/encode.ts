// encodeTrace: gate arrays -> TraceDocument, choosing an encoding that fits a size budget.
//
// Size rule (docs/trace-format.md, "Size budget"): size = UTF-8 bytes of the compact JSON text.
//   precision 'auto': the first of float32, float16, uint8 whose document fits maxBytes; if none fits,
//     uint8 with time downsampling (every s-th step from step 0, s = 2..maxStride, the smallest s that fits).
//   explicit precision: that precision; if it does not fit, the same downsampling at that precision.
//   Downsampling sets document.downsample and adds a warning. If even s = maxStride does not fit,
//   TraceSizeError says how many steps would fit and how to narrow the run. Nothing is truncated.
// float16 cannot hold finite magnitudes >= 65520: such a tensor is stored as float32 (with a warning)
// instead of turning values into ±Inf.

import { fitsFloat16 } from '../encoding/float16';
import { utf8ByteLength } from '../encoding/utf8';
import {
  GATE_NAMES,
  TRACE_FORMAT,
  TRACE_VERSION,
  type Direction,
  type EncodedTensor,
  type GateName,
  type TensorDtype,
  type TraceCheck,
  type TraceDocument,
  type TraceLayerDoc,
  type TraceModel,
} from './document';
import { TraceSizeError } from './errors';
import { BYTES_PER_VALUE, encodeTensor, selectSteps, type Dims } from './tensor';

export type TracePrecision = TensorDtype | 'auto';

export interface TraceLayerInput {
  layer: number;
  direction: Direction;
  hiddenSize: number;
  name?: string;
  /** Each [batch, steps, hiddenSize] row-major. */
  r: Float32Array;
  z: Float32Array;
  n: Float32Array;
  h: Float32Array;
}

export interface TraceInput {
  model: TraceModel;
  layers: TraceLayerInput[];
  batch: number;
  steps: number;
  tokens?: string[];
  sequenceLengths?: number[];
  check?: TraceCheck;
  warnings?: string[];
  producer?: string;
  createdAt?: string;
}

export interface EncodeOptions {
  /** Default 'auto'. */
  precision?: TracePrecision;
  /** Budget in bytes of JSON text (UTF-8). Default DEFAULT_MAX_BYTES; Infinity for no budget. */
  maxBytes?: number;
  /** Coarsest downsampling allowed before refusing. Default DEFAULT_MAX_STRIDE. */
  maxStride?: number;
}

/**
 * 8 MiB (proposed default of gatescope.maxOutputMB). VS Code asks before opening any notebook over
 * 10 MiB in remote windows (SSH, WSL, containers, code-server): one trace must leave room for the
 * rest of the notebook. Measurements: docs/trace-format.md, "Size budget".
 */
export const DEFAULT_MAX_BYTES = 8 * 1024 * 1024;
/** Keeping fewer than one step in 16 hides too much to call it the same run: refuse instead. */
export const DEFAULT_MAX_STRIDE = 16;

const MB = 1024 * 1024;
/** Stands in for uint8 scale/offset when sizing: 24 characters, the longest JSON text of a finite double. */
const NUMBER_PLACEHOLDER = -1.2345678901234567e-300;

interface Plan {
  /** The precision asked for (float16 may fall back to float32 per tensor). */
  requested: TensorDtype;
  /** dtype per layer entry per gate (float16 may fall back to float32 per tensor). */
  dtypes: TensorDtype[][];
  stride: number;
}

export function encodeTrace(input: TraceInput, opts: EncodeOptions = {}): TraceDocument {
  validateInput(input);
  const precision = opts.precision ?? 'auto';
  const maxBytes = opts.maxBytes ?? DEFAULT_MAX_BYTES;
  const maxStride = Math.max(1, Math.floor(opts.maxStride ?? DEFAULT_MAX_STRIDE));
  if (!(maxBytes > 0)) throw new RangeError(`maxBytes must be > 0, got ${maxBytes}`);

  // Which tensors float16 cannot hold: decided once on the full data so the choice does not depend on stride.
  const f16ok = input.layers.map((l) => GATE_NAMES.map((g) => fitsFloat16(l[g])));
  const planFor = (p: TensorDtype, stride: number): Plan => ({
    requested: p,
    dtypes: f16ok.map((row) => row.map((ok) => (p === 'float16' && !ok ? 'float32' : p))),
    stride,
  });

  const candidates: Plan[] = [];
  if (precision === 'auto') {
    candidates.push(planFor('float32', 1), planFor('float16', 1), planFor('uint8', 1));
    for (let s = 2; s <= maxStride; s++) candidates.push(planFor('uint8', s));
  } else {
    for (let s = 1; s <= maxStride; s++) candidates.push(planFor(precision, s));
  }

  let chosen: Plan | undefined;
  let last = 0;
  for (const plan of candidates) {
    if (plan.stride > 1 && Math.ceil(input.steps / plan.stride) === Math.ceil(input.steps / (plan.stride - 1))) continue;
    last = estimateBytes(input, plan, maxBytes);
    if (last <= maxBytes) {
      chosen = plan;
      break;
    }
  }
  const coarsest = precision === 'auto' || precision === 'uint8' ? 'uint8' : precision;
  if (!chosen) {
    const fit = maxStepsThatFit(input, planFor(coarsest, 1), maxBytes);
    throw new TraceSizeError(
      `The trace does not fit the output budget of ${fmtMB(maxBytes)}: even as ${coarsest} keeping every ${maxStride}th step it needs ${fmtMB(last)}. ` +
        narrowAdvice(input, fit, coarsest),
      last,
      maxBytes,
      fit,
    );
  }
  return build(input, chosen, maxBytes, chosen.stride > 1 ? maxStepsThatFit(input, planFor(coarsest, 1), maxBytes) : 0);
}

/** Bytes of the compact JSON text of a document (what maxBytes limits). */
export function traceJsonBytes(doc: TraceDocument): number {
  return utf8ByteLength(JSON.stringify(doc));
}

function narrowAdvice(input: TraceInput, fit: number, dtype: TensorDtype): string {
  const parts: string[] = [];
  if (fit > 0) parts.push(`trace a window of at most ${fit} of the ${input.steps} steps (fits as ${dtype}, every step)`);
  if (input.batch > 1) parts.push(`trace fewer batch items (now ${input.batch})`);
  if (input.layers.length > 1) parts.push(`trace fewer layers (now ${input.layers.length} layer entries)`);
  parts.push('raise the budget (setting gatescope.maxOutputMB)');
  return `To see it, ${parts.join(', or ')}.`;
}

/** Sizes in MB of 2^20 bytes (the unit of gatescope.maxOutputMB); small budgets in kB or bytes. */
function fmtMB(bytes: number): string {
  if (bytes < 10_000) return `${Math.round(bytes)} bytes`;
  if (bytes < MB) return `${(bytes / 1024).toFixed(1)} kB`;
  return `${(bytes / MB).toFixed(bytes < 10 * MB ? 2 : 1)} MB`;
}

function keptSteps(steps: number, stride: number): number {
  return Math.ceil(steps / stride);
}

function downsampleWarning(input: TraceInput, stride: number, maxBytes: number, fit: number, dtype: TensorDtype): string {
  const kept = keptSteps(input.steps, stride);
  return (
    `Downsampled in time to fit the output budget of ${fmtMB(maxBytes)}: every ${ordinal(stride)} step is shown ` +
    `(${kept} of ${input.steps} steps, starting at step 0), stored as ${dtype}. ` +
    `To see every step, trace a window of at most ${fit} steps or raise the budget (setting gatescope.maxOutputMB).`
  );
}

function ordinal(n: number): string {
  const suffix = n % 100 >= 11 && n % 100 <= 13 ? 'th' : (['th', 'st', 'nd', 'rd'][n % 10] ?? 'th');
  return `${n}${suffix}`;
}

function f16Warning(layer: TraceLayerInput, g: GateName): string {
  return `${layerLabel(layer)} ${g}: values beyond float16's range (±65504); stored as float32 instead.`;
}

function layerLabel(l: TraceLayerInput): string {
  return `layer ${l.layer} ${l.direction}`;
}

/** Document without tensor data (placeholders for scale/offset), for size accounting and as the base of build(). */
function skeleton(input: TraceInput, plan: Plan, maxBytes: number, fit: number, kept: number, withData?: EncodedTensor[][]): TraceDocument {
  const warnings = [...(input.warnings ?? [])];
  input.layers.forEach((l, li) =>
    GATE_NAMES.forEach((g, gi) => {
      if (plan.requested === 'float16' && plan.dtypes[li]![gi] === 'float32') warnings.push(f16Warning(l, g));
    }),
  );
  if (plan.stride > 1) warnings.push(downsampleWarning(input, plan.stride, maxBytes, fit, plan.requested));
  const doc: Omit<TraceDocument, 'layers'> = { format: TRACE_FORMAT, version: TRACE_VERSION, model: input.model };
  if (input.producer !== undefined) doc.producer = input.producer;
  if (input.createdAt !== undefined) doc.createdAt = input.createdAt;
  if (input.check) doc.check = input.check;
  if (warnings.length) doc.warnings = warnings;
  if (plan.stride > 1) doc.downsample = { originalSteps: input.steps, stride: plan.stride, method: `every ${ordinal(plan.stride)} step from step 0` };
  if (input.tokens) doc.tokens = plan.stride > 1 || kept < input.steps ? pick(input.tokens, plan.stride, kept) : input.tokens;
  if (input.sequenceLengths) doc.sequenceLengths = input.sequenceLengths.map((n) => Math.min(kept, keptSteps(n, plan.stride)));
  const layers = input.layers.map(
    (l, li): TraceLayerDoc => ({
      layer: l.layer,
      direction: l.direction,
      hiddenSize: l.hiddenSize,
      name: l.name ?? `layer ${l.layer} ${l.direction}`,
      gates: Object.fromEntries(
        GATE_NAMES.map((g, gi) => {
          const dtype = plan.dtypes[li]![gi]!;
          const t: EncodedTensor = withData
            ? withData[li]![gi]!
            : { dims: [input.batch, kept, l.hiddenSize], dtype, data: '', ...(dtype === 'uint8' ? { scale: NUMBER_PLACEHOLDER, offset: NUMBER_PLACEHOLDER } : {}) };
          return [g, t];
        }),
      ) as Record<GateName, EncodedTensor>,
    }),
  );
  // Layers last: the small descriptive fields stay readable at the top of a saved notebook output.
  return { ...doc, layers };
}

function pick<T>(items: readonly T[], stride: number, kept: number): T[] {
  const out: T[] = [];
  for (let k = 0; k < kept; k++) out.push(items[k * stride]!);
  return out;
}

/** Upper bound of the JSON size (exact except that uint8 scale/offset are counted at their longest). */
function estimateBytes(input: TraceInput, plan: Plan, maxBytes: number, kept = keptSteps(input.steps, plan.stride)): number {
  // input.steps stands in for the "fits" count in the warning text: it has at least as many digits.
  let bytes = utf8ByteLength(JSON.stringify(skeleton(input, plan, maxBytes, input.steps, kept)));
  input.layers.forEach((l, li) => {
    for (const dtype of plan.dtypes[li]!) bytes += Math.ceil((input.batch * kept * l.hiddenSize * BYTES_PER_VALUE[dtype]) / 3) * 4;
  });
  return bytes;
}

/** Most leading steps that fit at the plan's encoding without downsampling (binary search; 0 if not even one). */
function maxStepsThatFit(input: TraceInput, plan: Plan, maxBytes: number): number {
  let lo = 0;
  let hi = input.steps;
  while (lo < hi) {
    const mid = Math.ceil((lo + hi) / 2);
    if (estimateBytes(input, plan, maxBytes, mid) <= maxBytes) lo = mid;
    else hi = mid - 1;
  }
  return lo;
}

function build(input: TraceInput, plan: Plan, maxBytes: number, fit: number): TraceDocument {
  const kept = keptSteps(input.steps, plan.stride);
  const lengths = input.sequenceLengths;
  const keptLengths = lengths?.map((n) => keptSteps(n, plan.stride));
  const tensors = input.layers.map((l, li) => {
    const full: Dims = [input.batch, input.steps, l.hiddenSize];
    return GATE_NAMES.map((g, gi) => encodeTensor(selectSteps(l[g], full, plan.stride, lengths), [input.batch, kept, l.hiddenSize], plan.dtypes[li]![gi]!, keptLengths));
  });
  return skeleton(input, plan, maxBytes, fit, kept, tensors);
}

function validateInput(input: TraceInput): void {
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
    const key = `${l.layer}/${l.direction}`;
    if (seen.has(key)) throw new RangeError(`${p}: duplicate entry for layer ${l.layer} ${l.direction}`);
    seen.add(key);
    const want = batch * steps * l.hiddenSize;
    for (const g of GATE_NAMES) {
      const a = l[g];
      if (!(a instanceof Float32Array)) throw new RangeError(`${p}.${g} must be a Float32Array [batch, steps, hiddenSize]`);
      if (a.length !== want) throw new RangeError(`${p}.${g}: expected ${want} values for [${batch},${steps},${l.hiddenSize}], got ${a.length}`);
    }
  });
  if (input.tokens && input.tokens.length !== steps) throw new RangeError(`encodeTrace: tokens has ${input.tokens.length} labels, expected ${steps} (one per step)`);
  if (input.sequenceLengths) {
    if (input.sequenceLengths.length !== batch) throw new RangeError(`encodeTrace: sequenceLengths has ${input.sequenceLengths.length} entries, expected ${batch}`);
    input.sequenceLengths.forEach((n, b) => {
      if (!Number.isInteger(n) || n < 0 || n > steps) throw new RangeError(`encodeTrace: sequenceLengths[${b}] must be an integer in [0, ${steps}], got ${n}`);
    });
  }
}
