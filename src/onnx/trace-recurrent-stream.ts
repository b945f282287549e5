// One LSTM or RNN node's gates handed to a TraceStreamEncoder chunk by chunk of steps, each chunk
// checked against onnxruntime's Y (and Y_h, Y_c at each sequence's last step), so that the node's
// gates are never all in memory. The counterpart of trace-stream.ts's GRU functions, with the same
// chunk sizes and chunk order.
//
// engine 'onnxruntime': recover-recurrent.ts's DirectionRecovery, range after range; an LSTM's
//   reverse direction runs backwards (its cell state is carried in run order), every other
//   direction forwards. Identical values to the whole run for any chunking (the block grid is fixed).
// engine 'native': each direction runs on its own, chunk by chunk, h (and c) carried from chunk to
//   chunk as initial states; chunks are multiples of the engine's 128-step block and aligned to the
//   sequence's ends as a whole run's blocks are, so every value is computed as runLstm / runRnn
//   compute it. Runs with sequence_lens (a reverse direction starts at each item's length) run
//   whole and are handed over as one chunk.

import { throwIfCancelled } from '../core/cancel';
import type { MatKernel } from '../core/gru/kernel';
import { kernelName, type GruThreadHooks } from './recover';
import type { LstmModel } from '../core/lstm/model';
import { runLstm } from '../core/lstm/run';
import type { RnnModel } from '../core/rnn/model';
import { runRnn } from '../core/rnn/run';
import type { TraceStreamEncoder } from '../core/trace/encode-stream';
import { checkRange, DirectionRecovery, emptyCheck, gateArrays, recoveredGates, type RecurrentCheck } from './recover-recurrent';
import type { RecurrentValues } from './recurrent-values';
import { chunkRanges, streamChunkSteps } from './trace-stream';

type KernelChoice = 'js' | 'wasm' | 'auto';

/** Where chunks go: a TraceStreamEncoder, or a collector of whole runs (one chunk [0, T) per entry). */
export type GateSink = Pick<TraceStreamEncoder, 'push'>;

/** Runs node `v` direction by direction into `enc`, entries `entry0 + d`; returns its check and the kernel that ran. */
export async function streamRecurrentNode(
  v: RecurrentValues,
  entry0: number,
  enc: GateSink,
  engine: 'onnxruntime' | 'native',
  kernelChoice: KernelChoice = 'auto',
  signal?: { aborted: boolean },
  chunkSteps = streamChunkSteps(v.B, v.H),
  threads?: GruThreadHooks,
): Promise<{ check: RecurrentCheck; kernel: string }> {
  // The native engine's R·h on the pool's threads (one kernel for the node, as the GRU path does);
  // the onnxruntime engine's recovery does not use it, so none is made there.
  const shared = engine === 'native' && threads && threads.threads > 1 ? threads.kernel() : undefined;
  const check = emptyCheck(v);
  let kernel = '';
  const dirs = v.model.layers[0]!.directions;
  for (let d = 0; d < dirs.length; d++) {
    const reverse = dirs[d]!.direction === 'reverse';
    if (engine === 'native' && v.hasLengths) {
      const run = runNative(v, d, 0, v.T, shared ?? kernelChoice, signal, undefined);
      kernel = kernelName(run.kernel, threads);
      await put(enc, entry0 + d, check, v, d, run.gates, 0, v.T);
      continue;
    }
    if (engine === 'native') {
      const state = initialStates(v, d);
      for (const [t0, t1] of chunkRanges(v.T, chunkSteps, reverse)) {
        throwIfCancelled(signal);
        const run = runNative(v, d, t0, t1, shared ?? kernelChoice, signal, state);
        kernel = kernelName(run.kernel, threads);
        carry(state, run.gates, v, t1 - t0, reverse);
        await put(enc, entry0 + d, check, v, d, run.gates, t0, t1);
      }
      continue;
    }
    const rec = new DirectionRecovery(v, d, kernelChoice);
    kernel = rec.kernel.name;
    const C = Math.min(chunkSteps, v.T);
    const buf = gateArrays(v, C);
    // The LSTM's cell state runs in the direction's order; an RNN's steps are independent.
    for (const [t0, t1] of chunkRanges(v.T, C, reverse && v.node.cell === 'lstm')) {
      throwIfCancelled(signal);
      const n = v.B * (t1 - t0) * v.H;
      const gates = Object.fromEntries(recoveredGates(v).map((g) => [g, buf[g]!.subarray(0, n)]));
      rec.range(t0, t1, gates);
      await put(enc, entry0 + d, check, v, d, gates, t0, t1);
    }
  }
  return { check, kernel };
}

