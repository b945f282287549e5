// Keras and textbook GRUs against straightforward scalar implementations of their published
// equations (Keras GRUCell docs / source equations; Chung et al. 2014), and the identity that links
// the textbook ("z takes the new candidate") form to the standard one.
import * as assert from 'node:assert/strict';
import { fromKeras, fromOnnx, fromTextbook, runGru, type GruModel, type KerasRecurrentActivation } from '../../../../src/core/gru';
import { maxAbsDiff, XorShift } from './fixtures';

const sig = (x: number) => 1 / (1 + Math.exp(-x));
const RECURRENT: Record<KerasRecurrentActivation, (x: number) => number> = {
  sigmoid: sig,
  hard_sigmoid: (x) => Math.min(6, Math.max(0, x + 3)) / 6,
  hard_sigmoid_tf1: (x) => Math.min(1, Math.max(0, 0.2 * x + 0.5)),
};

/** Keras GRU, one sequence, straight from the equations; kernel [I, 3H] columns z, r, h. Returns h per step [T, H]. */
function kerasScalar(kernel: Float32Array, rec: Float32Array, bias: Float32Array | null, resetAfter: boolean, act: (x: number) => number, x: Float32Array, T: number, I: number, H: number): number[][] {
  let h = new Array<number>(H).fill(0);
  const out: number[][] = [];
  const bIn = (j: number) => (bias ? bias[j] : 0);
  const bRec = (j: number) => (bias && resetAfter ? bias[3 * H + j] : 0);
  for (let t = 0; t < T; t++) {
    const xk = (col: number) => { let s = 0; for (let j = 0; j < I; j++) s += x[t * I + j] * kernel[j * 3 * H + col]; return s; };
    const hu = (v: number[], col: number) => { let s = 0; for (let j = 0; j < H; j++) s += v[j] * rec[j * 3 * H + col]; return s; };
    const z = h.map((_, i) => act(xk(i) + bIn(i) + hu(h, i) + bRec(i)));
    const r = h.map((_, i) => act(xk(H + i) + bIn(H + i) + hu(h, H + i) + bRec(H + i)));
    const rh = h.map((v, i) => r[i] * v);
    const hh = h.map((_, i) => Math.tanh(resetAfter ? xk(2 * H + i) + bIn(2 * H + i) + r[i] * (hu(h, 2 * H + i) + bRec(2 * H + i)) : xk(2 * H + i) + bIn(2 * H + i) + hu(rh, 2 * H + i)));
    h = h.map((v, i) => z[i] * v + (1 - z[i]) * hh[i]);
    out.push(h);
  }
  return out;
}

/** Textbook GRU from Chung et al.: W* [H, H + I] on [h, x]. Returns per step { r, z, n, h }. */
function textbookScalar(Wr: Float32Array, Wz: Float32Array, Wh: Float32Array, b: Float32Array[], x: Float32Array, T: number, I: number, H: number) {
  const C = H + I;
  let h = new Array<number>(H).fill(0);
  const steps: { r: number[]; z: number[]; n: number[]; h: number[] }[] = [];
  const lin = (W: Float32Array, v: number[], t: number, i: number) => {
    let s = 0;
    for (let j = 0; j < H; j++) s += W[i * C + j] * v[j];
    for (let j = 0; j < I; j++) s += W[i * C + H + j] * x[t * I + j];
    return s;
  };
  for (let t = 0; t < T; t++) {
    const r = h.map((_, i) => sig(lin(Wr, h, t, i) + b[0][i]));
    const z = h.map((_, i) => sig(lin(Wz, h, t, i) + b[1][i]));
    const rh = h.map((v, i) => r[i] * v);
    const n = h.map((_, i) => Math.tanh(lin(Wh, rh, t, i) + b[2][i]));
    h = h.map((v, i) => (1 - z[i]) * v + z[i] * n[i]);
    steps.push({ r, z, n, h });
  }
  return steps;
}

function flat(rows: number[][]): Float32Array {
  return Float32Array.from(rows.flat());
}

