// The whole ONNX path: model bytes + inputs -> trace document with the gates of every GRU node.
//   engine 'onnxruntime': the instrumented model runs in onnxruntime-web; each node's gates are
//     recomputed from its X and onnxruntime's states and its h checked against onnxruntime's Y.
//   engine 'native': the same run supplies each node's X; the node's recurrence is computed again
//     by Gatescope's engine (runGru), and its h is still checked against onnxruntime's Y.

import { encodeTrace, type EncodedTrace, type EncodeOptions, type SidecarOptions, type TraceInput, type TraceLayerInput, type TracePrecision } from '../core/trace/encode';
import type { GruConvention } from '../core/trace/document';
import { gateSet } from '../core/cells/gate-sets';
import { formatDims } from '../core/io/tensor';
import type { SpecEngine } from '../core/spec/spec';
import { cleanOrtMessage, firstLine, OnnxTraceError } from './errors';
import { findGruNodes, runtimeInputs, type GruNodeInfo } from './graph';
import { instrumentModel, type InstrumentedModel } from './instrument';
import { describeInputs, prepareFeeds, type ModelInputInfo, type UserTensor } from './inputs';
import { readVocab } from './inspect';
import { gatherNodeValues, type NodeValues, type RunTensor } from './node-values';
import { decodeModel } from './proto';
import { gateGraphBytes, gateGraphSupports } from './gate-graph';
import { compareWithY, recoverGates, runNative, type DirectionGates, type GateGraphRunner } from './recover';
import { getSession, modelKey, ort, type ExecutionProvider, type RuntimeOptions } from './session';
import { tokensFor } from './tokens';
import { defaultOpset, modelWarnings } from './warnings';

export interface TraceOnnxOptions {
  modelBytes: Uint8Array;
  /** By graph input name. */
  inputs: Record<string, UserTensor>;
  engine?: SpecEngine;
  precision?: TracePrecision;
  maxBytes?: number;
  /** One label per step; default: the model's vocabulary (metadata `gatescope.vocab`) applied to token ids. */
  tokens?: string[];
  /** Folder (path or URL) with onnxruntime-web's runtime files (the extension's dist/ort/). */
  wasmDir: string;
  numThreads?: number;
  /** Shown as the model's name (e.g. the file name); default the graph name. */
  name?: string;
  /** Trace producer, e.g. "gatescope 0.1.0 (cli)". */
  producer?: string;
  /** Identity for the session cache; default a hash of the bytes. */
  modelKey?: string;
  onProgress?: (fraction: number, stage: string) => void;
  signal?: { aborted: boolean };
  /** onnxruntime-web's .wasm bytes (RuntimeOptions.wasmBinary: the web extension host). */
  wasmBinary?: Uint8Array;
  /** Awaited after each progress report: gives an in-process host's event loop a turn. */
  yieldToHost?: () => Promise<void>;
  /** onnxruntime-web's execution provider (RuntimeOptions.executionProvider); default 'wasm'. */
  executionProvider?: ExecutionProvider;
}

/** Milliseconds per stage of one trace (for the benchmark and the host's log). */
export interface TraceTimings {
  prepareMs: number;
  sessionMs: number;
  runMs: number;
  gatesMs: number;
  encodeMs: number;
}

interface Prepared {
  nodes: GruNodeInfo[];
  instrumented: InstrumentedModel;
  inputs: ModelInputInfo[];
  warnings: string[];
  vocab: string[] | undefined;
  graphName: string;
}

const MAX_PREPARED = 4;
const prepared = new Map<string, Prepared>();

/** Decoding and instrumenting, cached by model identity like the sessions. */
function prepare(bytes: Uint8Array, key: string): Prepared {
  const hit = prepared.get(key);
  if (hit) return hit;
  const model = decodeModel(bytes);
  const nodes = findGruNodes(model);
  const opset = defaultOpset(model);
  if (opset > 0 && opset < 7) {
    throw new OnnxTraceError(`the model imports ONNX opset ${opset}; onnxruntime runs GRU from opset 7 on (it has no kernel for the older GRU): re-export it with opset_version >= 7 (14 recommended)`);
  }
  for (const n of nodes) {
    if (n.attrs.layout !== 0) {
      throw new OnnxTraceError(`GRU node '${n.name}' has layout = ${n.attrs.layout} (batch-first X), which onnxruntime rejects ("only layout 0 is supported"): re-export the model with layout 0 (torch.onnx.export writes a Transpose around a layout-0 node)`);
    }
  }
  const p: Prepared = {
    nodes,
    instrumented: instrumentModel(model, nodes),
    inputs: describeInputs(runtimeInputs(model.graph!)),
    warnings: modelWarnings(model, nodes),
    vocab: readVocab(model),
    graphName: model.graph?.name ?? '',
  };
  prepared.set(key, p);
  while (prepared.size > MAX_PREPARED) prepared.delete(prepared.keys().next().value as string);
  return p;
}

