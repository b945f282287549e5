// ONNX-only features against real onnxruntime-web (WASM, one thread): the tiny models written by
// test/fixtures/torch/make_fixtures.py (onnx.helper), run here, their Y compared with the engine.
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { fromOnnx, gatesFromStates, runGru, type GruRun } from '../../../../src/core/gru';
import { FIXTURE_DIR } from './fixtures';

// eslint-disable-next-line @typescript-eslint/no-require-imports
const ort = require('onnxruntime-web');

interface OnnxFixture {
  name: string;
  file: string;
  direction: 'forward' | 'reverse' | 'bidirectional';
  linearBeforeReset: number;
  inputSize: number;
  hiddenSize: number;
  batch: number;
  steps: number;
  W: number[];
  R: number[];
  B: number[];
  X: number[];
  activations?: string[];
  activationAlpha?: number[];
  activationBeta?: number[];
  clip?: number;
  sequenceLens?: number[];
  initialH?: number[];
}

const TOL = 1e-5;

/** Largest |a - b| / max(1, |b|): absolute below 1, relative above (unbounded activations such as
 * LeakyRelu for f let states grow into the hundreds, where float32 spacing alone exceeds 1e-5). */
function maxScaledDiff(a: Float32Array, b: Float32Array): number {
  assert.equal(a.length, b.length);
  let m = 0;
  for (let i = 0; i < a.length; i++) {
    const d = Math.abs(a[i] - b[i]) / Math.max(1, Math.abs(b[i]));
    if (!(d <= m)) m = d;
  }
  return m;
}
const models: OnnxFixture[] = JSON.parse(fs.readFileSync(path.join(FIXTURE_DIR, 'onnx-features.json'), 'utf8')).models;

function modelOf(m: OnnxFixture) {
  const D = m.direction === 'bidirectional' ? 2 : 1;
  const H = m.hiddenSize;
  return fromOnnx({
    W: { dims: [D, 3 * H, m.inputSize], data: Float32Array.from(m.W) },
    R: { dims: [D, 3 * H, H], data: Float32Array.from(m.R) },
    B: { dims: [D, 6 * H], data: Float32Array.from(m.B) },
    hiddenSize: H,
    direction: m.direction,
    linearBeforeReset: m.linearBeforeReset !== 0,
    activations: m.activations,
    activationAlpha: m.activationAlpha,
    activationBeta: m.activationBeta,
    clip: m.clip,
    layout: 0,
  });
}

/** Y [T, D, B, H] of direction d as [B, T, H]. */
function yOf(Y: Float32Array, d: number, D: number, B: number, T: number, H: number): Float32Array {
  const out = new Float32Array(B * T * H);
  for (let t = 0; t < T; t++) for (let b = 0; b < B; b++) for (let i = 0; i < H; i++) out[(b * T + t) * H + i] = Y[((t * D + d) * B + b) * H + i];
  return out;
}

