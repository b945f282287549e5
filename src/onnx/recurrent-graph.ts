// Finds the recurrent nodes of every kind (GRU, LSTM, RNN) of an ONNX graph in topological order,
// with their attributes as written and where each input comes from (graph.ts's ValueSource), so a
// model mixing the three kinds is traced node by node. GRU nodes keep their own, older path
// (graph.ts + node-values.ts + recover.ts); this file adds LSTM and RNN.
// Inputs by position (ONNX spec): X, W, R, B, sequence_lens, initial_h, then LSTM initial_c, P.

import type { CellKind } from '../core/cells/gate-sets';
import { OnnxTraceError } from './errors';
import { isOnnxDomain, topologicalOrder, valueSources, type ValueSource } from './graph';
import { onnx, toNumber } from './proto';

export interface RecurrentAttributes {
  hiddenSize: number;
  direction: string;
  activations: string[];
  activationAlpha: number[];
  activationBeta: number[];
  clip?: number;
  /** LSTM input_forget. */
  inputForget: boolean;
  layout: number;
}

export interface RecurrentNodeInfo {
  cell: CellKind;
  /** Position among the recurrent nodes (all kinds), in topological order. */
  index: number;
  /** Index into graph.node. */
  nodeIndex: number;
  name: string;
  attrs: RecurrentAttributes;
  X: ValueSource;
  W: ValueSource;
  R: ValueSource;
  B: ValueSource;
  sequenceLens: ValueSource;
  initialH: ValueSource;
  /** LSTM only (absent otherwise). */
  initialC: ValueSource;
  P: ValueSource;
  /** Output names; '' where the model leaves one unnamed (the instrumenter names it). */
  Y: string;
  Yh: string;
  Yc: string;
}

const KINDS: Record<string, CellKind> = { GRU: 'gru', LSTM: 'lstm', RNN: 'rnn' };

function attr(node: onnx.INodeProto, name: string): onnx.IAttributeProto | undefined {
  return (node.attribute ?? []).find((a) => a.name === name);
}

function decodeString(s: Uint8Array | null | undefined): string {
  return new TextDecoder().decode(s ?? new Uint8Array());
}

function readAttributes(node: onnx.INodeProto): RecurrentAttributes {
  const out: RecurrentAttributes = {
    hiddenSize: toNumber(attr(node, 'hidden_size')?.i),
    direction: decodeString(attr(node, 'direction')?.s) || 'forward',
    activations: (attr(node, 'activations')?.strings ?? []).map(decodeString),
    activationAlpha: [...(attr(node, 'activation_alpha')?.floats ?? [])],
    activationBeta: [...(attr(node, 'activation_beta')?.floats ?? [])],
    inputForget: toNumber(attr(node, 'input_forget')?.i) !== 0,
    layout: toNumber(attr(node, 'layout')?.i),
  };
  const clip = attr(node, 'clip');
  if (clip && clip.f !== null && clip.f !== undefined) out.clip = clip.f;
  return out;
}

/** Every GRU, LSTM and RNN node of the main graph in topological order (empty when there is none). */
export function findRecurrentNodes(model: onnx.IModelProto): RecurrentNodeInfo[] {
  const graph = model.graph!;
  const nodes = graph.node ?? [];
  const source = valueSources(graph);
  const found: RecurrentNodeInfo[] = [];
  for (const i of topologicalOrder(graph)) {
    const node = nodes[i]!;
    const cell = KINDS[node.opType ?? ''];
    if (!cell || !isOnnxDomain(node.domain)) continue;
    const label = node.name || `${node.opType} #${found.length}`;
    const ins = node.input ?? [];
    const attrs = readAttributes(node);
    const R = source(ins[2], `${label} R`);
    // hidden_size is optional in the ONNX spec: R [D, gates*H, H] gives it.
    if (attrs.hiddenSize === 0 && R.kind === 'const' && R.tensor.dims.length === 3) attrs.hiddenSize = R.tensor.dims[2]!;
    if (attrs.hiddenSize <= 0) throw new OnnxTraceError(`${node.opType} node '${label}' has no hidden_size and its R is not a constant; fix the model (set hidden_size)`);
    const outs = node.output ?? [];
    found.push({
      cell,
      index: found.length,
      nodeIndex: i,
      name: label,
      attrs,
      X: source(ins[0], `${label} X`),
      W: source(ins[1], `${label} W`),
      R,
      B: source(ins[3], `${label} B`),
      sequenceLens: source(ins[4], `${label} sequence_lens`),
      initialH: source(ins[5], `${label} initial_h`),
      initialC: cell === 'lstm' ? source(ins[6], `${label} initial_c`) : { kind: 'absent' },
      P: cell === 'lstm' ? source(ins[7], `${label} P`) : { kind: 'absent' },
      Y: outs[0] ?? '',
      Yh: outs[1] ?? '',
      Yc: cell === 'lstm' ? outs[2] ?? '' : '',
    });
  }
  return found;
}

