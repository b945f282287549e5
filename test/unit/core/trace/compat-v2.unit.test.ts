// Compatibility: the committed version-2 fixtures (test/fixtures/trace/v2, written by
// make-v2-fixtures.ts) decode to their closed-form values (v2-cases.ts), recomputed here without the
// encoder: level 0 of every gate (inline, or in the sidecar through SidecarReader, every tile checked)
// and the coarse levels (mean, min, max of each bucket of valid steps).
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { gateSet } from '../../../../src/core/cells/gate-sets';
import { FLOAT16_RELATIVE_ERROR } from '../../../../src/core/encoding/float16';
import { decodeTrace } from '../../../../src/core/trace/decode';
import type { DecodedTrace } from '../../../../src/core/trace/decoded';
import { isMasked } from '../../../../src/core/trace/mask';
import { SidecarReader } from '../../../../src/core/trace/sidecar-reader';
import { fileByteSource, sha256Hex } from '../../../../src/node/sidecar-file';
import { cellValue, unitsOf, V2_CASES, type V2Case } from '../../../fixtures/trace/v2-cases';

const DIR = path.join(__dirname, '../../../fixtures/trace/v2');

/** The stored level-0 value of a cell, as the case defines it (float32), or undefined when masked. */
function expected(t: DecodedTrace, entry: number, gate: string, b: number, s: number, u: number, units: number, specials: V2Case['specials']): number | undefined {
  if (isMasked(t, b, s)) return undefined;
  const i = (b * t.steps + s) * units + u;
  const special = specials.find(([e, g, k]) => e === entry && g === gate && k === i);
  return special ? special[3] : Math.fround(cellValue(entry, gate, b, s, u));
}

function within(got: number, want: number, bound: number): boolean {
  if (Number.isNaN(want)) return Number.isNaN(got);
  if (!Number.isFinite(want)) return got === want;
  return Math.abs(got - want) <= bound;
}

