// Runs jobs in a worker thread (dist/host/worker.js) so the extension host's main thread never blocks
// on onnxruntime or the recompute. One worker stays warm between jobs (idle for up to
// WORKER_IDLE_MS), keeping decoded models and onnxruntime sessions for repeated runs of the same
// model file (src/pipeline/model-cache.ts). onnxruntime reads its thread count once per worker, so a
// job with another gatescope.onnxruntimeThreads (or other resource limits) gets a fresh warm worker;
// a job that arrives while the warm one is busy gets a one-off worker of its own.
// Cancelling terminates the worker running the job (the next job starts a fresh one); the promise
// settles only after the thread has exited.

import { Worker, type ResourceLimits } from 'node:worker_threads';
import { CancelledError, JobError, type JobHooks, type JobRunner } from './job-runner';
import type { ModelIdentity, ModelSummary, RuntimeReport, TraceJob, TraceTimings, WorkerJob, WorkerMessage, WorkerReply } from './worker-protocol';
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

/** A warm worker with no job for this long is terminated (its decoded models and sessions go with it). */
export const WORKER_IDLE_MS = 5 * 60 * 1000;

/** The worker's own failure as the user should read it. */
function workerFailure(e: Error, limits: ResourceLimits): Error {
  if ((e as NodeJS.ErrnoException).code === 'ERR_WORKER_OUT_OF_MEMORY') {
    return new JobError('WorkerMemoryError', `the Gatescope worker ran out of memory (its limit is ${limits.maxOldGenerationSizeMb} MB); trace fewer steps, a smaller batch or fewer layers (spec fields \`steps\`, \`layers\`)`);
  }
  return e;
}

/**
 * Sends `job` to `worker` and settles with its final reply. Cancelling terminates the worker and
 * rejects with CancelledError once it has exited; `onExit` is told whenever the thread ends.
 */
function runOn(worker: Worker, job: WorkerJob, hooks: JobHooks, limits: ResourceLimits, onExit: () => void): Promise<WorkerReply> {
  return new Promise((resolve, reject) => {
    let answered = false;
    let cancelled = false;
    let error: Error | undefined;
    const cleanup = (): void => {
      worker.off('message', onMessage);
      worker.off('error', onError);
      worker.off('exit', onGone);
      sub?.dispose();
    };
    const onMessage = (reply: WorkerReply): void => {
      if (reply.type === 'progress') return void hooks.onProgress?.(reply.message, reply.fraction);
      answered = true;
      cleanup();
      if (reply.type === 'failed') reject(reply.name === 'CancelledError' ? new CancelledError() : new JobError(reply.name, reply.message));
      else resolve(reply);
    };
    const onError = (e: Error): void => {
      error ??= workerFailure(e, limits);
    };
    const onGone = (): void => {
      cleanup();
      onExit();
      if (!answered) reject(cancelled ? new CancelledError() : (error ?? new Error('the Gatescope worker exited without an answer')));
    };
    worker.on('message', onMessage);
    worker.on('error', onError);
    worker.once('exit', onGone);
    const sub = hooks.token?.onCancellationRequested(() => {
      cancelled = true;
      void worker.terminate();
    });
    // Cloned, not transferred: workspace.fs may hand back a view of a pooled Node buffer.
    worker.postMessage(job);
  });
}

/** One job in a fresh worker, terminated after its reply (tests, and jobs beside a busy warm worker). */
async function runOnce(workerPath: string, job: WorkerJob, hooks: WorkerJobHooks): Promise<WorkerReply> {
  if (hooks.token?.isCancellationRequested) throw new CancelledError();
  const limits = hooks.resourceLimits ?? WORKER_LIMITS;
  const worker = new Worker(workerPath, { resourceLimits: limits });
  try {
    return await runOn(worker, job, hooks, limits, () => undefined);
  } finally {
    await worker.terminate();
  }
}

