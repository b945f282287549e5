// The whole ONNX path: model bytes + inputs -> trace document with the gates of every recurrent node.
// Models with only GRU nodes take the GRU path below (with its batched gate graph); a model with any
// LSTM or RNN node is traced node by node through trace-recurrent.ts (GRU nodes included).
//   engine 'onnxruntime': the instrumented model runs in onnxruntime-web; each node's gates are
//     recomputed from its X and onnxruntime's states and its h checked against onnxruntime's Y.
//   engine 'native': the same run supplies each node's X; the node's recurrence is computed again
//     by Gatescope's engine (runGru), and its h is still checked against onnxruntime's Y.

import { encodeTrace, type EncodedTrace, type EncodeOptions, type SidecarOptions, type TraceInput, type TraceLayerInput, type TracePrecision, type TraceShape } from '../core/trace/encode';
import type { TraceStreamEncoder } from '../core/trace/encode-stream';
import { streamNativeNode, streamRecoveredNode } from './trace-stream';
import type { GruConvention } from '../core/trace/document';
import { gateSet } from '../core/cells/gate-sets';
import type { SpecEngine } from '../core/spec/spec';
import { OnnxTraceError } from './errors';
import { findGruNodes, runtimeInputs, type GruNodeInfo } from './graph';
import { instrumentModel, type InstrumentedModel } from './instrument';
import { describeInputs, prepareFeeds, type ModelInputInfo, type UserTensor } from './inputs';
import { readVocab } from './inspect';
import { gatherNodeValues, runLookup, type NodeValues } from './node-values';
import { decodeModel, type onnx } from './proto';
import { compareWithY, recoverGates, runNative, type DirectionGates, type GruThreadHooks, type NodeCheck } from './recover';
import { checkModelLoads, getSession, modelKey, onnxruntimeVersion, runInstrumented, type ExecutionProvider, type RuntimeOptions } from './session';
import { stepLabels } from './step-labels';
import { throwIfCancelled } from '../core/cancel';
import { mismatchVerdict } from './verify';
import { checkTraceEstimate, DEFAULT_MAX_MEMORY_BYTES, type TraceLimits } from './estimate';
import { findRecurrentNodes } from './recurrent-graph';
import { prepareRecurrent, runPreparedRecurrent, type PreparedRecurrent } from './trace-recurrent';
import { defaultOpset, modelWarnings } from './warnings';

export interface TraceOnnxOptions {
  modelBytes: Uint8Array;
  /** By graph input name. */
  inputs: Record<string, UserTensor>;
  engine?: SpecEngine;
  precision?: TracePrecision;
  maxBytes?: number;
  /** One label per step; default: `vocab` applied to the token ids as fed (step-labels.ts). */
  tokens?: string[];
  /** The vocabulary for step labels; default the model's (metadata `gatescope.vocab`). */
  vocab?: string[];
  /** The model already decoded and prepared (prepareOnnx): the bytes are then not decoded again. */
  prepared?: PreparedOnnx;
  /** Folder (path or URL) with onnxruntime-web's runtime files (the extension's dist/ort/). */
  wasmDir: string;
  numThreads?: number;
  /** Shown as the model's name (e.g. the file name); default the graph name. */
  name?: string;
  /** Trace producer, e.g. "gatescope 0.1.0 (cli)". */
  producer?: string;
  /** Identity for the session cache; default a hash of the bytes. */
  modelKey?: string;
  /** Threads for the GRU engine and gate recovery (Node hosts: GruThreadPool, src/node/gru-threads.ts); absent: one thread. */
  gruThreads?: GruThreadHooks;
  /** Keep a trace whose h disagrees with onnxruntime's Y beyond the tolerance (with a warning) instead of failing. */
  allowMismatch?: boolean;
  /** Refuse a trace whose estimated peak memory exceeds this (bytes); default DEFAULT_MAX_MEMORY_BYTES. */
  maxMemoryBytes?: number;
  /** Refuse a trace whose JSON would exceed this many bytes at `precision` (written as one string). */
  maxOutputBytes?: number;
  /** Refuse a trace one of whose gates' data would exceed this many bytes of JSON (streamed output: each gate's base64 is one string). */
  maxGateBytes?: number;
  /** Overrides MISMATCH_TOLERANCE (tests). */
  mismatchTolerance?: number;
  onProgress?: (fraction: number, stage: string) => void;
  signal?: { aborted: boolean };
  /** onnxruntime-web's .wasm bytes (RuntimeOptions.wasmBinary: the web extension host). */
  wasmBinary?: Uint8Array;
  /** Awaited after each progress report: gives an in-process host's event loop a turn. */
  yieldToHost?: () => Promise<void>;
  /** onnxruntime-web's execution provider (RuntimeOptions.executionProvider); default 'wasm'. */
  executionProvider?: ExecutionProvider;
  /**
   * Streams the gates instead of returning them (GRU, LSTM and RNN nodes): called once with the
   * trace's shape after onnxruntime's run, before the first gate; its encoder gets every chunk. The
   * result's `stream` is that encoder and its layers have no gates: finish it with the result's
   * check, warnings, model and createdAt. `chunkSteps`: steps per chunk of the native engine and of
   * LSTM/RNN recovery (a multiple of 128; default about 1M values per gate, trace-stream.ts);
   * `recoverChunkSteps`: of GRU recovery.
   */
  gateStream?: { open: (shape: TraceShape) => Promise<TraceStreamEncoder>; chunkSteps?: number; recoverChunkSteps?: number };
}

