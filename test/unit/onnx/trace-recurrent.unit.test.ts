// The ONNX path for LSTM, RNN and mixed GRU + LSTM + RNN models on real onnxruntime-web: models
// exported by torch.onnx (test/fixtures/torch/make_lstm_rnn_fixtures.py) against torch's output,
// both engines against each other, and hand-built nodes (peepholes, input_forget, clip) checked
// against Y, Y_h and Y_c.
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { gateNames } from '../../../src/core/cells/gate-sets';
import { OnnxTraceError } from '../../../src/onnx/errors';
import { inspectOnnxModel } from '../../../src/onnx/inspect';
import { onnx } from '../../../src/onnx/proto';
import { runRecurrentOnnx } from '../../../src/onnx/trace-recurrent';
import { fixtureBytes, maxAbsDiff, npyTensor, WASM_DIR } from './fixtures';

const TORCH_DIR = path.resolve(__dirname, '../../fixtures/torch');

function exported(name: string, engine: 'onnxruntime' | 'native') {
  return runRecurrentOnnx({ modelBytes: fixtureBytes(`${name}.onnx`), inputs: { x: npyTensor(`${name}.input.npy`) }, engine, wasmDir: WASM_DIR });
}

/** The last node's h as torch's batch-first output [B, T, D*H]. */
function lastOutput(layers: { direction: string; gates: Record<string, Float32Array> }[], B: number, T: number, H: number): Float32Array {
  const D = layers.length;
  const out = new Float32Array(B * T * D * H);
  layers.forEach((l, d) => {
    for (let m = 0; m < B * T; m++) for (let u = 0; u < H; u++) out[(m * D + d) * H + u] = l.gates.h![m * H + u]!;
  });
  return out;
}

