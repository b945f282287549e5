// Runs one job in a fresh worker thread (dist/host/worker.js) so the extension host's main thread
// never blocks on onnxruntime or the recompute. A fresh worker per job also gives each run the
// onnxruntime thread count of its settings (onnxruntime reads it once per process/worker).
// Cancelling terminates the worker; the promise settles only after the thread has exited.

import { Worker, type ResourceLimits } from 'node:worker_threads';
import { CancelledError, JobError, type JobHooks, type JobRunner } from './job-runner';
import type { ModelSummary, RuntimeReport, TraceJob, InspectJob, TraceTimings, WorkerReply } from './worker-protocol';
import type { TraceDocument } from '../core/trace/document';

export { CancelledError, JobError, type JobHooks } from './job-runner';

/** JobHooks of a worker-thread job. */
export interface WorkerJobHooks extends JobHooks {
  /** Overrides WORKER_LIMITS (tests). */
  resourceLimits?: ResourceLimits;
}

/**
 * Every job's worker gets a JS heap limit, so a run cannot grow the extension host without bound
 * (0.1.0 peaked at 3.7-6.3 GB). Typed arrays live outside this heap: the ONNX path bounds them by
 * its own estimate (src/onnx/estimate.ts, HOST_MAX_MEMORY_BYTES in worker.ts) before computing.
 * 2 GB holds the largest trace gatescope.maxOutputMB allows (256 MB of JSON) several times over.
 */
export const WORKER_LIMITS: ResourceLimits = { maxOldGenerationSizeMb: 2048, maxYoungGenerationSizeMb: 64 };

/** The worker's own failure as the user should read it. */
function workerFailure(e: Error, limits: ResourceLimits): Error {
  if ((e as NodeJS.ErrnoException).code === 'ERR_WORKER_OUT_OF_MEMORY') {
    return new JobError('WorkerMemoryError', `the Gatescope worker ran out of memory (its limit is ${limits.maxOldGenerationSizeMb} MB); trace fewer steps, a smaller batch or fewer layers (spec fields \`steps\`, \`layers\`)`);
  }
  return e;
}

function runJob(workerPath: string, job: TraceJob | InspectJob, hooks: WorkerJobHooks): Promise<WorkerReply> {
  return new Promise((resolve, reject) => {
    if (hooks.token?.isCancellationRequested) return reject(new CancelledError());
    const limits = hooks.resourceLimits ?? WORKER_LIMITS;
    const worker = new Worker(workerPath, { resourceLimits: limits });
    let settled: { ok: true; reply: WorkerReply } | { ok: false; error: Error } | undefined;
    const finish = (): void => {
      sub?.dispose();
      if (!settled) reject(new Error('the Gatescope worker exited without an answer'));
      else if (settled.ok) resolve(settled.reply);
      else reject(settled.error);
    };
    worker.once('exit', finish);
    worker.on('error', (e) => {
      settled ??= { ok: false, error: workerFailure(e, limits) };
    });
    worker.on('message', (reply: WorkerReply) => {
      if (reply.type === 'progress') return hooks.onProgress?.(reply.message, reply.fraction);
      settled ??= reply.type === 'failed' ? { ok: false, error: new JobError(reply.name, reply.message) } : { ok: true, reply };
      void worker.terminate();
    });
    const sub = hooks.token?.onCancellationRequested(() => {
      settled ??= { ok: false, error: new CancelledError() };
      void worker.terminate();
    });
    // Cloned, not transferred: workspace.fs may hand back a view of a pooled Node buffer.
    worker.postMessage(job);
  });
}

export async function inspectInWorker(workerPath: string, modelBytes: Uint8Array, hooks: WorkerJobHooks = {}): Promise<ModelSummary> {
  const reply = await runJob(workerPath, { type: 'inspect', modelBytes }, hooks);
  if (reply.type !== 'inspected') throw new Error(`unexpected worker reply ${reply.type}`);
  return reply.summary;
}

/** timings: the worker's stages, and workerMs: the whole job from starting the thread to its reply. */
export async function traceInWorker(workerPath: string, job: TraceJob, hooks: WorkerJobHooks = {}): Promise<{ document: TraceDocument; preview?: Uint8Array; runtime: RuntimeReport; timings: TraceTimings & { workerMs: number } }> {
  const t0 = performance.now();
  const reply = await runJob(workerPath, job, hooks);
  if (reply.type !== 'traced') throw new Error(`unexpected worker reply ${reply.type}`);
  const timings = { ...reply.timings, workerMs: performance.now() - t0 };
  return reply.preview ? { document: reply.document, preview: reply.preview, runtime: reply.runtime, timings } : { document: reply.document, runtime: reply.runtime, timings };
}

/** The Node extension host's runner: every job in a fresh worker thread (dist/host/worker.js). */
export function workerJobRunner(workerPath: string): JobRunner {
  return {
    inspect: (modelBytes, hooks) => inspectInWorker(workerPath, modelBytes, hooks),
    trace: (job, hooks) => traceInWorker(workerPath, job, hooks),
  };
}
