// docs/trace-format.schema.json (draft 2020-12): accepts what encodeTrace writes in version 2 (every
// cell kind, every dtype, with a sidecar, with a comparison), every committed fixture (version 1 and
// 2, the Python producer's, the demo notebook's), and rejects what the specification forbids, naming
// the offending path.
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import Ajv2020 from 'ajv/dist/2020';
import { gateNames, type CellKind } from '../../../../src/core/cells/gate-sets';
import { encodeTrace, type TraceInput, type TraceLayerInput } from '../../../../src/core/trace/encode';
import { mulberry32 } from '../../../../src/core/spec/random-input';

/* eslint-disable @typescript-eslint/no-explicit-any -- the rejection cases edit parsed JSON */

const ROOT = path.join(__dirname, '../../../..');
const schema = JSON.parse(fs.readFileSync(path.join(ROOT, 'docs/trace-format.schema.json'), 'utf8'));
const ajv = new Ajv2020({ allErrors: true, strict: true, strictRequired: false });
const validate = ajv.compile(schema);

export function schemaErrors(doc: unknown): string {
  return validate(doc) ? '' : ajv.errorsText(validate.errors);
}

/** Every trace file committed under test/fixtures (compatibility sets, the Python producer's output, others' fixtures). */
function committedTraces(): string[] {
  const out: string[] = [];
  const walk = (dir: string) => {
    for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
      const p = path.join(dir, e.name);
      if (e.isDirectory()) walk(p);
      else if (e.name.endsWith('.json') && fs.readFileSync(p, 'utf8').slice(0, 200).includes('"gatescope.trace"')) out.push(p);
    }
  };
  walk(path.join(ROOT, 'test/fixtures'));
  return out;
}

/** Seeded layer entries of one cell kind: values in (-1, 1); an LSTM's h has `proj` units when given. */
function layers(cell: CellKind, hidden: number, batch: number, steps: number, seed: number, proj?: number): TraceLayerInput[] {
  const next = mulberry32(seed);
  return (['forward', 'reverse'] as const).map((direction) => ({
    layer: 0,
    direction,
    cell,
    hiddenSize: hidden,
    gates: Object.fromEntries(gateNames(cell).map((g) => [g, Float32Array.from({ length: batch * steps * (g === 'h' && proj ? proj : hidden) }, () => 2 * next() - 1)])),
  }));
}

const BATCH = 2;
const STEPS = 9;
const input = (): TraceInput => ({
  model: { name: 'schema test', source: 'native', engine: 'test data', inputSize: 3 },
  layers: [...layers('gru', 4, BATCH, STEPS, 1), ...layers('lstm', 3, BATCH, STEPS, 2, 2).map((l) => ({ ...l, layer: 1 })), ...layers('rnn', 5, BATCH, STEPS, 3).map((l) => ({ ...l, layer: 2 }))],
  batch: BATCH,
  steps: STEPS,
  tokens: Array.from({ length: STEPS }, (_, i) => `t${i}`),
  sequenceLengths: [STEPS, 4],
  check: { reference: 'test', maxAbsError: 0, tolerance: 1e-5, passed: true },
});
const json = (d: unknown): any => JSON.parse(JSON.stringify(d));

