// Gates of one ONNX GRU node from onnxruntime's states. Each step's r, z, n need only x_t and
// h_{t-1}: h_{t-1} = Y[t-1] (forward) or Y[t+1] (reverse, which runs each sequence backwards within
// its own length), or initial_h at the first step. The recomputed h is then compared with Y.
// All tensors out are [B, T, H] in input time order; masked steps (t >= length) are 0.

import { gatesFromStates } from '../core/gru/gates-from-states';
import { toBatchFirst } from '../core/gru/layout';
import type { MatKernel } from '../core/gru/kernel';
import { runGru } from '../core/gru/run';
import type { NodeValues } from './node-values';

export interface DirectionGates {
  direction: 'forward' | 'reverse';
  r: Float32Array;
  z: Float32Array;
  n: Float32Array;
  h: Float32Array;
}

export interface NodeCheck {
  /** Largest |h - Y| over valid steps where both are numbers. */
  maxAbsError: number;
  /** Largest |h - Y| / max(1, |Y|) over the same values (what the tolerance applies to). */
  maxScaledError: number;
  /** Valid values where the recomputed h is NaN and Y is not: onnxruntime's kernel clamps activation inputs and so turns NaN into finite values. */
  nanOnlyInH: number;
  /** Valid values where Y is NaN and the recomputed h is not. */
  nanOnlyInY: number;
}

/** h_{t-1} of direction d for every (b, t), [B, T, H]; masked steps get initial_h (their output is discarded). */
function previousStates(v: NodeValues, d: number, reverse: boolean): Float32Array {
  const { T, B, H, D, Y, initialH, lengths } = v;
  const out = new Float32Array(B * T * H);
  for (let b = 0; b < B; b++) {
    const len = lengths[b]!;
    for (let t = 0; t < T; t++) {
      const o = (b * T + t) * H;
      const first = reverse ? t === len - 1 : t === 0;
      if (t >= len || first) {
        if (initialH) out.set(initialH.subarray((d * B + b) * H, (d * B + b + 1) * H), o);
        continue;
      }
      const s = reverse ? t + 1 : t - 1;
      const yo = ((s * D + d) * B + b) * H;
      out.set(Y.subarray(yo, yo + H), o);
    }
  }
  return out;
}

function maskSteps(g: DirectionGates, v: NodeValues): void {
  const { T, B, H, lengths } = v;
  for (let b = 0; b < B; b++) {
    const from = (b * T + lengths[b]!) * H;
    const to = (b + 1) * T * H;
    for (const a of [g.r, g.z, g.n, g.h]) a.fill(0, from, to);
  }
}

/** Compares each direction's h with onnxruntime's Y over valid steps. */
export function compareWithY(v: NodeValues, dirs: readonly DirectionGates[]): NodeCheck {
  const { T, B, H, D, Y, lengths } = v;
  let maxAbsError = 0;
  let maxScaledError = 0;
  let nanOnlyInH = 0;
  let nanOnlyInY = 0;
  dirs.forEach((g, d) => {
    for (let b = 0; b < B; b++) {
      for (let t = 0; t < lengths[b]!; t++) {
        const ho = (b * T + t) * H;
        const yo = ((t * D + d) * B + b) * H;
        for (let i = 0; i < H; i++) {
          const a = g.h[ho + i]!;
          const y = Y[yo + i]!;
          if (Number.isNaN(a) || Number.isNaN(y)) {
            if (!Number.isNaN(y)) nanOnlyInH++;
            else if (!Number.isNaN(a)) nanOnlyInY++;
            continue;
          }
          const e = a === y ? 0 : Math.abs(a - y);
          if (e > maxAbsError) maxAbsError = e;
          const scaled = e / Math.max(1, Math.abs(y));
          if (scaled > maxScaledError) maxScaledError = scaled;
        }
      }
    }
  });
  return { maxAbsError, maxScaledError, nanOnlyInH, nanOnlyInY };
}

/**
 * Gates recomputed from onnxruntime's states (engine "onnxruntime"): every step's x_t and h_{t-1}
 * are independent rows, so each direction is two blocked products over all steps plus the
 * elementwise math, in the engine's WebAssembly SIMD kernel (gatesFromStates; Sigmoid/Tanh without
 * clip run wholly in the kernel). `recover` replaces gatesFromStates for one direction (the Node
 * thread pool splits the rows across threads, src/node/gru-threads); it must return the same values.
 */
export async function recoverGates(v: NodeValues, recover: GateRecovery = gatesFromStates): Promise<{ dirs: DirectionGates[] }> {
  const layer = v.model.layers[0]!;
  const x = toBatchFirst(v.X, v.T, v.B, v.I);
  const conv: { linearBeforeReset: boolean; zMeaning: 'keep-old'; clip?: number } = { linearBeforeReset: v.model.linearBeforeReset, zMeaning: 'keep-old' };
  if (v.model.clip !== undefined) conv.clip = v.model.clip;
  const { I, H } = v;
  const dirs: DirectionGates[] = [];
  for (let d = 0; d < layer.directions.length; d++) {
    const dir = layer.directions[d]!;
    const hPrev = previousStates(v, d, dir.direction === 'reverse');
    const out: DirectionGates = { direction: dir.direction, ...(await recover(dir, conv, x, hPrev, v.B, v.T, I, H)) };
    maskSteps(out, v);
    dirs.push(out);
  }
  return { dirs };
}

/**
 * What a host with threads (Node: src/node/gru-threads.ts's GruThreadPool) lends the GRU path:
 * a kernel whose per-step R·h is split across threads, and a gate recovery split across steps.
 * Declared here because src/onnx runs without Node built-ins.
 */
export interface GruThreadHooks {
  /** Compute threads, the caller included (1: the hooks are not used). */
  readonly threads: number;
  kernel(): MatKernel;
  recover: GateRecovery;
}

/** gatesFromStates' signature without the kernel choice; may be asynchronous (a thread pool). */
export type GateRecovery = (
  dir: Parameters<typeof gatesFromStates>[0], conv: Parameters<typeof gatesFromStates>[1], x: Float32Array, hPrev: Float32Array,
  batch: number, steps: number, inputSize: number, hiddenSize: number,
) => ReturnType<typeof gatesFromStates> | Promise<ReturnType<typeof gatesFromStates>>;

/** The node's recurrence run by the native engine from the X onnxruntime produced (engine "native"). */
export function runNative(v: NodeValues, signal?: { aborted: boolean }, threads?: GruThreadHooks): { dirs: DirectionGates[]; kernel: string } {
  const opts: Parameters<typeof runGru>[2] = { batch: v.B, steps: v.T, batchFirst: false };
  if (threads && threads.threads > 1) opts.kernel = threads.kernel();
  if (v.hasLengths) opts.sequenceLengths = v.lengths;
  if (v.initialH) opts.initialH = v.initialH;
  if (signal) opts.signal = signal;
  const run = runGru(v.model, v.X, opts);
  return { dirs: run.layers.map((l) => ({ direction: l.direction, r: l.r, z: l.z, n: l.n, h: l.h })), kernel: kernelName(run.kernel, threads) };
}

/** The engine's kernel as the trace names it: "wasm", or "wasm, 2 threads" on a thread pool. */
export function kernelName(kernel: string, threads?: GruThreadHooks): string {
  return threads && threads.threads > 1 ? `${kernel}, ${threads.threads} threads` : kernel;
}
