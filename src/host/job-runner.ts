// How the host runs a job (inspect a model, trace it) without caring where: the Node extension host
// runs the pipeline in a warm worker thread (worker-client.ts), the web extension host in-process
// (src/host-web/in-process-runner.ts). Both run the same pipeline (src/pipeline/). No Node import
// here: the web entry's import closure passes through this file (scripts/lint-boundaries.js).

import type { CancellationToken } from 'vscode';
import type { TraceDocument } from '../core/trace/document';
import type { ModelIdentity, ModelSummary, RuntimeReport, TraceJob, TraceTimings } from './worker-protocol';

/** The one cancellation error (src/core/cancel.ts): a cancelled job rejects with it, whatever stage it was in. */
export { CancelledError } from '../core/cancel';

/** A job that failed inside the pipeline; `message` is the pipeline's own error text. */
export class JobError extends Error {
  constructor(readonly kind: string, message: string) {
    super(message);
    this.name = kind;
  }
}

export interface JobHooks {
  token?: CancellationToken;
  onProgress?: (message: string, fraction?: number) => void;
}

export interface TraceJobResult {
  document: TraceDocument;
  preview?: Uint8Array;
  runtime: RuntimeReport;
  /** The pipeline's stages, and workerMs: the whole job as the host saw it (ms). */
  timings: TraceTimings & { workerMs: number };
}

export interface JobRunner {
  /** `modelIdentity`: the file's, so a run after the inspection finds the model decoded (model-cache.ts). */
  inspect(modelBytes: Uint8Array, hooks?: JobHooks, modelIdentity?: ModelIdentity): Promise<ModelSummary>;
  trace(job: TraceJob, hooks?: JobHooks): Promise<TraceJobResult>;
  /** Drops what is kept warm of a model file (its URI as a string) that changed or went away. */
  forget?(file: string): void;
  /** Ends the runner's warm state (worker, decoded models, sessions): the extension's deactivation. */
  dispose?(): void;
}