describe('GRU engine vs onnxruntime-web on ONNX-only features (test/fixtures/torch/onnx-features.json)', function () {
  this.timeout(60000);
  const outputs = new Map<string, { Y: Float32Array; Yh: Float32Array }>();

  before(async () => {
    ort.env.wasm.numThreads = 1;
    ort.env.wasm.wasmPaths = path.resolve(__dirname, '../../../../node_modules/onnxruntime-web/dist') + '/';
    for (const m of models) {
      const session = await ort.InferenceSession.create(fs.readFileSync(path.join(FIXTURE_DIR, m.file)));
      const X = new ort.Tensor('float32', Float32Array.from(m.X), [m.steps, m.batch, m.inputSize]);
      const out = await session.run({ X });
      outputs.set(m.name, { Y: out.Y.data as Float32Array, Yh: out.Y_h.data as Float32Array });
      await session.release();
    }
  });

  it('covers linear_before_reset 0/1, reverse, bidirectional, clip, sequence_lens, initial_h and all eleven activations', () => {
    assert.ok(models.some((m) => m.linearBeforeReset === 0) && models.some((m) => m.linearBeforeReset === 1));
    for (const dir of ['forward', 'reverse', 'bidirectional']) assert.ok(models.some((m) => m.direction === dir), dir);
    assert.ok(models.some((m) => m.clip !== undefined));
    assert.ok(models.some((m) => m.sequenceLens));
    assert.ok(models.some((m) => m.initialH));
    const used = new Set(models.flatMap((m) => m.activations ?? ['Sigmoid', 'Tanh']));
    assert.equal(used.size, 11, [...used].join(','));
  });

  for (const m of models) {
    for (const kernel of ['js', 'wasm'] as const) {
      it(`${m.name} (${kernel}): h equals onnxruntime-web Y and Y_h within ${TOL}; masked steps stay 0`, () => {
        const D = m.direction === 'bidirectional' ? 2 : 1;
        const { batch: B, steps: T, hiddenSize: H } = m;
        const run: GruRun = runGru(modelOf(m), Float32Array.from(m.X), {
          batch: B, steps: T, batchFirst: false, kernel,
          sequenceLengths: m.sequenceLens, initialH: m.initialH ? Float32Array.from(m.initialH) : undefined,
        });
        const ref = outputs.get(m.name)!;
        for (let d = 0; d < D; d++) {
          const got = run.layers[d];
          assert.equal(got.direction, d === 0 && m.direction !== 'reverse' ? 'forward' : 'reverse');
          const Yd = yOf(ref.Y, d, D, B, T, H);
          const err = maxScaledDiff(got.h, Yd);
          assert.ok(err <= TOL, `direction ${d}: max |h - Y| / max(1, |Y|) ${err} (largest |Y| ${Math.max(...Yd.map(Math.abs))})`);
          for (let b = 0; b < B; b++) {
            const len = run.sequenceLengths[b];
            const tLast = got.direction === 'forward' ? len - 1 : 0;
            for (let i = 0; i < H; i++) {
              const want = ref.Yh[(d * B + b) * H + i];
              assert.ok(Math.abs(got.h[(b * T + tLast) * H + i] - want) <= TOL * Math.max(1, Math.abs(want)), `Y_h d${d} b${b} i${i}`);
            }
            for (let t = len; t < T; t++) {
              for (const g of ['r', 'z', 'n', 'h'] as const) assert.equal(got[g][(b * T + t) * H], 0, `masked ${g} b${b} t${t}`);
            }
          }
        }
      });
    }
  }

  it('gatesFromStates, given onnxruntime Y as h_{t-1}, reproduces Y and the engine gates (forward models, both kernels)', () => {
    for (const m of models.filter((x) => x.direction === 'forward' && !x.sequenceLens)) {
      const { batch: B, steps: T, hiddenSize: H, inputSize: I } = m;
      const model = modelOf(m);
      const Y = yOf(outputs.get(m.name)!.Y, 0, 1, B, T, H);
      const hPrev = new Float32Array(B * T * H);
      for (let b = 0; b < B; b++) for (let t = 1; t < T; t++) hPrev.set(Y.subarray((b * T + t - 1) * H, (b * T + t) * H), (b * T + t) * H);
      const xbf = new Float32Array(B * T * I);
      for (let t = 0; t < T; t++) for (let b = 0; b < B; b++) for (let i = 0; i < I; i++) xbf[(b * T + t) * I + i] = m.X[(t * B + b) * I + i];
      const run = runGru(model, xbf, { batch: B, steps: T, kernel: 'js' });
      for (const kernel of ['js', 'wasm'] as const) {
        const g = gatesFromStates(model.layers[0].directions[0], model, xbf, hPrev, B, T, I, H, kernel);
        assert.ok(maxScaledDiff(g.h, Y) <= TOL, `${m.name} ${kernel}: h vs Y ${maxScaledDiff(g.h, Y)}`);
        for (const k of ['r', 'z', 'n'] as const) assert.ok(maxScaledDiff(g[k], run.layers[0][k]) <= TOL, `${m.name} ${kernel} ${k}: ${maxScaledDiff(g[k], run.layers[0][k])}`);
      }
    }
  });
});