/** Milliseconds per stage of one trace (for the benchmark and the host's log). */
export interface TraceTimings {
  prepareMs: number;
  sessionMs: number;
  runMs: number;
  gatesMs: number;
  encodeMs: number;
}

interface GruPrepared {
  kind: 'gru';
  nodes: GruNodeInfo[];
  instrumented: InstrumentedModel;
  inputs: ModelInputInfo[];
  warnings: string[];
  vocab: string[] | undefined;
  graphName: string;
}

/** A model with LSTM or RNN nodes (possibly mixed with GRU nodes). */
interface RecurrentPrepared {
  kind: 'recurrent';
  recurrent: PreparedRecurrent;
  vocab: string[] | undefined;
  graphName: string;
}

/** What a decoded model needs before any run (its recurrent nodes, instrumented copy, inputs, warnings). */
export type PreparedOnnx = GruPrepared | RecurrentPrepared;
type Prepared = PreparedOnnx;

const MAX_PREPARED = 4;
const prepared = new Map<string, Prepared>();

/** Decoding and instrumenting, cached by model identity like the sessions (direct callers; the job
 * pipeline, src/pipeline/, keeps its own plans and passes them in). */
function prepare(bytes: Uint8Array, key: string): Prepared {
  const hit = prepared.get(key);
  if (hit) return hit;
  const p = prepareOnnx(decodeModel(bytes));
  remember(key, p);
  return p;
}

/** Finds and checks a decoded model's recurrent nodes and instruments it; throws OnnxTraceError for models onnxruntime cannot trace. */
export function prepareOnnx(model: onnx.ModelProto): PreparedOnnx {
  const all = findRecurrentNodes(model);
  const opset = defaultOpset(model);
  if (opset > 0 && opset < 7) {
    throw new OnnxTraceError(`the model imports ONNX opset ${opset}; onnxruntime runs GRU, LSTM and RNN from opset 7 on (it has no kernel for the older ones): re-export it with opset_version >= 7 (14 recommended)`);
  }
  if (all.some((n) => n.cell !== 'gru')) {
    return { kind: 'recurrent', recurrent: prepareRecurrent(model, all), vocab: readVocab(model), graphName: model.graph?.name ?? '' };
  }
  const nodes = findGruNodes(model);
  for (const n of nodes) {
    if (n.attrs.layout !== 0) {
      throw new OnnxTraceError(`GRU node '${n.name}' has layout = ${n.attrs.layout} (batch-first X), which onnxruntime rejects ("only layout 0 is supported"): re-export the model with layout 0 (torch.onnx.export writes a Transpose around a layout-0 node)`);
    }
  }
  return {
    kind: 'gru',
    nodes,
    instrumented: instrumentModel(model, nodes),
    inputs: describeInputs(runtimeInputs(model.graph!)),
    warnings: modelWarnings(model, nodes),
    vocab: readVocab(model),
    graphName: model.graph?.name ?? '',
  };
}

function remember(key: string, p: Prepared): void {
  prepared.set(key, p);
  while (prepared.size > MAX_PREPARED) prepared.delete(prepared.keys().next().value as string);
}

/** Bytes per stored gate value at each precision (without a precision: the smallest, uint8, since
 * the encoder then picks or downsamples to fit its budget). */