describe('trace compatibility: committed version-2 fixtures keep decoding', () => {
  it('has one committed file per case, and the cases cover every dtype, cell kind, masks, a projection and a sidecar', () => {
    for (const c of V2_CASES) assert.ok(fs.existsSync(path.join(DIR, c.file)), `missing ${c.file}: run npx tsx test/fixtures/trace/make-v2-fixtures.ts`);
    const docs = V2_CASES.map((c) => decodeTrace(JSON.parse(fs.readFileSync(path.join(DIR, c.file), 'utf8'))));
    const dtypes = new Set(docs.flatMap((d) => d.layers.flatMap((l) => l.gates.flatMap((g) => g.levels.map((v) => v.dtype)))));
    assert.deepEqual([...dtypes].sort(), ['float16', 'float32', 'uint8']);
    assert.deepEqual([...new Set(docs.flatMap((d) => d.layers.map((l) => l.cell)))].sort(), ['gru', 'lstm', 'rnn']);
    assert.ok(docs.some((d) => d.sidecar) && docs.some((d) => d.sequenceLengths) && docs.some((d) => d.tokens) && docs.some((d) => d.warnings));
    assert.ok(docs.some((d) => d.layers.some((l) => l.gates.some((g) => g.units !== l.hiddenSize))), 'an LSTM h with projSize units');
    for (const f of fs.readdirSync(DIR)) assert.ok(fs.statSync(path.join(DIR, f)).size <= 40_000, `${f} is larger than a fixture should be`);
  });

  for (const c of V2_CASES) {
    it(`${c.file} (${c.covers}) decodes to its closed-form values`, async () => {
      const t = decodeTrace(JSON.parse(fs.readFileSync(path.join(DIR, c.file), 'utf8')));
      const { input } = c;
      assert.equal(t.version, 2);
      assert.equal(t.batch, input.batch);
      assert.equal(t.steps, input.steps);
      assert.deepEqual(t.model, input.model);
      assert.deepEqual(t.tokens, input.tokens);
      assert.deepEqual(t.sequenceLengths, input.sequenceLengths);
      assert.deepEqual(t.check, input.check);
      assert.equal(t.producer, input.producer);
      for (const w of input.warnings ?? []) assert.ok(t.warnings!.includes(w));
      assert.equal(t.layers.length, input.layers.length);

      let reader: SidecarReader | undefined;
      let close: (() => Promise<void>) | undefined;
      if (t.sidecar) {
        assert.ok(c.options.sidecar, 'only the sidecar case has a sidecar');
        assert.match(t.sidecar.file, new RegExp(`^${c.options.sidecar.stem}-[0-9a-f]{12}\\.gatescope\\.safetensors$`));
        const src = await fileByteSource(path.join(DIR, t.sidecar.file));
        close = () => src.close();
        reader = await SidecarReader.open(src, t.sidecar, sha256Hex);
      }
      try {
        let fromSidecar = 0;
        for (const [entry, l] of t.layers.entries()) {
          const src = input.layers[entry]!;
          assert.equal(l.layer, src.layer);
          assert.equal(l.direction, src.direction);
          assert.equal(l.cell, src.cell);
          assert.equal(l.hiddenSize, src.hiddenSize);
          assert.deepEqual(l.convention, src.convention);
          const specs = src.specs ?? gateSet(src.cell);
          assert.deepEqual(
            l.gates.map((g) => ({ name: g.name, role: g.role, range: g.range, scale: g.scale })),
            specs.map((s) => ({ name: s.name, role: s.role, range: s.range, scale: s.scale })),
          );
          for (const g of l.gates) {
            const U = unitsOf(src, g.name);
            assert.equal(g.units, U, `${g.name} units`);
            for (const level of g.levels) {
              const J = level.buckets;
              assert.equal(J, Math.ceil(t.steps / level.bucket));
              for (const s of level.bucket === 1 ? (['mean'] as const) : (['mean', 'min', 'max'] as const)) {
                const inline = level[s];
                if (!inline) fromSidecar++;
                const values: Float32Array = inline ?? (await reader!.tensorValues(level.remote![s]!.tensor));
                assert.equal(values.length, t.batch * J * U);
                const bound = (want: number) => (level.dtype === 'float32' ? 0 : level.dtype === 'float16' ? FLOAT16_RELATIVE_ERROR * Math.abs(want) + 2 ** -25 : level.maxError);
                for (let b = 0; b < t.batch; b++) {
                  for (let j = 0; j < J; j++) {
                    for (let u = 0; u < U; u++) {
                      const got = values[(b * J + j) * U + u]!;
                      // The bucket's valid cells, from the closed form.
                      const cells: number[] = [];
                      for (let k = j * level.bucket; k < Math.min((j + 1) * level.bucket, t.steps); k++) {
                        const v = expected(t, entry, g.name, b, k, u, U, c.specials);
                        if (v !== undefined) cells.push(v);
                      }
                      const where = `${c.file} entry ${entry} ${g.name} x${level.bucket} ${s} [${b}, ${j}, ${u}]`;
                      if (cells.length === 0) {
                        // Masked: stored as 0 (uint8 clamps 0 into its range, so only float dtypes show it).
                        if (level.dtype !== 'uint8') assert.equal(got, 0, where);
                        continue;
                      }
                      let want: number;
                      if (cells.some(Number.isNaN)) want = NaN;
                      else if (s === 'min') want = Math.min(...cells);
                      else if (s === 'max') want = Math.max(...cells);
                      else want = cells.reduce((a, v) => a + v, 0) / cells.length;
                      // Means of coarse levels: float32 rounding of each fine mean on the way up.
                      const rounding = s === 'mean' && level.bucket > 1 ? 2 ** -22 * Math.max(1, Math.abs(want)) : 0;
                      assert.ok(within(got, want, bound(want) + rounding), `${where}: ${got} vs ${want}`);
                    }
                  }
                }
              }
            }
          }
        }
        if (t.sidecar) assert.ok(fromSidecar >= 4, `read only ${fromSidecar} summaries from the sidecar`);
      } finally {
        await close?.();
      }
    });
  }
});
