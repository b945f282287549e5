// Output writing of the CLI (issue 15): every write checked, short writes continued, failures one
// clear CliError; --out written through a temporary file and a rename; --out never one of the inputs.
import * as assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { CliError } from '../../../src/cli/errors';
import { jsonChunks, refuseOutIsInput, writeAll, writeFileAtomic } from '../../../src/cli/write-output';
import { encodeTrace } from '../../../src/core/trace/encode';
import { makeInput } from '../core/trace/make-trace';

const bytes = (n: number) => Uint8Array.from({ length: n }, (_, i) => i & 255);

describe('CLI output writing', () => {
  let dir = '';
  before(() => {
    dir = mkdtempSync(path.join(tmpdir(), 'gatescope-write-'));
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('continues after short writes until every byte is out', () => {
    const got: number[] = [];
    writeAll((buf, off, len) => {
      const n = Math.min(len, 3);
      for (let i = 0; i < n; i++) got.push(buf[off + i]!);
      return n;
    }, bytes(10), 'standard output');
    assert.deepEqual(got, Array.from(bytes(10)));
  });

  it('retries EAGAIN (a non-blocking pipe that is full) and fails on a write that makes no progress', () => {
    let calls = 0;
    writeAll((_b, _o, len) => {
      if (calls++ === 0) throw Object.assign(new Error('EAGAIN'), { code: 'EAGAIN' });
      return len;
    }, bytes(4), 'standard output');
    assert.equal(calls, 2);
    assert.throws(() => writeAll(() => 0, bytes(4), 'standard output'), (e: unknown) => e instanceof CliError && /standard output: the write made no progress after 0 bytes/.test(e.message));
  });

  it('turns ENOSPC and EFBIG into one line saying how much was written and what to do', () => {
    let first = true;
    const full = (_b: Uint8Array, _o: number, len: number) => {
      if (first) {
        first = false;
        return Math.min(len, 5);
      }
      throw Object.assign(new Error('ENOSPC: no space left on device, write'), { code: 'ENOSPC' });
    };
    assert.throws(() => writeAll(full, bytes(9), 'standard output'), (e: unknown) => e instanceof CliError && /^cannot write standard output: no space left on the device after 5 bytes; free space or write elsewhere$/.test(e.message));
  });

  it('writes --out through a temporary file and a rename, leaving nothing else behind', () => {
    const out = path.join(dir, 'trace.json');
    writeFileSync(out, 'old');
    writeFileAtomic(out, new TextEncoder().encode('{"new": true}'));
    assert.equal(readFileSync(out, 'utf8'), '{"new": true}');
    assert.deepEqual(readdirSync(dir), ['trace.json']);
  });

  it('leaves the old file and no temporary file when the write fails', () => {
    const out = path.join(dir, 'keep.json');
    writeFileSync(out, 'old');
    const failing = () => {
      throw Object.assign(new Error('ENOSPC'), { code: 'ENOSPC' });
    };
    assert.throws(() => writeFileAtomic(out, bytes(100), failing), (e: unknown) => e instanceof CliError && /^cannot write '.*keep\.json': no space left/.test(e.message));
    assert.equal(readFileSync(out, 'utf8'), 'old');
    assert.deepEqual(readdirSync(dir).filter((f) => f.includes('keep')), ['keep.json']);
  });

  it('names a missing folder for --out', () => {
    assert.throws(() => writeFileAtomic(path.join(dir, 'no', 'such', 'x.json'), bytes(1)), (e: unknown) => e instanceof CliError && /the folder .* does not exist/.test(e.message));
  });

  it('refuses an --out that is one of the inputs, also through a symlink or another spelling', () => {
    const input = path.join(dir, 'x.npy');
    writeFileSync(input, 'x');
    symlinkSync(input, path.join(dir, 'link.npy'));
    for (const out of [input, path.join(dir, 'link.npy'), path.join(dir, '.', 'sub', '..', 'x.npy')]) {
      assert.throws(() => refuseOutIsInput(out, [{ file: input, what: 'input file' }]), (e: unknown) => e instanceof CliError && e.exitCode === 2 && /--out .* is the input file .*; write the trace elsewhere/.test(e.message), out);
    }
    refuseOutIsInput(path.join(dir, 'other.json'), [{ file: input, what: 'input file' }]);
    assert.ok(!existsSync(path.join(dir, 'other.json')));
  });
});

describe('streamed JSON of a trace', () => {
  it('writes exactly JSON.stringify(doc) in pieces, a long gate\'s data in slices of 1M characters', () => {
    // 2 x 3000 steps x 200 units float32: 3.2M base64 characters per gate.
    const doc = encodeTrace(makeInput({ batch: 2, steps: 3000, hidden: [200], seed: 3 }), { precision: 'float32', maxBytes: Infinity }).document;
    const chunks: string[] = [];
    jsonChunks(doc as unknown as Record<string, unknown>, (c) => chunks.push(c));
    const text = JSON.stringify(doc);
    assert.equal(chunks.join(''), text);
    assert.ok(Math.max(...chunks.map((c) => c.length)) <= 2 ** 20 + 2, 'no piece holds a whole gate');
    assert.ok(chunks.length >= text.length / 2 ** 20);
  });

  it('writes what JSON.stringify writes for undefined, functions, non-finite numbers, nesting and a surrogate pair at a slice edge', () => {
    const long = `${'a'.repeat(2 ** 20 - 1)}\u{1F600}${'"\\\n'.repeat(5)}`;
    const doc = { a: undefined, b: [1, undefined, () => 0, NaN, -Infinity, null], c: { d: 'x\u2028', e: () => 1, f: [[], {}] }, g: long, h: '\ud800 lone' };
    const chunks: string[] = [];
    jsonChunks(doc as unknown as Record<string, unknown>, (c) => chunks.push(c));
    assert.equal(chunks.join(''), JSON.stringify(doc));
  });

  it('writes a streamed --out file atomically', () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'gatescope-stream-'));
    try {
      const out = path.join(dir, 't.json');
      writeFileAtomic(out, (put) => {
        put(new TextEncoder().encode('{"a":'));
        put(new TextEncoder().encode('1}'));
      });
      assert.equal(readFileSync(out, 'utf8'), '{"a":1}');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
