// What a host needs to offer a model to the user before running it: its inputs (for pickers and
// random inputs), its recurrent nodes (GRU in detail; LSTM and RNN summarized), the vocabulary
// stored by the exporter, and warnings.

import type { CellKind } from '../core/cells/gate-sets';
import { findGruNodes, runtimeInputs, type GruNodeInfo } from './graph';
import { findRecurrentNodes } from './recurrent-graph';
import { recurrentWarnings } from './recurrent-warnings';
import { describeInputs, type ModelInputInfo } from './inputs';
import { decodeModel, type onnx } from './proto';
import { defaultOpset, modelWarnings } from './warnings';
import { OnnxTraceError } from './errors';

/** metadata_props key holding a JSON array of strings: the token of each id. */
export const VOCAB_KEY = 'gatescope.vocab';

export interface GruNodeSummary {
  name: string;
  hiddenSize: number;
  /** Input size from W, when W is a constant. */
  inputSize?: number;
  direction: 'forward' | 'reverse' | 'bidirectional';
  linearBeforeReset: boolean;
  layout: number;
  clip?: number;
  activations: GruNodeInfo['attrs']['activations'];
  /** Where X comes from: a graph input (its name) or another node's output. */
  xFrom: { kind: 'input' | 'computed' | 'const'; name: string };
  hasSequenceLens: boolean;
  /** initial_h: absent (zeros), a constant, a graph input, or computed in the graph. */
  initialH: 'absent' | 'const' | 'input' | 'computed';
}

/** Every recurrent node of any kind, in topological order. */
export interface RecurrentNodeSummary {
  name: string;
  cell: CellKind;
  hiddenSize: number;
  /** Input size from W, when W is a constant. */
  inputSize?: number;
  direction: string;
}

export interface OnnxModelInfo {
  inputs: ModelInputInfo[];
  outputs: string[];
  gruNodes: GruNodeSummary[];
  recurrentNodes: RecurrentNodeSummary[];
  vocab?: string[];
  warnings: string[];
  producer: string;
  opset: number;
  graphName: string;
}

export function readVocab(model: onnx.IModelProto): string[] | undefined {
  const entry = (model.metadataProps ?? []).find((p) => p.key === VOCAB_KEY);
  if (!entry) return undefined;
  let v: unknown;
  try {
    v = JSON.parse(entry.value ?? '');
  } catch {
    throw new OnnxTraceError(`the model's metadata '${VOCAB_KEY}' is not valid JSON; store a JSON array of strings (one token per id)`);
  }
  if (!Array.isArray(v) || v.some((s) => typeof s !== 'string')) {
    throw new OnnxTraceError(`the model's metadata '${VOCAB_KEY}' is not a JSON array of strings; store one token string per id`);
  }
  return v as string[];
}

export function summarizeNode(n: GruNodeInfo): GruNodeSummary {
  const out: GruNodeSummary = {
    name: n.name,
    hiddenSize: n.attrs.hiddenSize,
    direction: n.attrs.direction,
    linearBeforeReset: n.attrs.linearBeforeReset,
    layout: n.attrs.layout,
    activations: n.attrs.activations,
    xFrom: n.X.kind === 'absent' ? { kind: 'computed', name: '' } : { kind: n.X.kind, name: n.X.name },
    hasSequenceLens: n.sequenceLens.kind !== 'absent',
    initialH: n.initialH.kind,
  };
  if (n.W.kind === 'const' && n.W.tensor.dims.length === 3) out.inputSize = n.W.tensor.dims[2]!;
  if (n.attrs.clip !== undefined) out.clip = n.attrs.clip;
  return out;
}

/** Reads a model without running it. Throws OnnxTraceError for unreadable models or models without a GRU, LSTM or RNN node. */
export function inspectOnnxModel(bytes: Uint8Array): OnnxModelInfo {
  const model = decodeModel(bytes);
  return inspectDecoded(model);
}

export function inspectDecoded(model: onnx.ModelProto): OnnxModelInfo {
  const graph = model.graph!;
  const all = findRecurrentNodes(model);
  // With no recurrent node at all, findGruNodes throws the error that names what the model has.
  const nodes = all.length === 0 || all.some((n) => n.cell === 'gru') ? findGruNodes(model) : [];
  const info: OnnxModelInfo = {
    inputs: describeInputs(runtimeInputs(graph)),
    outputs: (graph.output ?? []).map((o) => o.name ?? ''),
    gruNodes: nodes.map(summarizeNode),
    recurrentNodes: all.map((n) => {
      const out: RecurrentNodeSummary = { name: n.name, cell: n.cell, hiddenSize: n.attrs.hiddenSize, direction: n.attrs.direction };
      if (n.W.kind === 'const' && n.W.tensor.dims.length === 3) out.inputSize = n.W.tensor.dims[2]!;
      return out;
    }),
    warnings: [...modelWarnings(model, nodes), ...recurrentWarnings(all)],
    producer: [model.producerName, model.producerVersion].filter(Boolean).join(' '),
    opset: defaultOpset(model),
    graphName: graph.name ?? '',
  };
  const vocab = readVocab(model);
  if (vocab) info.vocab = vocab;
  return info;
}
