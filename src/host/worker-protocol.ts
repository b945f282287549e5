// Messages between the extension host and dist/host/worker.js. The worker stays warm between jobs
// (one job at a time; worker-client.ts) and keeps decoded models and onnxruntime sessions
// (src/pipeline/model-cache.ts); the host terminates it to cancel. Everything travels by structured
// clone (typed arrays included). The jobs themselves are the pipeline's (src/pipeline/job.ts).

import type { TraceDocument } from '../core/trace/document';
import type { Spec } from '../core/spec/spec';
import type { TraceTimings } from '../onnx';
import type { InspectJob, JobInput, ModelSummary, PipelineJob, RuntimeReport } from '../pipeline/job';

export type { Backend, CompareJob, InspectJob, JobInput, ModelIdentity, ModelInputSummary, ModelSummary, PipelineResult, RunSettings, RuntimeReport } from '../pipeline/job';

/** A trace job as the host sends it: the user's input as chosen in the editor (cloneable). */
export type TraceJob = PipelineJob<JobInput>;

export type WorkerJob = TraceJob | InspectJob;

/** What the host sends: a job (answered), or a model file to forget (it changed; no answer). */
export type WorkerMessage = WorkerJob | { type: 'forget'; file: string };

export type WorkerReply =
  | { type: 'progress'; message: string; fraction?: number }
  | { type: 'inspected'; summary: ModelSummary }
  /** timings: the worker's stages in ms (src/onnx TraceTimings, encodeMs = encodeTrace). */
  | { type: 'traced'; document: TraceDocument; preview?: Uint8Array; runtime: RuntimeReport; timings: TraceTimings }
  | { type: 'failed'; name: string; message: string };

/**
 * Where the time of one run went, in ms (written to the trace output's metadata, see cell-output.ts):
 * the worker's stages, the whole worker job as the host saw it (thread start, loading the bundle and
 * onnxruntime's .wasm, the stages, copying the reply back), and serialising the output's JSON.
 */
export interface RunTimings extends TraceTimings {
  workerMs: number;
  serializeMs: number;
  /** Epoch ms: the cell's execution started; the output was handed to VS Code. */
  startedAt: number;
  writtenAt: number;
}

export type { TraceTimings };

/** Re-export for callers that build jobs from spec cells. */
export type { Spec };
