// The values one GRU node saw in a run: its X, Y, weights, sequence_lens and initial_h, gathered
// from constants, the feeds, or the extra outputs the instrumenter added. Shapes are checked here.

import { fromOnnx } from '../core/gru/load-onnx';
import type { GruModel } from '../core/gru/model';
import { fetchedYName, type GruNodeInfo, type ValueSource } from './graph';
import { OnnxTraceError } from './errors';
import { formatDims } from '../core/io/tensor';

/** A fetched or constant tensor as the recovery needs it. */
export interface RunTensor {
  dims: readonly number[];
  data: Float32Array | Int32Array | BigInt64Array;
}

export type ValueLookup = (name: string) => RunTensor | undefined;

/** The tensors of one onnxruntime run by name: its outputs, else the feeds it was given. */
export function runLookup(results: Record<string, { dims: readonly number[]; data: unknown }>, feeds: Record<string, RunTensor>): ValueLookup {
  return (name) => {
    const r = results[name];
    if (r) return { dims: r.dims, data: r.data as RunTensor['data'] };
    const f = feeds[name];
    return f ? { dims: f.dims, data: f.data } : undefined;
  };
}

/** What every recurrent node's run gives the gate computations (GRU here, LSTM/RNN in recurrent-values.ts). */
export interface RecurrentRunValues {
  /** Steps, batch items, input size, hidden size, directions. */
  T: number;
  B: number;
  I: number;
  H: number;
  D: number;
  /** [T, B, I] (layout 0). */
  X: Float32Array;
  /** [T, D, B, H]. */
  Y: Float32Array;
  /** [B] valid steps per batch item: sequence_lens, or T for every item. */
  lengths: Int32Array;
  /** Whether the node has sequence_lens (so the trace records them). */
  hasLengths: boolean;
}

export interface NodeValues extends RecurrentRunValues {
  node: GruNodeInfo;
  model: GruModel;
  /** [D, B, H] or undefined (zeros). */
  initialH?: Float32Array;
}

function valueOf(s: ValueSource, lookup: ValueLookup, what: string, node: GruNodeInfo): RunTensor | undefined {
  if (s.kind === 'absent') return undefined;
  if (s.kind === 'const') return s.tensor;
  const v = lookup(s.name);
  if (!v) throw new OnnxTraceError(`GRU node '${node.name}': onnxruntime did not return its ${what} ('${s.name}'); report this model to Gatescope`);
  return v;
}

function floats(t: RunTensor): Float32Array {
  if (t.data instanceof Float32Array) return t.data;
  return Float32Array.from(t.data as ArrayLike<number | bigint>, (v) => Number(v));
}

function checkDims(node: GruNodeInfo, what: string, got: readonly number[], want: readonly number[]): void {
  if (got.length !== want.length || got.some((d, i) => d !== want[i])) {
    throw new OnnxTraceError(`GRU node '${node.name}': ${what} has dims ${formatDims(got)}, expected ${formatDims(want)}; the model is not a valid ONNX GRU`);
  }
}

/** Engine models of nodes whose weights are constants, converted once per prepared model. */
const constantModels = new WeakMap<GruNodeInfo, GruModel>();

export function gatherNodeValues(node: GruNodeInfo, lookup: ValueLookup): NodeValues {
  const constant = node.W.kind === 'const' && node.R.kind === 'const' && (node.B.kind === 'const' || node.B.kind === 'absent');
  const model = (constant ? constantModels.get(node) : undefined) ?? nodeModel(node, lookup);
  if (constant) constantModels.set(node, model);
  return gatherRunValues(node, model, lookup);
}

function nodeModel(node: GruNodeInfo, lookup: ValueLookup): GruModel {
  const W = valueOf(node.W, lookup, 'W', node)!;
  const R = valueOf(node.R, lookup, 'R', node)!;
  const Bv = valueOf(node.B, lookup, 'B', node);
  let model: GruModel;
  try {
    const spec: Parameters<typeof fromOnnx>[0] = {
      W: { dims: [...W.dims], data: floats(W) },
      R: { dims: [...R.dims], data: floats(R) },
      hiddenSize: node.attrs.hiddenSize,
      direction: node.attrs.direction,
      linearBeforeReset: node.attrs.linearBeforeReset,
      activations: node.attrs.raw.activations,
      activationAlpha: node.attrs.raw.activationAlpha,
      activationBeta: node.attrs.raw.activationBeta,
      name: node.name,
    };
    if (Bv) spec.B = { dims: [...Bv.dims], data: floats(Bv) };
    if (node.attrs.clip !== undefined) spec.clip = node.attrs.clip;
    model = fromOnnx(spec);
  } catch (e) {
    if (e instanceof OnnxTraceError) throw e;
    throw new OnnxTraceError(`GRU node '${node.name}': ${(e as Error).message}; the model's GRU weights are not usable`);
  }
  return model;
}

function gatherRunValues(node: GruNodeInfo, model: GruModel, lookup: ValueLookup): NodeValues {
  const layer = model.layers[0]!;
  const H = layer.hiddenSize;
  const I = layer.inputSize;
  const D = layer.directions.length;
  const x = valueOf(node.X, lookup, 'X', node)!;
  if (x.dims.length !== 3 || x.dims[2] !== I) {
    throw new OnnxTraceError(`GRU node '${node.name}' received X with dims ${formatDims(x.dims)}; it expects [T, B, ${I}] (input_size ${I} from W): check the input's last dimension`);
  }
  const [T, B] = x.dims as [number, number];
  const y = lookup(fetchedYName(node));
  if (!y) throw new OnnxTraceError(`GRU node '${node.name}': onnxruntime did not return its Y ('${fetchedYName(node)}'); report this model to Gatescope`);
  checkDims(node, 'Y', y.dims, [T, D, B, H]);
  const h0 = valueOf(node.initialH, lookup, 'initial_h', node);
  if (h0) checkDims(node, 'initial_h', h0.dims, [D, B, H]);
  const sl = valueOf(node.sequenceLens, lookup, 'sequence_lens', node);
  const lengths = new Int32Array(B).fill(T);
  if (sl) {
    checkDims(node, 'sequence_lens', sl.dims, [B]);
    for (let b = 0; b < B; b++) {
      const v = Number(sl.data[b]);
      if (!Number.isInteger(v) || v < 0 || v > T) throw new OnnxTraceError(`GRU node '${node.name}': sequence_lens[${b}] is ${v}, outside 0..${T}; fix the sequence lengths`);
      lengths[b] = v;
    }
  }
  const out: NodeValues = { node, model, T, B, I, H, D, X: floats(x), Y: floats(y), lengths, hasLengths: !!sl };
  if (h0) out.initialH = floats(h0);
  return out;
}
