// The ONNX path for models with LSTM and RNN nodes, alone or mixed with GRU nodes: one
// onnxruntime-web run of the instrumented model, then each recurrent node's gates, node by node,
// as LayerGateValues (entry `layer` = the node's position among the recurrent nodes), or streamed
// chunk by chunk into a TraceStreamEncoder (opts.openStream: memory follows the chunk, not T).
// GRU nodes go through the GRU path's own recovery (node-values.ts, recover.ts, trace-stream.ts);
// LSTM and RNN nodes through recover-recurrent.ts and trace-recurrent-stream.ts. Every node's h is
// checked against onnxruntime's Y.
// The trace document (format v2) is written from this result by the trace encoder.

import { gateSet, type CellKind, type GateSpec, type LayerGateValues } from '../core/cells/gate-sets';
import type { ActivationSpec } from '../core/trace/document';
import type { TraceStreamEncoder } from '../core/trace/encode-stream';
import type { LstmModel } from '../core/lstm/model';
import type { RnnModel } from '../core/rnn/model';
import { throwIfCancelled } from '../core/cancel';
import { OnnxTraceError } from './errors';
import { checkTraceEstimate, type TraceLimits } from './estimate';
import { findGruNodes, runtimeInputs, type GruNodeInfo } from './graph';
import { describeInputs, prepareFeeds, type ModelInputInfo, type UserTensor } from './inputs';
import { gatherNodeValues, runLookup, type NodeValues } from './node-values';
import { decodeModel, type onnx } from './proto';
import { compareWithY, recoverGates, runNative, type GruThreadHooks } from './recover';
import type { RecurrentCheck } from './recover-recurrent';
import { findRecurrentNodes, instrumentRecurrent, type RecurrentFetch, type RecurrentNodeInfo } from './recurrent-graph';
import { gatherRecurrentValues, type RecurrentValues } from './recurrent-values';
import { recurrentWarnings } from './recurrent-warnings';
import { getSession, modelKey, onnxruntimeVersion, runInstrumented, type ExecutionProvider, type RuntimeOptions } from './session';
import { streamRecurrentNode } from './trace-recurrent-stream';
import { streamNativeNode, streamRecoveredNode } from './trace-stream';
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
  /** Checked after onnxruntime's run, before any gate (estimate.ts); `streamed` is set from openStream. */
  limits?: Omit<TraceLimits, 'streamed'>;
  /**
   * Streams the gates: called once after onnxruntime's run with every layer entry and the run's
   * dims; its encoder gets every chunk and is the result's `stream` (whose layers have no gates).
   */
  openStream?: (shape: RecurrentRunShape) => Promise<TraceStreamEncoder>;
  /** Steps per chunk of a streamed LSTM or RNN node (a multiple of 128; default trace-stream.ts's streamChunkSteps). */
  chunkSteps?: number;
  /** A thread pool (Node hosts, src/node/gru-threads.ts): the native engine splits R·h across it, GRU gate recovery its steps. */
  threads?: GruThreadHooks;
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
  /** The encoder opened by opts.openStream, given every gate: finish it. */
  stream?: TraceStreamEncoder;
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

/** What a streamed run's encoder is opened with: every layer entry (no gates) and the run's dims. */
export interface RecurrentRunShape {
  layers: RecurrentLayerShape[];
  steps: number;
  batch: number;
  sequenceLengths?: number[];
  feeds: Record<string, UserTensor>;
  /** The result's engine and checkText as they will read, with stand-ins for the kernel and the errors (the longest text they can take). */
  engine: string;
  checkText: string;
}

export type RecurrentLayerShape = Omit<RecurrentLayer, 'gates'>;

