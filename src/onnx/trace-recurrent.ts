// The ONNX path for models with LSTM and RNN nodes, alone or mixed with GRU nodes: one
// onnxruntime-web run of the instrumented model, then each recurrent node's gates, node by node,
// as LayerGateValues (entry `layer` = the node's position among the recurrent nodes).
// GRU nodes go through the GRU path's own recovery (node-values.ts, recover.ts); LSTM and RNN
// nodes through recover-recurrent.ts. Every node's h is checked against onnxruntime's Y.
// The trace document (format v2) is written from this result by the trace encoder.

import { gateSet, type CellKind, type GateSpec, type LayerGateValues } from '../core/cells/gate-sets';
import type { ActivationSpec } from '../core/trace/document';
import { throwIfCancelled } from '../core/cancel';
import { gruLayerValues } from '../core/recurrent/gru-values';
import { OnnxTraceError } from './errors';
import { findGruNodes, runtimeInputs, type GruNodeInfo } from './graph';
import { describeInputs, prepareFeeds, type ModelInputInfo, type UserTensor } from './inputs';
import { gatherNodeValues, runLookup } from './node-values';
import { decodeModel, type onnx } from './proto';
import { compareWithY, recoverGates, runNative } from './recover';
import { traceRecurrentNode, type RecurrentCheck } from './recover-recurrent';
import { findRecurrentNodes, instrumentRecurrent, type RecurrentFetch, type RecurrentNodeInfo } from './recurrent-graph';
import { recurrentWarnings } from './recurrent-warnings';
import { getSession, modelKey, onnxruntimeVersion, runInstrumented, type ExecutionProvider, type RuntimeOptions } from './session';
import { modelWarnings } from './warnings';

export interface RecurrentTraceOptions {
  modelBytes: Uint8Array;
  inputs: Record<string, UserTensor>;
  engine?: 'onnxruntime' | 'native';
  wasmDir: string;
  numThreads?: number;
  modelKey?: string;
  kernel?: 'js' | 'wasm' | 'auto';
  signal?: { aborted: boolean };
  /** RuntimeOptions.wasmBinary (the web extension host). */
  wasmBinary?: Uint8Array;
  /** RuntimeOptions.executionProvider; default 'wasm'. */
  executionProvider?: ExecutionProvider;
}

/**
 * Per-layer conventions, shaped as the trace format v2 declares them (GruConvention,
 * LstmConvention, RnnConvention in src/core/trace/document.ts of format v2), so a layer entry here
 * is an encoder layer input as it stands.
 */
export type LayerConvention =
  | { gateOrder: string[]; linearBeforeReset: boolean; zMeaning: 'keep-old'; activations: { f: ActivationSpec; g: ActivationSpec }; clip?: number }
  | { gateOrder: string[]; activations: { f: ActivationSpec; g: ActivationSpec; h: ActivationSpec }; clip?: number; inputForget?: boolean; peepholes?: boolean }
  | { activations: { f: ActivationSpec }; clip?: number };

/** One layer entry with its convention and its gate specs (ranges follow the node's activations). */
export interface RecurrentLayer extends LayerGateValues {
  convention: LayerConvention;
  specs: GateSpec[];
}

export interface RecurrentNodeSummary {
  name: string;
  cell: CellKind;
  /** Largest differences from onnxruntime's outputs (GRU nodes: Y only). */
  check: RecurrentCheck;
}

export interface RecurrentTraceResult {
  layers: RecurrentLayer[];
  nodes: RecurrentNodeSummary[];
  batch: number;
  steps: number;
  sequenceLengths?: number[];
  warnings: string[];
  /** e.g. "onnxruntime-web 1.30.0 (wasm) + gatescope gate recompute". */
  engine: string;
  /** What the check compares, stated with its largest error. */
  checkText: string;
  /** Largest |h - Y| over all nodes. */
  maxAbsError: number;
  /** The inputs as fed (for token labels). */
  feeds: Record<string, UserTensor>;
}

/** What a model needs before any run: its recurrent nodes, the instrumented bytes, its inputs and warnings. */
export interface PreparedRecurrent {
  nodes: RecurrentNodeInfo[];
  /** The GRU nodes as the GRU path describes them (for its recovery and its input checks). */
  gruInfo: GruNodeInfo[];
  instrumented: { bytes: Uint8Array; fetch: RecurrentFetch[] };
  inputs: ModelInputInfo[];
  warnings: string[];
}

/** Finds and checks the recurrent nodes of a decoded model and instruments it (once per model). */
export function prepareRecurrent(model: onnx.IModelProto, nodes: RecurrentNodeInfo[] = findRecurrentNodes(model)): PreparedRecurrent {
  if (nodes.length === 0) throw new OnnxTraceError('the model has no GRU, LSTM or RNN node: Gatescope shows the gates of ONNX recurrent nodes (export nn.GRU, nn.LSTM or nn.RNN with torch.onnx.export)');
  for (const n of nodes) {
    if (n.attrs.layout !== 0) {
      throw new OnnxTraceError(`${n.cell.toUpperCase()} node '${n.name}' has layout = ${n.attrs.layout} (batch-first X), which onnxruntime's CPU kernels reject ("Batchwise recurrent operations (layout == 1) are not supported"): re-export the model with layout 0`);
    }
  }
  const gruInfo = nodes.some((n) => n.cell === 'gru') ? findGruNodes(model) : [];
  return {
    nodes,
    gruInfo,
    instrumented: instrumentRecurrent(model, nodes),
    inputs: describeInputs(runtimeInputs(model.graph!)),
    warnings: [...modelWarnings(model, gruInfo), ...recurrentWarnings(nodes)],
  };
}