describe('Keras GRU loader vs the Keras equations', () => {
  const I = 5, H = 7, T = 9;
  for (const resetAfter of [true, false]) {
    for (const recAct of ['sigmoid', 'hard_sigmoid', 'hard_sigmoid_tf1'] as const) {
      it(`reset_after=${resetAfter}, recurrent_activation=${recAct}`, () => {
        const rng = new XorShift(77 + (resetAfter ? 1 : 0));
        const kernel = rng.uniform(I * 3 * H, 1.2);
        const rec = rng.uniform(H * 3 * H, 0.8);
        const bias = rng.uniform((resetAfter ? 2 : 1) * 3 * H, 0.6);
        const x = rng.uniform(T * I, 2);
        const model = fromKeras({
          kernel: { dims: [I, 3 * H], data: kernel }, recurrentKernel: { dims: [H, 3 * H], data: rec },
          bias: { dims: resetAfter ? [2, 3 * H] : [3 * H], data: bias }, resetAfter, recurrentActivation: recAct,
        });
        assert.equal(model.linearBeforeReset, resetAfter);
        const want = flat(kerasScalar(kernel, rec, bias, resetAfter, RECURRENT[recAct], x, T, I, H));
        for (const kernelChoice of ['js', 'wasm'] as const) {
          const run = runGru(model, x, { batch: 1, steps: T, kernel: kernelChoice });
          assert.ok(maxAbsDiff(run.layers[0].h, want) <= 1e-5, `${kernelChoice}: ${maxAbsDiff(run.layers[0].h, want)}`);
        }
      });
    }
  }

  it('hard_sigmoid variants really differ (Keras 3 x/6 + 0.5 vs TF1 0.2x + 0.5)', () => {
    assert.notEqual(RECURRENT.hard_sigmoid(1), RECURRENT.hard_sigmoid_tf1(1));
    const base = { kernel: { dims: [1, 3], data: Float32Array.of(1, 1, 1) }, recurrentKernel: { dims: [1, 3], data: Float32Array.of(0, 0, 0) }, resetAfter: true };
    const a = runGru(fromKeras({ ...base, recurrentActivation: 'hard_sigmoid' }), Float32Array.of(1), { batch: 1, steps: 1 });
    const b = runGru(fromKeras({ ...base, recurrentActivation: 'hard_sigmoid_tf1' }), Float32Array.of(1), { batch: 1, steps: 1 });
    assert.ok(Math.abs(a.layers[0].z[0] - (1 / 6 + 0.5)) < 1e-7);
    assert.ok(Math.abs(b.layers[0].z[0] - 0.7) < 1e-7);
  });

  it('rejects a bias of the wrong layout for reset_after', () => {
    assert.throws(() => fromKeras({ kernel: { dims: [2, 6], data: new Float32Array(12) }, recurrentKernel: { dims: [2, 6], data: new Float32Array(12) }, bias: { dims: [6], data: new Float32Array(6) }, resetAfter: true }),
      (e: unknown) => e instanceof RangeError && /bias has shape \[6\]; expected \[2, 6\]/.test(e.message));
  });
});

describe('textbook GRU (z takes the new candidate, reset before the linear map)', () => {
  const I = 4, H = 6, T = 8;
  const rng = new XorShift(4242);
  const Wr = rng.uniform(H * (H + I), 0.9), Wz = rng.uniform(H * (H + I), 0.9), Wh = rng.uniform(H * (H + I), 0.9);
  const b = [rng.uniform(H, 0.5), rng.uniform(H, 0.5), rng.uniform(H, 0.5)];
  const x = rng.uniform(T * I, 1.5);
  const model = fromTextbook({ Wr: { dims: [H, H + I], data: Wr }, Wz: { dims: [H, H + I], data: Wz }, Wh: { dims: [H, H + I], data: Wh }, br: { dims: [H], data: b[0] }, bz: { dims: [H], data: b[1] }, bh: { dims: [H], data: b[2] } });

  it('matches the scalar equations for r, z, n, h (both kernels)', () => {
    const steps = textbookScalar(Wr, Wz, Wh, b, x, T, I, H);
    for (const kernel of ['js', 'wasm'] as const) {
      const run = runGru(model, x, { batch: 1, steps: T, kernel });
      for (const g of ['r', 'z', 'n', 'h'] as const) {
        const err = maxAbsDiff(run.layers[0][g], flat(steps.map((s) => s[g])));
        assert.ok(err <= 1e-5, `${kernel} ${g}: ${err}`);
      }
    }
  });

  it('equals the keep-old form with negated update-gate weights and biases (z -> 1 - z), and ONNX linear_before_reset=0', () => {
    const negZ = (m: GruModel): GruModel => {
      const d = m.layers[0].directions[0];
      const neg = (a: Float32Array, from: number, to: number) => { const c = a.slice(); for (let i = from; i < to; i++) c[i] = -c[i]; return c; };
      const w = d.weights;
      return { ...m, zMeaning: 'keep-old', layers: [{ ...m.layers[0], directions: [{ ...d, weights: { W: neg(w.W, H * I, 2 * H * I), R: neg(w.R, H * H, 2 * H * H), bW: neg(w.bW, H, 2 * H), bR: neg(w.bR, H, 2 * H) } }] }] };
    };
    const flipped = negZ(model);
    const a = runGru(model, x, { batch: 1, steps: T, kernel: 'js' }).layers[0];
    const c = runGru(flipped, x, { batch: 1, steps: T, kernel: 'js' }).layers[0];
    assert.ok(maxAbsDiff(a.h, c.h) <= 1e-6 && maxAbsDiff(a.r, c.r) <= 1e-6 && maxAbsDiff(a.n, c.n) <= 1e-6);
    assert.ok(maxAbsDiff(a.z, c.z.map((v) => 1 - v)) <= 1e-6);
    // The same function as an ONNX node (gate order z, r, h; lbr = 0; z keeps the old state).
    const fw = flipped.layers[0].directions[0].weights;
    const toZrh = (m: Float32Array, cols: number) => Float32Array.from([...m.subarray(cols * H, 2 * cols * H), ...m.subarray(0, cols * H), ...m.subarray(2 * cols * H)]);
    const onnx = fromOnnx({
      W: { dims: [1, 3 * H, I], data: toZrh(fw.W, I) }, R: { dims: [1, 3 * H, H], data: toZrh(fw.R, H) },
      B: { dims: [1, 6 * H], data: Float32Array.from([...toZrh(fw.bW, 1), ...toZrh(fw.bR, 1)]) },
      hiddenSize: H, direction: 'forward', linearBeforeReset: false,
    });
    const o = runGru(onnx, x, { batch: 1, steps: T, kernel: 'js' }).layers[0];
    assert.ok(maxAbsDiff(o.h, a.h) <= 1e-6, `${maxAbsDiff(o.h, a.h)}`);
  });
});
