import * as assert from 'node:assert/strict';
import type { LayerGateValues } from '../../../../src/core/cells/gate-sets';
import { cellSaturation, gateSaturation, memoryTimescale, timescaleOf, timescaleOrder } from '../../../../src/core/view/memory';

/** A [B, T, H] array filled by f(b, t, u). */
function filled(B: number, T: number, H: number, f: (b: number, t: number, u: number) => number): Float32Array {
  const a = new Float32Array(B * T * H);
  for (let b = 0; b < B; b++) for (let t = 0; t < T; t++) for (let u = 0; u < H; u++) a[(b * T + t) * H + u] = f(b, t, u);
  return a;
}

function lstmEntry(B: number, T: number, H: number, f: Float32Array): LayerGateValues {
  const z = new Float32Array(B * T * H);
  return { layer: 0, direction: 'forward', cell: 'lstm', hiddenSize: H, gates: { i: z, f, g: z, o: z, c: z, h: z } };
}

describe('memory timescale and gate saturation (src/core/view/memory.ts)', () => {
  it('τ = -1/ln f: f = e^(-1/10) gives 10 steps, f = 1/2 gives 1/ln 2, f = 1 never forgets, f = 0 forgets at once', () => {
    assert.ok(Math.abs(timescaleOf(Math.exp(-1 / 10)) - 10) < 1e-12);
    assert.ok(Math.abs(timescaleOf(0.5) - 1 / Math.LN2) < 1e-12);
    assert.equal(timescaleOf(1), Infinity);
    assert.equal(timescaleOf(0), 0);
    assert.ok(Number.isNaN(timescaleOf(1.5)));
    assert.ok(Number.isNaN(timescaleOf(NaN)));
  });

  it('chrono initialisation: a forget gate at 1 - 1/T has τ = T - 1/2 - 1/(12T) - ..., between T - 1 and T - 1/2', () => {
    for (const T of [2, 10, 100, 1000]) {
      const tau = timescaleOf(1 - 1 / T);
      assert.ok(tau > T - 1 && tau < T - 0.5, `T = ${T}: ${tau}`);
    }
  });

  it('LSTM: the mean forget over valid steps gives each unit its τ; steps past a sequence length are left out', () => {
    const B = 2, T = 4, H = 3;
    // Unit 0: f = 0.5 on valid steps; unit 1: f alternates 0.8 / 0.6 (mean 0.7); unit 2: f = 1.
    // Item 1 has length 2; its masked steps hold 0.01, which must not count.
    const lengths = [4, 2];
    const f = filled(B, T, H, (b, t, u) => (t >= lengths[b]! ? 0.01 : u === 0 ? 0.5 : u === 1 ? (t % 2 === 0 ? 0.8 : 0.6) : 1));
    const m = memoryTimescale(lstmEntry(B, T, H, f), B, T, lengths)!;
    assert.ok(Math.abs(m.meanForget[0]! - 0.5) < 1e-7);
    assert.ok(Math.abs(m.meanForget[1]! - 0.7) < 1e-7);
    assert.ok(Math.abs(m.timescale[1]! - -1 / Math.log(0.7)) < 1e-6);
    assert.equal(m.timescale[2], Infinity);
    assert.deepEqual([...timescaleOrder(m)], [2, 1, 0]);
  });

  it('GRU: z plays the forget role when it keeps the old state, 1 - z when it takes the new one', () => {
    const B = 1, T = 2, H = 1;
    const z = filled(B, T, H, () => 0.2);
    const e: LayerGateValues = { layer: 0, direction: 'forward', cell: 'gru', hiddenSize: H, gates: { r: z, z, n: z, h: z } };
    assert.ok(Math.abs(memoryTimescale(e, B, T)!.timescale[0]! - -1 / Math.log(0.2)) < 1e-6);
    assert.ok(Math.abs(memoryTimescale(e, B, T, undefined, 'take-new')!.timescale[0]! - -1 / Math.log(0.8)) < 1e-6);
  });

  it('an RNN has no forget gate and no timescale', () => {
    const h = new Float32Array(2);
    assert.equal(memoryTimescale({ layer: 0, direction: 'forward', cell: 'rnn', hiddenSize: 1, gates: { h } }, 1, 2), undefined);
  });

  it('saturation counts values below 0.1 and above 0.9 over valid steps only', () => {
    // One unit, steps 0.05, 0.5, 0.95, 0.99 (valid), then 0.01 masked: low 1/4, high 2/4.
    const v = Float32Array.from([0.05, 0.5, 0.95, 0.99, 0.01]);
    const s = gateSaturation(v, 1, 5, 1, [4]);
    assert.equal(s.low[0], 0.25);
    assert.equal(s.high[0], 0.5);
  });

  it('an LSTM entry reports the saturation of i, f and o; a GRU of r and z', () => {
    const B = 1, T = 2, H = 1;
    const f = Float32Array.from([0.95, 0.95]);
    const sat = cellSaturation(lstmEntry(B, T, H, f), B, T);
    assert.deepEqual(Object.keys(sat), ['i', 'f', 'o']);
    assert.equal(sat.f!.high[0], 1);
    assert.equal(sat.i!.low[0], 1);
  });
});
