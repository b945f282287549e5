// `gatescope diff`, the built CLI spawned as CI runs it, on real model pairs made by
// test/fixtures/compare/make_compare_fixtures.py (reference numbers in its manifest.json, computed
// there in float64 from the ONNX GRU equations). before() bundles src/cli/main.ts as esbuild.js does.
import * as assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { decodeTrace } from '../../../src/core/trace/decode';
import { encodeTrace, type TraceInput } from '../../../src/core/trace/encode';
import { schemaErrors } from '../core/trace/schema.unit.test';

// eslint-disable-next-line @typescript-eslint/no-require-imports
const esbuild = require('esbuild') as typeof import('esbuild');
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { plugins, define } = require('../../../scripts/esbuild-plugins.js');
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { ORT_RUNTIME_FILES } = require('../../../scripts/ort-files.js') as { ORT_RUNTIME_FILES: string[] };

const ROOT = path.resolve(__dirname, '../../..');
const FX = path.join(ROOT, 'test/fixtures/compare');
const fx = (f: string) => path.join(FX, f);
const DEMO = path.join(ROOT, 'media/demo/model.onnx');
const MANIFEST = JSON.parse(readFileSync(fx('manifest.json'), 'utf8'));

interface Verdict {
  maxAbsDiff: number | null;
  firstDivergentStep: number | null;
  worst: { layer: number; direction: string; gate: string; unit: number; step: number };
}