describe('trace JSON Schema (docs/trace-format.schema.json)', () => {
  for (const precision of ['float32', 'float16', 'uint8'] as const) {
    it(`accepts an encoded ${precision} trace of GRU, LSTM (projected h) and RNN layers`, () => {
      assert.equal(schemaErrors(json(encodeTrace(input(), { precision, maxBytes: Infinity }).document)), '');
    });
  }

  it('accepts a trace whose fine levels are in a sidecar', () => {
    const long = { ...input(), steps: 300, tokens: undefined, sequenceLengths: [300, 120] };
    long.layers = layers('gru', 4, BATCH, 300, 4);
    const { document, sidecar } = encodeTrace(long, { maxBytes: 20_000, sidecar: { stem: 'schema' } });
    assert.ok(sidecar && document.sidecar, 'expected a sidecar plan');
    assert.equal(schemaErrors(json(document)), '');
  });

  it('accepts a comparison of two runs', () => {
    const i = input();
    i.layers = [...layers('gru', 4, BATCH, STEPS, 5), ...layers('gru', 4, BATCH, STEPS, 6).map((l) => ({ ...l, run: 'b' as const }))];
    i.compare = { a: { label: 'float32' }, b: { label: 'int8' }, tolerance: 0.01 };
    assert.equal(schemaErrors(json(encodeTrace(i, { maxBytes: Infinity }).document)), '');
  });

  it('accepts the host-produced traces saved in the demo notebook', () => {
    const nb = JSON.parse(fs.readFileSync(path.join(ROOT, 'media/demo/demo.ipynb'), 'utf8'));
    const traces = nb.cells.flatMap((c: any) => c.outputs ?? []).map((o: any) => o.data?.['application/vnd.gatescope.trace+json']).filter(Boolean);
    assert.ok(traces.length >= 1, 'the demo notebook holds no trace output');
    for (const t of traces) assert.equal(schemaErrors(t), '');
  });

  it('accepts every committed trace fixture, version 1 and 2', () => {
    const files = committedTraces();
    const versions = new Set(files.map((f) => JSON.parse(fs.readFileSync(f, 'utf8')).version));
    assert.ok(files.length >= 10, `found only ${files.length} trace fixtures`);
    assert.deepEqual([...versions].sort(), [1, 2]);
    for (const f of files) assert.equal(schemaErrors(JSON.parse(fs.readFileSync(f, 'utf8'))), '', path.relative(ROOT, f));
  });

  const base = (precision: 'uint8' | 'float32' = 'uint8') => json(encodeTrace(input(), { precision, maxBytes: Infinity }).document);
  const coarse = () => {
    const long = { ...input(), steps: 300, tokens: undefined, sequenceLengths: undefined };
    long.layers = layers('rnn', 4, BATCH, 300, 7);
    return json(encodeTrace(long, { maxBytes: 4000, sidecar: { stem: 's' } }).document);
  };
  for (const [what, make, mutate, where] of [
    ['version 3', base, (d: any) => (d.version = 3), '/version'],
    ['a uint8 summary without scale', base, (d: any) => delete d.layers[0].gates[0].levels[0].mean.scale, '/layers/0/gates/0/levels/0/mean'],
    ['a float32 summary with offset', () => base('float32'), (d: any) => (d.layers[0].gates[0].levels[0].mean.offset = 0), '/layers/0/gates/0/levels/0/mean'],
    ['data with whitespace', base, (d: any) => (d.layers[1].gates[1].levels[0].mean.data = ' ' + d.layers[1].gates[1].levels[0].mean.data.slice(1)), '/layers/1/gates/1/levels/0/mean/data'],
    ['level 0 with a min', base, (d: any) => (d.layers[0].gates[0].levels[0].min = d.layers[0].gates[0].levels[0].mean), '/layers/0/gates/0/levels/0'],
    ['a coarse level without max', coarse, (d: any) => delete d.layers[0].gates[0].levels.at(-1).max, '/layers/0/gates/0/levels/'],
    ['a summary both inline and in the sidecar', coarse, (d: any) => (d.layers[0].gates[0].levels[0].mean.data = 'AAAA'), '/layers/0/gates/0/levels/0/mean'],
    ['a sidecar hash in capitals', coarse, (d: any) => (d.sidecar.headerSha256 = 'AB'.repeat(32)), '/sidecar/headerSha256'],
    ['a sidecar file in another folder', coarse, (d: any) => (d.sidecar.file = `../${d.sidecar.file}`), '/sidecar/file'],
    ['an unknown cell kind', base, (d: any) => (d.layers[2].cell = 'transformer'), '/layers/2/cell'],
    ['a layer without gates', base, (d: any) => (d.layers[3].gates = []), '/layers/3/gates'],
    ['a gate range of one number', base, (d: any) => (d.layers[0].gates[2].range = [1]), '/layers/0/gates/2/range'],
    ['an unknown source', base, (d: any) => (d.model.source = 'jax'), '/model/source'],
    ['a trace without its pyramid', base, (d: any) => delete d.pyramid, "must have required property 'pyramid'"],
  ] as const) {
    it(`rejects ${what}`, () => {
      const d = make();
      assert.equal(schemaErrors(d), '', 'the unmodified document must pass');
      mutate(d);
      const e = schemaErrors(d);
      assert.ok(e.includes(where), `expected an error at ${where}, got: ${e}`);
    });
  }
});
