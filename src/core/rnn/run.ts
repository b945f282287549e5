// The vanilla RNN forward pass, h recorded. Same plan and kernels as the GRU and LSTM engines
// (one gate block): W·x for CHUNK steps at a time, then R·h_{t-1} per step, no allocation per step.
// Masked steps (t >= sequenceLengths[b]) are never computed and stay 0.

import type { LayerGateValues } from '../cells/gate-sets';
import { activate, compileActivation } from '../gru/activations';
import { toBatchFirst } from '../gru/layout';
import { resolveKernel } from '../gru/kernels';
import { clamp } from '../recurrent/clamp';
import { Progress } from '../recurrent/progress';
import { checkInitialState, checkRunInputs, type RecurrentRunOptions } from '../recurrent/run-inputs';
import { concatDirections } from '../recurrent/stack';
import type { RnnModel } from './model';
import { validateRnn } from './validate-model';

export interface RnnRun {
  /** One entry per layer and direction, gate h [B, T, H]. */
  layers: LayerGateValues[];
  sequenceLengths: Int32Array;
  kernel: 'js' | 'wasm';
}

const CHUNK = 128;

export function runRnn(model: RnnModel, x: Float32Array, opts: RecurrentRunOptions): RnnRun {
  validateRnn(model);
  let perStep = 0;
  for (const l of model.layers) perStep += l.directions.length * l.hiddenSize;
  const lengths = checkRunInputs('RNN', model.layers[0].inputSize, perStep, x, opts);
  const B = opts.batch;
  const T = opts.steps;
  checkInitialState('initialH', opts.initialH, model.layers.map((l) => ({ width: l.hiddenSize, directions: l.directions.length })), B);
  const kernel = resolveKernel(opts.kernel);
  let input = x;
  if (opts.batchFirst === false && B > 1) input = toBatchFirst(x, T, B, model.layers[0].inputSize);
  let totalSteps = 0;
  for (const layer of model.layers) for (let b = 0; b < B; b++) totalSteps += layer.directions.length * lengths[b];
  const progress = new Progress('RNN', totalSteps, opts);
  const clip = model.clip ?? Infinity;

  const out: LayerGateValues[] = [];
  model.layers.forEach((layer, k) => {
    const H = layer.hiddenSize;
    const I = layer.inputSize;
    const D = layer.directions.length;
    const entries = layer.directions.map((dir, d): LayerGateValues => {
      const h = new Float32Array(B * T * H);
      kernel.load(dir.weights.W, dir.weights.R, I, H, Math.min(CHUNK, T), 1, H);
      const { xp, hp, vin, chunk, G } = kernel;
      const { bW, bR } = dir.weights;
      const { kind, alpha, beta } = compileActivation(dir.act);
      const reverse = dir.direction === 'reverse';
      for (let b = 0; b < B; b++) {
        const len = lengths[b];
        const h0 = ((k * D + d) * B + b) * H;
        if (opts.initialH) vin.set(opts.initialH.subarray(h0, h0 + H));
        else vin.fill(0, 0, H);
        for (let s0 = 0; s0 < len; s0 += chunk) {
          const rows = Math.min(chunk, len - s0);
          const t0 = reverse ? len - s0 - rows : s0;
          kernel.projectX(input, (b * T + t0) * I, rows);
          for (let s = s0; s < s0 + rows; s++) {
            const t = reverse ? len - 1 - s : s;
            const at = (b * T + t) * H;
            const xo = (t - t0) * G;
            kernel.projectV(false, 1, 0, 1);
            for (let u = 0; u < H; u++) h[at + u] = activate(kind, alpha, beta, clamp(xp[xo + u] + bW[u] + (hp[u] + bR[u]), clip));
            for (let u = 0; u < H; u++) vin[u] = h[at + u];
            progress.step();
          }
        }
      }
      return { layer: k, direction: dir.direction, cell: 'rnn', hiddenSize: H, gates: { h } };
    });
    out.push(...entries);
    if (k + 1 < model.layers.length) input = D === 1 ? entries[0].gates.h : concatDirections(entries[0].gates.h, entries[1].gates.h, B * T, H);
  });
  progress.finish();
  return { layers: out, sequenceLengths: lengths, kernel: kernel.name };
}
