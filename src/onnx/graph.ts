// Finds the GRU nodes of an ONNX graph in topological order, with their attributes and where each
// of their inputs comes from: a constant (initializer or Constant node), a graph input (its value
// comes with the run), or another node's output (fetched by adding it to the graph outputs).

import { onnxActivations } from '../core/gru/load-onnx';
import type { ActivationSpec } from '../core/trace/document';
import { OnnxTraceError } from './errors';
import { onnx, readTensor, toNumber, type ConstTensor } from './proto';

export type GruDirectionAttr = 'forward' | 'reverse' | 'bidirectional';

export interface GruAttributes {
  hiddenSize: number;
  direction: GruDirectionAttr;
  /** Per direction: f (for z and r) and g (for the candidate), alpha/beta resolved. */
  activations: { f: ActivationSpec; g: ActivationSpec }[];
  clip?: number;
  linearBeforeReset: boolean;
  layout: number;
  /** The attributes as written, for the engine's ONNX loader. */
  raw: { activations: string[]; activationAlpha: number[]; activationBeta: number[] };
}

/** Where one node input's value comes from. */
export type ValueSource =
  | { kind: 'absent' }
  | { kind: 'const'; name: string; tensor: ConstTensor }
  | { kind: 'input'; name: string }
  | { kind: 'computed'; name: string };

export interface GruNodeInfo {
  /** Position among the GRU nodes, in topological order. */
  index: number;
  /** Index into graph.node. */
  nodeIndex: number;
  name: string;
  attrs: GruAttributes;
  X: ValueSource;
  W: ValueSource;
  R: ValueSource;
  B: ValueSource;
  sequenceLens: ValueSource;
  initialH: ValueSource;
  /** Name of output Y ('' when the model leaves it unnamed; the instrumenter names it). */
  Y: string;
}

/** The name Gatescope gives a GRU's Y when the model leaves it unnamed (only Y_h used): the
 * instrumenter writes it into the node and fetches it under this name. */
export function fetchedYName(n: Pick<GruNodeInfo, 'Y' | 'index'>): string {
  return n.Y || `gatescope_gru_${n.index}_Y`;
}

/** ONNX recurrent operators and control flow that may hide one; named in the "no GRU" error. */
const RECURRENT_OPS: Record<string, string> = { LSTM: 'LSTM (not supported yet)', RNN: 'RNN (not supported yet)', Scan: 'Scan (not supported)', Loop: 'Loop (not supported)' };

function attr(node: onnx.INodeProto, name: string): onnx.IAttributeProto | undefined {
  return (node.attribute ?? []).find((a) => a.name === name);
}

function decodeString(s: Uint8Array | null | undefined): string {
  return new TextDecoder().decode(s ?? new Uint8Array());
}

function readAttributes(node: onnx.INodeProto, label: string): GruAttributes {
  const hidden = attr(node, 'hidden_size');
  const direction = decodeString(attr(node, 'direction')?.s) || 'forward';
  if (direction !== 'forward' && direction !== 'reverse' && direction !== 'bidirectional') {
    throw new OnnxTraceError(`GRU node '${label}' has direction '${direction}'; ONNX allows forward, reverse or bidirectional: fix the model`);
  }
  const dirs = direction === 'bidirectional' ? 2 : 1;
  const names = (attr(node, 'activations')?.strings ?? []).map(decodeString);
  const alphas = [...(attr(node, 'activation_alpha')?.floats ?? [])];
  const betas = [...(attr(node, 'activation_beta')?.floats ?? [])];
  let specs: ActivationSpec[];
  try {
    specs = onnxActivations(2 * dirs, names, alphas, betas);
  } catch (e) {
    throw new OnnxTraceError(`GRU node '${label}': ${(e as Error).message}: fix the model`);
  }
  const clipAttr = attr(node, 'clip');
  const out: GruAttributes = {
    hiddenSize: hidden ? toNumber(hidden.i) : 0,
    direction,
    activations: Array.from({ length: dirs }, (_, d) => ({ f: specs[2 * d]!, g: specs[2 * d + 1]! })),
    raw: { activations: names, activationAlpha: alphas, activationBeta: betas },
    linearBeforeReset: toNumber(attr(node, 'linear_before_reset')?.i) !== 0,
    layout: toNumber(attr(node, 'layout')?.i),
  };
  if (clipAttr && clipAttr.f !== null && clipAttr.f !== undefined) out.clip = clipAttr.f;
  return out;
}

