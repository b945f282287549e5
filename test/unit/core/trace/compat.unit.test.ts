import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { GATE_NAMES_V1 as GATE_NAMES } from '../../../../src/core/trace/document-v1';
import { gateOf } from '../../../../src/core/trace/decoded';
import { decodeTrace } from '../../../../src/core/trace/decode';
import { isMasked } from '../../../../src/core/trace/mask';
import { FLOAT16_RELATIVE_ERROR } from '../../../../src/core/encoding/float16';
import { cellValue, V1_CASES } from '../../../fixtures/trace/v1-cases';

const DIR = path.join(__dirname, '../../../fixtures/trace/v1');

describe('trace compatibility: committed version-1 fixtures keep decoding', () => {
  it('has one committed file per case, and the cases cover every dtype, tokens, masks, warnings, downsampling', () => {
    for (const c of V1_CASES) assert.ok(fs.existsSync(path.join(DIR, c.file)), `missing ${c.file}: restore it from git (written by release 0.1.0; it cannot be written again)`);
    const docs = V1_CASES.map((c) => JSON.parse(fs.readFileSync(path.join(DIR, c.file), 'utf8')));
    const dtypes = new Set(docs.flatMap((d) => d.layers.flatMap((l: { gates: Record<string, { dtype: string }> }) => Object.values(l.gates).map((t) => t.dtype))));
    assert.deepEqual([...dtypes].sort(), ['float16', 'float32', 'uint8']);
    assert.ok(docs.some((d) => d.tokens) && docs.some((d) => d.sequenceLengths) && docs.some((d) => d.warnings) && docs.some((d) => d.downsample));
  });

  for (const c of V1_CASES) {
    it(`${c.file} decodes to its closed-form values`, () => {
      const t = decodeTrace(JSON.parse(fs.readFileSync(path.join(DIR, c.file), 'utf8')));
      const stride = t.downsample?.stride ?? 1;
      assert.equal(t.version, 1);
      assert.equal(t.batch, c.batch);
      assert.equal(t.steps, Math.ceil(c.steps / stride));
      const { convention, ...model } = c.model;
      assert.deepEqual(t.model, model);
      if (c.tokens) assert.deepEqual(t.tokens, c.tokens.filter((_, i) => i % stride === 0));
      for (const w of c.warnings ?? []) assert.ok(t.warnings!.includes(w));
      if (c.check) assert.deepEqual(t.check, c.check);
      if (c.producer) assert.equal(t.producer, c.producer);
      assert.equal(t.layers.length, c.layers.length);
      t.layers.forEach((l, entry) => {
        const src = c.layers[entry]!;
        assert.equal(l.layer, src.layer);
        assert.equal(l.direction, src.direction);
        assert.equal(l.cell, 'gru');
        assert.equal(l.hiddenSize, src.hiddenSize);
        // Version 2 keeps the convention on each GRU layer entry.
        assert.deepEqual(l.convention, convention);
        assert.deepEqual(
          l.gates.map((g) => g.name),
          [...GATE_NAMES],
        );
        for (const g of GATE_NAMES) {
          const gate = gateOf(l, g)!;
          assert.equal(gate.units, src.hiddenSize);
          assert.equal(gate.levels.length, 1, 'a version-1 gate is level 0 alone');
          const tensor = { ...gate.levels[0]!, values: gate.levels[0]!.mean! };
          assert.equal(gate.levels[0]!.bucket, 1);
          assert.equal(gate.levels[0]!.buckets, t.steps);
          for (let b = 0; b < t.batch; b++) {
            for (let k = 0; k < t.steps; k++) {
              if (isMasked(t, b, k)) continue;
              for (let u = 0; u < l.hiddenSize; u++) {
                const i = (b * t.steps + k) * l.hiddenSize + u;
                const origIndex = (b * c.steps + k * stride) * l.hiddenSize + u;
                const special = c.specials.find((s) => s.entry === entry && s.gate === g && s.index === origIndex);
                const want = special ? special.value : Math.fround(cellValue(entry, g, b, k * stride, u));
                const got = tensor.values[i]!;
                if (Number.isNaN(want)) assert.ok(Number.isNaN(got), `${c.file} ${g}[${i}] should be NaN`);
                else if (!Number.isFinite(want)) assert.equal(got, want);
                else {
                  const bound = tensor.dtype === 'float32' ? 0 : tensor.dtype === 'float16' ? FLOAT16_RELATIVE_ERROR * Math.abs(want) + 2 ** -25 : tensor.maxError!;
                  assert.ok(Math.abs(got - want) <= bound, `${c.file} entry ${entry} ${g}[${i}]: ${got} vs ${want}`);
                }
              }
            }
          }
        }
      });
      if (c.sequenceLengths) {
        assert.deepEqual(t.sequenceLengths, c.sequenceLengths);
        assert.ok(isMasked(t, 1, 3) && !isMasked(t, 1, 2));
      }
    });
  }
});
