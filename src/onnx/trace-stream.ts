// One GRU node's gates computed chunk by chunk of steps, each chunk handed to a TraceStreamEncoder
// and checked against onnxruntime's Y, so that the node's gates are never all in memory: the
// "native" engine of trace.ts (streamNativeNode) and the "onnxruntime" one (streamRecoveredNode).
//
// Native:
// Each direction runs on its own: forward chunks from step 0 on, reverse chunks from the last step
// back, the hidden state carried from chunk to chunk as initial_h. Chunks are a multiple of the
// engine's projection block (128 steps, core/gru/run.ts) and aligned to the sequence's ends as a
// whole run's blocks are, so every value is computed exactly as runNative computes it.
// Nodes with sequence_lens are not run here (a reverse direction starts at each item's length):
// the callers compute them whole and hand them to the encoder as one chunk.
//
// Recovered from onnxruntime's states (recover.ts): each step's gates need only x_t and h_{t-1},
// read from Y, so chunks run forward for both directions; a chunk's rows are [b][t] like the whole
// run's, and go through the same recovery (the WebAssembly kernel, or a thread pool's). With
// sequence_lens, h_{t-1} follows recover.ts's previousStates (a reverse direction starts at each
// item's length; masked steps get initial_h) and masked steps are 0, as in the whole run.

import { gatesFromStates } from '../core/gru/gates-from-states';
import { runGru } from '../core/gru/run';
import { throwIfCancelled } from '../core/cancel';
import type { GruModel } from '../core/gru/model';
import type { TraceStreamEncoder } from '../core/trace/encode-stream';
import { kernelName, type GateRecovery, type GruThreadHooks, type NodeCheck } from './recover';
import type { NodeValues } from './node-values';

/** The engine's projection block (core/gru/run.ts, CHUNK): chunk lengths are multiples of it. */
const PROJECTION_BLOCK = 128;
/** About this many values per gate per chunk (4 MiB of float32): memory per chunk, not per run. */
const CHUNK_VALUES = 1 << 20;

/** Steps per chunk for B batch items of H units. */
export function streamChunkSteps(B: number, H: number): number {
  return Math.max(PROJECTION_BLOCK, Math.floor(CHUNK_VALUES / (B * H) / PROJECTION_BLOCK) * PROJECTION_BLOCK);
}

/**
 * Runs node `v` (no sequence_lens) direction by direction into `enc`, entries `entry0 + d`.
 * Returns the comparison with Y (as compareWithY) and the kernel that ran.
 */
export async function streamNativeNode(
  v: NodeValues,
  entry0: number,
  enc: TraceStreamEncoder,
  signal?: { aborted: boolean },
  chunkSteps = streamChunkSteps(v.B, v.H),
  threads?: GruThreadHooks,
): Promise<{ check: NodeCheck; kernel: string }> {
  const { T, B, I, H, D, X, Y } = v;
  if (v.hasLengths) throw new Error(`GRU node '${v.node.name}': streaming needs runs without sequence_lens`);
  if (chunkSteps % PROJECTION_BLOCK !== 0) throw new RangeError(`chunkSteps must be a multiple of ${PROJECTION_BLOCK}, got ${chunkSteps}`);
  const check: NodeCheck = { maxAbsError: 0, maxScaledError: 0, nanOnlyInH: 0, nanOnlyInY: 0 };
  let kernel = '';
  const layer = v.model.layers[0]!;
  const shared = threads && threads.threads > 1 ? { kernel: threads.kernel() } : {};
  for (let d = 0; d < layer.directions.length; d++) {
    const dir = layer.directions[d]!;
    const reverse = dir.direction === 'reverse';
    const model: GruModel = { ...v.model, layers: [{ ...layer, directions: [dir] }] };
    // [B, H]: initial_h of this direction, then the state after each chunk.
    const state = new Float32Array(B * H);
    if (v.initialH) state.set(v.initialH.subarray(d * B * H, (d + 1) * B * H));
    // A reverse run's blocks end at T (run.ts counts them from the sequence's end): chunks too.
    for (const [t0, t1] of chunkRanges(T, chunkSteps, reverse)) {
      const rows = t1 - t0;
      const run = runGru(model, X.subarray(t0 * B * I, t1 * B * I), { batch: B, steps: rows, batchFirst: false, initialH: state, ...shared, ...(signal ? { signal } : {}) });
      kernel = kernelName(run.kernel, threads);
      const g = run.layers[0]!;
      // The state the next chunk starts from: h at the chunk's last step in run order.
      const last = reverse ? 0 : rows - 1;
      for (let b = 0; b < B; b++) for (let i = 0; i < H; i++) state[b * H + i] = g.h[(b * rows + last) * H + i]!;
      compareChunk(check, g.h, Y, t0, rows, B, H, D, d);
      await enc.push(entry0 + d, { r: g.r, z: g.z, n: g.n, h: g.h }, t0, t1);
    }
  }
  return { check, kernel };
}

/**
 * Steps [t0, t1) of chunks of `chunkSteps` in run order: forward from step 0, or (`backward`)
 * from the last step back, so that chunk edges fall where a whole run's blocks fall.
 */
export function* chunkRanges(T: number, chunkSteps: number, backward: boolean): Generator<[number, number]> {
  for (let done = 0; done < T; done += chunkSteps) {
    const rows = Math.min(chunkSteps, T - done);
    const t0 = backward ? T - done - rows : done;
    yield [t0, t0 + rows];
  }
}