function checkAborted(signal: { aborted: boolean } | undefined): void {
  if (signal?.aborted) throw new OnnxTraceError('the trace was cancelled');
}

function onnxruntimeVersion(): string {
  return ort.env.versions?.web ?? 'unknown';
}

function toOrtTensor(t: UserTensor): ort.Tensor {
  if (t.dtype === 'int64') return new ort.Tensor('int64', t.data as BigInt64Array, t.dims);
  if (t.dtype === 'int32') return new ort.Tensor('int32', t.data as Int32Array, t.dims);
  return new ort.Tensor('float32', t.data as Float32Array, t.dims);
}

/** Runs the whole path and returns the encoder's input (before encoding) and stage timings. */
export async function runOnnxTrace(opts: TraceOnnxOptions): Promise<{ input: TraceInput; timings: TraceTimings }> {
  const now = (): number => performance.now();
  const t0 = now();
  const report = opts.onProgress ?? (() => undefined);
  const progress = async (fraction: number, stage: string): Promise<void> => {
    report(fraction, stage);
    await opts.yieldToHost?.();
  };
  const key = opts.modelKey ?? modelKey(opts.modelBytes);
  const p = prepare(opts.modelBytes, key);
  const feeds = prepareFeeds(p.inputs, opts.inputs, p.nodes);
  checkAborted(opts.signal);
  await progress(0.05, 'session');
  const t1 = now();
  const runtime: RuntimeOptions = { wasmDir: opts.wasmDir };
  if (opts.numThreads !== undefined) runtime.numThreads = opts.numThreads;
  if (opts.wasmBinary) runtime.wasmBinary = opts.wasmBinary;
  const ep = opts.executionProvider ?? 'wasm';
  runtime.executionProvider = ep;
  const session = await getSession(`${key}:instrumented`, () => p.instrumented.bytes, runtime);
  checkAborted(opts.signal);
  await progress(0.2, 'run');
  const t2 = now();
  const ortFeeds: Record<string, ort.Tensor> = {};
  for (const [name, t] of Object.entries(feeds)) ortFeeds[name] = toOrtTensor(t);
  const fetchNames = [...new Set(p.instrumented.fetch.flatMap((f) => Object.values(f).filter((v): v is string => !!v)))];
  let results: Record<string, ort.Tensor>;
  try {
    results = (await session.run(ortFeeds, fetchNames)) as Record<string, ort.Tensor>;
  } catch (e) {
    const given = Object.entries(feeds).map(([n, t]) => `${n} ${t.dtype} ${formatDims(t.dims)}`).join(', ');
    throw new OnnxTraceError(`onnxruntime-web could not run the model on the inputs (${given}): ${cleanOrtMessage(firstLine(e))}; check the input shapes against the model`, { cause: e });
  }
  const t3 = now();
  checkAborted(opts.signal);
  await progress(0.5, 'gates');
  const lookup = (name: string): RunTensor | undefined => {
    const r = results[name];
    if (r) return { dims: r.dims, data: r.data as Float32Array | Int32Array | BigInt64Array };
    const f = feeds[name];
    return f ? { dims: f.dims, data: f.data } : undefined;
  };
  const engine = opts.engine ?? 'onnxruntime';
  const values: NodeValues[] = p.nodes.map((n) => gatherNodeValues(n, lookup));
  for (const t of Object.values(results)) t.dispose();
  const first = values[0]!;
  for (const v of values) {
    if (v.T !== first.T || v.B !== first.B) {
      throw new OnnxTraceError(`GRU nodes '${first.node.name}' ([T, B] = [${first.T}, ${first.B}]) and '${v.node.name}' ([${v.T}, ${v.B}]) run over different steps or batches; one trace needs the same [T, B] for every GRU node`);
    }
  }
  const layers: TraceLayerInput[] = [];
  const warnings = [...p.warnings];
  let maxAbsError = 0;
  let kernel = '';
  const recomputeEngines = new Set<string>();
  for (let i = 0; i < values.length; i++) {
    const v = values[i]!;
    checkAborted(opts.signal);
    let dirs: DirectionGates[];
    if (engine === 'native') {
      const run = runNative(v, opts.signal);
      dirs = run.dirs;
      kernel = run.kernel;
    } else {
      const r = await recoverGates(v, (d) => gateGraphFor(v, d, `${key}:gates:${v.node.nodeIndex}:${d}`, runtime));
      dirs = r.dirs;
      if (!r.viaGraph) recomputeEngines.add('gatescope gatesFromStates');
      else recomputeEngines.add('onnxruntime-web gate graph');
    }
    const check = compareWithY(v, dirs);
    maxAbsError = Math.max(maxAbsError, check.maxAbsError);
    if (check.nanOnlyInH > 0) {
      warnings.push(
        `GRU node '${v.node.name}': NaN reached the gates (from NaN or Inf in the input); ${check.nanOnlyInH} hidden-state values are NaN here but finite in onnxruntime's Y, because onnxruntime's GRU kernel clamps activation inputs and so replaces NaN. ` +
          (engine === 'native' ? 'The native engine keeps NaN, so it spreads to every later step.' : 'Gates are recomputed from onnxruntime\'s states, so steps after a NaN show the finite values onnxruntime went on with.'),
      );
    }
    if (check.nanOnlyInY > 0) {
      warnings.push(`GRU node '${v.node.name}': ${check.nanOnlyInY} values of onnxruntime's Y are NaN where the recomputed h is finite; those steps do not match the model's output.`);
    }
    const convention: GruConvention = {
      gateOrder: ['z', 'r', 'n'],
      linearBeforeReset: v.node.attrs.linearBeforeReset,
      zMeaning: 'keep-old',
      activations: { f: v.model.layers[0]!.directions[0]!.f, g: v.model.layers[0]!.directions[0]!.g },
    };
    if (v.node.attrs.clip !== undefined) convention.clip = v.node.attrs.clip;
    const specs = gateSet('gru', { gateAct: convention.activations.f, candidateAct: convention.activations.g });
    for (const d of dirs) {
      layers.push({ layer: i, direction: d.direction, cell: 'gru', hiddenSize: v.H, name: v.node.name, convention, specs, gates: { r: d.r, z: d.z, n: d.n, h: d.h } });
    }
    await progress(0.5 + (0.4 * (i + 1)) / values.length, 'gates');
  }
  const t4 = now();
  const ver = onnxruntimeVersion();
  const input: TraceInput = {
    model: {
      name: opts.name ?? (p.graphName || 'ONNX model'),
      source: 'onnx',
      engine: engine === 'native' ? `gatescope-native (${kernel}) on X from onnxruntime-web ${ver}${ep === 'wasm' ? '' : ` (${ep})`}` : `onnxruntime-web ${ver} (${ep}) + gatescope gate recompute (${[...recomputeEngines].join(', ')})`,
      inputSize: first.I,
    },
    layers,
    batch: first.B,
    steps: first.T,
    check: { reference: `onnxruntime-web ${ver}${ep === 'wasm' ? '' : ` (${ep})`} Y of every GRU node (valid steps)`, maxAbsError },
  };
  const withLengths = values.find((v) => v.hasLengths);
  if (withLengths) input.sequenceLengths = [...withLengths.lengths];
  const tokens = opts.tokens ?? tokensFor(p.vocab, p.inputs, feeds, first.T);
  if (tokens) {
    if (tokens.length !== first.T) throw new OnnxTraceError(`${tokens.length} token labels were given but the run has ${first.T} steps; give exactly one label per step`);
    input.tokens = tokens;
  }
  if (warnings.length > 0) input.warnings = warnings;
  if (opts.producer) input.producer = opts.producer;
  input.createdAt = new Date().toISOString();
  return { input, timings: { prepareMs: t1 - t0, sessionMs: t2 - t1, runMs: t3 - t2, gatesMs: t4 - t3, encodeMs: 0 } };
}

/** A runner for the batched gate graph of one node direction, or undefined when its activations need the engine. */
async function gateGraphFor(v: NodeValues, d: number, key: string, runtime: RuntimeOptions): Promise<GateGraphRunner | undefined> {
  const dir = v.model.layers[0]!.directions[d]!;
  if (!gateGraphSupports(dir.f, dir.g)) return undefined;
  const session = await getSession(key, () => gateGraphBytes(dir.weights, v.model, v.I, v.H), runtime);
  return async (x, hPrev, rows) => {
    const out = await session.run({ X: new ort.Tensor('float32', x, [rows, v.I]), Hprev: new ort.Tensor('float32', hPrev, [rows, v.H]) });
    const get = (k: string): Float32Array => {
      const t = out[k]!;
      const data = t.data as Float32Array;
      t.dispose();
      return data;
    };
    return { r: get('r'), z: get('z'), n: get('n'), h: get('h') };
  };
}

/** The single entry for hosts: a trace document (and a sidecar plan when `sidecar` allows one) for the given model and inputs. */
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
