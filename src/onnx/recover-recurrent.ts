// Gates of one ONNX LSTM or RNN node from the values onnxruntime produced.
//   engine 'onnxruntime': every step's gates are recomputed from x_t and onnxruntime's own
//     h_{t-1} (Y[t-1], or Y[t+1] for a reverse direction, or initial_h at the first step); an LSTM's
//     cell state, which onnxruntime never exposes per step, is rebuilt from initial_c (or 0) with
//     c_t = f ⊙ c_{t-1} + i ⊙ g using the recomputed gates.
//   engine 'native': the node's recurrence runs again in Gatescope's engine from the same X.
// Either way h is checked against Y (valid steps) and Y_h, and an LSTM's final c against Y_c.
// All gate arrays are [B, T, H] in input time order; masked steps (t >= length) are 0.

import type { LayerGateValues } from '../core/cells/gate-sets';
import type { ActivationSpec } from '../core/trace/document';
import { activate, compileActivation } from '../core/gru/activations';
import { pickKernel } from '../core/gru/kernels';
import { toBatchFirst } from '../core/gru/layout';
import { formatDims } from '../core/io/tensor';
import { lstmParams, lstmRow } from '../core/lstm/cell';
import { lstmFromOnnx } from '../core/lstm/load-onnx';
import type { LstmModel } from '../core/lstm/model';
import { runLstm } from '../core/lstm/run';
import { clamp } from '../core/recurrent/clamp';
import { rnnFromOnnx } from '../core/rnn/load-onnx';
import type { RnnModel } from '../core/rnn/model';
import { runRnn } from '../core/rnn/run';
import { OnnxTraceError } from './errors';
import type { ValueSource } from './graph';
import type { RunTensor, ValueLookup } from './node-values';
import type { RecurrentFetch, RecurrentNodeInfo } from './recurrent-graph';

/** How far the recomputed values are from onnxruntime's outputs (valid steps only). */
export interface RecurrentCheck {
  /** max |h - Y|. */
  y: number;
  /** max |h at each sequence's last step - Y_h| (absent for GRU nodes, whose path checks Y only). */
  yh?: number;
  /** LSTM: max |c at the last step - Y_c|. */
  yc?: number;
}

export interface RecurrentNodeTrace {
  node: RecurrentNodeInfo;
  layers: LayerGateValues[];
  /** Per direction, shaped as trace format v2's LstmConvention / RnnConvention. */
  conventions: ({ gateOrder: string[]; activations: { f: ActivationSpec; g: ActivationSpec; h: ActivationSpec }; clip?: number; inputForget?: boolean; peepholes?: boolean } | { activations: { f: ActivationSpec }; clip?: number })[];
  check: RecurrentCheck;
  T: number;
  B: number;
  lengths: Int32Array;
  hasLengths: boolean;
  /** 'js' or 'wasm': the kernel that ran the products. */
  kernel: string;
}

const CHUNK = 128;

function floats(t: RunTensor): Float32Array {
  if (t.data instanceof Float32Array) return t.data;
  return Float32Array.from(t.data as ArrayLike<number | bigint>, (v) => Number(v));
}

function checkDims(node: RecurrentNodeInfo, what: string, got: readonly number[], want: readonly number[]): void {
  if (got.length !== want.length || got.some((d, i) => d !== want[i])) {
    throw new OnnxTraceError(`${node.cell.toUpperCase()} node '${node.name}': ${what} has dims ${formatDims(got)}, expected ${formatDims(want)}; the model is not a valid ONNX ${node.cell.toUpperCase()}`);
  }
}

function modelOf(node: RecurrentNodeInfo, get: (s: ValueSource, what: string) => RunTensor | undefined): LstmModel | RnnModel {
  const W = get(node.W, 'W')!;
  const R = get(node.R, 'R')!;
  const Bv = get(node.B, 'B');
  const a = node.attrs;
  const common = {
    W: { dims: [...W.dims], data: floats(W) },
    R: { dims: [...R.dims], data: floats(R) },
    B: Bv ? { dims: [...Bv.dims], data: floats(Bv) } : undefined,
    hiddenSize: a.hiddenSize,
    direction: a.direction as 'forward',
    activations: a.activations,
    activationAlpha: a.activationAlpha,
    activationBeta: a.activationBeta,
    clip: a.clip,
    name: node.name,
  };
  try {
    if (node.cell === 'rnn') return rnnFromOnnx(common);
    const P = get(node.P, 'P');
    return lstmFromOnnx({ ...common, inputForget: a.inputForget, P: P ? { dims: [...P.dims], data: floats(P) } : undefined });
  } catch (e) {
    throw new OnnxTraceError(`${node.cell.toUpperCase()} node '${node.name}': ${(e as Error).message}; the model's weights are not usable`);
  }
}

