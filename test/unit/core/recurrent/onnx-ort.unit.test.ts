// ONNX-only LSTM and RNN features against real onnxruntime-web (WASM, one thread): the nodes built
// with onnx.helper by test/fixtures/torch/make_lstm_rnn_fixtures.py, run here, their Y, Y_h and
// Y_c compared with the native engines.
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { LayerGateValues } from '../../../../src/core/cells/gate-sets';
import { lstmFromOnnx, runLstm } from '../../../../src/core/lstm';
import { rnnFromOnnx, runRnn } from '../../../../src/core/rnn';
import { FIXTURE_DIR } from '../gru/fixtures';

// eslint-disable-next-line @typescript-eslint/no-require-imports
const ort = require('onnxruntime-web');

interface OnnxFixture {
  name: string;
  op: 'LSTM' | 'RNN';
  file: string;
  direction: 'forward' | 'reverse' | 'bidirectional';
  inputSize: number;
  hiddenSize: number;
  batch: number;
  steps: number;
  W: number[];
  R: number[];
  B: number[];
  X: number[];
  P?: number[];
  inputForget: boolean;
  activations?: string[];
  activationAlpha?: number[];
  activationBeta?: number[];
  clip?: number;
  sequenceLens?: number[];
  initialH?: number[];
  initialC?: number[];
}

const TOL = 1e-5;
const models: OnnxFixture[] = JSON.parse(fs.readFileSync(path.join(FIXTURE_DIR, 'onnx-lstm-rnn.json'), 'utf8')).models;

function runEngine(m: OnnxFixture, kernel: 'js' | 'wasm'): { layers: LayerGateValues[]; sequenceLengths: Int32Array } {
  const D = m.direction === 'bidirectional' ? 2 : 1;
  const H = m.hiddenSize;
  const G = m.op === 'LSTM' ? 4 : 1;
  const common = {
    W: { dims: [D, G * H, m.inputSize], data: Float32Array.from(m.W) },
    R: { dims: [D, G * H, H], data: Float32Array.from(m.R) },
    B: { dims: [D, 2 * G * H], data: Float32Array.from(m.B) },
    hiddenSize: H, direction: m.direction, activations: m.activations, activationAlpha: m.activationAlpha, activationBeta: m.activationBeta, clip: m.clip, layout: 0 as const,
  };
  const opts = {
    batch: m.batch, steps: m.steps, batchFirst: false, kernel, sequenceLengths: m.sequenceLens,
    initialH: m.initialH ? Float32Array.from(m.initialH) : undefined,
  };
  const x = Float32Array.from(m.X);
  if (m.op === 'RNN') return runRnn(rnnFromOnnx(common), x, opts);
  const model = lstmFromOnnx({ ...common, P: m.P ? { dims: [D, 3 * H], data: Float32Array.from(m.P) } : undefined, inputForget: m.inputForget });
  return runLstm(model, x, { ...opts, initialC: m.initialC ? Float32Array.from(m.initialC) : undefined });
}

describe('LSTM and RNN engines vs onnxruntime-web on ONNX-only features (test/fixtures/torch/onnx-lstm-rnn.json)', function () {
  this.timeout(60000);
  const outputs = new Map<string, Record<string, Float32Array>>();

  before(async () => {
    ort.env.wasm.numThreads = 1;
    ort.env.wasm.wasmPaths = path.resolve(__dirname, '../../../../node_modules/onnxruntime-web/dist') + '/';
    for (const m of models) {
      const session = await ort.InferenceSession.create(fs.readFileSync(path.join(FIXTURE_DIR, m.file)));
      const X = new ort.Tensor('float32', Float32Array.from(m.X), [m.steps, m.batch, m.inputSize]);
      const out = await session.run({ X });
      const got: Record<string, Float32Array> = {};
      for (const k of Object.keys(out)) got[k] = out[k].data as Float32Array;
      outputs.set(m.name, got);
      await session.release();
    }
  });

  it('covers peepholes, input_forget, clip, non-default activations, sequence_lens, reverse, bidirectional, initial_h and initial_c', () => {
    const lstm = models.filter((m) => m.op === 'LSTM');
    assert.ok(lstm.some((m) => m.P) && lstm.some((m) => m.inputForget) && lstm.some((m) => m.clip !== undefined));
    assert.ok(lstm.some((m) => m.activations) && lstm.some((m) => m.sequenceLens) && lstm.some((m) => m.initialC));
    for (const dir of ['forward', 'reverse', 'bidirectional']) assert.ok(lstm.some((m) => m.direction === dir), dir);
    assert.ok(models.some((m) => m.op === 'RNN' && m.activations) && models.some((m) => m.op === 'RNN' && m.clip !== undefined));
  });

  for (const m of models) {
    for (const kernel of ['js', 'wasm'] as const) {
      it(`${m.name} (${kernel}): h equals Y and Y_h${m.op === 'LSTM' ? ', c equals Y_c' : ''} within ${TOL}; masked steps stay 0`, () => {
        const D = m.direction === 'bidirectional' ? 2 : 1;
        const { batch: B, steps: T, hiddenSize: H } = m;
        const run = runEngine(m, kernel);
        const ref = outputs.get(m.name)!;
        for (let d = 0; d < D; d++) {
          const got = run.layers[d];
          for (let b = 0; b < B; b++) {
            const len = run.sequenceLengths[b];
            for (let t = 0; t < T; t++) {
              for (let u = 0; u < H; u++) {
                const want = t < len ? ref.Y[((t * D + d) * B + b) * H + u] : 0;
                const v = got.gates.h[(b * T + t) * H + u];
                assert.ok(Math.abs(v - want) <= TOL * Math.max(1, Math.abs(want)), `Y d${d} b${b} t${t} u${u}: ${v} vs ${want}`);
              }
            }
            const tLast = got.direction === 'forward' ? len - 1 : 0;
            if (len === 0) continue;
            for (let u = 0; u < H; u++) {
              const at = (b * T + tLast) * H + u;
              const pairs: [string, string][] = m.op === 'LSTM' ? [['h', 'Y_h'], ['c', 'Y_c']] : [['h', 'Y_h']];
              for (const [gate, out] of pairs) {
                const want = ref[out][(d * B + b) * H + u];
                assert.ok(Math.abs(got.gates[gate][at] - want) <= TOL * Math.max(1, Math.abs(want)), `${out} d${d} b${b} u${u}: ${got.gates[gate][at]} vs ${want}`);
              }
            }
          }
        }
      });
    }
  }
});
