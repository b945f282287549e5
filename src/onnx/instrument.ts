// Adds the values the gate recovery needs to a model's graph outputs: each GRU node's X, Y and any
// of W, R, B, sequence_lens, initial_h that another node computes. onnxruntime exposes only Y and
// Y_h, never the gates, so the gates are recomputed from these.

import { fetchedYName, type GruNodeInfo, type ValueSource } from './graph';
import { onnx, plainBytes } from './proto';

export interface InstrumentedModel {
  bytes: Uint8Array;
  /** Names to fetch per GRU node (same order as the nodes). */
  fetch: { X?: string; Y: string; W?: string; R?: string; B?: string; sequenceLens?: string; initialH?: string }[];
  /** All extra graph outputs, to request from the session. */
  outputNames: string[];
}

const FLOAT = onnx.TensorProto.DataType.FLOAT;
const INT32 = onnx.TensorProto.DataType.INT32;

function fetched(s: ValueSource): string | undefined {
  return s.kind === 'computed' ? s.name : undefined;
}

/** Re-serialises `model` with the extra outputs; the model object is left unchanged. */
export function instrumentModel(model: onnx.ModelProto, nodes: readonly GruNodeInfo[]): InstrumentedModel {
  const copy = onnx.ModelProto.decode(plainBytes(onnx.ModelProto.encode(model).finish()));
  const graph = copy.graph!;
  const outputs = (graph.output ??= []);
  const graphNodes = graph.node ?? [];
  const existing = new Set((graph.output ?? []).map((o) => o.name));
  const added: string[] = [];
  const add = (name: string | undefined, elemType: number): void => {
    if (!name || existing.has(name)) return;
    existing.add(name);
    added.push(name);
    outputs.push(onnx.ValueInfoProto.create({ name, type: { tensorType: { elemType } } }));
  };
  const fetch = nodes.map((n) => {
    const node = graphNodes[n.nodeIndex]!;
    const Y = fetchedYName(n);
    if (!n.Y) (node.output ??= [])[0] = Y;
    const f = { X: fetched(n.X), Y, W: fetched(n.W), R: fetched(n.R), B: fetched(n.B), sequenceLens: fetched(n.sequenceLens), initialH: fetched(n.initialH) };
    add(f.X, FLOAT);
    add(Y, FLOAT);
    add(f.W, FLOAT);
    add(f.R, FLOAT);
    add(f.B, FLOAT);
    add(f.sequenceLens, INT32);
    add(f.initialH, FLOAT);
    return f;
  });
  const outputNames = [...new Set([...outputs.map((o) => o.name!), ...added])];
  return { bytes: onnx.ModelProto.encode(copy).finish(), fetch, outputNames };
}