/** Rows of the recovery's blocked products (gates-from-states.ts): chunks are whole blocks of them. */
const RECOVERY_BLOCK = 256;

/** Steps per chunk of the recovered path. */
export function recoverChunkSteps(B: number, H: number): number {
  return Math.max(RECOVERY_BLOCK, Math.floor(CHUNK_VALUES / (B * H) / RECOVERY_BLOCK) * RECOVERY_BLOCK);
}

/**
 * Gates of node `v` recomputed from onnxruntime's states chunk by chunk into
 * `enc`, entries `entry0 + d`, through `recover` (default: the engine's gatesFromStates). Returns the
 * comparison with Y.
 */
export async function streamRecoveredNode(
  v: NodeValues,
  entry0: number,
  enc: TraceStreamEncoder,
  recover: GateRecovery = gatesFromStates,
  signal?: { aborted: boolean },
  chunkSteps = recoverChunkSteps(v.B, v.H),
): Promise<{ check: NodeCheck }> {
  const { T, B, I, H, D, X, Y, initialH, lengths } = v;
  const check: NodeCheck = { maxAbsError: 0, maxScaledError: 0, nanOnlyInH: 0, nanOnlyInY: 0 };
  const conv: { linearBeforeReset: boolean; zMeaning: 'keep-old'; clip?: number } = { linearBeforeReset: v.model.linearBeforeReset, zMeaning: 'keep-old' };
  if (v.model.clip !== undefined) conv.clip = v.model.clip;
  const layer = v.model.layers[0]!;
  const C = Math.min(chunkSteps, T);
  // Work space of one chunk, rows [b][t]: x, h_{t-1} and the four gates.
  const x = new Float32Array(B * C * I);
  const hPrev = new Float32Array(B * C * H);
  for (let d = 0; d < layer.directions.length; d++) {
    const dir = layer.directions[d]!;
    const reverse = dir.direction === 'reverse';
    for (let t0 = 0; t0 < T; t0 += C) {
      throwIfCancelled(signal);
      const rows = Math.min(C, T - t0);
      const M = B * rows;
      for (let b = 0; b < B; b++) {
        const len = lengths[b]!;
        for (let s = 0; s < rows; s++) {
          const t = t0 + s;
          const m = b * rows + s;
          const xo = (t * B + b) * I;
          for (let i = 0; i < I; i++) x[m * I + i] = X[xo + i]!;
          // h_{t-1}: initial_h (or 0) at the direction's first step and past the item's length, else Y at the step before in run order.
          const first = reverse ? t === len - 1 : t === 0;
          if (first || t >= len) {
            for (let i = 0; i < H; i++) hPrev[m * H + i] = initialH ? initialH[(d * B + b) * H + i]! : 0;
          } else {
            const yo = (((reverse ? t + 1 : t - 1) * D + d) * B + b) * H;
            for (let i = 0; i < H; i++) hPrev[m * H + i] = Y[yo + i]!;
          }
        }
      }
      const g = await recover(dir, conv, x.subarray(0, M * I), hPrev.subarray(0, M * H), B, rows, I, H);
      if (v.hasLengths) maskChunk(g, lengths, t0, rows, H);
      compareChunk(check, g.h, Y, t0, rows, B, H, D, d, lengths);
      await enc.push(entry0 + d, g, t0, t0 + rows);
    }
  }
  return { check };
}

/** Steps at or past each item's length set to 0 (recover.ts, maskSteps); gates [B, rows, H] from step t0. */
function maskChunk(g: Readonly<Record<'r' | 'z' | 'n' | 'h', Float32Array>>, lengths: Int32Array, t0: number, rows: number, H: number): void {
  for (let b = 0; b < lengths.length; b++) {
    const from = (b * rows + Math.min(rows, Math.max(0, lengths[b]! - t0))) * H;
    for (const a of [g.r, g.z, g.n, g.h]) a.fill(0, from, (b + 1) * rows * H);
  }
}

/** compareWithY (recover.ts) over the valid steps of [t0, t0 + rows) of direction d; h is [B, rows, H], Y [T, D, B, H]. */
function compareChunk(c: NodeCheck, h: Float32Array, Y: Float32Array, t0: number, rows: number, B: number, H: number, D: number, d: number, lengths?: Int32Array): void {
  for (let b = 0; b < B; b++) {
    const valid = lengths ? Math.min(rows, Math.max(0, lengths[b]! - t0)) : rows;
    for (let s = 0; s < valid; s++) {
      const ho = (b * rows + s) * H;
      const yo = (((t0 + s) * D + d) * B + b) * H;
      for (let i = 0; i < H; i++) {
        const a = h[ho + i]!;
        const y = Y[yo + i]!;
        if (Number.isNaN(a) || Number.isNaN(y)) {
          if (!Number.isNaN(y)) c.nanOnlyInH++;
          else if (!Number.isNaN(a)) c.nanOnlyInY++;
          continue;
        }
        const e = a === y ? 0 : Math.abs(a - y);
        if (e > c.maxAbsError) c.maxAbsError = e;
        const scaled = e / Math.max(1, Math.abs(y));
        if (scaled > c.maxScaledError) c.maxScaledError = scaled;
      }
    }
  }
}
