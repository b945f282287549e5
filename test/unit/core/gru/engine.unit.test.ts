import * as assert from 'node:assert/strict';
import { fromOnnx, fromPytorch, gatesFromStates, GruCancelledError, runGru, type GruModel } from '../../../../src/core/gru';
import { maxAbsDiff, XorShift } from './fixtures';

function randomOnnx(seed: number, I: number, H: number, direction: 'forward' | 'reverse' | 'bidirectional', lbr: boolean, extra: Partial<Parameters<typeof fromOnnx>[0]> = {}): GruModel {
  const rng = new XorShift(seed);
  const D = direction === 'bidirectional' ? 2 : 1;
  return fromOnnx({
    W: { dims: [D, 3 * H, I], data: rng.uniform(D * 3 * H * I, 1 / Math.sqrt(I)) },
    R: { dims: [D, 3 * H, H], data: rng.uniform(D * 3 * H * H, 1 / Math.sqrt(H)) },
    B: { dims: [D, 6 * H], data: rng.uniform(D * 6 * H, 0.3) },
    hiddenSize: H, direction, linearBeforeReset: lbr, ...extra,
  });
}

function pytorchParams(seed: number, I: number, H: number, L: number, bidir: boolean) {
  const rng = new XorShift(seed);
  const params: Record<string, { dims: number[]; data: Float32Array }> = {};
  for (let k = 0; k < L; k++) {
    for (const sfx of bidir ? ['', '_reverse'] : ['']) {
      const In = k === 0 ? I : (bidir ? 2 : 1) * H;
      params[`weight_ih_l${k}${sfx}`] = { dims: [3 * H, In], data: rng.uniform(3 * H * In, 0.3) };
      params[`weight_hh_l${k}${sfx}`] = { dims: [3 * H, H], data: rng.uniform(3 * H * H, 0.3) };
      params[`bias_ih_l${k}${sfx}`] = { dims: [3 * H], data: rng.uniform(3 * H, 0.3) };
      params[`bias_hh_l${k}${sfx}`] = { dims: [3 * H], data: rng.uniform(3 * H, 0.3) };
    }
  }
  return params;
}

