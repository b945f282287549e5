// Checks shared by the LSTM and RNN forward passes: batch, steps, the input's length in its layout,
// per-item sequence lengths and initial states. Every failure is a RangeError naming the shape.

import { formatDims } from '../io/tensor';
import { MAX_OUTPUT_VALUES } from '../gru/tensor-checks';
import type { MatKernel } from '../gru/kernel';
import type { KernelChoice } from '../gru/kernels';

export interface RecurrentRunOptions {
  batch: number;
  steps: number;
  /** true (default): x is [B, T, I]; false: [T, B, I]. */
  batchFirst?: boolean;
  /** Valid steps per batch item (ONNX sequence_lens); steps at or past it are masked (values 0). */
  sequenceLengths?: Int32Array | number[];
  /** [layers * directions, B, Hout], like PyTorch's h0 and ONNX's initial_h (Hout = proj_size when set). */
  initialH?: Float32Array;
  /** A kernel by name, or a ready instance (e.g. the Node thread pool's, whose R·h runs on every core). */
  kernel?: KernelChoice | MatKernel;
  onProgress?: (fraction: number) => void;
  signal?: { aborted: boolean };
}

/**
 * Validates batch, steps, x and lengths; returns the per-item lengths (all T when none were given).
 * `valuesPerStep` is the number of float32 values one run records per batch item and step (all
 * layers, directions and gates), so the output size can be refused before anything is allocated.
 */
export function checkRunInputs(cell: string, inputSize: number, valuesPerStep: number, x: Float32Array, opts: RecurrentRunOptions): Int32Array {
  const { batch: B, steps: T } = opts;
  if (!Number.isInteger(B) || B < 1) throw new RangeError(`batch is ${B}; expected a positive integer`);
  if (!Number.isInteger(T) || T < 1) throw new RangeError(`steps is ${T}; expected a positive integer`);
  const total = valuesPerStep * B * T;
  if (total > MAX_OUTPUT_VALUES) {
    throw new RangeError(`${cell} run would record ${total} gate values (${(total * 4 / 2 ** 30).toFixed(1)} GiB) for batch ${B}, steps ${T}; at most ${MAX_OUTPUT_VALUES} fit: run fewer steps or a smaller batch`);
  }
  const I = inputSize;
  const expected = opts.batchFirst === false ? [T, B, I] : [B, T, I];
  if (!(x instanceof Float32Array) || x.length !== B * T * I) {
    const got = x instanceof Float32Array ? `${x.length} values` : 'not a Float32Array';
    throw new RangeError(`${cell} input x has ${got}; expected ${B * T * I} float32 values, shape ${formatDims(expected)} (${opts.batchFirst === false ? 'steps, batch, input' : 'batch, steps, input'})`);
  }
  const lengths = new Int32Array(B).fill(T);
  if (opts.sequenceLengths !== undefined) {
    const s = opts.sequenceLengths;
    if (s.length !== B) throw new RangeError(`sequenceLengths has shape [${s.length}]; expected [${B}] (one length per batch item)`);
    for (let b = 0; b < B; b++) {
      const v = s[b];
      if (!Number.isInteger(v) || v < 0 || v > T) throw new RangeError(`sequenceLengths[${b}] is ${v}; expected an integer from 0 to ${T}`);
      lengths[b] = v;
    }
  }
  return lengths;
}

/**
 * Checks an initial state [layers * directions, B, width] (every layer the same width and direction
 * count, as PyTorch's h0/c0 require). `what` names it in messages (initialH, initialC).
 */
export function checkInitialState(what: string, state: Float32Array | undefined, layers: { width: number; directions: number }[], B: number): void {
  if (state === undefined) return;
  const D = layers[0].directions;
  const W = layers[0].width;
  if (layers.some((l) => l.width !== W || l.directions !== D)) {
    throw new RangeError(`${what} needs every layer to have the same state width and direction count; run layers separately`);
  }
  const dims = [layers.length * D, B, W];
  if (!(state instanceof Float32Array) || state.length !== dims[0] * B * W) {
    throw new RangeError(`${what} has ${state instanceof Float32Array ? state.length : 'no'} values; expected shape ${formatDims(dims)} (layers x directions, batch, state width)`);
  }
}
