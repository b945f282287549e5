// The one job pipeline of both extension hosts: model bytes + the user's input -> trace document,
// optional sidecar and PNG preview. The Node host runs it in a worker thread (worker.ts), the web
// host in-process (src/host-web/in-process-runner.ts); what differs between them comes in through
// PipelineIO. No vscode and no Node import: the web entry's import closure passes through here.

import { inspectOnnxModel, runOnnxTrace, type TraceOnnxOptions } from '../onnx';
import { ort } from '../onnx/session';
import { encodeTrace, type EncodeOptions, type Sha256, type SidecarPlan, type SidecarSink } from '../core/trace/encode';
import { TraceStreamEncoder } from '../core/trace/encode-stream';
import type { SidecarRef } from '../core/trace/document';
import { decodeTrace } from '../core/trace/decode';
import { renderPreviewPng } from '../core/preview/render-png';
import { VERSION } from '../core/version';
import { checkAgainstWasm, chooseBackend, hostGpu } from './backend';
import { buildInputs } from './build-inputs';
import { compareTraceInputs } from '../core/compare/comparison-trace';
import { CompareError } from '../core/compare/errors';
import type { TraceInput } from '../core/trace/encode';
import type { InspectJob, JobInput, TraceJob, TraceTimings, WorkerJob, WorkerReply } from './worker-protocol';

type Progress = Extract<WorkerReply, { type: 'progress' }>;
type Done = Exclude<WorkerReply, { type: 'progress' } | { type: 'failed' }>;

export interface PipelineIO {
  /** Producer suffix written into traces, e.g. 'vscode' or 'vscode web'. */
  flavour: string;
  progress(reply: Progress): void;
  /** Set when the host cancels; checked between stages and inside the long loops. */
  signal?: { aborted: boolean };
  /** Refuse a run whose gate arrays would exceed this (bytes), before computing (src/onnx/estimate.ts). */
  maxMemoryBytes?: number;
  /** Gives the host's event loop a turn between stages (the web host runs the pipeline in-process). */
  yieldToHost?: () => Promise<void>;
  /**
   * Writes a sidecar into `dir` (the job's sidecar.dir: a path in the Node host, a folder URI in the
   * web host) and returns its reference. Absent: a run beyond the output budget fails (TraceSizeError).
   */
  writeSidecar?: (plan: SidecarPlan, dir: string, progress: { onProgress: (fraction: number) => void; signal?: { aborted: boolean } }) => Promise<SidecarRef>;
  /**
   * Opens a sidecar for positional writes in `dir` (src/node/sidecar-file.ts, openSidecarFile): with
   * it, a native-engine run streams its gates into the sidecar chunk by chunk (trace-stream.ts).
   */
  openSidecar?: (dir: string, stem: string) => Promise<{ sink: SidecarSink; commit(file: string | undefined): Promise<void>; abort(): Promise<void> }>;
  sha256?: Sha256;
}

export class PipelineCancelled extends Error {
  override name = 'CancelledError';
  constructor() {
    super('cancelled');
  }
}

function inspect(job: InspectJob): Done {
  const info = inspectOnnxModel(job.modelBytes);
  const summary = { inputs: info.inputs, gruNodes: info.gruNodes.length, warnings: info.warnings };
  return { type: 'inspected', summary: info.vocab ? { ...summary, vocab: info.vocab } : summary };
}

/** One run of a model on an input, as the encoder's input (the spec's layers kept); progress within [from, to). */
async function record(
  job: TraceJob,
  io: PipelineIO,
  run: { modelBytes: Uint8Array; modelName: string; input: JobInput },
  choice: Awaited<ReturnType<typeof chooseBackend>>,
  range: { from: number; to: number; label?: string },
  stream?: { open: (shape: Parameters<TraceStreamOpen>[0]) => Promise<TraceStreamEncoder> },
): Promise<{ input: TraceInput; timings: TraceTimings; stream?: TraceStreamEncoder }> {
  const pause = async (): Promise<void> => {
    await io.yieldToHost?.();
    if (io.signal?.aborted) throw new PipelineCancelled();
  };
  const info = inspectOnnxModel(run.modelBytes);
  const vocab = job.vocab ?? info.vocab;
  const built = buildInputs(info.inputs, run.input, vocab);
  const tokens = job.tokens ?? built.tokens;
  await pause();
  // A WebGPU run is followed by the same run on wasm (backend.ts); each gets part of the progress bar.
  const width = range.to - range.from;
  const share = choice.backend === 'webgpu' ? (2 / 3) * width : width;
  const stage = (s: string) => (range.label ? `${s} (${range.label})` : s);
  const options: TraceOnnxOptions = {
    modelBytes: run.modelBytes,
    inputs: built.feeds,
    engine: job.settings.engine,
    wasmDir: job.wasmDir,
    numThreads: job.settings.numThreads,
    name: run.modelName,
    producer: `gatescope ${VERSION} (${io.flavour})`,
    executionProvider: choice.backend,
    ...(io.maxMemoryBytes ? { maxMemoryBytes: io.maxMemoryBytes } : {}),
    ...(tokens ? { tokens } : {}),
    ...(job.wasmBinary ? { wasmBinary: job.wasmBinary } : {}),
    ...(io.signal ? { signal: io.signal } : {}),
    ...(io.yieldToHost ? { yieldToHost: io.yieldToHost } : {}),
    onProgress: (fraction, s) => io.progress({ type: 'progress', message: stage(s), fraction: range.from + fraction * share }),
    ...(stream ? { gateStream: stream } : {}),
  };
  const { input, timings, stream: encoder } = await runOnnxTrace(options);
  if (choice.backend === 'webgpu') {
    const wasm = await runOnnxTrace({
      ...options,
      executionProvider: 'wasm',
      onProgress: (fraction) => io.progress({ type: 'progress', message: stage('checking against wasm'), fraction: range.from + share + fraction * (width - share) }),
    });
    checkAgainstWasm(input, wasm.input);
  }
  if (choice.note) input.warnings = [...(input.warnings ?? []), choice.note];
  if (job.layers) {
    const present = [...new Set(input.layers.map((l) => l.layer))];
    const missing = job.layers.filter((l) => !present.includes(l));
    if (missing.length > 0) {
      const which = run.modelName === job.modelName ? 'the model' : `the model ${run.modelName}`;
      throw new Error(`field \`layers\`: ${which} has no layer ${missing.join(', ')}; its recurrent layers are ${present.join(', ')}`);
    }
    input.layers = input.layers.filter((l) => job.layers!.includes(l.layer));
  }
  return encoder ? { input, timings, stream: encoder } : { input, timings };
}

