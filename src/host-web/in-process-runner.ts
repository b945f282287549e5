// The web extension host's job runner. The web host is itself a Web Worker with no worker_threads,
// and nested workers break on vscode.dev (docs/web-extension.md), so the shared pipeline
// (src/pipeline/) runs here, in-process: it gives the event loop a turn between stages (progress
// reports and cancellation get through), one job at a time, onnxruntime-web on one thread. Being
// in-process, it is always warm: decoded models and sessions stay in its ModelCache until dispose().

import type { SidecarRef } from '../core/trace/document';
import { writeSidecar, type SidecarPlan } from '../core/trace/encode';
import type { JobHooks, JobRunner, TraceJobResult } from '../host/job-runner';
import { CancelledError, JobError } from '../host/job-runner';
import { inspectModel, ModelCache, runPipeline, type PipelineIO } from '../pipeline';
import type { ModelIdentity, ModelSummary, PipelineResult, TraceJob, WorkerJob } from '../host/worker-protocol';

export interface InProcessRunnerOptions {
  /** onnxruntime-web's .wasm bytes (read once, on the first trace, from the extension's own URI). */
  loadWasm: () => Promise<Uint8Array>;
  /**
   * Writes a whole file (the extension: vscode.workspace.fs.writeFile). With it, a run beyond the
   * output budget writes its sidecar, assembled in memory, to `${job.sidecar.dir}/${name}`, where
   * dir is the notebook folder's URI as a string (sidecar-target.ts).
   */
  writeFile?: (dir: string, name: string, bytes: Uint8Array) => Promise<void>;
}

/**
 * Gate arrays of one run in the web host, refused before computing beyond this (bytes): the web host
 * is one browser worker shared with every other web extension, with no heap limit of its own.
 */
export const WEB_MAX_MEMORY_BYTES = 1024 * 1024 * 1024;

/** Largest sidecar assembled in memory here (bytes): the web host is one browser worker. */
export const MAX_WEB_SIDECAR_BYTES = 1024 * 1024 * 1024;

const hex = (buf: ArrayBuffer): string => Array.from(new Uint8Array(buf), (b) => b.toString(16).padStart(2, '0')).join('');

/** SHA-256 through the Web Crypto API, hex. */
export async function webSha256(bytes: Uint8Array): Promise<string> {
  return hex(await crypto.subtle.digest('SHA-256', bytes as Uint8Array<ArrayBuffer>));
}

function sidecarWriter(writeFile: NonNullable<InProcessRunnerOptions['writeFile']>): NonNullable<PipelineIO['writeSidecar']> {
  return async (plan: SidecarPlan, dir: string, progress): Promise<SidecarRef> => {
    const total = plan.layout.totalBytes;
    if (total > MAX_WEB_SIDECAR_BYTES) {
      throw new Error(
        `the run needs a ${(total / 2 ** 20).toFixed(0)} MB sidecar; in the web extension host Gatescope writes sidecars up to ${MAX_WEB_SIDECAR_BYTES / 2 ** 20} MB: trace fewer steps, or run it in desktop VS Code`,
      );
    }
    const file = new Uint8Array(total);
    const ref = await writeSidecar(plan, { write: async (bytes, position) => void file.set(bytes, position) }, webSha256, progress);
    await writeFile(dir, ref.file, file);
    return ref;
  };
}

/** A macrotask turn: lets the host deliver messages (cancellation, UI requests) between stages. */
const yieldToHost = (): Promise<void> => new Promise((resolve) => setTimeout(resolve, 0));

export function inProcessJobRunner(opts: InProcessRunnerOptions): JobRunner & { forget(file: string): void; dispose(): void } {
  let wasm: Promise<Uint8Array> | undefined;
  const models = new ModelCache();
  // Jobs queue behind each other: onnxruntime-web (no proxy, one thread) runs one at a time anyway,
  // and a cancelled job must not leave the next one waiting on a half-finished run.
  let queue: Promise<unknown> = Promise.resolve();

  async function run(job: WorkerJob, hooks: JobHooks): Promise<PipelineResult | ModelSummary> {
    const signal = { aborted: false };
    const sub = hooks.token?.onCancellationRequested(() => {
      signal.aborted = true;
    });
    const io: PipelineIO = {
      flavour: 'vscode web',
      progress: (message, fraction) => hooks.onProgress?.(message, fraction),
      signal,
      yieldToHost,
      maxMemoryBytes: WEB_MAX_MEMORY_BYTES,
      models,
    };
    if (opts.writeFile) io.writeSidecar = sidecarWriter(opts.writeFile);
    const start = queue.catch(() => undefined);
    const done = start.then(async () => {
      if (hooks.token?.isCancellationRequested) signal.aborted = true;
      if (signal.aborted) throw new CancelledError();
      if (job.type === 'inspect') {
        await yieldToHost();
        return inspectModel(job, models);
      }
      wasm ??= opts.loadWasm().catch((e: unknown) => {
        wasm = undefined;
        throw e;
      });
      // One thread whatever gatescope.onnxruntimeThreads says: threads need SharedArrayBuffer,
      // which the web host (not cross-origin isolated) lacks.
      return runPipeline({ ...job, wasmBinary: job.wasmBinary ?? (await wasm), settings: { ...job.settings, numThreads: 1 } }, io);
    });
    queue = done;
    try {
      return await done;
    } catch (e) {
      if (signal.aborted || e instanceof CancelledError) throw new CancelledError();
      const err = e instanceof Error ? e : new Error(String(e));
      throw new JobError(err.name, err.message);
    } finally {
      sub?.dispose();
    }
  }

  return {
    async inspect(modelBytes: Uint8Array, hooks: JobHooks = {}, modelIdentity?: ModelIdentity): Promise<ModelSummary> {
      return (await run(modelIdentity ? { type: 'inspect', modelBytes, modelIdentity } : { type: 'inspect', modelBytes }, hooks)) as ModelSummary;
    },
    async trace(job: TraceJob, hooks: JobHooks = {}): Promise<TraceJobResult> {
      const t0 = performance.now();
      const reply = (await run(job, hooks)) as PipelineResult;
      const timings = { ...reply.timings, workerMs: performance.now() - t0 };
      const out: TraceJobResult = { document: reply.document, runtime: reply.runtime, timings };
      if (reply.preview) out.preview = reply.preview;
      return out;
    },
    forget(file: string): void {
      // Behind the queued jobs: never under a running one (its sessions are in use).
      queue = queue.catch(() => undefined).then(() => models.forget(file));
    },
    dispose(): void {
      void models.clear();
    },
  };
}
