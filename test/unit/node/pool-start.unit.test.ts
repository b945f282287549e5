// A helper thread that the OS pauses right after it reports ready must still take the pool's first
// job. Before the fix it read the job generation only after that pause, took the first job's
// generation for the one it had already seen, and the caller waited for it forever (found as an
// intermittent hang of gru-threads.unit.test.ts on the loaded 2-core machine). The run happens in a
// child process because a hang blocks its thread synchronously, where no test timeout can end it.
import * as assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as path from 'node:path';

const ROOT = path.resolve(__dirname, '../../..');

const CHILD = `
const { GruThreadPool } = require('./src/node/gru-threads');
const { fromOnnx, runGru } = require('./src/core/gru');
const H = 40, I = 6, T = 12;
const fill = (n, s) => Float32Array.from({ length: n }, (_, i) => Math.sin(i * 12.9898 + s) * 0.4);
const model = fromOnnx({ W: { dims: [1, 3 * H, I], data: fill(3 * H * I, 1) }, R: { dims: [1, 3 * H, H], data: fill(3 * H * H, 2) }, B: { dims: [1, 6 * H], data: fill(6 * H, 3) }, hiddenSize: H, direction: 'forward', linearBeforeReset: true });
const x = fill(T * I, 4);
const pool = new GruThreadPool(3, { holdAfterReady: true });
const many = runGru(model, x, { batch: 1, steps: T, kernel: pool.kernel() }).layers[0];
const one = runGru(model, x, { batch: 1, steps: T, kernel: 'wasm' }).layers[0];
pool.close();
for (const g of ['r', 'z', 'n', 'h']) for (let i = 0; i < one[g].length; i++) if (!Object.is(one[g][i], many[g][i])) { console.log('differs', g, i); process.exit(3); }
console.log('ran');
`;

describe('GRU thread pool start-up', function () {
  this.timeout(60000);
  it('a helper paused right after it reports ready still takes the first job (no hang)', () => {
    const r = spawnSync(process.execPath, ['--require', 'tsx/cjs', '-e', CHILD], { cwd: ROOT, timeout: 30000, encoding: 'utf8' });
    assert.equal(r.error?.message, undefined, `the child did not finish within 30 s (the first job waited for a helper that never took it): ${r.error?.message}`);
    assert.equal(r.status, 0, `child exited ${r.status}: ${r.stdout}${r.stderr}`);
    assert.match(r.stdout, /ran/);
  });
});