type TraceStreamOpen = NonNullable<TraceOnnxOptions['gateStream']>['open'];

/** A short label of an input for a comparison ("text \"(a(b…\"", "x2.npy", "random seed 4"). */
function inputLabel(input: JobInput): string {
  if (input.kind === 'file') return input.name.split(/[\\/]/).pop() ?? input.name;
  if (input.kind === 'random') return `random seed ${input.seed}`;
  return `text ${JSON.stringify(input.text.length > 24 ? `${input.text.slice(0, 24)}…` : input.text)}`;
}

async function trace(job: TraceJob, io: PipelineIO): Promise<Done> {
  const pause = async (): Promise<void> => {
    await io.yieldToHost?.();
    if (io.signal?.aborted) throw new PipelineCancelled();
  };
  const choice = await chooseBackend(job.settings.backend, hostGpu());
  const c = job.compare;
  const enc: EncodeOptions = { precision: job.settings.precision, maxBytes: job.settings.maxBytes };
  if (job.sidecar && io.writeSidecar) enc.sidecar = { stem: job.sidecar.stem };
  // A single run on wasm of all layers streams its gates into the sidecar as they are computed
  // (memory by the chunk and the output budget); comparisons, WebGPU's check against wasm and a
  // layer selection need the whole gates.
  let file: Awaited<ReturnType<NonNullable<PipelineIO['openSidecar']>>> | undefined;
  const canStream = !c && !job.layers && choice.backend === 'wasm' && job.sidecar && io.openSidecar && io.sha256;
  const stream = canStream
    ? {
        open: async (shape: Parameters<TraceStreamOpen>[0]) => {
          file = await io.openSidecar!(job.sidecar!.dir, job.sidecar!.stem);
          return new TraceStreamEncoder(shape, enc, { stem: job.sidecar!.stem, sink: file.sink, sha256: io.sha256! });
        },
      }
    : undefined;
  let first;
  try {
    first = await record(job, io, { modelBytes: job.modelBytes, modelName: job.modelName, input: job.input }, choice, { from: 0, to: c ? 0.45 : 0.9 }, stream);
  } catch (e) {
    await file?.abort();
    throw e;
  }
  const timings = first.timings;
  let input = first.input;
  if (c) {
    // The spec's compare: a second run (another model and/or input), then the comparison trace.
    const nameB = c.modelName ?? job.modelName;
    const second = await record(job, io, { modelBytes: c.modelBytes ?? job.modelBytes, modelName: nameB, input: c.input ?? job.input }, choice, { from: 0.45, to: 0.9, label: 'second run' });
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
  io.progress({ type: 'progress', message: 'encoding', fraction: 0.95 });
  await pause();
  const t0 = performance.now();
  let document;
  let sidecar: SidecarPlan | undefined;
  if (first.stream) {
    try {
      document = (await first.stream.finish({ model: input.model, check: input.check, warnings: input.warnings, createdAt: input.createdAt })).document;
      await file!.commit(document.sidecar?.file);
    } catch (e) {
      await file!.abort();
      throw e;
    }
  } else ({ document, sidecar } = encodeTrace(input, enc));
  if (sidecar) {
    // Levels beyond the output's budget go to a sidecar beside the notebook (nothing is dropped).
    io.progress({ type: 'progress', message: 'writing the sidecar', fraction: 0.96 });
    const onProgress = (f: number): void => io.progress({ type: 'progress', message: 'writing the sidecar', fraction: 0.96 + 0.03 * f });
    document.sidecar = await io.writeSidecar!(sidecar, job.sidecar!.dir, io.signal ? { onProgress, signal: io.signal } : { onProgress });
  }
  timings.encodeMs = performance.now() - t0;
  await pause();
  // The preview is drawn from the document as saved (decoded), so it shows exactly what the
  // renderer will; it keeps the gates visible where Gatescope is not installed (GitHub, JupyterLab).
  const preview = job.settings.pngPreview ? renderPreviewPng(decodeTrace(document)) : undefined;
  // Read back from onnxruntime itself: what this runtime was really configured with.
  const runtime = { numThreads: Number(ort.env.wasm.numThreads ?? 0), backend: choice.backend };
  return preview ? { type: 'traced', document, preview, runtime, timings } : { type: 'traced', document, runtime, timings };
}

/** Runs one job; resolves with the final reply (never 'failed': errors are thrown). */
export async function runPipelineJob(job: WorkerJob, io: PipelineIO): Promise<Done> {
  if (job.type === 'inspect') {
    await io.yieldToHost?.();
    return inspect(job);
  }
  return trace(job, io);
}
