// `gatescope export TRACE --out DIR` in process (exportCommand): every gate of a version-1 document, a
// version-2 document (a comparison of two runs) and a version-2 document with a sidecar, written as
// .npy files that read back (with the project's own .npy reader, src/core/io/npy.ts) to exactly the
// values decodeTrace / SidecarReader give, NaN where masked. The numpy check is python-export.unit.test.ts.
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { UsageError } from '../../../src/cli/args';
import { CliError } from '../../../src/cli/errors';
import { exportCommand, parseExportArgs } from '../../../src/cli/export-command';
import { parseNpy } from '../../../src/core/io/npy';
import { encodeNpyFloat32 } from '../../../src/core/io/npy-write';
import { decodeTrace } from '../../../src/core/trace/decode';
import { encodeTrace, type TraceInput } from '../../../src/core/trace/encode';
import { exportFileName } from '../../../src/core/trace/export-gates';
import { tileByteRange } from '../../../src/core/trace/sidecar';
import { readSafetensors } from '../core/trace/sidecar-bytes';
import { writeSidecarFile } from '../../../src/node/sidecar-file';
import { makeInput } from '../core/trace/make-trace';

const ROOT = path.resolve(__dirname, '../../..');
const V1 = path.join(ROOT, 'test/fixtures/trace/v1');

/** Runs exportCommand, collecting its log lines. */
async function exportTo(trace: string, out: string, ...more: string[]): Promise<{ code: number; log: string[] }> {
  const log: string[] = [];
  const code = await exportCommand([trace, '--out', out, ...more], (l) => log.push(l));
  return { code, log };
}

/** The npy file's shape and values (float32). */
function readNpy(file: string): { shape: number[]; values: Float32Array } {
  const t = parseNpy(fs.readFileSync(file));
  assert.equal(t.dtype, 'float32');
  return { shape: t.shape, values: t.data as Float32Array };
}

/** Same bits for every value, NaN for NaN (what float32 .npy data must hold). */
function assertSameValues(got: Float32Array, want: Float32Array, what: string): void {
  assert.equal(got.length, want.length, `${what}: length`);
  for (let i = 0; i < want.length; i++) {
    if (Number.isNaN(want[i]!) ? !Number.isNaN(got[i]!) : !Object.is(got[i], want[i])) assert.fail(`${what}[${i}]: ${got[i]} vs ${want[i]}`);
  }
}

/** Level-0 values of every gate as decodeTrace gives them, NaN where masked: what each file must hold. */
function expectedFiles(traceFile: string): Map<string, { shape: number[]; values: Float32Array }> {
  const t = decodeTrace(JSON.parse(fs.readFileSync(traceFile, 'utf8')));
  const out = new Map<string, { shape: number[]; values: Float32Array }>();
  for (const l of t.layers) {
    for (const g of l.gates) {
      const v = g.levels[0]!.mean!.slice();
      for (let b = 0; b < t.batch; b++) for (let s = t.sequenceLengths?.[b] ?? t.steps; s < t.steps; s++) v.fill(NaN, (b * t.steps + s) * g.units, (b * t.steps + s + 1) * g.units);
      out.set(exportFileName(l, g.name), { shape: [t.batch, t.steps, g.units], values: v });
    }
  }
  return out;
}

