// The LSTM forward pass with every gate and the cell state recorded.
//
// Same plan as the GRU engine (src/core/gru/run.ts) and the same kernels: each direction's input
// projections W·x are computed CHUNK steps at a time (one blocked product), then the recurrence
// runs step by step with no allocation (R·h_{t-1} through the kernel, elementwise math in cell.ts,
// the projection of PyTorch's proj_size through the JS matvec; the WASM kernel runs the whole step
// for the common Sigmoid/Tanh/Tanh cell). Memory: the outputs (i, f, g, o, c
// [B, T, H] and h [B, T, Hout] per layer and direction) plus O(CHUNK*H + H*H) work space.
// Masked steps (t >= sequenceLengths[b]) are never computed and stay 0, as in the GRU engine.

import type { LayerGateValues } from '../cells/gate-sets';
import { toBatchFirst } from '../gru/layout';
import { matvec } from '../gru/kernel-js';
import { ActKind } from '../gru/activations';
import type { FusedLstmStep, MatKernel } from '../gru/kernel';
import { resolveKernel } from '../gru/kernels';
import { Progress } from '../recurrent/progress';
import { checkInitialState, checkRunInputs, type RecurrentRunOptions } from '../recurrent/run-inputs';
import { concatDirections } from '../recurrent/stack';
import { lstmParams, lstmRow, type LstmParams } from './cell';
import { outputSize, type LstmModel } from './model';
import { validateLstm } from './validate-model';

export interface RunLstmOptions extends RecurrentRunOptions {
  /** [layers * directions, B, H], like PyTorch's c0 and ONNX's initial_c (per layer). */
  initialC?: Float32Array;
}

export interface LstmRun {
  /** One entry per layer and direction: gates i, f, g, o, c ([B, T, H]) and h ([B, T, Hout]). */
  layers: LayerGateValues[];
  sequenceLengths: Int32Array;
  kernel: 'js' | 'wasm';
}

const CHUNK = 128;

export function runLstm(model: LstmModel, x: Float32Array, opts: RunLstmOptions): LstmRun {
  validateLstm(model);
  let perStep = 0;
  for (const l of model.layers) perStep += l.directions.length * (5 * l.hiddenSize + outputSize(l));
  const lengths = checkRunInputs('LSTM', model.layers[0].inputSize, perStep, x, opts);
  const B = opts.batch;
  const T = opts.steps;
  checkInitialState('initialH', opts.initialH, model.layers.map((l) => ({ width: outputSize(l), directions: l.directions.length })), B);
  checkInitialState('initialC', opts.initialC, model.layers.map((l) => ({ width: l.hiddenSize, directions: l.directions.length })), B);
  const kernel = resolveKernel(opts.kernel);
  let input = x;
  if (opts.batchFirst === false && B > 1) input = toBatchFirst(x, T, B, model.layers[0].inputSize);

  let totalSteps = 0;
  for (const layer of model.layers) for (let b = 0; b < B; b++) totalSteps += layer.directions.length * lengths[b];
  const progress = new Progress('LSTM', totalSteps, opts);

  const out: LayerGateValues[] = [];
  model.layers.forEach((layer, k) => {
    const H = layer.hiddenSize;
    const I = layer.inputSize;
    const Hout = outputSize(layer);
    const D = layer.directions.length;
    const entries = layer.directions.map((dir, d): LayerGateValues => {
      const size = B * T * H;
      const gates = { i: new Float32Array(size), f: new Float32Array(size), g: new Float32Array(size), o: new Float32Array(size), c: new Float32Array(size), h: new Float32Array(B * T * Hout) };
      kernel.load(dir.weights.W, dir.weights.R, I, H, Math.min(CHUNK, T), 4, Hout);
      const p = lstmParams(dir, model, H, kernel.G);
      const state = { cPrev: new Float32Array(H), full: new Float32Array(H), Wproj: dir.weights.Wproj, Hout };
      for (let b = 0; b < B; b++) {
        const h0 = opts.initialH ? opts.initialH.subarray(((k * D + d) * B + b) * Hout, ((k * D + d) * B + b + 1) * Hout) : undefined;
        const c0 = opts.initialC ? opts.initialC.subarray(((k * D + d) * B + b) * H, ((k * D + d) * B + b + 1) * H) : undefined;
        runSequence(kernel, p, state, input, b * T * I, I, lengths[b], dir.direction === 'reverse', h0, c0, gates, b * T, progress);
      }
      return { layer: k, direction: dir.direction, cell: 'lstm', hiddenSize: H, gates };
    });
    out.push(...entries);
    if (k + 1 < model.layers.length) input = D === 1 ? entries[0].gates.h : concatDirections(entries[0].gates.h, entries[1].gates.h, B * T, Hout);
  });
  progress.finish();
  return { layers: out, sequenceLengths: lengths, kernel: kernel.name };
}

