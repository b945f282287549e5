import * as assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { gateColourScale, SPECIAL_RGBA } from '../../../../src/core/color/maps';
import { comparisonPairs, deltaRange, statsOf } from '../../../../src/core/compare/comparison-pairs';
import { paneCell, paneRgba } from '../../../../src/core/compare/pane-raster';
import { gateRgba } from '../../../../src/core/preview/render-png';
import { decodeTrace } from '../../../../src/core/trace/decode';

const FILE = path.resolve(__dirname, '../../../fixtures/compare/torch-gru.compare.json');

describe('reading a comparison trace back for a view', () => {
  const trace = decodeTrace(JSON.parse(readFileSync(FILE, 'utf8')));

  it('pairs each run-a entry with its run-b entry, and finds each gate\'s stored statistics', () => {
    const pairs = comparisonPairs(trace);
    assert.deepEqual(
      pairs.map((p) => `${p.layer} ${p.direction} ${p.a.run ?? 'a'}/${p.b.run}`),
      ['0 forward a/b', '0 reverse a/b', '1 forward a/b', '1 reverse a/b'],
    );
    assert.deepEqual(pairs[0]!.gates, ['r', 'z', 'n', 'h']);
    assert.equal(statsOf(trace, 1, 'reverse', 'h')!.gate, 'h');
    assert.equal(statsOf(trace, 2, 'forward', 'h'), undefined);
    assert.deepEqual(comparisonPairs({ ...trace, compare: undefined }), []);
  });

  it('takes the Δ range from the largest finite |a − b| over the batch item\'s valid steps', () => {
    const a = Float32Array.of(0, 0, 0, 0, /* item 1 */ 0, 0, 0, 5);
    const b = Float32Array.of(0, -0.5, NaN, 0.25, 0, 0, 0, 0);
    // [B=2, T=2, U=2]: item 0 has one NaN difference (skipped: not finite) and 0.5; item 1 only 5 at step 1.
    assert.equal(deltaRange(a, b, { steps: 2, units: 2 }, 0, 2), 0.5);
    assert.equal(deltaRange(a, b, { steps: 2, units: 2 }, 1, 1), 0);
    assert.equal(deltaRange(a, b, { steps: 2, units: 2 }, 1, 2), 5);
  });
});

describe('paneRgba: one pane of values or of a − b', () => {
  const [T, U] = [6, 3];
  const a = Float32Array.from({ length: 2 * T * U }, (_, i) => (i % 7) / 7 - 0.4);
  const b = Float32Array.from({ length: 2 * T * U }, (_, i) => (i % 5) / 5 - 0.5);
  const scale = gateColourScale({ range: [-1, 1], scale: 'diverging' });
  const rgbaOf = (v: number, masked: boolean) => {
    const px = new Uint8Array(4);
    gateRgba(scale, v, masked, px, 0);
    return [...px];
  };

  it('shows one cell per pixel at native size, units down and steps across, batch item 1', () => {
    const px = paneRgba({ values: a, steps: T, units: U, batch: 1, validSteps: T, start: 0, end: T, width: T, height: U, scale });
    for (let y = 0; y < U; y++) for (let x = 0; x < T; x++) assert.deepEqual([...px.subarray((y * T + x) * 4, (y * T + x) * 4 + 4)], rgbaOf(a[(1 * T + x) * U + y]!, false));
  });

  it('shows a − b with `other`, masked steps in the masked colour, and a zoomed step range', () => {
    const job = { values: a, other: b, steps: T, units: U, batch: 0, validSteps: 4, start: 2, end: 6, width: 8, height: 6, scale };
    const px = paneRgba(job);
    for (let y = 0; y < 6; y++) {
      for (let x = 0; x < 8; x++) {
        const { step, unit } = paneCell(job, x + 0.5, y + 0.5);
        const want = step >= 4 ? [...SPECIAL_RGBA.masked] : rgbaOf(a[step * U + unit]! - b[step * U + unit]!, false);
        assert.deepEqual([...px.subarray((y * 8 + x) * 4, (y * 8 + x) * 4 + 4)], want, `pixel ${x}, ${y}`);
      }
    }
    assert.deepEqual(paneCell(job, 0, 0), { step: 2, unit: 0 });
    assert.deepEqual(paneCell(job, 7.99, 5.99), { step: 5, unit: 2 });
  });
});

describe('paneRgba: zoomed into units and fractional steps, and drawn from an overview level', () => {
  const [T, U] = [10, 4];
  const a = Float32Array.from({ length: T * U }, (_, i) => ((i * 37) % 11) / 11 - 0.5);
  const scale = gateColourScale({ range: [-1, 1], scale: 'diverging' });
  const rgbaOf = (v: number) => {
    const px = new Uint8Array(4);
    gateRgba(scale, v, false, px, 0);
    return [...px];
  };

  it('samples the cell under each pixel centre of a fractional step range and a unit range', () => {
    const job = { values: a, steps: T, units: U, batch: 0, validSteps: T, start: 2.5, end: 6.5, unitStart: 1, unitEnd: 3, width: 8, height: 4, scale };
    const px = paneRgba(job);
    for (let y = 0; y < 4; y++) {
      for (let x = 0; x < 8; x++) {
        const step = Math.floor(2.5 + ((x + 0.5) * 4) / 8);
        const unit = Math.floor(1 + ((y + 0.5) * 2) / 4);
        assert.deepEqual(paneCell(job, x + 0.5, y + 0.5), { step, unit });
        assert.deepEqual([...px.subarray((y * 8 + x) * 4, (y * 8 + x) * 4 + 4)], rgbaOf(a[step * U + unit]!), `pixel ${x}, ${y}`);
      }
    }
  });

  it('reads row floor(t / bucket) of a coarser level (means over `bucket` steps)', () => {
    const bucket = 4;
    const rows = Math.ceil(T / bucket);
    const level = Float32Array.from({ length: rows * U }, (_, i) => i / (rows * U) - 0.4);
    const job = { values: level, steps: T, units: U, batch: 0, bucket, validSteps: T, start: 0, end: T, width: T, height: U, scale };
    const px = paneRgba(job);
    for (let y = 0; y < U; y++) for (let x = 0; x < T; x++) assert.deepEqual([...px.subarray((y * T + x) * 4, (y * T + x) * 4 + 4)], rgbaOf(level[Math.floor(x / bucket) * U + y]!));
  });
});
