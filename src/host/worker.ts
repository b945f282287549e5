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
import type { InspectJob, TraceJob, WorkerJob, WorkerReply } from './worker-protocol';

const PRODUCER = `gatescope ${VERSION} (vscode)`;

/** Gate arrays of one run in the extension host's worker: refused before computing beyond 2 GiB
 * (typed arrays live outside the worker's heap limit, WORKER_LIMITS in worker-client.ts). */
const HOST_MAX_MEMORY_BYTES = 2 * 2 ** 30;

function post(reply: WorkerReply): void {
  parentPort!.postMessage(reply);
}

function inspect(job: InspectJob): WorkerReply {
  const info = inspectOnnxModel(job.modelBytes);
  const summary = { inputs: info.inputs, gruNodes: info.gruNodes.length, warnings: info.warnings };
  return { type: 'inspected', summary: info.vocab ? { ...summary, vocab: info.vocab } : summary };
}

async function trace(job: TraceJob): Promise<WorkerReply> {
  const info = inspectOnnxModel(job.modelBytes);
  const vocab = job.vocab ?? info.vocab;
  const built = buildInputs(info.inputs, job.input, vocab);
  const tokens = job.tokens ?? built.tokens;
  const { input, timings } = await runOnnxTrace({
    modelBytes: job.modelBytes,
    inputs: built.feeds,
    engine: job.settings.engine,
    wasmDir: job.wasmDir,
    numThreads: job.settings.numThreads,
    maxMemoryBytes: HOST_MAX_MEMORY_BYTES,
    name: job.modelName,
    producer: PRODUCER,
    ...(tokens ? { tokens } : {}),
    onProgress: (fraction, stage) => post({ type: 'progress', message: stage, fraction: fraction * 0.9 }),
  });
  if (job.layers) {
    const present = [...new Set(input.layers.map((l) => l.layer))];
    const missing = job.layers.filter((l) => !present.includes(l));
    if (missing.length > 0) {
      throw new Error(`field \`layers\`: the model has no layer ${missing.join(', ')}; its recurrent layers are ${present.join(', ')}`);
    }
    input.layers = input.layers.filter((l) => job.layers!.includes(l.layer));
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