const BYTES_PER_VALUE: Record<TracePrecision, number> = { float32: 4, float16: 2, uint8: 1, auto: 1 };

const checkAborted = throwIfCancelled;

/** The size limits of a run (estimate.ts), from the caller's options. */
function traceLimits(opts: TraceOnnxOptions): Omit<TraceLimits, 'streamed'> {
  return {
    bytesPerValue: BYTES_PER_VALUE[opts.precision ?? 'uint8'],
    maxMemoryBytes: opts.maxMemoryBytes ?? DEFAULT_MAX_MEMORY_BYTES,
    ...(opts.maxOutputBytes === undefined ? {} : { maxOutputBytes: opts.maxOutputBytes }),
    ...(opts.maxGateBytes === undefined ? {} : { maxGateBytes: opts.maxGateBytes }),
  };
}


/** Runs the whole path and returns the encoder's input (before encoding) and stage timings. */
export async function runOnnxTrace(opts: TraceOnnxOptions): Promise<{ input: TraceInput; timings: TraceTimings; stream?: TraceStreamEncoder }> {
  const now = (): number => performance.now();
  const t0 = now();
  const report = opts.onProgress ?? (() => undefined);
  const progress = async (fraction: number, stage: string): Promise<void> => {
    report(fraction, stage);
    await opts.yieldToHost?.();
  };
  const key = opts.modelKey ?? modelKey(opts.modelBytes);
  const p = opts.prepared ?? prepare(opts.modelBytes, key);
  if (p.kind === 'recurrent') return runRecurrentTrace(p, opts, key, t0);
  const feeds = prepareFeeds(p.inputs, opts.inputs, p.nodes);
  // A run can stream its gates into the sidecar (checked again after the run, when
  // sequence_lens, which rule streaming out, are known).
  const limits: TraceLimits = { ...traceLimits(opts), streamed: opts.gateStream !== undefined };
  // Before the run: nodes fed straight from a graph input have T and B from the feed.
  const known = p.nodes.flatMap((n) => {
    const x = n.X.kind === 'input' ? feeds[n.X.name] : undefined;
    return x && x.dims.length === 3 ? [{ name: n.name, T: x.dims[0]!, B: x.dims[1]!, H: n.attrs.hiddenSize, D: n.attrs.direction === 'bidirectional' ? 2 : 1 }] : [];
  });
  checkTraceEstimate(known, limits);
  checkAborted(opts.signal);
  await progress(0.05, 'session');
  const t1 = now();
  const runtime: RuntimeOptions = { wasmDir: opts.wasmDir };
  if (opts.numThreads !== undefined) runtime.numThreads = opts.numThreads;
  if (opts.wasmBinary) runtime.wasmBinary = opts.wasmBinary;
  const ep = opts.executionProvider ?? 'wasm';
  runtime.executionProvider = ep;
  await checkModelLoads(key, opts.modelBytes, runtime);
  const session = await getSession(`${key}:instrumented`, () => p.instrumented.bytes, runtime);
  checkAborted(opts.signal);
  await progress(0.2, 'run');
  const t2 = now();
  const results = await runInstrumented(session, feeds, p.instrumented.fetch);
  const t3 = now();
  checkAborted(opts.signal);
  await progress(0.5, 'gates');
  const lookup = runLookup(results, feeds);
  const engine = opts.engine ?? 'onnxruntime';
  const values: NodeValues[] = p.nodes.map((n) => gatherNodeValues(n, lookup));
  for (const t of Object.values(results)) t.dispose();
  // After the run, before the gates: every node's T and B are known now. A streamed run computes
  // a node with sequence_lens whole on the native engine (trace-stream.ts streams those recovered only).
  const wholeNative = (v: NodeValues): boolean => engine === 'native' && v.hasLengths;
  checkTraceEstimate(values.map((v) => ({ name: v.node.name, T: v.T, B: v.B, H: v.H, D: v.D, whole: wholeNative(v) })), limits);
  const first = values[0]!;
  for (const v of values) {
    if (v.T !== first.T || v.B !== first.B) {
      throw new OnnxTraceError(`GRU nodes '${first.node.name}' ([T, B] = [${first.T}, ${first.B}]) and '${v.node.name}' ([${v.T}, ${v.B}]) run over different steps or batches; one trace needs the same [T, B] for every GRU node`);
    }
  }
  const layers: TraceLayerInput[] = [];
  const warnings = [...p.warnings];
  const ver = onnxruntimeVersion();
  const checkText = `onnxruntime-web ${ver}${ep === 'wasm' ? '' : ` (${ep})`} Y of every GRU node (valid steps)`;
  const tokens = opts.tokens ?? stepLabels(opts.vocab ?? p.vocab, p.inputs, feeds, first.T);
  if (tokens && tokens.length !== first.T) throw new OnnxTraceError(`${tokens.length} token labels were given but the run has ${first.T} steps; give exactly one label per step`);
  let stream: TraceStreamEncoder | undefined;
  if (limits.streamed && opts.gateStream) {
    // The shape as the finished trace will have it (the check's error, the kernel's name and the
    // time are filled in at the end: the plan is sized from these stand-ins).
    const shape: TraceShape = {
      model: { name: opts.name ?? (p.graphName || 'ONNX model'), source: 'onnx', engine: engineText(engine, 'wasm', ['gatescope gatesFromStates'], ver, ep), inputSize: first.I },
      layers: values.flatMap((v, i) => {
        const { convention, specs } = gruConvention(v);
        return v.model.layers[0]!.directions.map((d) => ({ layer: i, direction: d.direction, cell: 'gru' as const, hiddenSize: v.H, name: v.node.name, convention, specs }));
      }),
      batch: first.B,
      steps: first.T,
      check: { reference: checkText, maxAbsError: -1.2345678901234567e-300 },
      createdAt: new Date().toISOString(),
    };
    if (tokens) shape.tokens = tokens;
    const withLengths = values.find((v) => v.hasLengths);
    if (withLengths) shape.sequenceLengths = [...withLengths.lengths];
    if (warnings.length > 0) shape.warnings = [...warnings];
    if (opts.producer) shape.producer = opts.producer;
    stream = await opts.gateStream.open(shape);
  }
  let entry = 0;
  let maxAbsError = 0;
  let maxScaledError = 0;
  let nanMismatches = 0;
  let kernel = '';
  const recomputeEngines = new Set<string>();
  for (let i = 0; i < values.length; i++) {
    const v = values[i]!;
    checkAborted(opts.signal);
    let dirs: DirectionGates[] = [];
    let streamedCheck: NodeCheck | undefined;
    const threaded = opts.gruThreads && opts.gruThreads.threads > 1 ? opts.gruThreads : undefined;
    if (stream && engine === 'native' && !wholeNative(v)) {
      // The gates go to the encoder chunk by chunk, each chunk checked against Y on the way.
      const run = await streamNativeNode(v, entry, stream, opts.signal, opts.gateStream?.chunkSteps, threaded);
      kernel = run.kernel;
      streamedCheck = run.check;
    } else if (stream && engine !== 'native') {
      const r = await streamRecoveredNode(v, entry, stream, threaded?.recover, opts.signal, opts.gateStream?.recoverChunkSteps);
      streamedCheck = r.check;
      recomputeEngines.add('gatescope gatesFromStates');
    } else if (engine === 'native') {
      const run = runNative(v, opts.signal, threaded);
      dirs = run.dirs;
      kernel = run.kernel;
    } else {
      dirs = (await recoverGates(v, threaded?.recover)).dirs;
      recomputeEngines.add('gatescope gatesFromStates');
    }
    const check = streamedCheck ?? compareWithY(v, dirs);
    if (stream && dirs.length > 0) {
      // Computed whole (native, sequence_lens): handed to the encoder as one chunk per direction.
      for (let d = 0; d < dirs.length; d++) await stream.push(entry + d, { r: dirs[d]!.r, z: dirs[d]!.z, n: dirs[d]!.n, h: dirs[d]!.h }, 0, v.T);
      dirs = [];
    }
    entry += v.D;
    maxAbsError = Math.max(maxAbsError, check.maxAbsError);
    maxScaledError = Math.max(maxScaledError, check.maxScaledError);
    // NaN in h where Y is finite is expected only from NaN or Inf in the node's input: onnxruntime's
    // kernel clamps activation inputs and so replaces NaN. Anything else is a failed verification.
    const inputNonFinite = hasNonFinite(v.X) || (v.initialH !== undefined && hasNonFinite(v.initialH));
    if (check.nanOnlyInH > 0 && inputNonFinite) {
      warnings.push(
        `GRU node '${v.node.name}': NaN reached the gates (from NaN or Inf in the input); ${check.nanOnlyInH} hidden-state values are NaN here but finite in onnxruntime's Y, because onnxruntime's GRU kernel clamps activation inputs and so replaces NaN. ` +
          (engine === 'native' ? 'The native engine keeps NaN, so it spreads to every later step.' : 'Gates are recomputed from onnxruntime\'s states, so steps after a NaN show the finite values onnxruntime went on with.'),
      );
    } else nanMismatches += check.nanOnlyInH;
    nanMismatches += check.nanOnlyInY;
    const { convention, specs } = gruConvention(v);
    if (stream) {
      for (const d of v.model.layers[0]!.directions) layers.push({ layer: i, direction: d.direction, cell: 'gru', hiddenSize: v.H, name: v.node.name, convention, specs, gates: {} });
    }
    for (const d of dirs) {
      layers.push({ layer: i, direction: d.direction, cell: 'gru', hiddenSize: v.H, name: v.node.name, convention, specs, gates: { r: d.r, z: d.z, n: d.n, h: d.h } });
    }
    await progress(0.5 + (0.4 * (i + 1)) / values.length, 'gates');
  }
  const verdict = mismatchVerdict(maxScaledError, maxAbsError, opts.allowMismatch === true, opts.mismatchTolerance, nanMismatches);
  if (verdict.warning) warnings.push(verdict.warning);
  const t4 = now();
  const input: TraceInput = {
    model: {
      name: opts.name ?? (p.graphName || 'ONNX model'),
      source: 'onnx',
      engine: engineText(engine, kernel, [...recomputeEngines], ver, ep),
      inputSize: first.I,
    },
    layers,
    batch: first.B,
    steps: first.T,
    check: { reference: checkText, maxAbsError },
  };
  const withLengths = values.find((v) => v.hasLengths);
  if (withLengths) input.sequenceLengths = [...withLengths.lengths];
  if (tokens) input.tokens = tokens;
  if (warnings.length > 0) input.warnings = warnings;
  if (opts.producer) input.producer = opts.producer;
  input.createdAt = new Date().toISOString();
  const timings = { prepareMs: t1 - t0, sessionMs: t2 - t1, runMs: t3 - t2, gatesMs: t4 - t3, encodeMs: 0 };
  return stream ? { input, timings, stream } : { input, timings };
}