/** One node's values after onnxruntime's run: GRU nodes as the GRU path reads them, LSTM and RNN nodes as recurrent-values.ts does. */
type NodeRun = { n: RecurrentNodeInfo; gru: NodeValues; rec?: undefined } | { n: RecurrentNodeInfo; rec: RecurrentValues; gru?: undefined };

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
  const runs = nodes.map((n): NodeRun => {
    if (n.cell !== 'gru') return { n, rec: gatherRecurrentValues(n, instrumented.fetch[n.index]!, lookup) };
    const info = gruInfo.find((g) => g.nodeIndex === n.nodeIndex)!;
    return { n, gru: gatherNodeValues({ ...info, Y: instrumented.fetch[n.index]!.Y }, lookup) };
  });
  const dims = (r: NodeRun): RecurrentValues | NodeValues => r.gru ?? r.rec!;
  const first = dims(runs[0]!);
  for (const r of runs) {
    const v = dims(r);
    if (v.T !== first.T || v.B !== first.B) {
      throw new OnnxTraceError(`recurrent node '${r.n.name}' runs over [T, B] = [${v.T}, ${v.B}] but an earlier node over [${first.T}, ${first.B}]; one trace needs the same steps and batch for every recurrent node`);
    }
  }
  // Nodes the streamed path runs whole: nodes with sequence_lens on the native engine (a reverse
  // direction starts at each item's length; trace-stream.ts, trace-recurrent-stream.ts).
  const whole = (r: NodeRun): boolean => dims(r).hasLengths && engine === 'native';
  if (opts.limits) {
    checkTraceEstimate(runs.map((r) => {
      const v = dims(r);
      return { name: r.n.name, T: v.T, B: v.B, H: v.H, D: v.D, gates: gateSet(r.n.cell).length, op: r.n.cell.toUpperCase(), whole: whole(r) };
    }), { ...opts.limits, streamed: opts.openStream !== undefined });
  }
  const shapes = runs.map((r) => layerShapes(r));
  const lengths = runs.map(dims).find((v) => v.hasLengths)?.lengths;
  const ver = onnxruntimeVersion();
  const engineText = (kernel: string): string => (engine === 'native' ? `gatescope-native (${kernel || 'auto'}) on X from onnxruntime-web ${ver}` : `onnxruntime-web ${ver} (wasm) + gatescope gate recompute`);
  const withC = runs.some((r) => r.rec?.Yc !== undefined);
  const checkText = (y: number, c: number): string => `recomputed h vs onnxruntime-web ${ver} Y of every recurrent node (valid steps): max |diff| ${y.toExponential(2)}` + (withC ? `; final c vs Y_c: max |diff| ${c.toExponential(2)}` : '');
  const stream = opts.openStream
    ? await opts.openStream({ layers: shapes.flat(), steps: first.T, batch: first.B, feeds, ...(lengths ? { sequenceLengths: [...lengths] } : {}), engine: engineText('wasm'), checkText: checkText(1e-300, 1e-300) })
    : undefined;
  // Without a stream, each node's gates are collected whole (one chunk per direction).
  const collected = new GateCollector();
  const sink = stream ?? collected;
  const summaries: RecurrentNodeSummary[] = [];
  let kernel = '';
  let entry = 0;
  for (const r of runs) {
    throwIfCancelled(opts.signal);
    let check: RecurrentCheck;
    if (r.gru) {
      const v = r.gru;
      if (stream && !whole(r)) {
        check = { y: (engine === 'native' ? await streamNativeNode(v, entry, stream, opts.signal, undefined, opts.threads) : await streamRecoveredNode(v, entry, stream, opts.threads?.recover, opts.signal)).check.maxAbsError };
      } else {
        const dirs = engine === 'native' ? runNative(v, opts.signal, opts.threads).dirs : (await recoverGates(v, opts.threads?.recover)).dirs;
        for (let d = 0; d < dirs.length; d++) await sink.push(entry + d, { r: dirs[d]!.r, z: dirs[d]!.z, n: dirs[d]!.n, h: dirs[d]!.h }, 0, v.T);
        check = { y: compareWithY(v, dirs).maxAbsError };
      }
    } else {
      const run = await streamRecurrentNode(r.rec, entry, sink, engine, opts.kernel ?? 'auto', opts.signal, stream ? opts.chunkSteps : r.rec.T, opts.threads);
      check = run.check;
      kernel = run.kernel;
    }
    entry += shapes[summaries.length]!.length;
    summaries.push({ name: r.n.name, cell: r.n.cell, check });
  }
  for (const t of Object.values(results)) t.dispose();
  const layers = shapes.flat().map((l, i): RecurrentLayer => ({ ...l, gates: stream ? {} : collected.gates(i) }));
  const worst = Math.max(...summaries.map((s) => s.check.y));
  const worstC = Math.max(0, ...summaries.map((s) => s.check.yc ?? 0));
  const out: RecurrentTraceResult = {
    layers,
    nodes: summaries,
    batch: first.B,
    steps: first.T,
    feeds,
    warnings: [...p.warnings],
    engine: engineText(kernel),
    maxAbsError: worst,
    checkText: checkText(worst, worstC),
  };
  if (lengths) out.sequenceLengths = [...lengths];
  if (stream) out.stream = stream;
  return out;
}