/** Decodes, prepares and runs: the whole path for one call (tests, tools). */
export async function runRecurrentOnnx(opts: RecurrentTraceOptions): Promise<RecurrentTraceResult> {
  return runPreparedRecurrent(prepareRecurrent(decodeModel(opts.modelBytes)), opts);
}

/** One onnxruntime run of a prepared model, then every node's gates and checks. */
export async function runPreparedRecurrent(p: PreparedRecurrent, opts: Omit<RecurrentTraceOptions, 'modelBytes'> & { modelBytes: Uint8Array }): Promise<RecurrentTraceResult> {
  const { nodes, gruInfo, instrumented } = p;
  const feeds = prepareFeeds(p.inputs, opts.inputs, gruInfo);
  const key = opts.modelKey ?? modelKey(opts.modelBytes);
  const runtime: RuntimeOptions = { wasmDir: opts.wasmDir };
  if (opts.numThreads !== undefined) runtime.numThreads = opts.numThreads;
  if (opts.wasmBinary) runtime.wasmBinary = opts.wasmBinary;
  if (opts.executionProvider) runtime.executionProvider = opts.executionProvider;
  const session = await getSession(`${key}:recurrent`, () => instrumented.bytes, runtime);
  const results = await runInstrumented(session, feeds, instrumented.fetch);
  const lookup = runLookup(results, feeds);
  const engine = opts.engine ?? 'onnxruntime';
  const layers: RecurrentLayer[] = [];
  const summaries: RecurrentNodeSummary[] = [];
  let steps = -1;
  let batch = -1;
  let lengths: Int32Array | undefined;
  let kernel = '';
  for (const n of nodes) {
    throwIfCancelled(opts.signal);
    let entries: LayerGateValues[];
    let conventions: LayerConvention[];
    let check: RecurrentCheck;
    let T: number;
    let B: number;
    if (n.cell === 'gru') {
      const info = gruInfo.find((g) => g.nodeIndex === n.nodeIndex)!;
      const v = gatherNodeValues({ ...info, Y: instrumented.fetch[n.index]!.Y }, lookup);
      const dirs = engine === 'native' ? runNative(v, opts.signal).dirs : (await recoverGates(v)).dirs;
      entries = dirs.map((d) => gruLayerValues({ layer: n.index, direction: d.direction, hiddenSize: v.H, r: d.r, z: d.z, n: d.n, h: d.h }, n.name));
      conventions = v.model.layers[0]!.directions.map((dir): LayerConvention => withClip<LayerConvention>({ gateOrder: ['z', 'r', 'n'], linearBeforeReset: v.model.linearBeforeReset, zMeaning: 'keep-old' as const, activations: { f: dir.f, g: dir.g } }, v.model.clip));
      check = { y: compareWithY(v, dirs).maxAbsError };
      T = v.T;
      B = v.B;
      if (v.hasLengths) lengths = v.lengths;
    } else {
      const r = traceRecurrentNode(n, instrumented.fetch[n.index]!, lookup, engine, opts.kernel ?? 'auto', opts.signal);
      for (const l of r.layers) l.layer = n.index;
      entries = r.layers;
      conventions = r.conventions;
      check = r.check;
      kernel = r.kernel;
      T = r.T;
      B = r.B;
      if (r.hasLengths) lengths = r.lengths;
    }
    if (steps >= 0 && (T !== steps || B !== batch)) {
      throw new OnnxTraceError(`recurrent node '${n.name}' runs over [T, B] = [${T}, ${B}] but an earlier node over [${steps}, ${batch}]; one trace needs the same steps and batch for every recurrent node`);
    }
    steps = T;
    batch = B;
    entries.forEach((e, d) => {
      const convention = conventions[d]!;
      const a = convention.activations as { f: ActivationSpec; g?: ActivationSpec; h?: ActivationSpec };
      const specs = e.cell === 'rnn' ? gateSet('rnn', { candidateAct: a.f }) : gateSet(e.cell, { gateAct: a.f, candidateAct: a.g, outputAct: a.h });
      layers.push({ ...e, convention, specs });
    });
    summaries.push({ name: n.name, cell: n.cell, check });
  }
  for (const t of Object.values(results)) t.dispose();
  const ver = onnxruntimeVersion();
  const worst = Math.max(...summaries.map((s) => s.check.y));
  const worstC = Math.max(0, ...summaries.map((s) => s.check.yc ?? 0));
  const out: RecurrentTraceResult = {
    layers,
    nodes: summaries,
    batch,
    steps,
    feeds,
    warnings: [...p.warnings],
    engine: engine === 'native' ? `gatescope-native (${kernel || 'auto'}) on X from onnxruntime-web ${ver}` : `onnxruntime-web ${ver} (wasm) + gatescope gate recompute`,
    maxAbsError: worst,
    checkText: `recomputed h vs onnxruntime-web ${ver} Y of every recurrent node (valid steps): max |diff| ${worst.toExponential(2)}` + (summaries.some((s) => s.check.yc !== undefined) ? `; final c vs Y_c: max |diff| ${worstC.toExponential(2)}` : ''),
  };
  if (lengths) out.sequenceLengths = [...lengths];
  return out;
}

function withClip<T extends { clip?: number }>(c: T, clip: number | undefined): T {
  if (clip !== undefined) c.clip = clip;
  return c;
}
