import * as assert from 'node:assert/strict';
import { fromOnnx, gatesFromStates, runGru } from '../../../../src/core/gru';
import { createWasmKernel } from '../../../../src/core/gru/kernel-wasm';
import { maxAbsDiff, XorShift } from './fixtures';

describe('gate recovery in the WebAssembly kernel (gatesFromStates, Sigmoid/Tanh)', () => {
  for (const lbr of [true, false]) {
    for (const zMeaning of ['keep-old', 'take-new'] as const) {
      it(`lbr ${lbr ? 1 : 0}, ${zMeaning}: runs wholly in the kernel and matches the JS reference and the run it recovers`, () => {
        const I = 13, H = 30, B = 2, T = 300; // T * B > one 256-row chunk, H not a multiple of 4
        const rng = new XorShift(lbr ? 3 : 4);
        const model = fromOnnx({
          W: { dims: [1, 3 * H, I], data: rng.uniform(3 * H * I, 0.5) },
          R: { dims: [1, 3 * H, H], data: rng.uniform(3 * H * H, 0.5) },
          B: { dims: [1, 6 * H], data: rng.uniform(6 * H, 0.3) },
          hiddenSize: H, direction: 'forward', linearBeforeReset: lbr,
        });
        model.zMeaning = zMeaning;
        const x = rng.uniform(B * T * I, 1.5);
        const run = runGru(model, x, { batch: B, steps: T, kernel: 'js' }).layers[0];
        const hPrev = new Float32Array(B * T * H);
        for (let b = 0; b < B; b++) hPrev.set(run.h.subarray(b * T * H, ((b + 1) * T - 1) * H), (b * T + 1) * H);
        const dir = model.layers[0].directions[0];
        const kernel = createWasmKernel()!;
        let kernelRows = 0;
        const recoverRows = kernel.recoverRows.bind(kernel);
        kernel.recoverRows = (rows, l, t) => { kernelRows += rows; recoverRows(rows, l, t); };
        const wasm = gatesFromStates(dir, model, x, hPrev, B, T, I, H, kernel);
        const js = gatesFromStates(dir, model, x, hPrev, B, T, I, H, 'js');
        assert.equal(kernelRows, B * T, 'every row went through the kernel');
        for (const g of ['r', 'z', 'n', 'h'] as const) {
          assert.ok(maxAbsDiff(wasm[g], js[g]) <= 1e-6, `${g}: kernel vs JS ${maxAbsDiff(wasm[g], js[g])}`);
          assert.ok(maxAbsDiff(wasm[g], run[g]) <= 1e-5, `${g}: kernel vs the run ${maxAbsDiff(wasm[g], run[g])}`);
        }
      });
    }
  }
});