/** The layer entries of one node (one per direction, `layer` = the node's index), without gates. */
function layerShapes(r: NodeRun): RecurrentLayerShape[] {
  const n = r.n;
  if (r.gru) {
    const v = r.gru;
    return v.model.layers[0]!.directions.map((dir) => {
      const convention = withClip<LayerConvention>({ gateOrder: ['z', 'r', 'n'], linearBeforeReset: v.model.linearBeforeReset, zMeaning: 'keep-old' as const, activations: { f: dir.f, g: dir.g } }, v.model.clip);
      return { layer: n.index, direction: dir.direction, cell: 'gru', hiddenSize: v.H, name: n.name, convention, specs: gateSet('gru', { gateAct: dir.f, candidateAct: dir.g }) };
    });
  }
  const v = r.rec!;
  const model = v.model;
  return model.layers[0]!.directions.map((dir): RecurrentLayerShape => {
    if (n.cell === 'rnn') {
      const act = (dir as RnnModel['layers'][number]['directions'][number]).act;
      return { layer: n.index, direction: dir.direction, cell: 'rnn', hiddenSize: v.H, name: n.name, convention: withClip<LayerConvention>({ activations: { f: act } }, model.clip), specs: gateSet('rnn', { candidateAct: act }) };
    }
    const l = dir as LstmModel['layers'][number]['directions'][number];
    const c: LayerConvention = withClip<LayerConvention>({ gateOrder: ['i', 'o', 'f', 'c'], activations: { f: l.f, g: l.g, h: l.h } }, model.clip);
    if ((model as LstmModel).inputForget) (c as { inputForget?: boolean }).inputForget = true;
    if (l.weights.P) (c as { peepholes?: boolean }).peepholes = true;
    return { layer: n.index, direction: dir.direction, cell: 'lstm', hiddenSize: v.H, name: n.name, convention: c, specs: gateSet('lstm', { gateAct: l.f, candidateAct: l.g, outputAct: l.h }) };
  });
}

/** The gates of a run that is not streamed: every entry's single chunk [0, T), kept as given. */
class GateCollector {
  private readonly entries: Record<string, Float32Array>[] = [];

  async push(entry: number, gates: Readonly<Record<string, Float32Array>>, t0: number, t1: number): Promise<void> {
    if (this.entries[entry]) throw new Error(`GateCollector: entry ${entry} was given twice ([${t0}, ${t1}))`);
    this.entries[entry] = { ...gates };
  }

  gates(entry: number): Record<string, Float32Array> {
    return this.entries[entry]!;
  }
}

function withClip<T extends { clip?: number }>(c: T, clip: number | undefined): T {
  if (clip !== undefined) c.clip = clip;
  return c;
}
