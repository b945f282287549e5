// The one pipeline from model bytes to a trace document, for every host: the Node extension host's
// worker (src/host/worker.ts), the web extension host (src/host-web/in-process-runner.ts), spec
// comparisons, and the CLI (src/cli/trace-command.ts). Stages:
//   bytes -> model decoded once (model-cache.ts: once per file version while the host stays warm)
//   -> plan (inputs, recurrent nodes, warnings, vocabulary) -> the user's input as tensors
//   -> run + gates (src/onnx runOnnxTrace) -> step labels (src/onnx/step-labels.ts, one rule)
//   -> [comparison] -> encode + sidecar (encode-stage.ts, the one call of the encoder) -> preview.
// What differs between hosts comes in through PipelineIO (progress, cancellation, sidecar writing).
// No vscode and no Node import: the web entry's import closure passes through here.

import { runOnnxTrace, type TraceOnnxOptions } from '../onnx/trace';
import { ort } from '../onnx/session';
import type { Sha256, TraceInput } from '../core/trace/encode';
import { Float16RangeError, type TraceStreamEncoder } from '../core/trace/encode-stream';
import type { GruThreadHooks } from '../onnx/recover';
import type { SidecarRef, TraceDocument } from '../core/trace/document';
import type { SidecarPlan } from '../core/trace/encode';
import { decodeTrace } from '../core/trace/decode';
import { renderPreviewPng } from '../core/preview/render-png';
import { VERSION } from '../core/version';
import { CancelledError, throwIfCancelled, type CancelSignal } from '../core/cancel';
import { compareTraceInputs } from '../core/compare/comparison-trace';
import { CompareError } from '../core/compare/errors';
import { checkAgainstWasm, chooseBackend, hostGpu, type BackendChoice } from './backend';
import { buildInputs } from './build-inputs';
import { encodeStage, sidecarStream, type OpenedSidecar, type SidecarStream } from './encode-stage';
import { ModelCache } from './model-cache';
import type { InspectJob, ModelIdentity, ModelSummary, PipelineInput, PipelineJob, PipelineResult, TraceTimings } from './job';

export { CancelledError };

export interface PipelineIO {
  /** Producer suffix written into traces, e.g. 'vscode', 'vscode web', 'cli'. */
  flavour: string;
  progress(message: string, fraction: number): void;
  /** Set when the host cancels; checked between stages and inside the long loops. */
  signal?: CancelSignal;
  /** Refuse a run whose gate arrays would exceed this (bytes), before computing (src/onnx/estimate.ts). */
  maxMemoryBytes?: number;
  /** Gives the host's event loop a turn between stages (the web host runs the pipeline in-process). */
  yieldToHost?: () => Promise<void>;
  /**
   * Writes a sidecar into `dir` (the job's sidecar.dir) and returns its reference. Absent: a run
   * beyond the output budget fails (TraceSizeError).
   */
  writeSidecar?: (plan: SidecarPlan, dir: string, progress: { onProgress: (fraction: number) => void; signal?: CancelSignal }) => Promise<SidecarRef>;
  /** Decoded models kept between runs (a warm host); default: none kept. */
  models?: ModelCache;
  /** Threads lent to the GRU engine and gate recovery (the Node worker's GruThreadPool); absent: one thread. */
  gruThreads?: GruThreadHooks;
  /** What the host's I/O has to say about the run (e.g. threads that could not start), added to its warnings. */
  warnings?: string[];
  /**
   * Opens a sidecar in `dir` for positional writes (Node: src/node/sidecar-file.ts): with it and
   * `sha256`, a single run streams its gates into the sidecar as they are computed (encode-stage.ts).
   */
  openSidecar?: (dir: string, stem: string) => Promise<OpenedSidecar>;
  sha256?: Sha256;
}

/** The summary the host shows before a run (the Inspect command), from the same cached plan a run uses. */
export function inspectModel(job: InspectJob, models: ModelCache = new ModelCache(1, async () => undefined)): ModelSummary {
  const { info } = models.plan(job.modelBytes, job.modelIdentity).plan;
  const summary: ModelSummary = { inputs: info.inputs, gruNodes: info.gruNodes.length, warnings: info.warnings };
  return info.vocab ? { ...summary, vocab: info.vocab } : summary;
}

/** One run of a model on an input as the encoder's input (the spec's layers kept), with its stage timings and whether its model was warm. */
export interface RecordedRun {
  input: TraceInput;
  timings: TraceTimings;
  modelCache: 'hit' | 'miss';
  /** The run's gates went into this encoder as they were computed (`input` has none); finish it. */
  stream?: TraceStreamEncoder;
}