describe('gatescope diff (built bundle, spawned)', function () {
  this.timeout(120000);
  let dir = '';
  let main = '';

  before(async () => {
    dir = mkdtempSync(path.join(tmpdir(), 'gatescope-diff-'));
    main = path.join(dir, 'dist', 'cli', 'main.js');
    await esbuild.build({ entryPoints: [path.join(ROOT, 'src/cli/main.ts')], outfile: main, bundle: true, platform: 'node', format: 'cjs', target: 'es2022', plugins, define, logLevel: 'silent' });
    mkdirSync(path.join(dir, 'dist', 'ort'));
    for (const f of ORT_RUNTIME_FILES) copyFileSync(path.join(ROOT, 'node_modules/onnxruntime-web/dist', f), path.join(dir, 'dist', 'ort', f));
    copyFileSync(path.join(ROOT, 'package.json'), path.join(dir, 'package.json'));
  });

  after(() => rmSync(dir, { recursive: true, force: true }));

  const run = (...args: string[]) => {
    const r = spawnSync(process.execPath, [main, ...args], { cwd: dir, encoding: 'utf8' });
    return { code: r.status, stdout: r.stdout, stderr: r.stderr };
  };
  /** Runs diff; returns the exit status, the parsed last stdout line and the whole stdout. */
  const diff = (...args: string[]) => {
    const r = run('diff', ...args);
    assert.ok(r.code === 0 || r.code === 1, `exit ${r.code}: ${r.stderr}`);
    const lines = r.stdout.trimEnd().split('\n');
    const verdict = JSON.parse(lines[lines.length - 1]!) as Verdict;
    assert.deepEqual(Object.keys(verdict), ['maxAbsDiff', 'firstDivergentStep', 'worst']);
    assert.deepEqual(Object.keys(verdict.worst), ['layer', 'direction', 'gate', 'unit', 'step']);
    return { code: r.code, verdict, stdout: r.stdout, stderr: r.stderr };
  };
  const trace = (model: string, input: string, out: string) => {
    const r = run('trace', model, '--input', input, '--out', out);
    assert.equal(r.code, 0, r.stderr);
    return out;
  };

  describe('a model fed two inputs that agree before a known step (the issue\'s "done when")', () => {
    const k = MANIFEST.demoTwoTexts.firstDivergentStep as number;

    it(`reports step ${k} as the first divergent step, from two runs of one ONNX model`, () => {
      const r = diff(DEMO, DEMO, '--input', fx('demo.tokens.npy'), '--input-b', fx('demo-two-texts.b.npy'));
      assert.equal(r.code, 1);
      assert.equal(r.verdict.firstDivergentStep, k);
      assert.ok(r.verdict.worst.step >= k);
      assert.match(r.stdout, /^A: model\.onnx on demo\.tokens\.npy {3}B: model\.onnx on demo-two-texts\.b\.npy {3}tolerance 0\.00001\n/);
    });

    it(`reports step ${k} from the two traces written by gatescope trace, and exits 0 under a tolerance above every difference`, () => {
      const a = trace(DEMO, fx('demo.tokens.npy'), path.join(dir, 'text-a.json'));
      const b = trace(DEMO, fx('demo-two-texts.b.npy'), path.join(dir, 'text-b.json'));
      const r = diff(a, b);
      assert.equal(r.code, 1);
      assert.equal(r.verdict.firstDivergentStep, k);
      const loose = diff(a, b, '--tolerance', '2.5');
      assert.equal(loose.code, 0);
      assert.equal(loose.verdict.firstDivergentStep, null);
      assert.equal(loose.verdict.maxAbsDiff, r.verdict.maxAbsDiff);
    });
  });

  describe('the demo model with int8 weights (QuantizeLinear/DequantizeLinear around W and R) against float', () => {
    const ref = MANIFEST.demoInt8;

    it(`shows where drift starts: past ${ref.driftTolerance} from step ${ref.firstDivergentStepAtDriftTolerance}, as the float64 reference says`, () => {
      const r = diff(DEMO, fx('demo-int8.onnx'), '--input', fx(ref.input), '--tolerance', String(ref.driftTolerance));
      assert.equal(r.code, 1);
      assert.equal(r.verdict.firstDivergentStep, ref.firstDivergentStepAtDriftTolerance);
      const refMax = Math.max(...(Object.values(ref.maxAbsDiff) as number[]));
      assert.ok(Math.abs(r.verdict.maxAbsDiff! - refMax) < 1e-5, `${r.verdict.maxAbsDiff} vs reference ${refMax}`);
    });

    it('fails at step 0 under the default tolerance 1e-5, with one row per gate', () => {
      const r = diff(DEMO, fx('demo-int8.onnx'), '--input', fx(ref.input));
      assert.equal(r.code, 1);
      assert.equal(r.verdict.firstDivergentStep, ref['firstDivergentStepAt1e-5']);
      for (const g of ['r', 'z', 'n', 'h']) {
        const row = r.stdout.split('\n').find((l) => new RegExp(`^0 +forward +${g} `).test(l));
        assert.ok(row, `no row for gate ${g}`);
        const max = Number(row.split(/ +/)[3]);
        assert.ok(Math.abs(max - ref.maxAbsDiff[g]) <= 0.006 * ref.maxAbsDiff[g], `${g}: ${max} vs ${ref.maxAbsDiff[g]}`);
      }
    });
  });

  it('finds a PyTorch module and its ONNX export in agreement within 1e-6 (Python producer trace vs onnxruntime-web trace)', () => {
    const onnx = trace(fx('torch-gru.onnx'), fx('torch-gru.input.npy'), path.join(dir, 'torch-gru.onnx.json'));
    const r = diff(fx('torch-gru.torch.json'), onnx, '--tolerance', '1e-6');
    assert.equal(r.code, 0, r.stdout);
    assert.ok(r.verdict.maxAbsDiff! <= 1e-6);
    assert.ok(r.verdict.maxAbsDiff! > 0, 'float64 recompute vs float32 onnxruntime: some rounding difference is expected');
    assert.equal(r.verdict.firstDivergentStep, null);
  });

  it('flags the export with the wrong linear_before_reset at step 0, and writes a comparison trace with --out', () => {
    const out = path.join(dir, 'lbr.diff.json');
    const r = diff(fx('torch-gru.onnx'), fx('torch-gru-lbr0.onnx'), '--input', fx('torch-gru.input.npy'), '--out', out);
    assert.equal(r.code, 1);
    assert.equal(r.verdict.firstDivergentStep, 0);
    const json = JSON.parse(readFileSync(out, 'utf8'));
    assert.equal(schemaErrors(json), '');
    const doc = decodeTrace(json);
    assert.equal(doc.layers.filter((l) => l.run === 'b').length, 4);
    assert.equal(doc.layers.filter((l) => l.run === undefined).length, 4);
    assert.deepEqual(doc.compare!.a, { label: 'torch-gru.onnx' });
    assert.deepEqual(doc.compare!.b, { label: 'torch-gru-lbr0.onnx' });
    // The forward direction of layer 0 reads input step 0 first: its candidate n differs there.
    const n = doc.compare!.stats!.find((s) => s.layer === 0 && s.direction === 'forward' && s.gate === 'n')!;
    assert.equal(n.firstDivergentStep, 0);
    assert.equal(Math.max(...doc.compare!.stats!.map((s) => s.maxAbsDiff!)), r.verdict.maxAbsDiff);
    // The document's runs are the runs compared: diffing it against itself is a diff of run a with run a.
    assert.equal(diff(out, out).verdict.maxAbsDiff, 0);
  });

  it('--align-units recovers a permutation of units and then finds the runs equal', () => {
    const a = decodeTrace(JSON.parse(readFileSync(fx('torch-gru.torch.json'), 'utf8')));
    const perm = [5, 2, 7, 0, 1, 6, 3, 4];
    const input: TraceInput = {
      model: a.model,
      batch: a.batch,
      steps: a.steps,
      layers: a.layers.map((l) => {
        const gates: Record<string, Float32Array> = {};
        for (const g of l.gates) {
          const v = g.levels[0]!.mean!;
          const w = new Float32Array(v.length);
          for (let row = 0; row < v.length; row += 8) for (let u = 0; u < 8; u++) w[row + perm[u]!] = v[row + u]!;
          gates[g.name] = w;
        }
        return { layer: l.layer, direction: l.direction, cell: l.cell, hiddenSize: l.hiddenSize, gates };
      }),
    };
    const b = path.join(dir, 'permuted.json');
    writeFileSync(b, JSON.stringify(encodeTrace(input, { precision: 'float32', maxBytes: Infinity }).document));
    assert.equal(diff(fx('torch-gru.torch.json'), b).code, 1);
    const out = path.join(dir, 'aligned.json');
    const r = diff(fx('torch-gru.torch.json'), b, '--align-units', '--out', out);
    assert.equal(r.code, 0);
    assert.equal(r.verdict.maxAbsDiff, 0);
    const doc = decodeTrace(JSON.parse(readFileSync(out, 'utf8')));
    assert.equal(doc.compare!.unitAlignment!.length, 4);
    for (const u of doc.compare!.unitAlignment!) assert.deepEqual(u.permutation, perm);
  });

  it('reads a version-1 trace: the Python producer\'s 0.1.0 output equals its version-2 output of the same run', () => {
    const name = 'bidir-2layer-batchfirst-lengths.float32.json';
    const r = diff(path.join(ROOT, 'test/fixtures/trace/python-v1', name), path.join(ROOT, 'test/fixtures/trace/python', name), '--tolerance', '0');
    assert.equal(r.code, 0);
    assert.equal(r.verdict.maxAbsDiff, 0);
  });

  it('reads a trace whose level 0 is in a sidecar', () => {
    const t = path.join(ROOT, 'test/fixtures/trace/python/gru-long-sidecar.auto.json');
    const r = diff(t, t);
    assert.equal(r.code, 0);
    assert.equal(r.verdict.maxAbsDiff, 0);
  });

  it('exits 2 with one line saying what is wrong when the runs cannot be compared', () => {
    const fails = (line: string | RegExp, ...args: string[]) => {
      const r = run('diff', ...args);
      assert.equal(r.code, 2, r.stderr);
      assert.equal(r.stdout, '');
      assert.equal(r.stderr.split('\n').length, 2, r.stderr);
      if (typeof line === 'string') assert.equal(r.stderr, `${line}\n`);
      else assert.match(r.stderr, line);
    };
    const torchJson = fx('torch-gru.torch.json');
    const long = path.join(ROOT, 'test/fixtures/trace/python/gru-long-sidecar.auto.json');
    const hint = '; compare two runs of the same network shape (same cell kind, units and steps)';
    fails(`gatescope: ${long} and ${torchJson} do not line up: ${long} has 300 steps, ${torchJson} has 23${hint}`, long, torchJson);
    const oneLayer = path.join(dir, 'one-layer.json');
    const json = JSON.parse(readFileSync(torchJson, 'utf8'));
    json.layers = json.layers.filter((l: { layer: number }) => l.layer === 0);
    writeFileSync(oneLayer, JSON.stringify(json));
    fails(`gatescope: ${torchJson} and ${oneLayer} do not line up: layer 1 forward is in ${torchJson} but not in ${oneLayer}${hint}`, torchJson, oneLayer);
    fails("gatescope: cannot read trace file 'missing.json': no such file; check the path", 'missing.json', torchJson);
    fails(/^gatescope: give two traces or two \.onnx models, not one of each; trace the model first: gatescope trace .*demo-int8\.onnx --input FILE --out .*demo-int8\.json\n$/, torchJson, fx('demo-int8.onnx'));
    fails(/^gatescope: no input given for .* and .*: add --input FILE \(\.npy or \.json\), fed to both models\n$/, DEMO, fx('demo-int8.onnx'));
    fails(/^gatescope: --tolerance is 'abc'; give a number >= 0/, torchJson, torchJson, '--tolerance', 'abc');
    fails(/^gatescope: .*torch-gru\.input\.npy: not JSON/, fx('torch-gru.input.npy'), torchJson);
    fails(/^gatescope: .*demo-int8\.onnx: model input 'tokens' .* has no value|^gatescope: --input .*: the model has no input 'x'/, DEMO, fx('demo-int8.onnx'), '--input', `x=${fx('demo.tokens.npy')}`);
  });
});
