// The trace document, version 2: the one payload every producer (host, CLI, Python kernel) writes
// under MIME type application/vnd.gatescope.trace+json and the renderer reads. It is saved inside
// .ipynb files that outlive this code: add optional fields only; never change a meaning.
// Specification: docs/trace-format.md; JSON Schema: docs/trace-format.schema.json.
//
// What version 2 adds to version 1 (document-v1.ts, still read):
// - any cell kind: a layer names its cell (gru, lstm, rnn) and lists its gates, each with its role,
//   colour range and scale (src/core/cells/gate-sets.ts);
// - every gate is a time pyramid: level 0 holds the cells, level k summarises buckets of fanout^k
//   steps by mean, min and max (min/max keep a one-step spike findable at any zoom);
// - levels are cut into tiles along time; levels too large for the notebook live in a sidecar file
//   beside the notebook (safetensors: a JSON header and raw little-endian arrays), fetched per tile;
// - room for a comparison of two runs (layer entries tagged with a run).

import type { CellKind, ColourScale, GateRange, GateRole } from '../cells/gate-sets';

export const TRACE_MIME = 'application/vnd.gatescope.trace+json';
export const TRACE_FORMAT = 'gatescope.trace';
/** The version this code writes. It reads 1 and 2. */
export const TRACE_VERSION = 2;

export type TensorDtype = 'float32' | 'float16' | 'uint8';
export type Direction = 'forward' | 'reverse';
export type ModelSource = 'onnx' | 'pytorch' | 'keras' | 'native';
/** What z means in a GRU: "keep-old" (PyTorch, ONNX, Keras: h = z*h_prev + (1-z)*n) or "take-new" (textbook). */
export type ZMeaning = 'keep-old' | 'take-new';

/** An encoded tensor as stored in a version-1 document. dims = [B, T, H]; data is base64 of little-endian values, row-major. */
export interface EncodedTensor {
  dims: [number, number, number];
  dtype: TensorDtype;
  data: string;
  /** uint8 only: value = offset + scale * q. */
  scale?: number;
  offset?: number;
}

export interface ActivationSpec {
  /** ONNX activation name, e.g. "Sigmoid", "Tanh", "HardSigmoid". */
  name: string;
  alpha?: number;
  beta?: number;
}

/** A GRU's convention (version 1 kept it on the model; version 2 on each GRU layer). */
export interface TraceConvention {
  /** Gate order of the source's packed weights, by role, e.g. ["r","z","n"] (PyTorch) or ["z","r","n"] (ONNX, Keras). */
  gateOrder: string[];
  /** true: reset applied after the recurrent product (PyTorch, ONNX linear_before_reset=1, Keras reset_after). */
  linearBeforeReset: boolean;
  zMeaning: ZMeaning;
  /** f (for r and z) and g (for n). */
  activations: { f: ActivationSpec; g: ActivationSpec };
  /** ONNX clip, when set. */
  clip?: number;
}
export type GruConvention = TraceConvention;

/** An LSTM's convention: packed order and the three ONNX activations (f gates, g candidate, h output). */
export interface LstmConvention {
  /** e.g. ["i","f","g","o"] (PyTorch), ["i","o","f","c"] (ONNX), ["i","f","c","o"] (Keras). */
  gateOrder: string[];
  activations: { f: ActivationSpec; g: ActivationSpec; h: ActivationSpec };
  clip?: number;
  /** ONNX input_forget: f = 1 - i. */
  inputForget?: boolean;
  /** ONNX peepholes P present. */
  peepholes?: boolean;
  /** PyTorch proj_size: h has this many units (the other gates hiddenSize). */
  projSize?: number;
}

/** A vanilla RNN's convention: its one activation (Tanh or Relu). */
export interface RnnConvention {
  activations: { f: ActivationSpec };
  clip?: number;
}

export type CellConvention = GruConvention | LstmConvention | RnnConvention;

export interface TraceModel {
  name: string;
  source: ModelSource;
  /** Who computed the gates, e.g. "onnxruntime-web 1.30.0 + gatescope recompute", "gatescope-native (wasm-simd)". */
  engine: string;
  /** Input size of the first layer, when known. */
  inputSize?: number;
}

export interface TraceCheck {
  /** What the recomputed states were compared with, e.g. "onnxruntime-web Y". */
  reference: string;
  maxAbsError: number;
  /** The tolerance the check was held to (version 2). */
  tolerance?: number;
  /** false: the error exceeded the tolerance and the user kept the trace anyway (--allow-mismatch). */
  passed?: boolean;
}

