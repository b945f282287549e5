// The Node host's warm worker (worker-client.ts), with a stand-in worker script that reports which
// thread ran each job and how many jobs that thread has run: reuse between jobs, a fresh thread for
// another onnxruntime thread count, after cancelling, after idling and after dispose, and a one-off
// thread beside a busy warm one.
import * as assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import type { CancellationToken } from 'vscode';
import { CancelledError, workerJobRunner } from '../../../src/host/worker-client';
import type { TraceJob } from '../../../src/host/worker-protocol';

const STAND_IN = `
const { parentPort, threadId } = require('node:worker_threads');
let jobs = 0;
parentPort.on('message', (job) => {
  jobs++;
  const n = jobs;
  const reply = () => parentPort.postMessage({ type: 'traced', document: {}, runtime: { numThreads: job.settings.numThreads, thread: threadId, jobs: n }, timings: { prepareMs: 0, sessionMs: 0, runMs: 0, gatesMs: 0, encodeMs: 0 } });
  setTimeout(reply, job.modelName === 'slow' ? 3000 : 0);
});`;

function job(modelName: string, numThreads = 1): TraceJob {
  return { type: 'trace', modelName, modelBytes: new Uint8Array(4), input: { kind: 'random', seed: 0, steps: 1 }, settings: { engine: 'onnxruntime', precision: 'auto', maxBytes: 1, numThreads, pngPreview: false }, wasmDir: '' };
}

/** A cancellation token (VS Code's interface) with its cancel(). */
function tokenSource(): { token: CancellationToken; cancel(): void } {
  const listeners: (() => void)[] = [];
  let cancelled = false;
  const token = {
    get isCancellationRequested() {
      return cancelled;
    },
    onCancellationRequested: (cb: () => void) => {
      listeners.push(cb);
      return { dispose: () => undefined };
    },
  } as unknown as CancellationToken;
  return { token, cancel: () => { cancelled = true; listeners.forEach((l) => l()); } };
}

type Where = { thread: number; jobs: number; numThreads: number };
const where = (r: { runtime: object }): Where => r.runtime as Where;

describe('warm worker (worker-client.ts)', function () {
  this.timeout(30000);
  let dir = '';
  let script = '';
  before(() => {
    dir = mkdtempSync(path.join(tmpdir(), 'gatescope-warm-'));
    script = path.join(dir, 'stand-in.js');
    writeFileSync(script, STAND_IN);
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('runs repeated jobs in the same thread, and a job for another thread count in a fresh one', async () => {
    const runner = workerJobRunner(script);
    try {
      const a = where(await runner.trace(job('m')));
      const b = where(await runner.trace(job('m')));
      assert.equal(b.thread, a.thread);
      assert.equal(b.jobs, a.jobs + 1);
      const c = where(await runner.trace(job('m', 2)));
      assert.notEqual(c.thread, a.thread);
      assert.deepEqual([c.jobs, c.numThreads], [1, 2]);
    } finally {
      runner.dispose();
    }
  });

  it('cancelling terminates the warm thread at once; the next job starts a fresh one', async () => {
    const runner = workerJobRunner(script);
    try {
      const first = where(await runner.trace(job('m')));
      const source = tokenSource();
      const pending = runner.trace(job('slow'), { token: source.token });
      await new Promise((r) => setTimeout(r, 100));
      const t0 = Date.now();
      source.cancel();
      await assert.rejects(pending, (e: unknown) => e instanceof CancelledError);
      assert.ok(Date.now() - t0 < 2000, 'settled well before the 3 s job would have');
      const next = where(await runner.trace(job('m')));
      assert.notEqual(next.thread, first.thread);
      assert.equal(next.jobs, 1);
    } finally {
      runner.dispose();
    }
  });

  it('gives a job that comes while the warm thread is busy a thread of its own', async () => {
    const runner = workerJobRunner(script);
    try {
      const slow = runner.trace(job('slow'));
      await new Promise((r) => setTimeout(r, 100));
      const beside = where(await runner.trace(job('m')));
      const warm = where(await slow);
      assert.notEqual(beside.thread, warm.thread);
      const after = where(await runner.trace(job('m')));
      assert.equal(after.thread, warm.thread, 'the warm thread is kept, the one-off one is not');
    } finally {
      runner.dispose();
    }
  });

  it('ends the warm thread after its idle time and on dispose', async () => {
    const runner = workerJobRunner(script, { idleMs: 50 });
    const a = where(await runner.trace(job('m')));
    await new Promise((r) => setTimeout(r, 200));
    const b = where(await runner.trace(job('m')));
    assert.notEqual(b.thread, a.thread);
    runner.dispose();
    const c = where(await runner.trace(job('m')));
    assert.notEqual(c.thread, b.thread);
    runner.dispose();
  });
});
