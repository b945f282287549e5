import * as assert from 'node:assert/strict';
import * as os from 'node:os';
import { fromOnnx, gatesFromStates, GruCancelledError, runGru, type GruModel } from '../../../src/core/gru';
import { defaultThreadCount, GruThreadPool, resolveThreadCount } from '../../../src/node/gru-threads';
import { XorShift } from '../core/gru/fixtures';
import { assertSameBits as assertSame } from './same-bits';

function model(seed: number, I: number, H: number, direction: 'forward' | 'bidirectional', lbr: boolean, activations?: string[]): GruModel {
  const rng = new XorShift(seed);
  const D = direction === 'bidirectional' ? 2 : 1;
  return fromOnnx({
    W: { dims: [D, 3 * H, I], data: rng.uniform(D * 3 * H * I, 0.5) },
    R: { dims: [D, 3 * H, H], data: rng.uniform(D * 3 * H * H, 0.5) },
    B: { dims: [D, 6 * H], data: rng.uniform(D * 6 * H, 0.3) },
    hiddenSize: H, direction, linearBeforeReset: lbr, activations,
  });
}

describe('GRU thread pool (Node worker threads)', function () {
  this.timeout(60000);
  let pool: GruThreadPool;
  before(() => { pool = new GruThreadPool(3); });
  after(() => pool.close());

  const cases: [string, GruModel, number, number][] = [
    ['I=7 H=30 lbr=1 bidirectional, lengths', model(1, 7, 30, 'bidirectional', true), 3, 25],
    ['I=16 H=64 lbr=0 (two products per step)', model(2, 16, 64, 'forward', false), 1, 40],
    ['I=5 H=3 (fewer rows than threads x 4)', model(3, 5, 3, 'forward', true), 2, 9],
    ['I=32 H=250 lbr=0 (many chunks per step, shared among the threads)', model(10, 32, 250, 'forward', false), 1, 60],
  ];
  for (const [name, m, B, T] of cases) {
    it(`${name}: every gate bit for bit as in one thread`, () => {
      const x = new XorShift(9).uniform(B * T * m.layers[0].inputSize, 1.5);
      const lens = Array.from({ length: B }, (_, b) => T - 4 * b);
      const one = runGru(m, x, { batch: B, steps: T, kernel: 'wasm', sequenceLengths: lens });
      const many = runGru(m, x, { batch: B, steps: T, kernel: pool.kernel(), sequenceLengths: lens });
      one.layers.forEach((l, i) => {
        for (const g of ['r', 'z', 'n', 'h'] as const) assertSame(many.layers[i][g], l[g], `${l.direction} ${g}`);
      });
    });
  }

  /** Gates recovered from seeded x and h_{t-1} by the pool and by one thread's kernel: bit for bit. */
  function recoverBothWays(m: GruModel, seed: number, I: number, H: number, T: number): void {
    const rng = new XorShift(seed);
    const x = rng.uniform(T * I, 1);
    const hPrev = rng.uniform(T * H, 0.9);
    const dir = m.layers[0].directions[0];
    const one = gatesFromStates(dir, m, x, hPrev, 1, T, I, H, 'wasm');
    const many = pool.recover(dir, m, x, hPrev, 1, T, I, H);
    for (const g of ['r', 'z', 'n', 'h'] as const) assertSame(many[g], one[g], g);
  }

  for (const lbr of [true, false]) {
    it(`gate recovery split across steps equals the one-thread kernel bit for bit (lbr ${lbr ? 1 : 0})`, () => {
      recoverBothWays(model(4, 9, 21, 'forward', lbr), 5, 9, 21, 200);
    });
  }

  it('gate recovery with other activations runs on the calling thread, with the same result', () => {
    recoverBothWays(model(6, 4, 6, 'forward', true, ['HardSigmoid', 'Softsign']), 7, 4, 6, 50);
  });

  it('a cancelled threaded run stops with GruCancelledError, and the pool runs the next one correctly', () => {
    const m = model(9, 8, 40, 'forward', true);
    const T = 2000;
    const x = new XorShift(2).uniform(T * 8, 1);
    const signal = { aborted: false };
    let reports = 0;
    assert.throws(() => runGru(m, x, { batch: 1, steps: T, kernel: pool.kernel(), signal, onProgress: () => { if (++reports === 2) signal.aborted = true; } }), GruCancelledError);
    const again = runGru(m, x.subarray(0, 50 * 8), { batch: 1, steps: 50, kernel: pool.kernel() }).layers[0];
    assertSame(again.h, runGru(m, x.subarray(0, 50 * 8), { batch: 1, steps: 50, kernel: 'wasm' }).layers[0].h, 'h after a cancelled run');
  });

  it('defaults to the available cores minus one, at least 1, and refuses a bad count', () => {
    assert.equal(defaultThreadCount(), Math.max(1, os.availableParallelism() - 1));
    assert.equal(resolveThreadCount(undefined), defaultThreadCount());
    assert.equal(resolveThreadCount(4), 4);
    for (const bad of [0, -1, 1.5, NaN, 1000]) assert.throws(() => resolveThreadCount(bad), /threads is .*; expected a whole number from 1 to 256/);
  });

  it('one thread needs no helpers, and a closed pool refuses new kernels', () => {
    const single = new GruThreadPool(1);
    const m = model(8, 3, 8, 'forward', true);
    const x = new XorShift(1).uniform(10 * 3, 1);
    assertSame(runGru(m, x, { batch: 1, steps: 10, kernel: single.kernel() }).layers[0].h, runGru(m, x, { batch: 1, steps: 10, kernel: 'wasm' }).layers[0].h, 'h');
    single.close();
    assert.throws(() => single.kernel(), /thread pool was closed/);
  });
});