describe('GRU engine behaviour', () => {
  describe('WASM kernel parity with the JS kernel', () => {
    const cases: [string, GruModel, number, number][] = [
      ['I=37 H=100 lbr=0 bidirectional, clip 1.5, HardSigmoid/Softsign', randomOnnx(1, 37, 100, 'bidirectional', false, { clip: 1.5, activations: ['HardSigmoid', 'Softsign', 'Sigmoid', 'Tanh'] }), 3, 40],
      ['I=128 H=512 lbr=1', randomOnnx(2, 128, 512, 'forward', true), 1, 30],
      ['I=3 H=1 reverse', randomOnnx(3, 3, 1, 'reverse', true), 2, 50],
    ];
    for (const [name, model, B, T] of cases) {
      it(`${name}: every gate within 1e-5`, () => {
        const x = new XorShift(9).uniform(B * T * model.layers[0].inputSize, 2);
        const lens = Array.from({ length: B }, (_, b) => T - 7 * b);
        const js = runGru(model, x, { batch: B, steps: T, kernel: 'js', sequenceLengths: lens });
        const wasm = runGru(model, x, { batch: B, steps: T, kernel: 'wasm', sequenceLengths: lens });
        js.layers.forEach((l, i) => {
          for (const g of ['r', 'z', 'n', 'h'] as const) assert.ok(maxAbsDiff(l[g], wasm.layers[i][g]) <= 1e-5, `${l.direction} ${g}: ${maxAbsDiff(l[g], wasm.layers[i][g])}`);
        });
      });
    }
  });

  for (const kernel of ['js', 'wasm'] as const) {
    it(`huge pre-activations saturate without NaN, and a NaN input stays NaN (${kernel}, Sigmoid/Tanh)`, () => {
      const H = 6, I = 2;
      const W = new Float32Array(3 * H * I).map((_, k) => (k % 2 ? 1 : -1) * 1e4 * (1 + (k % 5)));
      const model = fromOnnx({ W: { dims: [1, 3 * H, I], data: W }, R: { dims: [1, 3 * H, H], data: new Float32Array(3 * H * H).fill(50) }, hiddenSize: H, direction: 'forward', linearBeforeReset: true });
      const x = Float32Array.of(3, -2, -7, 1, 1e6, -1e6, NaN, 0.5);
      const run = runGru(model, x, { batch: 1, steps: 4, kernel }).layers[0];
      for (const g of ['r', 'z', 'n', 'h'] as const) {
        for (let t = 0; t < 3; t++) {
          for (let i = 0; i < H; i++) {
            const v = run[g][t * H + i];
            assert.ok(Number.isFinite(v) && Math.abs(v) <= 1, `${g} t${t} i${i} = ${v}`);
            if (g === 'r' || g === 'z') assert.ok(v < 1e-6 || v > 1 - 1e-6, `${g} saturates: ${v}`);
          }
        }
        for (let i = 0; i < H; i++) assert.ok(Number.isNaN(run[g][3 * H + i]), `${g} at the NaN step`);
      }
    });
  }

  it('batchFirst=false ([T, B, I]) gives the same gates as the batch-first layout', () => {
    const model = fromPytorch(pytorchParams(5, 6, 10, 2, true), { hiddenSize: 10, numLayers: 2, bidirectional: true });
    const B = 3, T = 11, I = 6;
    const xbf = new XorShift(6).uniform(B * T * I, 1);
    const xtf = new Float32Array(xbf.length);
    for (let b = 0; b < B; b++) for (let t = 0; t < T; t++) xtf.set(xbf.subarray((b * T + t) * I, (b * T + t + 1) * I), (t * B + b) * I);
    const a = runGru(model, xbf, { batch: B, steps: T });
    const c = runGru(model, xtf, { batch: B, steps: T, batchFirst: false });
    a.layers.forEach((l, i) => assert.equal(maxAbsDiff(l.h, c.layers[i].h), 0));
  });

  it('a reverse direction runs each sequence backwards within its own length', () => {
    const model = randomOnnx(8, 2, 3, 'reverse', false);
    const T = 6, x = new XorShift(10).uniform(2 * T * 2, 1);
    const run = runGru(model, x, { batch: 2, steps: T, sequenceLengths: [4, 6], kernel: 'js' });
    // Batch item 0 alone, truncated to its 4 steps, must give the same values at t < 4.
    const alone = runGru(model, x.slice(0, 4 * 2), { batch: 1, steps: 4, kernel: 'js' });
    assert.equal(maxAbsDiff(run.layers[0].h.slice(0, 4 * 3), alone.layers[0].h), 0);
    assert.deepEqual([...run.layers[0].h.slice(4 * 3, 6 * 3)], new Array(6).fill(0));
    assert.deepEqual([...run.sequenceLengths], [4, 6]);
  });

  for (const kernel of ['js', 'wasm'] as const) {
    it(`T = 100,000 runs (${kernel}) and equals the same run split in two halves joined by initialH`, () => {
      const model = randomOnnx(11, 4, 8, 'forward', true);
      const T = 100_000, half = 50_000, I = 4, H = 8;
      const x = new XorShift(12).uniform(T * I, 1);
      const whole = runGru(model, x, { batch: 1, steps: T, kernel }).layers[0];
      const first = runGru(model, x.subarray(0, half * I), { batch: 1, steps: half, kernel }).layers[0];
      const second = runGru(model, x.subarray(half * I), { batch: 1, steps: T - half, kernel, initialH: first.h.slice((half - 1) * H, half * H) }).layers[0];
      assert.equal(whole.h.length, T * H);
      assert.ok(whole.h.every(Number.isFinite));
      assert.equal(maxAbsDiff(whole.h.subarray(half * H), second.h), 0);
    });
  }

  it('reports progress and stops with GruCancelledError when the signal is aborted', () => {
    const model = randomOnnx(13, 4, 8, 'forward', true);
    const x = new Float32Array(5000 * 4);
    const seen: number[] = [];
    runGru(model, x, { batch: 1, steps: 5000, onProgress: (f) => seen.push(f) });
    assert.ok(seen.length >= 10 && seen[seen.length - 1] === 1);
    assert.ok(seen.every((f, i) => f >= 0 && f <= 1 && (i === 0 || f >= seen[i - 1])));
    const signal = { aborted: false };
    let calls = 0;
    assert.throws(() => runGru(model, x, { batch: 1, steps: 5000, signal, onProgress: () => { calls++; signal.aborted = true; } }), GruCancelledError);
    assert.equal(calls, 1);
  });

  it('gatesFromStates with the run\'s own h_{t-1} reproduces the run (lbr 0 and 1, take-new, clip; both kernels)', () => {
    for (const [lbr, extra] of [[true, {}], [false, { clip: 0.8 }]] as const) {
      const model = randomOnnx(14, 9, 33, 'forward', lbr, extra);
      const B = 2, T = 300, I = 9, H = 33;
      const x = new XorShift(15).uniform(B * T * I, 1.5);
      const run = runGru(model, x, { batch: B, steps: T, kernel: 'js' }).layers[0];
      const hPrev = new Float32Array(B * T * H);
      for (let b = 0; b < B; b++) hPrev.set(run.h.subarray(b * T * H, (b * T + T - 1) * H), (b * T + 1) * H);
      for (const kernel of ['js', 'wasm'] as const) {
        const g = gatesFromStates(model.layers[0].directions[0], model, x, hPrev, B, T, I, H, kernel);
        for (const k of ['r', 'z', 'n', 'h'] as const) assert.ok(maxAbsDiff(g[k], run[k]) <= 1e-5, `lbr ${lbr} ${kernel} ${k}: ${maxAbsDiff(g[k], run[k])}`);
      }
    }
  });

  describe('bad input: one RangeError naming the tensor, its shape and the expected shape', () => {
    const good = pytorchParams(20, 3, 4, 1, false);
    const opts = { hiddenSize: 4, numLayers: 1, bidirectional: false };
    const rangeError = (re: RegExp) => (e: unknown) => e instanceof RangeError && re.test(e.message);

    it('mismatched PyTorch weight shape', () => {
      const bad = { ...good, weight_hh_l0: { dims: [12, 5], data: new Float32Array(60) } };
      assert.throws(() => fromPytorch(bad, opts), rangeError(/weight_hh_l0 has shape \[12, 5\]; expected \[12, 4\]/));
    });
    it('missing reverse weights for a bidirectional model', () => {
      assert.throws(() => fromPytorch(good, { ...opts, bidirectional: true }), rangeError(/weight_ih_l0_reverse is missing.*expected shape \[12, 3\]/));
    });
    it('non-finite weight', () => {
      const data = good.bias_ih_l0.data.slice();
      data[5] = NaN;
      assert.throws(() => fromPytorch({ ...good, bias_ih_l0: { dims: [12], data } }, opts), rangeError(/bias_ih_l0 \(shape \[12\]\) has a non-finite value NaN at flat index 5/));
    });
    it('ONNX W with the wrong direction count', () => {
      assert.throws(() => fromOnnx({ W: { dims: [1, 12, 3], data: new Float32Array(36) }, R: { dims: [1, 12, 4], data: new Float32Array(48) }, hiddenSize: 4, direction: 'bidirectional', linearBeforeReset: true }),
        rangeError(/W has shape \[1, 12, 3\]; expected \[2, 12, 3\]/));
    });
    it('ONNX activations of the wrong count', () => {
      assert.throws(() => fromOnnx({ W: { dims: [1, 12, 3], data: new Float32Array(36) }, R: { dims: [1, 12, 4], data: new Float32Array(48) }, hiddenSize: 4, direction: 'forward', linearBeforeReset: true, activations: ['Sigmoid'] }),
        rangeError(/activations has 1 names \[Sigmoid\]; expected 2/));
    });
    it('input of the wrong size, bad lengths, bad initialH, unknown kernel', () => {
      const model = fromPytorch(good, opts);
      assert.throws(() => runGru(model, new Float32Array(10), { batch: 2, steps: 2 }), rangeError(/x has 10 values; expected 12 float32 values, shape \[2, 2, 3\]/));
      assert.throws(() => runGru(model, new Float32Array(12), { batch: 2, steps: 2, sequenceLengths: [2, 3] }), rangeError(/sequenceLengths\[1\] is 3; expected an integer from 0 to 2/));
      assert.throws(() => runGru(model, new Float32Array(12), { batch: 2, steps: 2, initialH: new Float32Array(4) }), rangeError(/initialH has 4 values; expected shape \[1, 2, 4\]/));
      assert.throws(() => runGru(model, new Float32Array(12), { batch: 2, steps: 2, kernel: 'gpu' as 'js' }), rangeError(/kernel is 'gpu'/));
    });
    it('a run too large to fit in memory is refused before any allocation', () => {
      const model = fromPytorch(good, opts);
      // x is deliberately tiny: the size check comes first and never reads it.
      assert.throws(() => runGru(model, new Float32Array(3), { batch: 1, steps: 40_000_000 }), rangeError(/would record 640000000 gate values \(2\.4 GiB\)/));
    });
  });
});