/** Constant values of the graph: initializers and Constant node outputs, by name. */
export function constantsOf(graph: onnx.IGraphProto): Map<string, onnx.ITensorProto | (() => ConstTensor)> {
  const out = new Map<string, onnx.ITensorProto | (() => ConstTensor)>();
  for (const t of graph.initializer ?? []) if (t.name) out.set(t.name, t);
  for (const node of graph.node ?? []) {
    if (node.opType !== 'Constant' || (node.domain ?? '') !== '' || !node.output?.[0]) continue;
    const a = (node.attribute ?? [])[0];
    if (!a) continue;
    if (a.name === 'value' && a.t) out.set(node.output[0], a.t);
    else if (a.name === 'value_float') out.set(node.output[0], () => ({ dims: [], elemType: 'float', data: Float32Array.of(a.f ?? 0) }));
    else if (a.name === 'value_floats') out.set(node.output[0], () => ({ dims: [(a.floats ?? []).length], elemType: 'float', data: Float32Array.from(a.floats ?? []) }));
    else if (a.name === 'value_int') out.set(node.output[0], () => ({ dims: [], elemType: 'int64', data: Int32Array.of(toNumber(a.i)) }));
    else if (a.name === 'value_ints') out.set(node.output[0], () => ({ dims: [(a.ints ?? []).length], elemType: 'int64', data: Int32Array.from((a.ints ?? []).map(toNumber)) }));
  }
  return out;
}

/** Graph inputs fed at run time (initializers listed as inputs are not). */
export function runtimeInputs(graph: onnx.IGraphProto): onnx.IValueInfoProto[] {
  const inits = new Set((graph.initializer ?? []).map((t) => t.name));
  return (graph.input ?? []).filter((i) => i.name && !inits.has(i.name));
}

/** Node indices in topological order (Kahn's algorithm over value names; stable for sorted graphs). */
export function topologicalOrder(graph: onnx.IGraphProto): number[] {
  const nodes = graph.node ?? [];
  const producer = new Map<string, number>();
  nodes.forEach((n, i) => (n.output ?? []).forEach((o) => o && producer.set(o, i)));
  const indegree = nodes.map((n) => new Set((n.input ?? []).filter((v) => v && producer.has(v)).map((v) => producer.get(v)!)).size);
  const consumers = nodes.map(() => [] as number[]);
  nodes.forEach((n, i) => {
    for (const p of new Set((n.input ?? []).filter((v) => v && producer.has(v)).map((v) => producer.get(v)!))) consumers[p]!.push(i);
  });
  const ready = indegree.flatMap((d, i) => (d === 0 ? [i] : []));
  const order: number[] = [];
  while (ready.length > 0) {
    const i = ready.shift()!;
    order.push(i);
    for (const c of consumers[i]!) if (--indegree[c]! === 0) ready.push(c);
  }
  if (order.length !== nodes.length) throw new OnnxTraceError(`the model graph has a cycle (${nodes.length - order.length} nodes never become ready); it is not a valid ONNX model: export it again`);
  return order;
}

/**
 * Where a recurrent node's input comes from: a constant (read on demand, named `label` in errors), a
 * graph input fed at run time, another node's output, or absent (an empty name).
 */
export function valueSources(graph: onnx.IGraphProto): (name: string | undefined, label: string) => ValueSource {
  const consts = constantsOf(graph);
  const inputs = new Set(runtimeInputs(graph).map((i) => i.name!));
  return (name, label) => {
    if (!name) return { kind: 'absent' };
    const c = consts.get(name);
    if (c) return { kind: 'const', name, tensor: typeof c === 'function' ? c() : readTensor(c, `${label} (${name})`) };
    if (inputs.has(name)) return { kind: 'input', name };
    return { kind: 'computed', name };
  };
}

