// Worker thread (dist/host/worker.js): one job per worker, then the host terminates it. Runs the
// shared job pipeline (job-pipeline.ts) so the extension host's main thread never waits on
// onnxruntime-web or the gate recompute; sidecars are written with Node fs. Replies are defined in
// worker-protocol.ts.

import { parentPort } from 'node:worker_threads';
import { openSidecarFile, sha256Hex, writeSidecarFile } from '../node/sidecar-file';
import { runPipelineJob } from './job-pipeline';
import type { WorkerJob, WorkerReply } from './worker-protocol';

/** Gate arrays of one run in the extension host's worker: refused before computing beyond 2 GiB
 * (typed arrays live outside the worker's heap limit, WORKER_LIMITS in worker-client.ts). */
const HOST_MAX_MEMORY_BYTES = 2 * 2 ** 30;

function post(reply: WorkerReply): void {
  parentPort!.postMessage(reply);
}

parentPort!.once('message', (job: WorkerJob) => {
  runPipelineJob(job, { flavour: 'vscode', progress: post, writeSidecar: writeSidecarFile, openSidecar: openSidecarFile, sha256: sha256Hex, maxMemoryBytes: HOST_MAX_MEMORY_BYTES }).then(post, (e: unknown) => {
    const err = e instanceof Error ? e : new Error(String(e));
    post({ type: 'failed', name: err.name, message: err.message });
  });
});
