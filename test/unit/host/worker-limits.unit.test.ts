// The extension host's worker runs with resourceLimits, and running out of them is one clear
// message, not a dead worker and a silent hang (issue 15).
import * as assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { JobError, traceInWorker, WORKER_LIMITS } from '../../../src/host/worker-client';
import type { TraceJob } from '../../../src/host/worker-protocol';

describe('host worker limits', function () {
  this.timeout(60000);
  let dir = '';
  before(() => {
    dir = mkdtempSync(path.join(tmpdir(), 'gatescope-worker-'));
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('gives every worker a JS heap limit', () => {
    assert.ok(WORKER_LIMITS.maxOldGenerationSizeMb! > 0 && WORKER_LIMITS.maxOldGenerationSizeMb! <= 4096);
  });

  it('a worker that exceeds its heap limit ends the job with one clear message', async () => {
    const script = path.join(dir, 'hog.js');
    // Keeps every array reachable until the heap limit ends the thread.
    writeFileSync(script, "const { parentPort } = require('node:worker_threads'); parentPort.once('message', () => { const keep = []; for (;;) keep.push(new Array(1e5).fill({ a: 1 })); });");
    const job = { type: 'trace' } as TraceJob;
    await assert.rejects(traceInWorker(script, job, { resourceLimits: { maxOldGenerationSizeMb: 32, maxYoungGenerationSizeMb: 8 } }), (e: unknown) => e instanceof JobError && /ran out of memory \(its limit is 32 MB\); trace fewer steps, a smaller batch or fewer layers/.test(e.message));
  });
});