/** Graph outputs added so onnxruntime returns what the gate recovery needs. */
export interface RecurrentFetch {
  X?: string;
  Y: string;
  Yh: string;
  Yc?: string;
  W?: string;
  R?: string;
  B?: string;
  P?: string;
  sequenceLens?: string;
  initialH?: string;
  initialC?: string;
}

const FLOAT = onnx.TensorProto.DataType.FLOAT;
const INT32 = onnx.TensorProto.DataType.INT32;

/**
 * Re-serialises `model` with each node's X, Y, Y_h (and LSTM Y_c) and every computed weight or
 * state among its inputs as extra graph outputs; unnamed outputs get names. onnxruntime exposes only
 * Y, Y_h and Y_c, never the gates: the gates are recomputed from these.
 */
export function instrumentRecurrent(model: onnx.IModelProto, nodes: readonly RecurrentNodeInfo[]): { bytes: Uint8Array; fetch: RecurrentFetch[]; outputNames: string[] } {
  const copy = onnx.ModelProto.decode(onnx.ModelProto.encode(model as onnx.ModelProto).finish());
  const graph = copy.graph!;
  const outputs = (graph.output ??= []);
  const existing = new Set(outputs.map((o) => o.name));
  const add = (name: string | undefined, elemType: number): void => {
    if (!name || existing.has(name)) return;
    existing.add(name);
    outputs.push(onnx.ValueInfoProto.create({ name, type: { tensorType: { elemType } } }));
  };
  const computed = (s: ValueSource): string | undefined => (s.kind === 'computed' ? s.name : undefined);
  const fetch = nodes.map((n) => {
    const node = graph.node![n.nodeIndex]!;
    const out = (node.output ??= []);
    const named = (pos: number, given: string, tag: string): string => {
      if (given) return given;
      const name = `gatescope_${n.cell}_${n.index}_${tag}`;
      while (out.length <= pos) out.push('');
      out[pos] = name;
      return name;
    };
    const f: RecurrentFetch = { Y: named(0, n.Y, 'Y'), Yh: named(1, n.Yh, 'Y_h') };
    if (n.cell === 'lstm') f.Yc = named(2, n.Yc, 'Y_c');
    const extra: [keyof RecurrentFetch, ValueSource, number][] = [
      ['X', n.X, FLOAT], ['W', n.W, FLOAT], ['R', n.R, FLOAT], ['B', n.B, FLOAT], ['P', n.P, FLOAT],
      ['sequenceLens', n.sequenceLens, INT32], ['initialH', n.initialH, FLOAT], ['initialC', n.initialC, FLOAT],
    ];
    for (const [key, src, type] of extra) {
      const name = computed(src);
      if (name) {
        f[key] = name;
        add(name, type);
      }
    }
    for (const name of [f.Y, f.Yh, f.Yc]) add(name, FLOAT);
    return f;
  });
  return { bytes: onnx.ModelProto.encode(copy).finish(), fetch, outputNames: [...existing].filter((s): s is string => !!s) };
}