interface RunOf {
  modelBytes: Uint8Array;
  modelName: string;
  modelIdentity?: ModelIdentity;
  input: PipelineInput;
}

/** Runs the model on the input: plan (cached), tensors, runOnnxTrace; progress within [from, to). */
export async function recordRun(job: PipelineJob, io: PipelineIO, run: RunOf, choice: BackendChoice, range: { from: number; to: number; label?: string } = { from: 0, to: 0.9 }, stream?: SidecarStream): Promise<RecordedRun> {
  const t0 = performance.now();
  const models = io.models ?? new ModelCache(1, async () => undefined);
  const { plan, hit } = models.plan(run.modelBytes, run.modelIdentity);
  const prepared = plan.prepared();
  const planMs = performance.now() - t0;
  const vocab = job.vocab ?? plan.info.vocab;
  const feeds = run.input.kind === 'tensors' ? run.input.read(plan.info.inputs) : buildInputs(plan.info.inputs, run.input, vocab).feeds;
  await io.yieldToHost?.();
  throwIfCancelled(io.signal);
  // A WebGPU run is followed by the same run on wasm (backend.ts); each gets part of the progress bar.
  const width = range.to - range.from;
  const share = choice.backend === 'webgpu' ? (2 / 3) * width : width;
  const stage = (s: string): string => (range.label ? `${s} (${range.label})` : s);
  const options: TraceOnnxOptions = {
    modelBytes: run.modelBytes,
    modelKey: plan.key,
    prepared,
    inputs: feeds,
    engine: job.settings.engine,
    wasmDir: job.wasmDir,
    numThreads: job.settings.numThreads,
    name: run.modelName,
    producer: `gatescope ${VERSION} (${io.flavour})`,
    executionProvider: choice.backend,
    precision: job.settings.precision,
    onProgress: (fraction, s) => io.progress(stage(s), range.from + fraction * share),
  };
  if (vocab) options.vocab = vocab;
  if (job.tokens) options.tokens = job.tokens;
  if (io.maxMemoryBytes) options.maxMemoryBytes = io.maxMemoryBytes;
  if (job.maxGateBytes !== undefined) options.maxGateBytes = job.maxGateBytes;
  if (job.allowMismatch) options.allowMismatch = true;
  if (job.wasmBinary) options.wasmBinary = job.wasmBinary;
  if (io.signal) options.signal = io.signal;
  if (io.yieldToHost) options.yieldToHost = io.yieldToHost;
  if (io.gruThreads) options.gruThreads = io.gruThreads;
  if (stream) options.gateStream = stream.gateStream;
  const { input, timings, stream: encoder } = await runOnnxTrace(options);
  // Decoding and instrumenting (or finding them cached) belong to the prepare stage.
  timings.prepareMs += planMs;
  if (choice.backend === 'webgpu') {
    const wasm = await runOnnxTrace({
      ...options,
      executionProvider: 'wasm',
      onProgress: (fraction) => io.progress(stage('checking against wasm'), range.from + share + fraction * (width - share)),
    });
    checkAgainstWasm(input, wasm.input);
  }
  const notes = [...(choice.note ? [choice.note] : []), ...(io.warnings ?? [])];
  if (notes.length > 0) input.warnings = [...(input.warnings ?? []), ...notes];
  if (job.layers) {
    const present = [...new Set(input.layers.map((l) => l.layer))];
    const missing = job.layers.filter((l) => !present.includes(l));
    if (missing.length > 0) {
      const which = run.modelName === job.modelName ? 'the model' : `the model ${run.modelName}`;
      throw new Error(`field \`layers\`: ${which} has no layer ${missing.join(', ')}; its recurrent layers are ${present.join(', ')}`);
    }
    input.layers = input.layers.filter((l) => job.layers!.includes(l.layer));
  }
  const recorded: RecordedRun = { input, timings, modelCache: hit ? 'hit' : 'miss' };
  if (encoder) recorded.stream = encoder;
  return recorded;
}

/** The job's model on its input, before encoding (the CLI's diff compares two of these). */
export async function runModel(job: PipelineJob, io: PipelineIO): Promise<RecordedRun> {
  const choice = await chooseBackend(job.settings.backend, hostGpu());
  return recordRun(job, io, { modelBytes: job.modelBytes, modelName: job.modelName, ...(job.modelIdentity ? { modelIdentity: job.modelIdentity } : {}), input: job.input }, choice);
}

