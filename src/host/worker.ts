// Worker thread (dist/host/worker.js): runs the job pipeline (src/pipeline/) so the extension host's
// main thread never waits on onnxruntime-web or the gate recompute. The worker stays warm between
// jobs, one at a time (worker-client.ts sends the next only after the last reply), and keeps the
// decoded models and their onnxruntime sessions (ModelCache) for repeated runs of the same file.
// The host terminates it to cancel a run, on idle, and on deactivation. Sidecars are written with
// Node fs. Replies are defined in worker-protocol.ts.

import { parentPort } from 'node:worker_threads';
import { GruThreadPool, resolveThreadCount } from '../node/gru-threads';
import { openSidecarFile, sha256Hex, writeSidecarFile } from '../node/sidecar-file';
import { inspectModel, ModelCache, runPipeline } from '../pipeline';
import type { WorkerJob, WorkerMessage, WorkerReply } from './worker-protocol';

/** Gate arrays of one run in the extension host's worker: refused before computing beyond 2 GiB
 * (typed arrays live outside the worker's heap limit, WORKER_LIMITS in worker-client.ts). */
const HOST_MAX_MEMORY_BYTES = 2 * 2 ** 30;

const models = new ModelCache();

function post(reply: WorkerReply): void {
  parentPort!.postMessage(reply);
}

/**
 * The GRU engine's helper threads, kept with the warm worker (starting them costs 25–150 ms) and
 * replaced when gatescope.threads changes. Where helpers cannot start, the run goes on one thread
 * (threads only speed it up) and its trace says why. The helpers are unref'd and end with this worker.
 */
let pool: GruThreadPool | undefined;
function poolFor(threads: number): { pool?: GruThreadPool; warning?: string } {
  if (threads <= 1) return {};
  if (pool?.threads === threads) return { pool };
  pool?.close();
  pool = undefined;
  try {
    pool = new GruThreadPool(threads);
    return { pool };
  } catch (e) {
    return { warning: `gatescope.threads asked for ${threads} threads, but they could not start (${e instanceof Error ? e.message : String(e)}); the run used one thread` };
  }
}

async function run(job: WorkerJob): Promise<WorkerReply> {
  if (job.type === 'inspect') return { type: 'inspected', summary: inspectModel(job, models) };
  // gatescope.threads (0: available cores - 1).
  const { pool: gruThreads, warning } = poolFor(resolveThreadCount(job.settings.gruThreads || undefined));
  const io = {
    ...(gruThreads ? { gruThreads } : {}),
    ...(warning ? { warnings: [warning] } : {}),
    flavour: 'vscode',
    progress: (message: string, fraction: number) => post({ type: 'progress', message, fraction }),
    writeSidecar: writeSidecarFile,
    openSidecar: openSidecarFile,
    sha256: sha256Hex,
    maxMemoryBytes: HOST_MAX_MEMORY_BYTES,
    models,
  };
  return { type: 'traced', ...(await runPipeline(job, io)) };
}

// A file the host saw change is forgotten between jobs, never under a running one (its sessions are in use).
let running = 0;
const toForget = new Set<string>();

parentPort!.on('message', (message: WorkerMessage) => {
  if (message.type === 'forget') {
    if (running > 0) toForget.add(message.file);
    else void models.forget(message.file);
    return;
  }
  running++;
  run(message)
    .then(post, (e: unknown) => {
      const err = e instanceof Error ? e : new Error(String(e));
      post({ type: 'failed', name: err.name, message: err.message });
    })
    .finally(() => {
      if (--running > 0) return;
      for (const file of toForget) void models.forget(file);
      toForget.clear();
    });
});