/** Gates of one LSTM or RNN node; `fetch` names the extra outputs the instrumenter added. */
export function traceRecurrentNode(node: RecurrentNodeInfo, fetch: RecurrentFetch, lookup: ValueLookup, engine: 'onnxruntime' | 'native', kernelChoice: 'js' | 'wasm' | 'auto' = 'auto', signal?: { aborted: boolean }): RecurrentNodeTrace {
  const op = node.cell.toUpperCase();
  const get = (s: ValueSource, what: string): RunTensor | undefined => {
    if (s.kind === 'absent') return undefined;
    if (s.kind === 'const') return s.tensor;
    const v = lookup(s.name);
    if (!v) throw new OnnxTraceError(`${op} node '${node.name}': onnxruntime did not return its ${what} ('${s.name}'); report this model to Gatescope`);
    return v;
  };
  const need = (name: string, what: string): RunTensor => {
    const v = lookup(name);
    if (!v) throw new OnnxTraceError(`${op} node '${node.name}': onnxruntime did not return its ${what} ('${name}'); report this model to Gatescope`);
    return v;
  };
  if (node.attrs.layout !== 0) {
    throw new OnnxTraceError(`${op} node '${node.name}' has layout = ${node.attrs.layout} (batch-first X), which onnxruntime's CPU ${op} rejects ("Batchwise recurrent operations (layout == 1) are not supported"): re-export the model with layout 0 (torch.onnx.export writes a Transpose around a layout-0 node)`);
  }
  const model = modelOf(node, get);
  const layer = model.layers[0]!;
  const H = layer.hiddenSize;
  const I = layer.inputSize;
  const D = layer.directions.length;
  const x = get(node.X, 'X')!;
  if (x.dims.length !== 3 || x.dims[2] !== I) {
    throw new OnnxTraceError(`${op} node '${node.name}' received X with dims ${formatDims(x.dims)}; it expects [T, B, ${I}] (input_size ${I} from W): check the input's last dimension`);
  }
  const [T, B] = x.dims as [number, number];
  const Y = need(fetch.Y, 'Y');
  checkDims(node, 'Y', Y.dims, [T, D, B, H]);
  const Yh = need(fetch.Yh, 'Y_h');
  checkDims(node, 'Y_h', Yh.dims, [D, B, H]);
  const Yc = fetch.Yc ? need(fetch.Yc, 'Y_c') : undefined;
  if (Yc) checkDims(node, 'Y_c', Yc.dims, [D, B, H]);
  const h0 = get(node.initialH, 'initial_h');
  if (h0) checkDims(node, 'initial_h', h0.dims, [D, B, H]);
  const c0 = get(node.initialC, 'initial_c');
  if (c0) checkDims(node, 'initial_c', c0.dims, [D, B, H]);
  const sl = get(node.sequenceLens, 'sequence_lens');
  const lengths = new Int32Array(B).fill(T);
  if (sl) {
    checkDims(node, 'sequence_lens', sl.dims, [B]);
    for (let b = 0; b < B; b++) {
      const v = Number(sl.data[b]);
      if (!Number.isInteger(v) || v < 0 || v > T) throw new OnnxTraceError(`${op} node '${node.name}': sequence_lens[${b}] is ${v}, outside 0..${T}; fix the sequence lengths`);
      lengths[b] = v;
    }
  }
  const X = floats(x);
  const yv = floats(Y);
  const initialH = h0 ? floats(h0) : undefined;
  const initialC = c0 ? floats(c0) : undefined;
  let layers: LayerGateValues[];
  let kernel: string;
  if (engine === 'native') {
    const opts = { batch: B, steps: T, batchFirst: false, sequenceLengths: sl ? lengths : undefined, initialH, kernel: kernelChoice, signal };
    const run = node.cell === 'lstm' ? runLstm(model as LstmModel, X, { ...opts, initialC }) : runRnn(model as RnnModel, X, opts);
    layers = run.layers;
    kernel = run.kernel;
  } else {
    const r = node.cell === 'lstm'
      ? lstmFromStates(model as LstmModel, toBatchFirst(X, T, B, I), yv, initialH, initialC, lengths, T, B, kernelChoice)
      : rnnFromStates(model as RnnModel, toBatchFirst(X, T, B, I), yv, initialH, lengths, T, B, kernelChoice);
    layers = r.layers;
    kernel = r.kernel;
  }
  for (const l of layers) l.name = node.name;
  const check = compare(layers, yv, floats(Yh), Yc ? floats(Yc) : undefined, lengths, T, B, H, D);
  const conventions: RecurrentNodeTrace['conventions'] = node.cell === 'lstm'
    ? (model as LstmModel).layers[0]!.directions.map((dir) => {
      const c: RecurrentNodeTrace['conventions'][number] = { gateOrder: ['i', 'o', 'f', 'c'], activations: { f: dir.f, g: dir.g, h: dir.h } };
      if (model.clip !== undefined) c.clip = model.clip;
      if ((model as LstmModel).inputForget) c.inputForget = true;
      if (dir.weights.P) c.peepholes = true;
      return c;
    })
    : (model as RnnModel).layers[0]!.directions.map((dir) => (model.clip !== undefined ? { activations: { f: dir.act }, clip: model.clip } : { activations: { f: dir.act } }));
  return { node, layers, conventions, check, T, B, lengths, hasLengths: !!sl, kernel };
}