/** Checks steps [t0, t1) of direction d and hands them to the encoder. */
async function put(enc: GateSink, entry: number, check: RecurrentCheck, v: RecurrentValues, d: number, gates: Record<string, Float32Array>, t0: number, t1: number): Promise<void> {
  checkRange(check, v, d, gates['h']!, gates['c'], t0, t1 - t0);
  await enc.push(entry, gates, t0, t1);
}

/** [B, H] h (and c) of direction d: initial_h / initial_c (or 0), then the state after each chunk. */
function initialStates(v: RecurrentValues, d: number): { h: Float32Array; c: Float32Array } {
  const n = v.B * v.H;
  const h = new Float32Array(n);
  const c = new Float32Array(n);
  if (v.initialH) h.set(v.initialH.subarray(d * n, (d + 1) * n));
  if (v.initialC) c.set(v.initialC.subarray(d * n, (d + 1) * n));
  return { h, c };
}

/** The states the next chunk starts from: h (and c) at the chunk's last step in run order. */
function carry(state: { h: Float32Array; c: Float32Array }, gates: Record<string, Float32Array>, v: RecurrentValues, rows: number, reverse: boolean): void {
  const { B, H } = v;
  const last = reverse ? 0 : rows - 1;
  for (let b = 0; b < B; b++) {
    const o = (b * rows + last) * H;
    state.h.set(gates['h']!.subarray(o, o + H), b * H);
    if (gates['c']) state.c.set(gates['c'].subarray(o, o + H), b * H);
  }
}

/** Direction d over steps [t0, t1) in the engine (state: the chunk's initial states; absent: the node's own, with its sequence_lens). */
function runNative(v: RecurrentValues, d: number, t0: number, t1: number, kernel: KernelChoice | MatKernel, signal: { aborted: boolean } | undefined, state: { h: Float32Array; c: Float32Array } | undefined): { gates: Record<string, Float32Array>; kernel: string } {
  const { B, I } = v;
  const layer = v.model.layers[0]!;
  const opts = {
    batch: B,
    steps: t1 - t0,
    batchFirst: false,
    kernel,
    ...(signal ? { signal } : {}),
    ...(state ? { initialH: state.h } : v.initialH ? { initialH: v.initialH.subarray(d * B * v.H, (d + 1) * B * v.H) } : {}),
    ...(!state && v.hasLengths ? { sequenceLengths: v.lengths } : {}),
  };
  const x = v.X.subarray(t0 * B * I, t1 * B * I);
  if (v.node.cell === 'lstm') {
    const model: LstmModel = { ...(v.model as LstmModel), layers: [{ ...(layer as LstmModel['layers'][number]), directions: [(layer as LstmModel['layers'][number]).directions[d]!] }] };
    const initialC = state ? state.c : v.initialC?.subarray(d * B * v.H, (d + 1) * B * v.H);
    const run = runLstm(model, x, initialC ? { ...opts, initialC } : opts);
    return { gates: run.layers[0]!.gates, kernel: run.kernel };
  }
  const model: RnnModel = { ...(v.model as RnnModel), layers: [{ ...(layer as RnnModel['layers'][number]), directions: [(layer as RnnModel['layers'][number]).directions[d]!] }] };
  const run = runRnn(model, x, opts);
  return { gates: run.layers[0]!.gates, kernel: run.kernel };
}
