// encodeTrace -> writeSidecarFile -> decodeTrace + SidecarReader over fileByteSource: the path the CLI
// and the host take for a run beyond the output budget. Float32 sidecar levels come back exactly.
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { decodeTrace } from '../../../src/core/trace/decode';
import { encodeTrace, traceJsonBytes } from '../../../src/core/trace/encode';
import { buildPyramid, levelBuckets } from '../../../src/core/trace/pyramid';
import { SidecarReader } from '../../../src/core/trace/sidecar-reader';
import { fileByteSource, sha256Hex, writeSidecarFile } from '../../../src/node/sidecar-file';
import { GRU_GATE_NAMES, makeInput } from '../core/trace/make-trace';

describe('sidecar file round trip (Node fs)', () => {
  let dir = '';
  before(() => (dir = fs.mkdtempSync(path.join(os.tmpdir(), 'gatescope-sidecar-'))));
  after(() => fs.rmSync(dir, { recursive: true, force: true }));

  // 300 units: tiles of 256 buckets, so level 0 (600 steps) has 3 tiles per item, the last partial.
  const B = 2;
  const T = 600;
  const U = 300;
  const input = makeInput({ batch: B, steps: T, hidden: [U], seed: 31 });
  input.sequenceLengths = [600, 389];
  input.layers[0]!.gates.h![7] = NaN;
  input.layers[0]!.gates.n![(1 * T + 500) * U] = 5; // masked padding: must be stored as 0

  it('writes the sidecar under its hashed name, and every level reads back as encoded (float32 exactly)', async () => {
    const enc = encodeTrace(input, { maxBytes: 600_000, sidecar: { stem: 'trace' } });
    assert.ok(enc.sidecar, 'expected a sidecar');
    const doc = enc.document;
    assert.ok(traceJsonBytes(doc) <= 600_000);
    doc.sidecar = await writeSidecarFile(enc.sidecar, dir);
    assert.match(doc.sidecar.file, /^trace-[0-9a-f]{12}\.gatescope\.safetensors$/);
    assert.deepEqual(fs.readdirSync(dir), [doc.sidecar.file], 'no partial file left behind');
    assert.equal(fs.statSync(path.join(dir, doc.sidecar.file)).size, doc.sidecar.bytes);

    const t = decodeTrace(JSON.parse(JSON.stringify(doc)));
    assert.deepEqual(t.sidecar, doc.sidecar);
    const src = await fileByteSource(path.join(dir, doc.sidecar.file));
    try {
      const reader = await SidecarReader.open(src, t.sidecar!, sha256Hex);
      assert.equal(reader.index.tileSteps, 256);
      const buckets = levelBuckets(T, 4, 64);
      let sidecarLevels = 0;
      let inlineLevels = 0;
      for (const name of GRU_GATE_NAMES) {
        const gate = t.layers[0]!.gates.find((g) => g.name === name)!;
        const values = input.layers[0]!.gates[name]!.slice();
        values.fill(0, (1 * T + 389) * U); // masked cells stored as 0
        const want = buildPyramid(values, B, T, U, buckets, 4, input.sequenceLengths);
        assert.deepEqual(
          gate.levels.map((l) => l.bucket),
          buckets,
        );
        for (const [k, level] of gate.levels.entries()) {
          for (const s of k === 0 ? (['mean'] as const) : (['mean', 'min', 'max'] as const)) {
            if (level.remote) {
              assert.equal(level.dtype, 'float32');
              const got = await reader.tensorValues(level.remote[s]!.tensor);
              assert.deepEqual(got, want[k]![s], `${name} level ${k} ${s}`);
              sidecarLevels++;
            } else {
              const got = level[s]!;
              assert.equal(level.dtype, 'uint8');
              // Masked buckets carry no meaning in uint8 (0 clamps to the range's end); valid ones are checked.
              const J = level.buckets;
              const valid = input.sequenceLengths!.map((n) => Math.ceil(n / level.bucket));
              want[k]![s].forEach((w, i) => {
                if (Math.floor(i / U) % J >= valid[Math.floor(i / (J * U))]!) return;
                if (Number.isNaN(w)) assert.ok(Number.isNaN(got[i]!), `${name} level ${k} ${s}[${i}] NaN`);
                else assert.ok(Math.abs(got[i]! - w) <= level.maxError, `${name} level ${k} ${s}[${i}]: ${got[i]} vs ${w}`);
              });
              inlineLevels++;
            }
          }
        }
      }
      assert.ok(sidecarLevels >= 4 && inlineLevels >= 4, `${sidecarLevels} summaries in the sidecar, ${inlineLevels} inline`);
    } finally {
      await src.close();
    }
  });

  it('gives the same file name to the same data (a re-run overwrites nothing else)', async () => {
    const a = encodeTrace(input, { maxBytes: 600_000, sidecar: { stem: 'again' } });
    const r1 = await writeSidecarFile(a.sidecar!, dir);
    const r2 = await writeSidecarFile(encodeTrace(input, { maxBytes: 600_000, sidecar: { stem: 'again' } }).sidecar!, dir);
    assert.deepEqual(r1, r2);
    assert.equal(fs.readdirSync(dir).filter((f) => f.startsWith('again-')).length, 1);
  });
});
