// The Python producer (python/gatescope, trace format v2): its committed traces decode with the
// TypeScript decoder, pass the JSON Schema, agree with PyTorch's own outputs and with the native
// engine, and its sidecar opens with the TypeScript SidecarReader (header and tile hashes checked).
// The traces are written by test/python/run_python_trace.py (committed; `npm run test:python`
// checks in a fresh venv that the installed package still writes exactly these files).
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import Ajv2020 from 'ajv/dist/2020';
import { decode as decodePng } from 'fast-png';
import { fromPytorch, runGru } from '../../../../src/core/gru';
import { decodeTrace } from '../../../../src/core/trace/decode';
import { gateOf, type DecodedLayer, type DecodedTrace } from '../../../../src/core/trace/decoded';
import { isMasked, validSteps } from '../../../../src/core/trace/mask';
import { SidecarReader } from '../../../../src/core/trace/sidecar-reader';
import { encodeTrace, writeSidecar } from '../../../../src/core/trace/encode';
import type { TraceDocument } from '../../../../src/core/trace/document';
import { FLOAT16_RELATIVE_ERROR } from '../../../../src/core/encoding/float16';
import { renderPreviewPng } from '../../../../src/core/preview';
import { sha256Hex } from '../../../../src/node/sidecar-file';

const ROOT = path.join(__dirname, '../../../..');
const DIR = path.join(ROOT, 'test/fixtures/trace/python');
const V1_DIR = path.join(ROOT, 'test/fixtures/trace/python-v1');

/** A float32 tensor as run_python_trace.py stores it: dims and base64 of little-endian float32. */
interface F32Json {
  dims: number[];
  f32: string;
}
interface PyCase {
  name: string;
  config: { mode: 'GRU' | 'LSTM' | 'RNN_TANH' | 'RNN_RELU'; input_size: number; hidden_size: number; proj_size: number; num_layers: number; bidirectional: boolean; batch_first: boolean; batch: number; steps: number };
  lengths: number[] | null;
  state_dict: Record<string, F32Json>;
  x: F32Json;
  h0: F32Json | null;
  c0: F32Json | null;
  /** PyTorch's output [T, B, D * P], masked steps 0. */
  torch_output: F32Json;
  traces: Record<string, string>;
  sidecar_tile?: { tensor: string; batch: number; tile: number; values: F32Json };
}

function f32(t: F32Json): Float32Array {
  const buf = Buffer.from(t.f32, 'base64');
  const out = new Float32Array(buf.length / 4);
  for (let i = 0; i < out.length; i++) out[i] = buf.readFloatLE(4 * i);
  return out;
}

const cases: PyCase[] = JSON.parse(fs.readFileSync(path.join(DIR, 'cases.json'), 'utf8')).cases;
const byName = (n: string): PyCase => cases.find((c) => c.name === n)!;
const load = (f: string, dir = DIR): DecodedTrace => decodeTrace(JSON.parse(fs.readFileSync(path.join(dir, f), 'utf8')));
/** The file with exact values: float32 inline, or the sidecar case's only file. */
const exactFile = (c: PyCase): string => c.traces['float32'] ?? c.traces['auto']!;

/** Level-0 values of every gate of a layer entry: inline, or read from the sidecar tile by tile. */
async function levelZero(l: DecodedLayer, name: string, sidecar?: SidecarReader): Promise<Float32Array> {
  const lv = gateOf(l, name)!.levels[0]!;
  if (lv.mean) return lv.mean;
  assert.ok(sidecar && lv.remote, `${l.layer} ${l.direction} ${name}: level 0 is neither inline nor in a sidecar`);
  return sidecar.tensorValues(lv.remote.mean.tensor);
}

async function openSidecar(t: DecodedTrace): Promise<SidecarReader> {
  const bytes = fs.readFileSync(path.join(DIR, t.sidecar!.file));
  return SidecarReader.open({ size: bytes.length, read: async (s, e) => new Uint8Array(bytes.subarray(s, e)) }, t.sidecar!, sha256Hex);
}

