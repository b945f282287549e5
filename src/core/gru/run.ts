// The GRU forward pass with every gate recorded.
//
// Work and memory: each direction's input projections W·x are computed CHUNK steps at a time
// (a blocked matrix product), then the recurrence runs step by step with no allocation. Memory is
// the outputs (4 arrays of B*T*H per layer and direction) plus O(CHUNK*H + H*H) work space, so
// T = 100,000 is linear in time and memory. Per step nothing is allocated: the fused path's
// views are made once per sequence, the other path copies with plain loops.
//
// Batch items are independent sequences and run one after another; each has its own length
// (ONNX sequence_lens), and a reverse direction runs each sequence backwards within its own length.
// Masked steps (t >= sequenceLengths[b]) are never computed: their r, z, n, h stay 0 and callers
// must mark them using the lengths (the trace format stores `sequenceLengths`); 0 was chosen over
// NaN so that downstream statistics and encoders never meet NaN that the model did not produce.

import { ActKind } from './activations';
import { cellParams, candidateAfter, gatesRow, type CellParams } from './cell';
import type { FusedStep, MatKernel } from './kernel';
import { resolveKernel } from './kernels';
import { toBatchFirst } from './layout';
import type { GruModel } from './model';
import { RunCancelledError } from '../recurrent/progress';
import { checkInitialState, checkRunInputs as checkRecurrentInputs, type RecurrentRunOptions } from '../recurrent/run-inputs';
import { concatDirections } from '../recurrent/stack';
import { validateModel } from './validate-model';

/** Gates of one layer and direction, each [B][T][H] row-major in input time order. */
export interface LayerGates {
  layer: number;
  direction: 'forward' | 'reverse';
  hiddenSize: number;
  r: Float32Array;
  z: Float32Array;
  n: Float32Array;
  h: Float32Array;
}

export interface GruRun {
  layers: LayerGates[];
  /** Valid steps per batch item (all T when no lengths were given); steps at or past it are masked (values 0). */
  sequenceLengths: Int32Array;
  /** Which kernel ran the products. */
  kernel: 'js' | 'wasm';
}

/** The options every recurrent pass takes (batch, steps, layout, lengths, initial h, kernel, progress, cancel). */
export type RunGruOptions = RecurrentRunOptions;

/** Thrown when `signal.aborted` is seen during a run. */
export class GruCancelledError extends RunCancelledError {
  constructor() {
    super('GRU');
    this.name = 'GruCancelledError';
  }
}

/** Steps projected per chunk; also how often progress and cancellation are checked (in steps). */
const CHUNK = 128;
const CHECK_EVERY = 256;

function checkRunInputs(model: GruModel, x: Float32Array, opts: RunGruOptions): Int32Array {
  let perStep = 0;
  for (const layer of model.layers) perStep += 4 * layer.directions.length * layer.hiddenSize;
  const lengths = checkRecurrentInputs('GRU', model.layers[0].inputSize, perStep, x, opts);
  checkInitialState('initialH', opts.initialH, model.layers.map((l) => ({ width: l.hiddenSize, directions: l.directions.length })), opts.batch);
  return lengths;
}

export function runGru(model: GruModel, x: Float32Array, opts: RunGruOptions): GruRun {
  validateModel(model);
  const lengths = checkRunInputs(model, x, opts);
  const B = opts.batch;
  const T = opts.steps;
  const kernel = resolveKernel(opts.kernel);
  let input = x;
  if (opts.batchFirst === false && B > 1) input = toBatchFirst(x, T, B, model.layers[0].inputSize);

  let totalSteps = 0;
  for (const layer of model.layers) for (let b = 0; b < B; b++) totalSteps += layer.directions.length * lengths[b];
  const progress = { done: 0, total: Math.max(1, totalSteps), sinceCheck: 0, opts };

  const out: LayerGates[] = [];
  model.layers.forEach((layer, k) => {
    const H = layer.hiddenSize;
    const I = layer.inputSize;
    const D = layer.directions.length;
    const gates: LayerGates[] = layer.directions.map((dir, d) => {
      const size = B * T * H;
      const g: LayerGates = { layer: k, direction: dir.direction, hiddenSize: H, r: new Float32Array(size), z: new Float32Array(size), n: new Float32Array(size), h: new Float32Array(size) };
      kernel.load(dir.weights.W, dir.weights.R, I, H, Math.min(CHUNK, T));
      const p = cellParams(dir.weights, dir.f, dir.g, model, H, kernel.G);
      const h0Base = opts.initialH ? (k * D + d) * B * H : -1;
      for (let b = 0; b < B; b++) {
        runSequence(kernel, p, input, b * T * I, I, lengths[b], dir.direction === 'reverse', opts.initialH, h0Base + b * H, g, b * T * H, progress);
      }
      return g;
    });
    out.push(...gates);
    if (k + 1 < model.layers.length) input = D === 1 ? gates[0].h : concatDirections(gates[0].h, gates[1].h, B * T, H);
  });
  if (opts.onProgress) opts.onProgress(1);
  return { layers: out, sequenceLengths: lengths, kernel: kernel.name };
}