function traceResult(reply: WorkerReply, t0: number): { document: TraceDocument; preview?: Uint8Array; runtime: RuntimeReport; timings: TraceTimings & { workerMs: number } } {
  if (reply.type !== 'traced') throw new Error(`unexpected worker reply ${reply.type}`);
  const timings = { ...reply.timings, workerMs: performance.now() - t0 };
  return reply.preview ? { document: reply.document, preview: reply.preview, runtime: reply.runtime, timings } : { document: reply.document, runtime: reply.runtime, timings };
}

export async function inspectInWorker(workerPath: string, modelBytes: Uint8Array, hooks: WorkerJobHooks = {}): Promise<ModelSummary> {
  const reply = await runOnce(workerPath, { type: 'inspect', modelBytes }, hooks);
  if (reply.type !== 'inspected') throw new Error(`unexpected worker reply ${reply.type}`);
  return reply.summary;
}

/** One trace in a fresh worker. timings: the worker's stages, and workerMs: the whole job from starting the thread to its reply. */
export async function traceInWorker(workerPath: string, job: TraceJob, hooks: WorkerJobHooks = {}): Promise<ReturnType<typeof traceResult>> {
  const t0 = performance.now();
  return traceResult(await runOnce(workerPath, job, hooks), t0);
}

interface Warm {
  worker: Worker;
  /** What the worker was started for: onnxruntime's thread count (fixed once it has run) and its limits. */
  fit: string;
  busy: boolean;
  idle?: ReturnType<typeof setTimeout>;
}

export interface WorkerRunnerOptions {
  /** Overrides WORKER_IDLE_MS (tests). */
  idleMs?: number;
}

/** The Node extension host's runner: jobs in one warm worker thread (dist/host/worker.js). dispose() ends it. */
export function workerJobRunner(workerPath: string, opts: WorkerRunnerOptions = {}): JobRunner & { forget(file: string): void; dispose(): void } {
  const idleMs = opts.idleMs ?? WORKER_IDLE_MS;
  let warm: Warm | undefined;

  const retire = (w: Warm): void => {
    if (w.idle) clearTimeout(w.idle);
    if (warm === w) warm = undefined;
    void w.worker.terminate();
  };

  async function run(job: WorkerJob, hooks: WorkerJobHooks): Promise<WorkerReply> {
    if (hooks.token?.isCancellationRequested) throw new CancelledError();
    const limits = hooks.resourceLimits ?? WORKER_LIMITS;
    // An inspect job does not start onnxruntime, so any warm worker fits it.
    const fit = JSON.stringify([job.type === 'trace' ? job.settings.numThreads : undefined, limits]);
    if (warm?.busy) return runOnce(workerPath, job, hooks);
    if (warm && job.type === 'trace' && warm.fit !== fit) retire(warm);
    if (!warm) {
      const worker = new Worker(workerPath, { resourceLimits: limits });
      // An idle warm worker must not keep the extension host's process alive.
      worker.unref();
      warm = { worker, fit, busy: false };
    }
    const w = warm;
    if (w.idle) clearTimeout(w.idle);
    w.busy = true;
    try {
      return await runOn(w.worker, job, hooks, limits, () => {
        if (warm === w) warm = undefined;
      });
    } finally {
      w.busy = false;
      if (warm === w) {
        w.idle = setTimeout(() => retire(w), idleMs);
        w.idle.unref?.();
      }
    }
  }

  return {
    async inspect(modelBytes: Uint8Array, hooks: JobHooks = {}, modelIdentity?: ModelIdentity): Promise<ModelSummary> {
      const reply = await run(modelIdentity ? { type: 'inspect', modelBytes, modelIdentity } : { type: 'inspect', modelBytes }, hooks);
      if (reply.type !== 'inspected') throw new Error(`unexpected worker reply ${reply.type}`);
      return reply.summary;
    },
    async trace(job: TraceJob, hooks: JobHooks = {}) {
      const t0 = performance.now();
      return traceResult(await run(job, hooks), t0);
    },
    forget(file: string): void {
      // The worker defers it until its running job (if any) is done.
      warm?.worker.postMessage({ type: 'forget', file } satisfies WorkerMessage);
    },
    dispose(): void {
      if (warm) retire(warm);
    },
  };
}