/** The kernel's fused LSTM step computes exactly Sigmoid, Tanh, Tanh without clip, peepholes or input_forget. */
function fusable(kernel: MatKernel, p: LstmParams): kernel is MatKernel & { fusedLstm: FusedLstmStep } {
  return kernel.fusedLstm !== undefined && p.f.kind === ActKind.Sigmoid && p.g.kind === ActKind.Tanh && p.h.kind === ActKind.Tanh
    && p.clip === Infinity && p.P === undefined && !p.inputForget;
}

interface SequenceState {
  cPrev: Float32Array;
  /** o ⊙ h(c) before the projection. */
  full: Float32Array;
  Wproj: Float32Array | undefined;
  Hout: number;
}

/** One sequence of one direction: steps 0..len-1 (reverse: len-1 .. 0); row `row0 + t` of the outputs. */
function runSequence(
  kernel: MatKernel, p: LstmParams, st: SequenceState, x: Float32Array, xBase: number, I: number, len: number, reverse: boolean,
  h0: Float32Array | undefined, c0: Float32Array | undefined,
  gates: { i: Float32Array; f: Float32Array; g: Float32Array; o: Float32Array; c: Float32Array; h: Float32Array }, row0: number, progress: Progress,
): void {
  const { H, G } = p;
  const { cPrev, full, Wproj, Hout } = st;
  const { xp, hp, vin } = kernel;
  const { i, f, g, o, c, h } = gates;
  const chunk = kernel.chunk;
  const fused = fusable(kernel, p) ? kernel.fusedLstm : undefined;
  if (h0) vin.set(h0);
  else vin.fill(0, 0, Hout);
  const state = fused ? fused.c : cPrev;
  state.fill(0);
  if (c0) state.set(c0);
  if (fused) fused.setBiases(p.bW, p.bR);
  for (let s0 = 0; s0 < len; s0 += chunk) {
    const rows = Math.min(chunk, len - s0);
    const t0 = reverse ? len - s0 - rows : s0;
    kernel.projectX(x, xBase + t0 * I, rows);
    for (let s = s0; s < s0 + rows; s++) {
      const t = reverse ? len - 1 - s : s;
      const at = (row0 + t) * H;
      const ath = (row0 + t) * Hout;
      if (fused) {
        fused.stepLstm(t - t0, !Wproj);
        const fi = fused.i, ff = fused.f, fg = fused.g, fo = fused.o, fc = fused.c, fh = fused.h;
        for (let u = 0; u < H; u++) {
          i[at + u] = fi[u];
          f[at + u] = ff[u];
          g[at + u] = fg[u];
          o[at + u] = fo[u];
          c[at + u] = fc[u];
        }
        if (Wproj) {
          matvec(Wproj, 0, H, Hout, H, fh, 0, h, ath);
          for (let u = 0; u < Hout; u++) vin[u] = h[ath + u];
        } else for (let u = 0; u < H; u++) h[ath + u] = fh[u];
        progress.step();
        continue;
      }
      kernel.projectV(false, 1, 0, 4);
      lstmRow(p, xp, (t - t0) * 4 * G, hp, 0, cPrev, 0, i, f, g, o, c, at, full);
      if (Wproj) matvec(Wproj, 0, H, Hout, H, full, 0, h, ath);
      else for (let u = 0; u < H; u++) h[ath + u] = full[u];
      for (let u = 0; u < Hout; u++) vin[u] = h[ath + u];
      for (let u = 0; u < H; u++) cPrev[u] = c[at + u];
      progress.step();
    }
  }
}
