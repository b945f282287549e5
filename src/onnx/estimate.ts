// The size of a trace from shapes alone, so a run that cannot finish is refused before onnxruntime
// or the gate recompute start (issue 15: T = 10^7 ended in "Invalid string length" after a minute
// and 5.6 GB). Checked twice: before the run for nodes whose X is a graph input (T and B are the
// feed's dims), and after onnxruntime's run for every node (T and B from its X), before the gates.

import { OnnxTraceError } from './errors';

/** One recurrent node's run: T steps, B batch items, H units, D directions. */
export interface NodeShape {
  name: string;
  T: number;
  B: number;
  H: number;
  D: number;
  /** Gates stored per direction (GRU r, z, n, h: 4, the default; LSTM i, f, g, o, c, h: 6; RNN h: 1). */
  gates?: number;
  /** 'GRU', 'LSTM' or 'RNN' in messages; default 'GRU'. */
  op?: string;
  /** The node's gates are computed whole even in a streamed run (a path that cannot stream it). */
  whole?: boolean;
}

export interface TraceEstimate {
  /** Gate values of the whole trace: every gate of every direction, step, batch item and unit. */
  values: number;
  /** Peak memory, bytes: the float32 gates, the same again for the per-node arrays the recompute
   * holds (X, Y, h_{t-1} and the recovered gates), and the encoded output beside them. */
  memoryBytes: number;
  /** JSON text of the gate tensors at `bytesPerValue`, base64 (4 characters per 3 bytes). */
  outputBytes: number;
}

export interface TraceLimits {
  /** Bytes per stored value: float32 4, float16 2, uint8 1. */
  bytesPerValue: number;
  maxMemoryBytes: number;
  /** Longest JSON text the caller can write (one string), or undefined for no limit. */
  maxOutputBytes?: number;
  /** Longest JSON of one gate's data (a caller that streams the document: each gate's base64 is one string). */
  maxGateBytes?: number;
  /**
   * The gates go chunk by chunk into a sidecar (trace-stream.ts, trace-recurrent-stream.ts): memory
   * holds onnxruntime's Y (one gate's worth per direction) and a chunk, not the gates (except of
   * nodes marked `whole`); the output is bounded by the budget.
   */
  streamed?: boolean;
}

/** V8's longest string (2^29 - 24 characters): JSON.stringify of a larger trace throws. */
export const MAX_JSON_CHARS = 2 ** 29 - 24;

/** Default memory cap of one trace: 4 GiB, far above any trace that fits a notebook or a file. */
export const DEFAULT_MAX_MEMORY_BYTES = 4 * 2 ** 30;

export function estimateTrace(shapes: readonly NodeShape[], bytesPerValue: number, streamed = false): TraceEstimate {
  let values = 0;
  let held = 0;
  for (const s of shapes) {
    const n = (s.gates ?? 4) * s.D * s.T * s.B * s.H;
    values += n;
    // Streamed: Y of the node, [T, D, B, H] float32; whole: its gates twice over (float32).
    held += streamed && !s.whole ? 4 * s.D * s.T * s.B * s.H : n * 4 * 2;
  }
  const outputBytes = Math.ceil((values * bytesPerValue * 4) / 3);
  return { values, memoryBytes: streamed ? held : held + outputBytes, outputBytes };
}

function size(bytes: number): string {
  return bytes >= 1e9 ? `${(bytes / 1e9).toFixed(1)} GB` : `${(bytes / 1e6).toFixed(1)} MB`;
}

/** Throws OnnxTraceError, saying how large the trace would be and what to change, when it exceeds `limits`. */
export function checkTraceEstimate(shapes: readonly NodeShape[], limits: TraceLimits): void {
  const e = estimateTrace(shapes, limits.bytesPerValue, limits.streamed === true);
  const s = shapes[0];
  if (!s) return;
  const op = (x: NodeShape): string => x.op ?? 'GRU';
  const kinds = [...new Set(shapes.map(op))].join('/');
  const what = `${e.values} gate values (${shapes.length} ${kinds} node${shapes.length === 1 ? '' : 's'}; the first: ${s.D} direction${s.D === 1 ? '' : 's'} x ${s.gates ?? 4} gates x batch ${s.B} x ${s.T} steps x ${s.H} units)`;
  if (e.memoryBytes > limits.maxMemoryBytes) {
    throw new OnnxTraceError(`the trace would hold ${what}: about ${size(e.memoryBytes)} of memory, above the limit ${size(limits.maxMemoryBytes)}; trace fewer steps (a shorter input) or a smaller batch`);
  }
  const lower = limits.bytesPerValue > 1 ? ', or store it smaller (--precision uint8 quarters it)' : '';
  if (limits.maxGateBytes !== undefined) {
    const big = shapes.reduce((a, b) => (b.T * b.B * b.H > a.T * a.B * a.H ? b : a));
    const gateBytes = Math.ceil((big.T * big.B * big.H * limits.bytesPerValue * 4) / 3);
    if (gateBytes > limits.maxGateBytes) {
      throw new OnnxTraceError(`one gate's data would be about ${size(gateBytes)} of JSON (${op(big)} node '${big.name}': batch ${big.B} x ${big.T} steps x ${big.H} units), beyond the ${size(limits.maxGateBytes)} one string can hold; trace fewer steps (a shorter input) or a smaller batch${lower}`);
    }
  }
  if (limits.maxOutputBytes !== undefined && e.outputBytes > limits.maxOutputBytes) {
    throw new OnnxTraceError(`the trace would hold ${what}: about ${size(e.outputBytes)} of JSON, beyond the ${size(limits.maxOutputBytes)} one output can hold; trace fewer steps (a shorter input) or a smaller batch${lower}`);
  }
}