/** A short label of an input for a comparison ("text \"(a(b…\"", "x2.npy", "random seed 4"). */
function inputLabel(input: PipelineInput): string {
  if (input.kind === 'file') return input.name.split(/[\\/]/).pop() ?? input.name;
  if (input.kind === 'random') return `random seed ${input.seed}`;
  if (input.kind === 'tensors') return 'the given tensors';
  return `text ${JSON.stringify(input.text.length > 24 ? `${input.text.slice(0, 24)}…` : input.text)}`;
}

/** Runs one trace job to its document (and preview); errors are thrown, cancellation as CancelledError. */
export async function runPipeline(job: PipelineJob, io: PipelineIO): Promise<PipelineResult> {
  const pause = async (): Promise<void> => {
    await io.yieldToHost?.();
    throwIfCancelled(io.signal);
  };
  const choice = await chooseBackend(job.settings.backend, hostGpu());
  const c = job.compare;
  const encodeOpts = { precision: job.settings.precision, maxBytes: job.settings.maxBytes, ...(job.sidecar ? { sidecar: job.sidecar } : {}) };
  // A single run on wasm streams into the sidecar (only the selected layers, with `layers:`); the
  // others need the whole gates.
  const stream = !c && choice.backend === 'wasm' ? sidecarStream(encodeOpts, io, job.layers) : undefined;
  let first: RecordedRun;
  try {
    first = await recordRun(job, io, { modelBytes: job.modelBytes, modelName: job.modelName, modelIdentity: job.modelIdentity, input: job.input }, choice, { from: 0, to: c ? 0.45 : 0.9 }, stream);
  } catch (e) {
    await stream?.abort();
    throw e;
  }
  const timings = first.timings;
  let input = first.input;
  if (c) {
    // The spec's compare: a second run (another model and/or input), then the comparison trace.
    const nameB = c.modelName ?? job.modelName;
    const other: RunOf = c.modelBytes
      ? { modelBytes: c.modelBytes, modelName: nameB, input: c.input ?? job.input, ...(c.modelIdentity ? { modelIdentity: c.modelIdentity } : {}) }
      : { modelBytes: job.modelBytes, modelName: nameB, input: c.input ?? job.input, ...(job.modelIdentity ? { modelIdentity: job.modelIdentity } : {}) };
    const second = await recordRun(job, io, other, choice, { from: 0.45, to: 0.9, label: 'second run' });
    const labels = {
      a: c.input ? `${job.modelName} on ${inputLabel(job.input)}` : job.modelName,
      b: c.input ? `${nameB} on ${inputLabel(c.input)}` : nameB,
    };
    try {
      input = compareTraceInputs(input, second.input, { labels, tolerance: c.tolerance, producer: `gatescope ${VERSION} (${io.flavour})`, createdAt: new Date().toISOString() }).input;
    } catch (e) {
      if (e instanceof CompareError) throw new Error(`field \`compare\`: ${e.message}`);
      throw e;
    }
    for (const k of ['prepareMs', 'sessionMs', 'runMs', 'gatesMs'] as const) timings[k] += second.timings[k];
  }
  io.progress('encoding', 0.95);
  try {
    await pause();
  } catch (e) {
    await stream?.abort();
    throw e;
  }
  const t0 = performance.now();
  let document: TraceDocument;
  try {
    document = first.stream ? await stream!.finish(first.stream, input) : await encodeStage(input, encodeOpts, io);
  } catch (e) {
    if (!(e instanceof Float16RangeError)) throw e;
    // A float16 sidecar's gate met a value beyond float16 (known only once seen): the whole-run
    // encoder stores that gate as float32, so run again whole (the streamed file is removed).
    const again = await recordRun(job, io, { modelBytes: job.modelBytes, modelName: job.modelName, modelIdentity: job.modelIdentity, input: job.input }, choice, { from: 0, to: 0.9, label: 'again, whole' });
    input = again.input;
    document = await encodeStage(input, encodeOpts, io);
  }
  timings.encodeMs = performance.now() - t0;
  await pause();
  // The preview is drawn from the document as saved (decoded), so it shows exactly what the
  // renderer will; it keeps the gates visible where Gatescope is not installed (GitHub, JupyterLab).
  const preview = job.settings.pngPreview ? renderPreviewPng(decodeTrace(document), job.settings.colorMap ? { colorMap: job.settings.colorMap } : {}) : undefined;
  // Read back from onnxruntime itself: what this runtime was really configured with.
  const runtime = { numThreads: Number(ort.env.wasm.numThreads ?? 0), backend: choice.backend, modelCache: first.modelCache };
  return preview ? { document, preview, runtime, timings } : { document, runtime, timings };
}