/**
 * How a gate's pyramid is laid out. Level k sums up buckets of fanout^k steps: bucket j covers steps
 * [j * fanout^k, min((j + 1) * fanout^k, steps)). A level is cut into tiles of `tileSteps` buckets
 * along time, per batch item: tile (b, i) covers buckets [i * tileSteps, (i + 1) * tileSteps) of
 * batch item b (the last tile may be shorter). Both are powers of two.
 */
export interface PyramidLayout {
  fanout: number;
  tileSteps: number;
}

/**
 * Where a summary's values live: inline (base64 of little-endian values, row-major [B, buckets, units])
 * or in the sidecar as the named tensor of the same shape. uint8 carries scale/offset either way.
 */
export type LevelData = { data: string; scale?: number; offset?: number } | { sidecar: string; scale?: number; offset?: number };

export interface TraceLevel {
  /** Steps per bucket: fanout^k. 1 for level 0, whose only summary, `mean`, is the values themselves. */
  bucket: number;
  dtype: TensorDtype;
  /** Mean of the valid finite-or-not values of each bucket (NaN if any is NaN). */
  mean: LevelData;
  /** Smallest and largest value of each bucket (NaN if any is NaN); present exactly when bucket > 1. */
  min?: LevelData;
  max?: LevelData;
}

export interface TraceGate {
  name: string;
  role: GateRole;
  range: GateRange;
  scale: ColourScale;
  /** Units of this gate (the layer's hiddenSize, or an LSTM's projSize for h). */
  units: number;
  /**
   * Stored levels, finest first. Level 0 is always listed. Coarser levels are listed when stored;
   * a reader that needs an unlisted one derives it from level 0 (same rule as the writer).
   */
  levels: TraceLevel[];
}

/** Which run of a comparison a layer entry belongs to (absent: "a", the only run of a plain trace). */
export type RunTag = 'a' | 'b';

export interface TraceLayer {
  layer: number;
  direction: Direction;
  name: string;
  cell: CellKind;
  hiddenSize: number;
  convention?: CellConvention;
  run?: RunTag;
  gates: TraceGate[];
}

/** The sidecar file holding levels that did not fit the notebook output. */
export interface SidecarRef {
  /** File name in the notebook's (or trace file's) folder: no path separators. */
  file: string;
  /** Size of the whole file in bytes. */
  bytes: number;
  /** SHA-256 (hex) of the safetensors header: the bytes after the 8-byte length prefix, padding spaces included. The header lists a SHA-256 per tile. */
  headerSha256: string;
}

/** A comparison of runs a and b (layer entries tagged by run). Statistics are of a − b. */
export interface TraceCompare {
  a: { label: string };
  b: { label: string };
  /** |a − b| above this is a divergence. */
  tolerance: number;
  stats?: CompareGateStats[];
  /** Units of b reordered to match a (b unit permutation[u] shown at a's unit u). */
  unitAlignment?: { layer: number; direction: Direction; permutation: number[] }[];
}

export interface CompareGateStats {
  layer: number;
  direction: Direction;
  gate: string;
  maxAbsDiff: number;
  rms: number;
  /** 10 log10(sum a² / sum (a − b)²); null when a − b is all zero. */
  sqnrDb: number | null;
  /** First step where |a − b| > tolerance in any unit and batch item, or null. */
  firstDivergentStep: number | null;
  worst: { unit: number; step: number; batch: number };
}

export interface TraceDocument {
  format: typeof TRACE_FORMAT;
  version: 2;
  model: TraceModel;
  batch: number;
  steps: number;
  /** One label per step (input time order). */
  tokens?: string[];
  /**
   * Per batch item, the number of valid steps (ONNX sequence_lens). Steps t >= sequenceLengths[b]
   * are masked: their stored values carry no meaning and must never be read as zeros.
   */
  sequenceLengths?: number[];
  check?: TraceCheck;
  warnings?: string[];
  /** Producer, e.g. "gatescope 0.2.0 (cli)" or "gatescope.py 0.2.0". */
  producer?: string;
  createdAt?: string;
  pyramid: PyramidLayout;
  sidecar?: SidecarRef;
  compare?: TraceCompare;
  layers: TraceLayer[];
}