/** max |a − b| over the unmasked cells of [B, T, U] arrays. */
function maxDiffUnmasked(t: DecodedTrace, a: ArrayLike<number>, b: ArrayLike<number>, U: number): { worst: number; compared: number } {
  let worst = 0;
  let compared = 0;
  for (let bi = 0; bi < t.batch; bi++) {
    for (let s = 0; s < t.steps; s++) {
      if (isMasked(t, bi, s)) continue;
      for (let u = 0; u < U; u++) {
        const i = (bi * t.steps + s) * U + u;
        worst = Math.max(worst, Math.abs(a[i]! - b[i]!));
        compared++;
      }
    }
  }
  return { worst, compared };
}

describe('Python producer (python/gatescope): committed v2 traces', function () {
  this.timeout(60_000);

  it('covers GRU, LSTM with a projection, a relu RNN and a run with a sidecar', () => {
    assert.deepEqual(cases.map((c) => c.config.mode).sort(), ['GRU', 'GRU', 'GRU', 'LSTM', 'RNN_RELU']);
    assert.ok(cases.some((c) => c.config.proj_size > 0));
    const long = byName('gru-long-sidecar');
    assert.ok(load(long.traces['auto']!).sidecar, 'the long case has no sidecar');
    for (const c of cases) for (const f of Object.values(c.traces)) assert.equal(JSON.parse(fs.readFileSync(path.join(DIR, f), 'utf8')).version, 2, f);
  });

  it('writes traces that the JSON Schema accepts', () => {
    const ajv = new Ajv2020({ allErrors: true, strictRequired: false });
    const validate = ajv.compile(JSON.parse(fs.readFileSync(path.join(ROOT, 'docs/trace-format.schema.json'), 'utf8')));
    for (const c of cases) {
      for (const f of Object.values(c.traces)) assert.ok(validate(JSON.parse(fs.readFileSync(path.join(DIR, f), 'utf8'))), `${f}: ${ajv.errorsText(validate.errors)}`);
    }
  });

  it('records a passed check against the PyTorch module with max error <= 1e-5', () => {
    for (const c of cases) {
      const t = load(exactFile(c));
      const kind = c.config.mode.startsWith('RNN') ? 'RNN' : c.config.mode;
      assert.match(t.check!.reference, new RegExp(`^torch\\.nn\\.${kind} output(,| and) h_n`));
      assert.ok(t.check!.maxAbsError <= 1e-5, `${c.name}: ${t.check!.maxAbsError}`);
      assert.equal(t.check!.passed, true);
    }
  });

  it('lists each cell kind’s gates, with projSize units for an LSTM’s h and data ranges for unbounded gates', () => {
    const lstm = load(byName('lstm-proj-bidir-lengths').traces['float32']!);
    for (const l of lstm.layers) {
      assert.equal(l.cell, 'lstm');
      assert.deepEqual(l.gates.map((g) => `${g.name}:${g.units}`), ['i:5', 'f:5', 'g:5', 'o:5', 'c:5', 'h:2']);
      assert.equal(gateOf(l, 'c')!.range, 'symmetric');
      assert.equal(gateOf(l, 'h')!.range, 'symmetric', 'a projected h is not bounded by tanh');
      assert.equal((l.convention as { projSize?: number }).projSize, 2);
    }
    const rnn = load(byName('rnn-relu-2layer').traces['float32']!);
    assert.deepEqual(rnn.layers.map((l) => `${l.cell}:${l.gates.map((g) => `${g.name}/${String(g.range)}`).join()}`), ['rnn:h/symmetric', 'rnn:h/symmetric']);
    const gru = load(byName('forward-1layer-timemajor-h0').traces['float32']!);
    assert.deepEqual(gru.layers[0]!.gates.map((g) => `${g.name}:${g.role}`), ['r:reset', 'z:update', 'n:candidate', 'h:hidden']);
  });

  it('has the last layer’s h equal to PyTorch’s output at <= 1e-5 for every cell kind, masks included', async () => {
    for (const c of cases) {
      const t = load(exactFile(c));
      const sidecar = t.sidecar ? await openSidecar(t) : undefined;
      const cfg = c.config;
      const P = cfg.proj_size || cfg.hidden_size;
      const D = cfg.bidirectional ? 2 : 1;
      const out = f32(c.torch_output); // [T, B, D*P]
      assert.deepEqual(c.torch_output.dims, [cfg.steps, cfg.batch, D * P]);
      assert.deepEqual(t.sequenceLengths, c.lengths ?? undefined);
      let worst = 0;
      let compared = 0;
      for (const l of t.layers.filter((e) => e.layer === cfg.num_layers - 1)) {
        const h = await levelZero(l, 'h', sidecar);
        const d = l.direction === 'forward' ? 0 : 1;
        for (let b = 0; b < t.batch; b++) {
          for (let s = 0; s < validSteps(t, b); s++) {
            for (let u = 0; u < P; u++) {
              worst = Math.max(worst, Math.abs(h[(b * t.steps + s) * P + u]! - out[(s * t.batch + b) * D * P + d * P + u]!));
              compared++;
            }
          }
        }
      }
      const valid = (c.lengths ?? new Array<number>(cfg.batch).fill(cfg.steps)).reduce((a, n) => a + n, 0);
      assert.equal(compared, valid * D * P, `${c.name}: compared ${compared} values`);
      assert.ok(worst <= 1e-5, `${c.name}: max |python h - torch output| = ${worst}`);
    }
  });

  it('agrees with the native engine (fromPytorch + runGru) on every GRU gate at <= 1e-5', async () => {
    for (const c of cases.filter((k) => k.config.mode === 'GRU')) {
      const t = load(exactFile(c));
      const sidecar = t.sidecar ? await openSidecar(t) : undefined;
      const cfg = c.config;
      const params = Object.fromEntries(Object.entries(c.state_dict).map(([k, v]) => [k, { dims: v.dims, data: f32(v) }]));
      const model = fromPytorch(params, { hiddenSize: cfg.hidden_size, numLayers: cfg.num_layers, bidirectional: cfg.bidirectional });
      const run = runGru(model, f32(c.x), {
        batch: cfg.batch,
        steps: cfg.steps,
        batchFirst: cfg.batch_first,
        ...(c.lengths ? { sequenceLengths: c.lengths } : {}),
        ...(c.h0 ? { initialH: f32(c.h0) } : {}),
        kernel: 'js',
      });
      assert.equal(t.layers.length, cfg.num_layers * (cfg.bidirectional ? 2 : 1));
      let worst = 0;
      let compared = 0;
      for (const l of t.layers) {
        const native = run.layers.find((n) => n.layer === l.layer && n.direction === l.direction);
        assert.ok(native, `native run has no layer ${l.layer} ${l.direction}`);
        for (const g of ['r', 'z', 'n', 'h'] as const) {
          const d = maxDiffUnmasked(t, await levelZero(l, g, sidecar), native[g], l.hiddenSize);
          worst = Math.max(worst, d.worst);
          compared += d.compared;
        }
      }
      assert.ok(compared >= 500, `${c.name}: compared only ${compared} values`);
      assert.ok(worst <= 1e-5, `${c.name}: max |python - native| = ${worst}`);
    }
  });

  it('encodes float16 and uint8 within their bounds of the float32 trace', () => {
    for (const c of cases.filter((k) => k.traces['float32'])) {
      const exact = load(c.traces['float32']!);
      for (const p of ['float16', 'uint8'].filter((k) => c.traces[k])) {
        const t = load(c.traces[p]!);
        t.layers.forEach((l, e) => {
          for (const g of l.gates) {
            const lv = g.levels[0]!;
            assert.equal(lv.dtype, p);
            const want = gateOf(exact.layers[e]!, g.name)!.levels[0]!.mean!;
            const got = lv.mean!;
            for (let i = 0; i < want.length; i++) {
              const b = Math.floor(i / (t.steps * g.units));
              const s = Math.floor(i / g.units) % t.steps;
              if (isMasked(t, b, s)) continue;
              const bound = p === 'float16' ? FLOAT16_RELATIVE_ERROR * Math.abs(want[i]!) + 2 ** -25 : lv.maxError;
              assert.ok(Math.abs(got[i]! - want[i]!) <= bound, `${c.name} ${p} ${g.name}[${i}]: ${got[i]} vs ${want[i]}`);
            }
          }
        });
      }
    }
  });

  it('writes what the TypeScript encoder writes from the same values, for every cell kind and dtype', () => {
    let compared = 0;
    for (const c of cases.filter((k) => k.traces['float32'])) {
      const exact = load(c.traces['float32']!);
      for (const f of Object.values(c.traces)) {
        const py = JSON.parse(fs.readFileSync(path.join(DIR, f), 'utf8')) as TraceDocument;
        const layers = exact.layers.map((l) => ({
          layer: l.layer,
          direction: l.direction,
          name: l.name,
          cell: l.cell,
          hiddenSize: l.hiddenSize,
          ...(l.convention ? { convention: l.convention } : {}),
          // The gate specs as written: the Python side gives unbounded gates (relu h, projected LSTM h) data ranges.
          specs: l.gates.map((g) => ({ name: g.name, role: g.role, range: g.range, scale: g.scale })),
          gates: Object.fromEntries(l.gates.map((g) => [g.name, g.levels[0]!.mean!])),
        }));
        const { document } = encodeTrace(
          { model: py.model, layers, batch: py.batch, steps: py.steps, tokens: py.tokens!, check: py.check!, producer: py.producer!, createdAt: py.createdAt!, ...(py.sequenceLengths ? { sequenceLengths: py.sequenceLengths } : {}) },
          { precision: py.layers[0]!.gates[0]!.levels[0]!.dtype },
        );
        assert.deepEqual(JSON.parse(JSON.stringify(document)), py, f);
        compared++;
      }
    }
    assert.equal(compared, 9);
  });

  it('draws the same PNG preview as the TypeScript renderer (renderPreviewPng), pixel for pixel', () => {
    let files = 0;
    for (const c of cases) {
      for (const f of Object.values(c.traces)) {
        const py = decodePng(fs.readFileSync(path.join(DIR, f.replace(/\.json$/, '.png'))));
        const ts = decodePng(renderPreviewPng(load(f)));
        assert.deepEqual([py.width, py.height, py.channels, py.depth], [ts.width, ts.height, ts.channels, ts.depth], f);
        let differ = 0;
        for (let i = 0; i < ts.data.length; i++) if (py.data[i] !== ts.data[i]) differ++;
        assert.equal(differ, 0, `${f}: ${differ} of ${ts.data.length} channel values differ`);
        files++;
      }
    }
    assert.equal(files, 10);
  });

  describe('the long run’s sidecar', () => {
    const c = byName('gru-long-sidecar');
    const t = load(c.traces['auto']!);

    it('keeps the overview inline (uint8, mean/min/max) and every finer level in the sidecar', () => {
      for (const l of t.layers) {
        for (const g of l.gates) {
          const inline = g.levels.filter((lv) => lv.mean);
          const remote = g.levels.filter((lv) => lv.remote);
          assert.ok(remote.length >= 1 && remote[0]!.bucket === 1, `${g.name}: level 0 is not in the sidecar`);
          assert.ok(inline.length >= 1 && inline.every((lv) => lv.dtype === 'uint8' && lv.min && lv.max));
          assert.ok(Math.min(...inline.map((lv) => lv.bucket)) > Math.max(...remote.map((lv) => lv.bucket)));
        }
      }
      assert.equal(fs.statSync(path.join(DIR, t.sidecar!.file)).size, t.sidecar!.bytes);
    });

    it('opens with the TypeScript SidecarReader, and the tile the Python side recorded matches exactly', async () => {
      const r = await openSidecar(t);
      const tile = c.sidecar_tile!;
      const got = await r.tileValues(tile.tensor, tile.batch, tile.tile);
      assert.deepEqual(Array.from(got), Array.from(f32(tile.values)));
      assert.ok(got.length >= 100);
    });

    it('is what the TypeScript encoder writes from the same values: the same document, and the sidecar byte for byte', async () => {
      const py = JSON.parse(fs.readFileSync(path.join(DIR, c.traces['auto']!), 'utf8')) as TraceDocument;
      const r = await openSidecar(t);
      const layers = await Promise.all(
        t.layers.map(async (l) => ({
          layer: l.layer,
          direction: l.direction,
          name: l.name,
          cell: l.cell,
          hiddenSize: l.hiddenSize,
          ...(l.convention ? { convention: l.convention } : {}),
          gates: Object.fromEntries(await Promise.all(l.gates.map(async (g) => [g.name, await levelZero(l, g.name, r)] as const))),
        })),
      );
      const { document, sidecar } = encodeTrace(
        { model: py.model, layers, batch: py.batch, steps: py.steps, tokens: py.tokens!, sequenceLengths: py.sequenceLengths!, check: py.check!, producer: py.producer!, createdAt: py.createdAt! },
        { maxBytes: 24 * 1024, sidecar: { stem: c.name } },
      );
      assert.ok(sidecar, 'the TypeScript encoder wrote no sidecar plan');
      const bytes = new Uint8Array(sidecar.layout.totalBytes);
      document.sidecar = await writeSidecar(sidecar, { write: (b, at) => void bytes.set(b, at) }, sha256Hex);
      assert.deepEqual(JSON.parse(JSON.stringify(document)), py);
      assert.ok(Buffer.from(bytes).equals(fs.readFileSync(path.join(DIR, py.sidecar!.file))), 'the sidecar files differ');
    });

    it('has inline overview means that summarise the sidecar’s level 0 (within the uint8 bound)', async () => {
      const r = await openSidecar(t);
      for (const l of t.layers) {
        for (const g of l.gates) {
          const v = await levelZero(l, g.name, r);
          for (const lv of g.levels.filter((k) => k.mean)) {
            for (let b = 0; b < t.batch; b++) {
              const len = validSteps(t, b);
              for (let j = 0; j * lv.bucket < len; j++) {
                const t1 = Math.min((j + 1) * lv.bucket, len);
                for (let u = 0; u < g.units; u++) {
                  let sum = 0;
                  for (let s = j * lv.bucket; s < t1; s++) sum += v[(b * t.steps + s) * g.units + u]!;
                  const want = sum / (t1 - j * lv.bucket);
                  const got = lv.mean![(b * lv.buckets + j) * g.units + u]!;
                  assert.ok(Math.abs(got - want) <= lv.maxError + 1e-6, `${g.name} x${lv.bucket} b${b} j${j} u${u}: ${got} vs ${want}`);
                }
              }
            }
          }
        }
      }
    });
  });

  it('writes the same gates as its version-1 traces of gatescope.py 0.1.0 (test/fixtures/trace/python-v1)', () => {
    const files = fs.readdirSync(V1_DIR).filter((f) => f.endsWith('.json'));
    assert.equal(files.length, 6);
    for (const f of files) {
      const old = load(f, V1_DIR);
      assert.equal(old.version, 1);
      const now = load(`${f.split('.')[0]}.float32.json`);
      assert.equal(old.layers.length, now.layers.length);
      old.layers.forEach((l, e) => {
        for (const g of ['r', 'z', 'n', 'h']) {
          const lv = gateOf(l, g)!.levels[0]!;
          const want = gateOf(now.layers[e]!, g)!.levels[0]!.mean!;
          const d = maxDiffUnmasked(now, lv.mean!, want, l.hiddenSize);
          const bound = lv.dtype === 'float16' ? FLOAT16_RELATIVE_ERROR + 2 ** -25 : lv.maxError + 1e-6;
          assert.ok(d.worst <= bound, `${f} layer ${e} ${g}: ${d.worst} > ${bound}`);
        }
      });
    }
  });
});
