// The trace document, version 1 (Gatescope 0.1.0): GRU only, one tensor per gate, no pyramid. No longer
// written, read forever (saved notebooks outlive this code): decode.ts lifts it into the decoded form
// of version 2. Specification: docs/trace-format-v1.md.

import type { Direction, EncodedTensor, TraceCheck, TraceConvention, ModelSource } from './document';

/** The gate names of a version-1 document (GRU only). */
export type GateNameV1 = 'r' | 'z' | 'n' | 'h';
export const GATE_NAMES_V1: readonly GateNameV1[] = ['r', 'z', 'n', 'h'];

export interface TraceModelV1 {
  name: string;
  source: ModelSource;
  /** Who computed the gates, e.g. "onnxruntime-web 1.30.0 + gatescope recompute", "gatescope-native (wasm-simd)". */
  engine: string;
  convention: TraceConvention;
  /** Input size of the first layer, when known. */
  inputSize?: number;
}

export interface TraceLayerDocV1 {
  layer: number;
  direction: Direction;
  hiddenSize: number;
  name: string;
  gates: Record<GateNameV1, EncodedTensor>;
}

/** Present when the host downsampled in time to fit the size budget (never silent). */
export interface TraceDownsample {
  /** Steps in the original run. */
  originalSteps: number;
  /** Every `stride`-th step kept, starting at step 0. */
  stride: number;
  /** How kept steps relate to originals, e.g. "every 4th step". */
  method: string;
}

export interface TraceDocumentV1 {
  format: 'gatescope.trace';
  version: 1;
  model: TraceModelV1;
  /** One label per step (input time order). */
  tokens?: string[];
  /**
   * Per batch item, the number of valid steps (ONNX sequence_lens). Steps t >= sequenceLengths[b]
   * are masked: their stored values carry no meaning and must never be read as zeros.
   */
  sequenceLengths?: number[];
  layers: TraceLayerDocV1[];
  check?: TraceCheck;
  warnings?: string[];
  downsample?: TraceDownsample;
  /** Producer, e.g. "gatescope 0.1.0 (cli)" or "gatescope.py 0.1.0". */
  producer?: string;
  createdAt?: string;
}

