// Files the CLI reads (issue 15): regular files only, with a size cap, so a FIFO cannot hang it and
// /dev/zero cannot grow it without bound.
import * as assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { CliError, readFileOrFail } from '../../../src/cli/errors';

describe('CLI file reading', () => {
  let dir = '';
  before(() => {
    dir = mkdtempSync(path.join(tmpdir(), 'gatescope-read-'));
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('reads a regular file whole', () => {
    writeFileSync(path.join(dir, 'a.npy'), 'abc');
    assert.equal(new TextDecoder().decode(readFileOrFail(path.join(dir, 'a.npy'), 'input file')), 'abc');
  });

  it('refuses a FIFO at once instead of waiting for a writer', () => {
    const fifo = path.join(dir, 'pipe.onnx');
    execFileSync('mkfifo', [fifo]);
    assert.throws(() => readFileOrFail(fifo, 'model file'), (e: unknown) => e instanceof CliError && /cannot read model file '.*pipe\.onnx': it is a FIFO \(named pipe\), not a regular file; save the data to a file first/.test(e.message));
  });

  it('refuses a device such as /dev/zero', () => {
    assert.throws(() => readFileOrFail('/dev/zero', 'model file'), (e: unknown) => e instanceof CliError && /'\/dev\/zero': it is a character device, not a regular file/.test(e.message));
  });

  it('refuses a file above the size cap before reading it', () => {
    writeFileSync(path.join(dir, 'big.json'), 'x'.repeat(2000));
    assert.throws(() => readFileOrFail(path.join(dir, 'big.json'), 'input file', 1000), (e: unknown) => e instanceof CliError && /is 2000 bytes, above the 1000-byte limit for an input file/.test(e.message));
  });

  it('names a missing file and a directory', () => {
    assert.throws(() => readFileOrFail(path.join(dir, 'nope'), 'input file'), /no such file; check the path/);
    assert.throws(() => readFileOrFail(dir, 'input file'), /it is a directory/);
  });
});
