// The decoded form of a trace (any version): what the renderer, the PNG preview and the exporters
// read. Version-1 documents are lifted into it (a GRU layer per entry, level 0 only).

import type { CellKind, GateSpec } from '../cells/gate-sets';
import type { CellConvention, Direction, PyramidLayout, RunTag, SidecarRef, TensorDtype, TraceCheck, TraceCompare, TraceModel } from './document';
import type { TraceDownsample } from './document-v1';
import type { DeferredValues } from './deferred-values';

/** A summary stored in the sidecar: tensor name, with uint8 scale/offset. */
export interface RemoteSummary {
  tensor: string;
  scale?: number;
  offset?: number;
}

/**
 * An inline mean as the document stores it: uint8 codes (value = offset + scale q; 253 NaN, 254 +Inf,
 * 255 −Inf) or float16 bits, [B, buckets, units] like the values. Kept when decodeTrace is asked
 * (keepStored) for a drawer that uploads them as they are (a quarter or half the bytes of float32).
 */
export type StoredValues = { dtype: 'float16'; bits: Uint16Array } | { dtype: 'uint8'; codes: Uint8Array; scale: number; offset: number };

export interface DecodedLevel {
  /** Steps per bucket (1 at level 0). */
  bucket: number;
  /** ceil(steps / bucket). */
  buckets: number;
  dtype: TensorDtype;
  /**
   * Bound of |decoded − original|: float32 0; float16 relative 2^-11 (subnormals 2^-25 absolute);
   * uint8 absolute, half a quantization step plus half a float32 ulp at the largest magnitude.
   */
  maxError: number;
  /** Inline summaries, each [B, buckets, units] row-major. Level 0 has mean only (the values). */
  mean?: Float32Array;
  min?: Float32Array;
  max?: Float32Array;
  /**
   * Level 0 kept as base64 text (decodeTrace's `defer`): decoded in slices by its reader; `mean` is
   * then a getter that decodes whatever is left on first read. Test isInline(), not `mean`, to ask
   * whether a level is inline without decoding it.
   */
  deferred?: DeferredValues;
  /** The mean as stored (uint8 and float16 inline levels, with decodeTrace's keepStored; a deferred level 0 once decoded). */
  stored?: StoredValues;
  /** Summaries in the sidecar (fetched per tile). */
  remote?: { mean: RemoteSummary; min?: RemoteSummary; max?: RemoteSummary };
}

export interface DecodedGate extends GateSpec {
  units: number;
  /** Stored levels, finest first; levels[0] is level 0. */
  levels: DecodedLevel[];
}

export interface DecodedLayer {
  layer: number;
  direction: Direction;
  name: string;
  cell: CellKind;
  hiddenSize: number;
  convention?: CellConvention;
  run?: RunTag;
  gates: DecodedGate[];
}

export interface DecodedTrace {
  /** The version the document was written in. */
  version: 1 | 2;
  model: TraceModel;
  batch: number;
  steps: number;
  tokens?: string[];
  sequenceLengths?: number[];
  check?: TraceCheck;
  warnings?: string[];
  producer?: string;
  createdAt?: string;
  /** Version 1 only: steps dropped to fit the budget (0.1.0). */
  downsample?: TraceDownsample;
  pyramid: PyramidLayout;
  sidecar?: SidecarRef;
  compare?: TraceCompare;
  layers: DecodedLayer[];
}

/** The gate named `name` of a layer entry, or undefined. */
export function gateOf(layer: DecodedLayer, name: string): DecodedGate | undefined {
  return layer.gates.find((g) => g.name === name);
}

/** Whether a level's summaries are in the document (decoded or deferred), without decoding them. */
export function isInline(level: DecodedLevel): boolean {
  return level.deferred !== undefined || level.mean !== undefined;
}

/** Whether a level's values are at hand without decoding: inline and not waiting on a deferred decode. */
export function isDecoded(level: DecodedLevel): boolean {
  return level.deferred ? level.deferred.done : level.mean !== undefined;
}

/** Level-0 values [B, T, units] of a gate when they are inline (always for version 1). */
export function inlineValues(gate: DecodedGate): Float32Array | undefined {
  return gate.levels[0]!.mean;
}