describe('ONNX path for LSTM and RNN nodes (torch.onnx exports and hand-built nodes)', function () {
  this.timeout(60000);

  const cases: [string, string[]][] = [['export_lstm', ['lstm', 'lstm']], ['export_rnn', ['rnn']], ['export_mixed', ['gru', 'lstm', 'rnn']]];
  for (const [name, cells] of cases) {
    it(`${name}: nodes ${cells.join(', ')} traced node by node; both engines agree within 1e-5, the last h matches torch within 1e-5, h matches Y within 1e-6`, async () => {
      const ort = await exported(name, 'onnxruntime');
      const nat = await exported(name, 'native');
      assert.deepEqual(ort.nodes.map((n) => n.cell), cells);
      for (const r of [ort, nat]) {
        for (const n of r.nodes) {
          assert.ok(n.check.y <= 1e-6, `${n.name} |h - Y| ${n.check.y}`);
          if (n.cell !== 'gru') assert.ok(n.check.yh! <= 1e-6, `${n.name} |h - Y_h| ${n.check.yh}`);
          if (n.cell === 'lstm') assert.ok(n.check.yc! <= 1e-6, `${n.name} |c - Y_c| ${n.check.yc}`);
        }
      }
      assert.equal(ort.layers.length, nat.layers.length);
      ort.layers.forEach((l, k) => {
        assert.deepEqual(Object.keys(l.gates), gateNames(l.cell));
        for (const g of gateNames(l.cell)) {
          const err = maxAbsDiff(l.gates[g]!, nat.layers[k]!.gates[g]!);
          assert.ok(err <= 1e-5, `entry ${k} (${l.cell} ${l.direction}) ${g}: onnxruntime recompute vs native ${err}`);
        }
      });
      const torchOut = npyTensor(`${name}.output.npy`);
      const last = ort.layers.filter((l) => l.layer === ort.nodes.length - 1);
      const got = lastOutput(last, ort.batch, ort.steps, last[0]!.hiddenSize);
      const err = maxAbsDiff(got, torchOut.data as Float32Array);
      assert.ok(err <= 1e-5, `last node h vs torch output: ${err}`);
      assert.match(ort.checkText, /^recomputed h vs onnxruntime-web .* Y of every recurrent node \(valid steps\): max \|diff\| /);
    });
  }

  const handBuilt = JSON.parse(fs.readFileSync(path.join(TORCH_DIR, 'onnx-lstm-rnn.json'), 'utf8')).models as { name: string; file: string; op: string; steps: number; batch: number; inputSize: number; X: number[] }[];
  for (const m of handBuilt) {
    for (const engine of ['onnxruntime', 'native'] as const) {
      it(`${m.name}, engine ${engine}: recomputed h matches Y and Y_h${m.op === 'LSTM' ? ', rebuilt c matches Y_c' : ''} within 1e-5`, async () => {
        const r = await runRecurrentOnnx({
          modelBytes: new Uint8Array(fs.readFileSync(path.join(TORCH_DIR, m.file))),
          inputs: { X: { dims: [m.steps, m.batch, m.inputSize], dtype: 'float32', data: Float32Array.from(m.X) } },
          engine,
          wasmDir: WASM_DIR,
        });
        const n = r.nodes[0]!;
        assert.equal(n.cell, m.op.toLowerCase());
        const spec = m as unknown as { P?: number[]; inputForget: boolean; clip?: number; activations?: string[] };
        for (const l of r.layers) {
          assert.deepEqual(l.specs.map((g) => g.name), Object.keys(l.gates));
          const c = l.convention as { peepholes?: boolean; inputForget?: boolean; clip?: number; activations: { f: { name: string } } };
          assert.equal(c.peepholes, spec.P ? true : undefined);
          assert.equal(c.inputForget, spec.inputForget ? true : undefined);
          assert.equal(c.clip === undefined ? undefined : Math.fround(c.clip), spec.clip === undefined ? undefined : Math.fround(spec.clip));
          if (spec.activations) assert.equal(c.activations.f.name, spec.activations[l.direction === 'reverse' && spec.activations.length > (m.op === 'LSTM' ? 3 : 1) ? (m.op === 'LSTM' ? 3 : 1) : 0]);
        }
        assert.ok(n.check.y <= 1e-5 && n.check.yh! <= 1e-5, `Y ${n.check.y}, Y_h ${n.check.yh}`);
        if (m.op === 'LSTM') assert.ok(n.check.yc! <= 1e-5, `Y_c ${n.check.yc}`);
      });
    }
  }

  it('inspect lists every recurrent node with its kind, hidden size and input size', () => {
    const mixed = inspectOnnxModel(fixtureBytes('export_mixed.onnx'));
    assert.deepEqual(mixed.recurrentNodes.map((n) => [n.cell, n.hiddenSize, n.inputSize, n.direction]), [['gru', 6, 3, 'forward'], ['lstm', 5, 6, 'bidirectional'], ['rnn', 4, 10, 'forward']]);
    assert.equal(mixed.gruNodes.length, 1);
    const lstm = inspectOnnxModel(fixtureBytes('export_lstm.onnx'));
    assert.deepEqual(lstm.recurrentNodes.map((n) => [n.cell, n.hiddenSize, n.inputSize]), [['lstm', 6, 3], ['lstm', 6, 6]]);
    assert.equal(lstm.gruNodes.length, 0);
    assert.deepEqual(lstm.warnings, []);
  });

  it('says clearly when the model has no recurrent node', async () => {
    const model = onnx.ModelProto.create({
      irVersion: 7,
      opsetImport: [{ domain: '', version: 14 }],
      graph: {
        name: 'identity',
        node: [{ opType: 'Identity', input: ['x'], output: ['y'] }],
        input: [{ name: 'x', type: { tensorType: { elemType: 1, shape: { dim: [{ dimValue: 1 }] } } } }],
        output: [{ name: 'y', type: { tensorType: { elemType: 1, shape: { dim: [{ dimValue: 1 }] } } } }],
      },
    });
    await assert.rejects(
      runRecurrentOnnx({ modelBytes: onnx.ModelProto.encode(model).finish(), inputs: {}, wasmDir: WASM_DIR }),
      (e: unknown) => e instanceof OnnxTraceError && /^the model has no GRU, LSTM or RNN node/.test(e.message),
    );
  });
});
