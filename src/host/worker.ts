// Worker thread (dist/host/worker.js): one job per worker, then the host terminates it. Runs the
// ONNX path (src/onnx) so the extension host's main thread never waits on onnxruntime-web or the
// gate recompute. Replies are defined in worker-protocol.ts.

import { parentPort } from 'node:worker_threads';
import { inspectOnnxModel, runOnnxTrace } from '../onnx';
import { ort } from '../onnx/session';
import { encodeTrace, type EncodeOptions } from '../core/trace/encode';
import { decodeTrace } from '../core/trace/decode';
import { renderPreviewPng } from '../core/preview/render-png';
import { VERSION } from '../core/version';
import { buildInputs } from './build-inputs';
import { writeSidecarFile } from '../node/sidecar-file';
import { compareTraceInputs } from '../core/compare/comparison-trace';
import { CompareError } from '../core/compare/errors';
import type { TraceInput } from '../core/trace/encode';
import type { InspectJob, JobInput, TraceJob, TraceTimings, WorkerJob, WorkerReply } from './worker-protocol';

const PRODUCER = `gatescope ${VERSION} (vscode)`;

function post(reply: WorkerReply): void {
  parentPort!.postMessage(reply);
}

function inspect(job: InspectJob): WorkerReply {
  const info = inspectOnnxModel(job.modelBytes);
  const summary = { inputs: info.inputs, gruNodes: info.gruNodes.length, warnings: info.warnings };
  return { type: 'inspected', summary: info.vocab ? { ...summary, vocab: info.vocab } : summary };
}

/** One run of a model on an input, as the encoder's input (the spec's layers kept). */
async function record(job: TraceJob, modelBytes: Uint8Array, modelName: string, jobInput: JobInput, progress: (fraction: number, stage: string) => void): Promise<{ input: TraceInput; timings: TraceTimings }> {
  const info = inspectOnnxModel(modelBytes);
  const vocab = job.vocab ?? info.vocab;
  const built = buildInputs(info.inputs, jobInput, vocab);
  const tokens = job.tokens ?? built.tokens;
  const { input, timings } = await runOnnxTrace({
    modelBytes,
    inputs: built.feeds,
    engine: job.settings.engine,
    wasmDir: job.wasmDir,
    numThreads: job.settings.numThreads,
    name: modelName,
    producer: PRODUCER,
    ...(tokens ? { tokens } : {}),
    onProgress: progress,
  });
  if (job.layers) {
    const present = [...new Set(input.layers.map((l) => l.layer))];
    const missing = job.layers.filter((l) => !present.includes(l));
    if (missing.length > 0) {
      throw new Error(`field \`layers\`: the model${modelName === job.modelName ? '' : ` ${modelName}`} has no layer ${missing.join(', ')}; its GRU layers are ${present.join(', ')}`);
    }
    input.layers = input.layers.filter((l) => job.layers!.includes(l.layer));
  }
  return { input, timings };
}

/** A short label of an input for a comparison ("text (a(b…", "x2.npy", "random seed 4"). */
function inputLabel(input: JobInput): string {
  if (input.kind === 'file') return input.name.split(/[\\/]/).pop() ?? input.name;
  if (input.kind === 'random') return `random seed ${input.seed}`;
  return `text ${JSON.stringify(input.text.length > 24 ? `${input.text.slice(0, 24)}…` : input.text)}`;
}

async function trace(job: TraceJob): Promise<WorkerReply> {
  const c = job.compare;
  const share = c ? 0.45 : 0.9;
  const first = await record(job, job.modelBytes, job.modelName, job.input, (f, stage) => post({ type: 'progress', message: stage, fraction: f * share }));
  const timings = first.timings;
  let input = first.input;
  if (c) {
    // The spec's compare: a second run (another model and/or input), then the comparison trace.
    const nameB = c.modelName ?? job.modelName;
    const second = await record(job, c.modelBytes ?? job.modelBytes, nameB, c.input ?? job.input, (f, stage) => post({ type: 'progress', message: `${stage} (second run)`, fraction: 0.45 + f * 0.45 }));
    const labels = {
      a: c.input ? `${job.modelName} on ${inputLabel(job.input)}` : job.modelName,
      b: c.input ? `${nameB} on ${inputLabel(c.input)}` : nameB,
    };
    try {
      input = compareTraceInputs(input, second.input, { labels, tolerance: c.tolerance, producer: PRODUCER, createdAt: new Date().toISOString() }).input;
    } catch (e) {
      if (e instanceof CompareError) throw new Error(`field \`compare\`: ${e.message}`);
      throw e;
    }
    for (const k of ['prepareMs', 'sessionMs', 'runMs', 'gatesMs'] as const) timings[k] += second.timings[k];
  }
  post({ type: 'progress', message: 'encoding', fraction: 0.95 });
  const enc: EncodeOptions = { precision: job.settings.precision, maxBytes: job.settings.maxBytes };
  if (job.sidecar) enc.sidecar = { stem: job.sidecar.stem };
  const t0 = performance.now();
  const { document, sidecar } = encodeTrace(input, enc);
  if (sidecar) {
    // Levels beyond the output's budget go to a sidecar beside the notebook (nothing is dropped).
    post({ type: 'progress', message: 'writing the sidecar', fraction: 0.96 });
    document.sidecar = await writeSidecarFile(sidecar, job.sidecar!.dir, { onProgress: (f) => post({ type: 'progress', message: 'writing the sidecar', fraction: 0.96 + 0.03 * f }) });
  }
  timings.encodeMs = performance.now() - t0;
  // The preview is drawn from the document as saved (decoded), so it shows exactly what the
  // renderer will; it keeps the gates visible where Gatescope is not installed (GitHub, JupyterLab).
  const preview = job.settings.pngPreview ? renderPreviewPng(decodeTrace(document)) : undefined;
  // Read back from onnxruntime itself: what this worker's runtime was really configured with.
  const runtime = { numThreads: Number(ort.env.wasm.numThreads ?? 0) };
  return preview ? { type: 'traced', document, preview, runtime, timings } : { type: 'traced', document, runtime, timings };
}

parentPort!.once('message', (job: WorkerJob) => {
  const work = job.type === 'inspect' ? Promise.resolve().then(() => inspect(job)) : trace(job);
  work.then(post, (e: unknown) => {
    const err = e instanceof Error ? e : new Error(String(e));
    post({ type: 'failed', name: err.name, message: err.message });
  });
});