/** The ONNX domain: '' or its explicit name 'ai.onnx', both accepted by onnxruntime. */
export function isOnnxDomain(domain: string | null | undefined): boolean {
  return domain === '' || domain === null || domain === undefined || domain === 'ai.onnx';
}

/** Every GRU node of the main graph in topological order. Throws when there is none, naming the recurrent ops present. */
export function findGruNodes(model: onnx.IModelProto): GruNodeInfo[] {
  const graph = model.graph!;
  const nodes = graph.node ?? [];
  const source = valueSources(graph);
  const found: GruNodeInfo[] = [];
  for (const i of topologicalOrder(graph)) {
    const node = nodes[i]!;
    if (node.opType !== 'GRU' || !isOnnxDomain(node.domain)) continue;
    const label = node.name || `GRU #${found.length}`;
    const ins = node.input ?? [];
    const attrs = readAttributes(node, label);
    const R = source(ins[2], `${label} R`);
    const W = source(ins[1], `${label} W`);
    const Bias = source(ins[3], `${label} B`);
    // Constant weights are checked for rank here, so later messages can name their dims.
    for (const [what, s, rank, layout] of [['W', W, 3, '[num_directions, 3 * hidden_size, input_size]'], ['R', R, 3, '[num_directions, 3 * hidden_size, hidden_size]'], ['B', Bias, 2, '[num_directions, 6 * hidden_size]']] as const) {
      if (s.kind === 'const' && s.tensor.dims.length !== rank) {
        throw new OnnxTraceError(`GRU node '${label}': ${what} has dims [${s.tensor.dims.join(', ')}]; ONNX GRU needs rank ${rank} ${layout}: the model is not a valid ONNX GRU, export it again`);
      }
    }
    // hidden_size is optional in the ONNX spec: R [D, 3H, H] gives it.
    if (attrs.hiddenSize === 0 && R.kind === 'const' && R.tensor.dims.length === 3) attrs.hiddenSize = R.tensor.dims[2]!;
    found.push({
      index: found.length,
      nodeIndex: i,
      name: label,
      attrs,
      X: source(ins[0], `${label} X`),
      W,
      R,
      B: Bias,
      sequenceLens: source(ins[4], `${label} sequence_lens`),
      initialH: source(ins[5], `${label} initial_h`),
      Y: node.output?.[0] ?? '',
    });
  }
  if (found.length === 0) {
    const present = recurrentOpsIn(graph);
    const has = present.length > 0 ? `it has ${present.join(', ')}` : `its ${nodes.length} nodes include no recurrent op (ops: ${[...new Set(nodes.map((n) => n.opType))].slice(0, 8).join(', ')})`;
    throw new OnnxTraceError(`the model has no GRU node; ${has}: Gatescope shows the gates of ONNX GRU nodes only (export nn.GRU with torch.onnx.export)`);
  }
  return found;
}

/** Recurrent ops of a graph and its subgraphs, described for the user (e.g. "LSTM (not supported yet)"). */
export function recurrentOpsIn(graph: onnx.IGraphProto): string[] {
  const seen = new Map<string, number>();
  const visit = (g: onnx.IGraphProto, nested: boolean): void => {
    for (const n of g.node ?? []) {
      const op = n.opType ?? '';
      const domain = n.domain ?? '';
      const foreign = (domain !== '' && domain !== 'ai.onnx' && op in RECURRENT_OPS) || (op === 'GRU' && domain !== '' && domain !== 'ai.onnx');
      const label = foreign ? `${op} in domain '${domain}' (not the ONNX ${op})` : nested && op === 'GRU' ? 'GRU inside a subgraph (not supported)' : RECURRENT_OPS[op];
      if (label) seen.set(label, (seen.get(label) ?? 0) + 1);
      for (const a of n.attribute ?? []) {
        if (a.g) visit(a.g, true);
        for (const sub of a.graphs ?? []) visit(sub, true);
      }
    }
  };
  visit(graph, false);
  return [...seen].map(([label, count]) => (count > 1 ? `${count}x ${label}` : label));
}