/** h_{t-1} for step t of item b, direction d: Y of the step before in the direction's order, else initial_h, else 0. */
function previousState(out: Float32Array, outOff: number, Y: Float32Array, h0: Float32Array | undefined, t: number, b: number, d: number, reverse: boolean, len: number, B: number, D: number, H: number): void {
  const first = reverse ? t === len - 1 : t === 0;
  if (first) {
    if (h0) for (let u = 0; u < H; u++) out[outOff + u] = h0[(d * B + b) * H + u]!;
    else for (let u = 0; u < H; u++) out[outOff + u] = 0;
    return;
  }
  const s = reverse ? t + 1 : t - 1;
  const yo = ((s * D + d) * B + b) * H;
  for (let u = 0; u < H; u++) out[outOff + u] = Y[yo + u]!;
}

/**
 * LSTM gates from onnxruntime's states. The products X·W and Hprev·R of a chunk of steps are one
 * blocked product each (Hprev known in advance from Y); c then runs forward through the chunk.
 */
export function lstmFromStates(
  model: LstmModel, x: Float32Array, Y: Float32Array, h0: Float32Array | undefined, c0: Float32Array | undefined,
  lengths: Int32Array, T: number, B: number, kernelChoice: 'js' | 'wasm' | 'auto',
): { layers: LayerGateValues[]; kernel: string } {
  const layer = model.layers[0]!;
  const { hiddenSize: H, inputSize: I } = layer;
  const D = layer.directions.length;
  const kernel = pickKernel(kernelChoice);
  const layers = layer.directions.map((dir, d): LayerGateValues => {
    const size = B * T * H;
    const g = { i: new Float32Array(size), f: new Float32Array(size), g: new Float32Array(size), o: new Float32Array(size), c: new Float32Array(size), h: new Float32Array(size) };
    kernel.load(dir.weights.W, dir.weights.R, I, H, Math.min(CHUNK, T), 4, H);
    const p = lstmParams(dir, model, H, kernel.G);
    const { xp, hp, vin, Gr, G } = kernel;
    const cPrev = new Float32Array(H);
    const full = new Float32Array(H);
    const reverse = dir.direction === 'reverse';
    for (let b = 0; b < B; b++) {
      const len = lengths[b]!;
      if (c0) cPrev.set(c0.subarray((d * B + b) * H, (d * B + b + 1) * H));
      else cPrev.fill(0);
      for (let s0 = 0; s0 < len; s0 += kernel.chunk) {
        const rows = Math.min(kernel.chunk, len - s0);
        const t0 = reverse ? len - s0 - rows : s0;
        kernel.projectX(x, (b * T + t0) * I, rows);
        for (let m = 0; m < rows; m++) previousState(vin, m * Gr, Y, h0, t0 + m, b, d, reverse, len, B, D, H);
        kernel.projectV(false, rows, 0, 4);
        for (let s = s0; s < s0 + rows; s++) {
          const t = reverse ? len - 1 - s : s;
          const m = t - t0;
          const at = (b * T + t) * H;
          lstmRow(p, xp, m * 4 * G, hp, m * 4 * G, cPrev, 0, g.i, g.f, g.g, g.o, g.c, at, full);
          for (let u = 0; u < H; u++) {
            g.h[at + u] = full[u]!;
            cPrev[u] = g.c[at + u]!;
          }
        }
      }
    }
    return { layer: 0, direction: dir.direction, cell: 'lstm', hiddenSize: H, gates: g };
  });
  return { layers, kernel: kernel.name };
}