/** model.engine of a GRU trace: which engine computed the gates, and on what. */
function engineText(engine: SpecEngine, kernel: string, recompute: string[], ver: string, ep: ExecutionProvider): string {
  return engine === 'native' ? `gatescope-native (${kernel}) on X from onnxruntime-web ${ver}${ep === 'wasm' ? '' : ` (${ep})`}` : `onnxruntime-web ${ver} (${ep}) + gatescope gate recompute (${recompute.join(', ')})`;
}

/** The trace's convention and gate specs of a GRU node (ONNX's gate order and activations). */
function gruConvention(v: NodeValues): { convention: GruConvention; specs: ReturnType<typeof gateSet> } {
  const convention: GruConvention = {
    gateOrder: ['z', 'r', 'n'],
    linearBeforeReset: v.node.attrs.linearBeforeReset,
    zMeaning: 'keep-old',
    activations: { f: v.model.layers[0]!.directions[0]!.f, g: v.model.layers[0]!.directions[0]!.g },
  };
  if (v.node.attrs.clip !== undefined) convention.clip = v.node.attrs.clip;
  return { convention, specs: gateSet('gru', { gateAct: convention.activations.f, candidateAct: convention.activations.g }) };
}

function hasNonFinite(a: Float32Array): boolean {
  for (let i = 0; i < a.length; i++) if (!Number.isFinite(a[i]!)) return true;
  return false;
}