interface Progress {
  done: number;
  total: number;
  sinceCheck: number;
  opts: RunGruOptions;
}

/** One sequence of one direction: steps 0..len-1 (reverse: t = len-1 .. 0). Outputs at base + t*H. */
function runSequence(
  kernel: MatKernel, p: CellParams, x: Float32Array, xBase: number, I: number, len: number, reverse: boolean,
  h0: Float32Array | undefined, h0Off: number, g: LayerGates, base: number, progress: Progress,
): void {
  const { H, G } = p;
  const { xp, hp, vin, vin2 } = kernel;
  const { r, z, n, h } = g;
  const lbr = p.linearBeforeReset;
  const chunk = kernel.chunk;
  const fused = fusable(kernel, p) ? kernel.fused : undefined;
  if (fused) fused.setBiases(p.bW, p.bR);
  // The fused step's r, z, n and h (vin row 0) as length-H views, made once per sequence: each
  // step's gates are block copies (TypedArray.set) into the outputs, not per-element loops.
  const fr = fused?.r.subarray(0, H);
  const fz = fused?.z.subarray(0, H);
  const fn = fused?.n.subarray(0, H);
  const fh = vin.subarray(0, H);
  if (h0) vin.set(h0.subarray(h0Off, h0Off + H));
  else vin.fill(0, 0, H);
  for (let s0 = 0; s0 < len; s0 += chunk) {
    const rows = Math.min(chunk, len - s0);
    const t0 = reverse ? len - s0 - rows : s0;
    kernel.projectX(x, xBase + t0 * I, rows);
    for (let s = s0; s < s0 + rows; s++) {
      const t = reverse ? len - 1 - s : s;
      const o = base + t * H;
      if (fused) {
        fused.step(t - t0, lbr, p.takeNew);
        r.set(fr!, o);
        z.set(fz!, o);
        n.set(fn!, o);
        h.set(fh, o);
        if (++progress.sinceCheck >= CHECK_EVERY) tick(progress);
        continue;
      }
      const row = (t - t0) * 3 * G;
      kernel.projectV(false, 1, 0, lbr ? 3 : 2);
      gatesRow(p, xp, row, hp, 0, vin, 0, r, z, n, h, o);
      if (!lbr) {
        for (let i = 0; i < H; i++) vin2[i] = r[o + i] * vin[i];
        kernel.projectV(true, 1, 2, 1);
        candidateAfter(p, xp, row, hp, 0, vin, 0, z, n, h, o);
      }
      for (let i = 0; i < H; i++) vin[i] = h[o + i];
      if (++progress.sinceCheck >= CHECK_EVERY) tick(progress);
    }
  }
  progress.done += progress.sinceCheck;
  progress.sinceCheck = 0;
}

/** The kernel's fused step computes exactly f = Sigmoid, g = Tanh without clip. */
function fusable(kernel: MatKernel, p: CellParams): kernel is MatKernel & { fused: FusedStep } {
  return kernel.fused !== undefined && p.f.kind === ActKind.Sigmoid && p.g.kind === ActKind.Tanh && p.clip === Infinity;
}

function tick(progress: Progress): void {
  progress.done += progress.sinceCheck;
  progress.sinceCheck = 0;
  if (progress.opts.signal?.aborted) throw new GruCancelledError();
  progress.opts.onProgress?.(Math.min(1, progress.done / progress.total));
}
