// The values one ONNX LSTM or RNN node ran with, read from an onnxruntime run and checked: its
// weights as an engine model, X, Y, Y_h, Y_c, the initial states and sequence_lens. What the gate
// recovery (recover-recurrent.ts) and the native engine need, whole or chunk by chunk.
// Shapes: X [T, B, I], Y [T, D, B, H], Y_h and Y_c [D, B, H], initial_h / initial_c [D, B, H].

import { formatDims } from '../core/io/tensor';
import { lstmFromOnnx } from '../core/lstm/load-onnx';
import type { LstmModel } from '../core/lstm/model';
import { rnnFromOnnx } from '../core/rnn/load-onnx';
import type { RnnModel } from '../core/rnn/model';
import { OnnxTraceError } from './errors';
import type { ValueSource } from './graph';
import type { RecurrentRunValues, RunTensor, ValueLookup } from './node-values';
import type { RecurrentFetch, RecurrentNodeInfo } from './recurrent-graph';

export interface RecurrentValues extends RecurrentRunValues {
  node: RecurrentNodeInfo;
  model: LstmModel | RnnModel;
  Yh: Float32Array;
  /** LSTM only (when the node has a Y_c output or the instrumenter added one). */
  Yc: Float32Array | undefined;
  initialH: Float32Array | undefined;
  initialC: Float32Array | undefined;
}

export function floats(t: RunTensor): Float32Array {
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

/** The values of one LSTM or RNN node; `fetch` names the extra outputs the instrumenter added. */
export function gatherRecurrentValues(node: RecurrentNodeInfo, fetch: RecurrentFetch, lookup: ValueLookup): RecurrentValues {
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
  return {
    node, model, T, B, I, H, D,
    X: floats(x),
    Y: floats(Y),
    Yh: floats(Yh),
    Yc: Yc ? floats(Yc) : undefined,
    initialH: h0 ? floats(h0) : undefined,
    initialC: c0 ? floats(c0) : undefined,
    lengths,
    hasLengths: !!sl,
  };
}