/** RNN h from onnxruntime's states: every step is independent given Y. */
export function rnnFromStates(
  model: RnnModel, x: Float32Array, Y: Float32Array, h0: Float32Array | undefined,
  lengths: Int32Array, T: number, B: number, kernelChoice: 'js' | 'wasm' | 'auto',
): { layers: LayerGateValues[]; kernel: string } {
  const layer = model.layers[0]!;
  const { hiddenSize: H, inputSize: I } = layer;
  const D = layer.directions.length;
  const clip = model.clip ?? Infinity;
  const kernel = pickKernel(kernelChoice);
  const layers = layer.directions.map((dir, d): LayerGateValues => {
    const h = new Float32Array(B * T * H);
    kernel.load(dir.weights.W, dir.weights.R, I, H, Math.min(CHUNK, T), 1, H);
    const { xp, hp, vin, Gr, G } = kernel;
    const { kind, alpha, beta } = compileActivation(dir.act);
    const { bW, bR } = dir.weights;
    const reverse = dir.direction === 'reverse';
    for (let b = 0; b < B; b++) {
      const len = lengths[b]!;
      for (let t0 = 0; t0 < len; t0 += kernel.chunk) {
        const rows = Math.min(kernel.chunk, len - t0);
        kernel.projectX(x, (b * T + t0) * I, rows);
        for (let m = 0; m < rows; m++) previousState(vin, m * Gr, Y, h0, t0 + m, b, d, reverse, len, B, D, H);
        kernel.projectV(false, rows, 0, 1);
        for (let m = 0; m < rows; m++) {
          const at = (b * T + t0 + m) * H;
          for (let u = 0; u < H; u++) h[at + u] = activate(kind, alpha, beta, clamp(xp[m * G + u]! + bW[u]! + (hp[m * G + u]! + bR[u]!), clip));
        }
      }
    }
    return { layer: 0, direction: dir.direction, cell: 'rnn', hiddenSize: H, gates: { h } };
  });
  return { layers, kernel: kernel.name };
}

function compare(layers: LayerGateValues[], Y: Float32Array, Yh: Float32Array, Yc: Float32Array | undefined, lengths: Int32Array, T: number, B: number, H: number, D: number): RecurrentCheck {
  let y = 0;
  let yh = 0;
  let yc = 0;
  const diff = (a: number, b: number): number => (a === b ? 0 : Math.abs(a - b));
  layers.forEach((l, d) => {
    const h = l.gates.h!;
    const c = l.gates.c;
    for (let b = 0; b < B; b++) {
      const len = lengths[b]!;
      for (let t = 0; t < len; t++) {
        for (let u = 0; u < H; u++) {
          const e = diff(h[(b * T + t) * H + u]!, Y[((t * D + d) * B + b) * H + u]!);
          if (!(e <= y)) y = e;
        }
      }
      if (len === 0) continue;
      const tLast = l.direction === 'forward' ? len - 1 : 0;
      for (let u = 0; u < H; u++) {
        const eh = diff(h[(b * T + tLast) * H + u]!, Yh[(d * B + b) * H + u]!);
        if (!(eh <= yh)) yh = eh;
        if (c && Yc) {
          const ec = diff(c[(b * T + tLast) * H + u]!, Yc[(d * B + b) * H + u]!);
          if (!(ec <= yc)) yc = ec;
        }
      }
    }
  });
  return Yc ? { y, yh, yc } : { y, yh };
}