/** The trace input of a model with LSTM or RNN nodes: every recurrent node, node by node (streamed as the GRU path streams). */
async function runRecurrentTrace(p: RecurrentPrepared, opts: TraceOnnxOptions, key: string, t0: number): Promise<{ input: TraceInput; timings: TraceTimings; stream?: TraceStreamEncoder }> {
  const progress = opts.onProgress ?? (() => undefined);
  progress(0.05, 'run');
  const t1 = performance.now();
  const engine = opts.engine === 'native' ? 'native' : 'onnxruntime';
  const run: Parameters<typeof runPreparedRecurrent>[1] = { modelBytes: opts.modelBytes, inputs: opts.inputs, engine, wasmDir: opts.wasmDir, modelKey: key, limits: traceLimits(opts) };
  if (opts.numThreads !== undefined) run.numThreads = opts.numThreads;
  if (opts.signal) run.signal = opts.signal;
  if (opts.wasmBinary) run.wasmBinary = opts.wasmBinary;
  if (opts.executionProvider) run.executionProvider = opts.executionProvider;
  if (opts.gruThreads && opts.gruThreads.threads > 1) run.threads = opts.gruThreads;
  const name = opts.name ?? (p.graphName || 'ONNX model');
  const first = p.recurrent.nodes[0]!;
  const W = first.W.kind === 'const' ? first.W.tensor.dims[2] : undefined;
  const model = (engineText: string): TraceInput['model'] => (W === undefined ? { name, source: 'onnx', engine: engineText } : { name, source: 'onnx', engine: engineText, inputSize: W });
  const tokensOf = (feeds: Record<string, UserTensor>, steps: number): string[] | undefined => {
    const tokens = opts.tokens ?? stepLabels(opts.vocab ?? p.vocab, p.recurrent.inputs, feeds, steps);
    if (tokens && tokens.length !== steps) throw new OnnxTraceError(`${tokens.length} token labels were given but the run has ${steps} steps; give exactly one label per step`);
    return tokens;
  };
  const gateStream = opts.gateStream;
  if (gateStream) {
    if (gateStream.chunkSteps !== undefined) run.chunkSteps = gateStream.chunkSteps;
    run.openStream = async (s) => {
      // As the finished trace will be, with stand-ins for what is known only at the end (the
      // engine's kernel, the check's errors, the time).
      const shape: TraceShape = {
        model: model(s.engine),
        layers: s.layers,
        batch: s.batch,
        steps: s.steps,
        check: { reference: s.checkText, maxAbsError: -1.2345678901234567e-300 },
        createdAt: new Date().toISOString(),
      };
      if (s.sequenceLengths) shape.sequenceLengths = s.sequenceLengths;
      const tokens = tokensOf(s.feeds, s.steps);
      if (tokens) shape.tokens = tokens;
      if (p.recurrent.warnings.length > 0) shape.warnings = [...p.recurrent.warnings];
      if (opts.producer) shape.producer = opts.producer;
      return gateStream.open(shape);
    };
  }
  const r = await runPreparedRecurrent(p.recurrent, run);
  const t2 = performance.now();
  const input: TraceInput = { model: model(r.engine), layers: r.layers, batch: r.batch, steps: r.steps, check: { reference: r.checkText, maxAbsError: r.maxAbsError } };
  if (r.sequenceLengths) input.sequenceLengths = r.sequenceLengths;
  const tokens = tokensOf(r.feeds, r.steps);
  if (tokens) input.tokens = tokens;
  // The same verdict as GRU nodes: an error beyond the tolerance fails the run unless allowed
  // (|Y| <= 1 for tanh outputs, so the absolute error bounds the scaled one used for GRU).
  const verdict = mismatchVerdict(r.maxAbsError, r.maxAbsError, opts.allowMismatch === true, opts.mismatchTolerance);
  if (verdict.warning) r.warnings.push(verdict.warning);
  if (r.warnings.length > 0) input.warnings = r.warnings;
  if (opts.producer) input.producer = opts.producer;
  input.createdAt = new Date().toISOString();
  progress(0.9, 'gates');
  const timings = { prepareMs: t1 - t0, sessionMs: 0, runMs: t2 - t1, gatesMs: 0, encodeMs: 0 };
  return r.stream ? { input, timings, stream: r.stream } : { input, timings };
}

/**
 * runOnnxTrace + encodeTrace in one call, for tests and tools. Hosts and the CLI go through the job
 * pipeline (src/pipeline/run-pipeline.ts), whose encode stage is the one the editor uses.
 */
export async function traceOnnxModel(opts: TraceOnnxOptions & { sidecar?: SidecarOptions }): Promise<EncodedTrace> {
  const { input } = await runOnnxTrace(opts);
  const enc: EncodeOptions = {};
  if (opts.precision) enc.precision = opts.precision;
  if (opts.maxBytes) enc.maxBytes = opts.maxBytes;
  if (opts.sidecar) enc.sidecar = opts.sidecar;
  const out = encodeTrace(input, enc);
  opts.onProgress?.(1, 'done');
  return out;
}
