// `gatescope export` checked from outside: test/python/check_export.py decodes each trace with numpy
// alone (inline base64 and the safetensors sidecar) and compares with the .npy files bit for bit.
// Runs only where /usr/bin/python3 imports numpy; otherwise skipped with the reason printed.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { exportCommand } from '../../../src/cli/export-command';
import { encodeTrace } from '../../../src/core/trace/encode';
import { writeSidecarFile } from '../../../src/node/sidecar-file';
import { makeInput } from '../core/trace/make-trace';

const ROOT = path.resolve(__dirname, '../../..');
const PYTHON = '/usr/bin/python3';
const SCRIPT = path.join(ROOT, 'test/python/check_export.py');

function numpyMissing(): string | undefined {
  if (!fs.existsSync(PYTHON)) return `${PYTHON} is not installed`;
  const r = spawnSync(PYTHON, ['-c', 'import numpy'], { encoding: 'utf8' });
  return r.status === 0 ? undefined : `${PYTHON} cannot import numpy (${r.stderr.trim().split('\n').at(-1)})`;
}

describe('gatescope export checked with numpy (test/python/check_export.py)', function () {
  this.timeout(60000);
  let dir = '';
  before(function () {
    const why = numpyMissing();
    if (why) {
      console.log(`      skipped: ${why}`);
      this.skip();
    }
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'gatescope-npcheck-'));
  });
  after(() => dir && fs.rmSync(dir, { recursive: true, force: true }));

  async function check(trace: string, name: string): Promise<void> {
    const out = path.join(dir, `${name}-npy`);
    assert.equal(await exportCommand([trace, '--out', out], () => undefined), 0);
    const r = spawnSync(PYTHON, [SCRIPT, trace, out], { encoding: 'utf8' });
    assert.equal(r.status, 0, `${r.stdout}${r.stderr}`);
    assert.match(r.stdout, /equal/);
  }

  for (const v of ['v1', 'v2']) {
    for (const file of fs.readdirSync(path.join(ROOT, 'test/fixtures/trace', v)).filter((f) => f.endsWith('.json'))) {
      it(`agrees on the ${v} fixture ${file}`, () => check(path.join(ROOT, 'test/fixtures/trace', v, file), file));
    }
  }

  for (const precision of ['float32', 'float16', 'uint8'] as const) {
    it(`agrees on an inline version-2 ${precision} trace with masks and a run b`, async () => {
      const a = makeInput({ batch: 2, steps: 11, hidden: [4, 3], bidirectional: true, seed: 51 });
      a.sequenceLengths = [11, 6];
      a.layers[0]!.gates.h![2] = NaN;
      a.layers[0]!.gates.n![5] = Infinity;
      a.layers.push({ ...a.layers[0]!, run: 'b' });
      a.compare = { a: { label: 'x' }, b: { label: 'y' }, tolerance: 0 };
      const trace = path.join(dir, `inline-${precision}.json`);
      fs.writeFileSync(trace, JSON.stringify(encodeTrace(a, { precision, maxBytes: Infinity }).document));
      await check(trace, `inline-${precision}`);
    });
  }

  for (const precision of ['float32', 'float16', 'uint8'] as const) {
    it(`agrees on a version-2 trace whose level 0 is in a ${precision} sidecar`, async () => {
      const input = makeInput({ batch: 2, steps: 400, hidden: [5], seed: 52 });
      input.sequenceLengths = [400, 257];
      const enc = encodeTrace(input, { maxBytes: 20_000, sidecar: { stem: `side-${precision}`, precision } });
      assert.ok(enc.sidecar);
      enc.document.sidecar = await writeSidecarFile(enc.sidecar, dir);
      const trace = path.join(dir, `side-${precision}.json`);
      fs.writeFileSync(trace, JSON.stringify(enc.document));
      await check(trace, `side-${precision}`);
    });
  }
});