describe('gatescope export (in process)', () => {
  let dir = '';
  before(() => (dir = fs.mkdtempSync(path.join(os.tmpdir(), 'gatescope-export-'))));
  after(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('writes numpy format 1.0 float32 files, 64-byte aligned, that the .npy reader reads back', () => {
    const v = Float32Array.from([1, NaN, -Infinity, 0.1, 2, 3]);
    const bytes = encodeNpyFloat32(v, [1, 2, 3]);
    assert.deepEqual([...bytes.subarray(0, 8)], [0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59, 1, 0]);
    const headerLength = bytes[8]! | (bytes[9]! << 8);
    assert.equal((10 + headerLength) % 64, 0);
    assert.equal(new TextDecoder().decode(bytes.subarray(10, 10 + headerLength)).trimEnd(), "{'descr': '<f4', 'fortran_order': False, 'shape': (1, 2, 3), }");
    assert.equal(bytes[10 + headerLength - 1], 0x0a);
    const back = parseNpy(bytes);
    assert.deepEqual(back.shape, [1, 2, 3]);
    assertSameValues(back.data as Float32Array, v, 'npy');
    assert.deepEqual(parseNpy(encodeNpyFloat32(Float32Array.from([5]), [1])).shape, [1]);
    assert.throws(() => encodeNpyFloat32(v, [2, 2]), /shape \(2, 2\) does not hold 6 values/);
  });

  for (const file of fs.readdirSync(V1).filter((f) => f.endsWith('.json'))) {
    it(`exports the version-1 fixture ${file}: every gate, NaN where masked`, async () => {
      const out = path.join(dir, `v1-${file}`);
      const r = await exportTo(path.join(V1, file), out);
      assert.equal(r.code, 0);
      const want = expectedFiles(path.join(V1, file));
      assert.deepEqual(fs.readdirSync(out).sort(), [...want.keys()].sort());
      for (const [name, w] of want) {
        const got = readNpy(path.join(out, name));
        assert.deepEqual(got.shape, w.shape);
        assertSameValues(got.values, w.values, `${file} ${name}`);
      }
      assert.match(r.log.at(-1)!, new RegExp(`^gatescope: wrote ${want.size} \\.npy files \\(\\d+ bytes; float32 \\[batch \\d+, \\d+ steps, units\\], NaN where masked\\) to `));
      if (file.includes('downsampled')) assert.match(r.log[0]!, /^gatescope: warning: this trace \(Gatescope 0\.1\.0\) holds 20 of the run's 40 steps \(every 2nd step from step 0\); the files hold those 20 steps$/);
    });
  }

  it('exports a version-2 comparison: run b prefixed b-, masked cells NaN, values exact', async () => {
    const a = makeInput({ batch: 2, steps: 9, hidden: [5], seed: 41 });
    const b = makeInput({ batch: 2, steps: 9, hidden: [5], seed: 42 });
    const input: TraceInput = {
      ...a,
      sequenceLengths: [9, 4],
      layers: [...a.layers, ...b.layers.map((l) => ({ ...l, run: 'b' as const }))],
      compare: { a: { label: 'fp32' }, b: { label: 'int8' }, tolerance: 0.01 },
    };
    const traceFile = path.join(dir, 'compare.json');
    fs.writeFileSync(traceFile, JSON.stringify(encodeTrace(input, { precision: 'float32', maxBytes: Infinity }).document));
    const out = path.join(dir, 'compare');
    assert.equal((await exportTo(traceFile, out)).code, 0);
    assert.deepEqual(fs.readdirSync(out).sort(), ['L0-forward-h.npy', 'L0-forward-n.npy', 'L0-forward-r.npy', 'L0-forward-z.npy', 'b-L0-forward-h.npy', 'b-L0-forward-n.npy', 'b-L0-forward-r.npy', 'b-L0-forward-z.npy']);
    for (const [run, src] of [
      ['', a],
      ['b-', b],
    ] as const) {
      for (const g of ['r', 'z', 'n', 'h']) {
        const want = src.layers[0]!.gates[g]!.slice();
        want.fill(NaN, (1 * 9 + 4) * 5, 2 * 9 * 5);
        const got = readNpy(path.join(out, `${run}L0-forward-${g}.npy`));
        assert.deepEqual(got.shape, [2, 9, 5]);
        assertSameValues(got.values, want, `${run}${g}`);
      }
    }
  });

  describe('with a sidecar', () => {
    // 1 layer, bidirectional, 700 steps of 6 units: level 0 goes to the sidecar under a small budget.
    const input = makeInput({ batch: 2, steps: 700, hidden: [6], bidirectional: true, seed: 43 });
    input.sequenceLengths = [700, 513];
    let traceFile = '';
    let sidecarFile = '';

    before(async () => {
      const sub = path.join(dir, 'side');
      fs.mkdirSync(sub);
      const enc = encodeTrace(input, { maxBytes: 60_000, sidecar: { stem: 'long' } });
      assert.ok(enc.sidecar);
      enc.document.sidecar = await writeSidecarFile(enc.sidecar, sub);
      traceFile = path.join(sub, 'long.json');
      sidecarFile = path.join(sub, enc.document.sidecar.file);
      fs.writeFileSync(traceFile, JSON.stringify(enc.document));
    });

    it('reads level 0 from the sidecar, every tile checked, and writes the run exactly', async () => {
      const out = path.join(dir, 'side-out');
      const r = await exportTo(traceFile, out, '--verbose');
      assert.equal(r.code, 0);
      assert.equal(r.log.filter((l) => /^gatescope: L0-(forward|reverse)-[rznh]\.npy \[2, 700, 6\]$/.test(l)).length, 8);
      input.layers.forEach((l) => {
        for (const g of ['r', 'z', 'n', 'h']) {
          const want = l.gates[g]!.slice();
          want.fill(NaN, (1 * 700 + 513) * 6, 2 * 700 * 6);
          const got = readNpy(path.join(out, `L0-${l.direction}-${g}.npy`));
          assert.deepEqual(got.shape, [2, 700, 6]);
          assertSameValues(got.values, want, `${l.direction} ${g}`);
        }
      });
    });

    it('refuses a missing sidecar, saying where the values are', async () => {
      const copy = path.join(dir, 'alone.json');
      fs.copyFileSync(traceFile, copy);
      await assert.rejects(
        exportTo(copy, path.join(dir, 'alone-out')),
        (e: unknown) =>
          e instanceof CliError &&
          e.exitCode === 1 &&
          e.message === `${copy}: its full-resolution values are in the sidecar '${path.join(dir, path.basename(sidecarFile))}', which is missing; keep the ${path.basename(sidecarFile)} written with the trace beside it`,
      );
    });

    it('refuses a sidecar with a flipped byte in one tile, naming the tile, and writes no file for that gate', async () => {
      const bytes = fs.readFileSync(sidecarFile);
      const st = readSafetensors(bytes);
      const name = 'L0.reverse.n.x1.mean';
      const t = st.header[name]!;
      const layout = { tileSteps: Number(st.header.__metadata__['tileSteps']), headerLength: st.headerLength };
      const tensor = { name, dtype: 'float32' as const, dims: t.shape as [number, number, number], begin: t.data_offsets[0], end: t.data_offsets[1] };
      const [start] = tileByteRange(layout, tensor, 1, 0);
      const sub = path.join(dir, 'corrupt');
      fs.mkdirSync(sub);
      const bad = Buffer.from(bytes);
      bad[start + 2] ^= 0x10;
      fs.writeFileSync(path.join(sub, path.basename(sidecarFile)), bad);
      fs.copyFileSync(traceFile, path.join(sub, 'long.json'));
      const out = path.join(sub, 'out');
      await assert.rejects(exportTo(path.join(sub, 'long.json'), out), (e: unknown) => {
        assert.ok(e instanceof CliError);
        assert.equal(
          e.message,
          `sidecar of ${path.join(sub, 'long.json')}: ${path.join(sub, path.basename(sidecarFile))}: tile 0 of ${name} (batch item 1) is corrupt (its SHA-256 differs from the header's). Re-run the cell to write the sidecar again.`,
        );
        return true;
      });
      assert.ok(!fs.existsSync(path.join(out, 'L0-reverse-n.npy')));
      assert.ok(fs.existsSync(path.join(out, 'L0-forward-h.npy')), 'gates before the corrupt one were written');
    });

    it('refuses a sidecar of another size', async () => {
      const sub = path.join(dir, 'short');
      fs.mkdirSync(sub);
      fs.writeFileSync(path.join(sub, path.basename(sidecarFile)), fs.readFileSync(sidecarFile).subarray(0, 1000));
      fs.copyFileSync(traceFile, path.join(sub, 'long.json'));
      await assert.rejects(exportTo(path.join(sub, 'long.json'), path.join(sub, 'out')), (e: unknown) => e instanceof CliError && /^sidecar of .*long\.json: .*\.gatescope\.safetensors has 1000 bytes, but this output's trace expects \d+: it was changed or belongs to another run/.test(e.message));
    });
  });

  it('says what is wrong with a trace that is not JSON or not a trace', async () => {
    const notJson = path.join(dir, 'broken.json');
    fs.writeFileSync(notJson, '{"format": "gatescope.trace", ');
    await assert.rejects(exportTo(notJson, path.join(dir, 'x')), (e: unknown) => e instanceof CliError && e.message.startsWith(`${notJson}: not JSON (`) && e.message.endsWith('); give a trace written by Gatescope (gatescope trace --out FILE)'));
    const notTrace = path.join(dir, 'other.json');
    fs.writeFileSync(notTrace, '{"format": "other"}');
    await assert.rejects(exportTo(notTrace, path.join(dir, 'x')), (e: unknown) => e instanceof CliError && e.message === `${notTrace}: format: expected "gatescope.trace", found a string of 5 characters: this is not a Gatescope trace`);
    await assert.rejects(exportTo(path.join(dir, 'none.json'), path.join(dir, 'x')), (e: unknown) => e instanceof CliError && e.message === `cannot read trace file '${path.join(dir, 'none.json')}': no such file; check the path`);
  });

  it('refuses an output folder that is a file', async () => {
    const file = path.join(dir, 'a-file');
    fs.writeFileSync(file, '');
    await assert.rejects(exportTo(path.join(V1, 'v1-float32-tokens.json'), file), (e: unknown) => e instanceof CliError && e.message.startsWith(`cannot create the output folder '${file}': `));
  });

  it('parses its arguments with one usage error per mistake', () => {
    assert.deepEqual(parseExportArgs(['t.json', '--out', 'd']), { trace: 't.json', out: 'd', verbose: false });
    assert.deepEqual(parseExportArgs(['--out=d', 't.json', '--verbose']), { trace: 't.json', out: 'd', verbose: true });
    const usage = (argv: string[], message: string) => assert.throws(() => parseExportArgs(argv), (e: unknown) => e instanceof UsageError && e.message === message);
    usage([], 'no trace given: gatescope export TRACE.json --out DIR');
    usage(['t.json'], 'no output folder given for t.json: add --out DIR (one .npy file per gate goes there)');
    usage(['t.json', '--out'], '--out needs a folder: gatescope export TRACE.json --out DIR');
    usage(['a.json', 'b.json', '--out', 'd'], 'one trace expected, got 2 (a.json, b.json)');
    usage(['t.json', '--out', 'd', '--precision', 'uint8'], "unknown option '--precision' for export (see gatescope --help)");
  });
});
