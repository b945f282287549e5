// The time pyramid of trace format v2 (src/core/trace/pyramid.ts) against a brute-force reference:
// every bucket recomputed from level-0 values in float64, straight from the rule in pyramid.ts
// (valid steps only; masked buckets 0; NaN anywhere makes all three summaries NaN; ±Inf as IEEE says).
import assert from 'node:assert/strict';
import {
  bucketCount,
  buildPyramid,
  chooseTileSteps,
  coarsen,
  levelBuckets,
  PYRAMID_FANOUT,
  summariseFromValues,
  tilesPerItem,
  validInBucket,
  type LevelSummaries,
} from '../../../../src/core/trace/pyramid';
import { rng } from './make-trace';

/** Reference summaries of the level with `bucket` steps from values [B, T, U], one bucket at a time. */
function reference(values: Float32Array, B: number, T: number, U: number, bucket: number, lengths?: number[]): LevelSummaries {
  const J = Math.ceil(T / bucket);
  const out = { mean: new Float32Array(B * J * U), min: new Float32Array(B * J * U), max: new Float32Array(B * J * U) };
  for (let b = 0; b < B; b++) {
    const len = lengths ? lengths[b]! : T;
    for (let j = 0; j < J; j++) {
      for (let u = 0; u < U; u++) {
        const cell: number[] = [];
        for (let t = j * bucket; t < Math.min((j + 1) * bucket, T); t++) if (t < len) cell.push(values[(b * T + t) * U + u]!);
        const o = (b * J + j) * U + u;
        if (cell.length === 0) continue; // masked bucket: 0 in every summary
        if (cell.some(Number.isNaN)) {
          out.mean[o] = out.min[o] = out.max[o] = NaN;
          continue;
        }
        let sum = 0;
        for (const v of cell) sum += v;
        out.mean[o] = sum / cell.length;
        out.min[o] = Math.min(...cell);
        out.max[o] = Math.max(...cell);
      }
    }
  }
  return out;
}

/** Same value, NaN equal to NaN (-0 and 0 count as one value). */
function same(a: number, b: number): boolean {
  return Number.isNaN(a) ? Number.isNaN(b) : a === b;
}

function assertExact(got: LevelSummaries, want: LevelSummaries, what: string): void {
  for (const s of ['mean', 'min', 'max'] as const) {
    assert.equal(got[s].length, want[s].length, `${what} ${s}: length`);
    for (let i = 0; i < want[s].length; i++) if (!same(got[s][i]!, want[s][i]!)) assert.fail(`${what} ${s}[${i}]: ${got[s][i]} vs ${want[s][i]}`);
  }
}

/** Seeded values in [-2, 2), [B, T, U]; tests plant NaN and ±Inf themselves. */
function values(B: number, T: number, U: number, seed: number): Float32Array {
  const next = rng(seed);
  return Float32Array.from({ length: B * T * U }, () => 4 * next() - 2);
}

describe('trace format v2: time pyramid', () => {
  describe('bucket arithmetic', () => {
    it('counts buckets with a partial last one', () => {
      assert.equal(bucketCount(10, 1), 10);
      assert.equal(bucketCount(10, 4), 3);
      assert.equal(bucketCount(16, 4), 4);
      assert.equal(bucketCount(1, 64), 1);
    });
    it('counts the valid steps of a bucket for a sequence length', () => {
      // buckets of 4: [0,4) [4,8) [8,12); len 6
      assert.deepEqual(
        [0, 1, 2].map((j) => validInBucket(j, 4, 6)),
        [4, 2, 0],
      );
      assert.equal(validInBucket(0, 4, 0), 0);
      assert.equal(validInBucket(2, 4, 10), 2);
    });
    it('lists levels 1, f, f², … up to the first whose buckets fit one tile', () => {
      assert.deepEqual(levelBuckets(64, 4, 64), [1]);
      assert.deepEqual(levelBuckets(65, 4, 64), [1, 4]);
      assert.deepEqual(levelBuckets(1000, 4, 64), [1, 4, 16]);
      assert.deepEqual(levelBuckets(100_000, 4, 64), [1, 4, 16, 64, 256, 1024, 4096]);
      assert.deepEqual(levelBuckets(1000, 2, 64), [1, 2, 4, 8, 16]);
      for (const [T, f, ts] of [
        [100_000, 4, 64],
        [1000, 2, 64],
        [12345, 3, 16],
      ] as const) {
        const lv = levelBuckets(T, f, ts);
        assert.ok(bucketCount(T, lv.at(-1)!) <= ts, 'the top level is one tile');
        if (lv.length > 1) assert.ok(bucketCount(T, lv.at(-2)!) > ts, 'and the one below it is not');
        lv.forEach((b, k) => assert.equal(b, f ** k));
      }
    });
    it('sizes tiles to about 128K values, a power of two in [16, 4096]', () => {
      assert.equal(chooseTileSteps(1), 4096);
      assert.equal(chooseTileSteps(32), 4096);
      assert.equal(chooseTileSteps(33), 2048);
      assert.equal(chooseTileSteps(1024), 128);
      assert.equal(chooseTileSteps(8192), 16);
      assert.equal(chooseTileSteps(1_000_000), 16);
      for (const u of [1, 7, 100, 513, 3000]) {
        const t = chooseTileSteps(u);
        assert.equal(t & (t - 1), 0);
        assert.ok(t === 16 || t * u <= 1 << 17);
        assert.ok(t === 4096 || 2 * t * u > 1 << 17, `${u} units: ${t} is not the largest`);
      }
    });
    it('counts tiles per batch item with a partial last tile', () => {
      assert.equal(tilesPerItem(10, 4), 3);
      assert.equal(tilesPerItem(8, 4), 2);
      assert.equal(tilesPerItem(1, 4096), 1);
    });
    it('uses fanout 4', () => assert.equal(PYRAMID_FANOUT, 4));
  });

  describe('summariseFromValues', () => {
    const B = 3;
    const T = 37; // buckets of 4 and 16 end with a partial bucket
    const U = 5;
    const v = values(B, T, U, 7);
    // Planted: a NaN (b0 t5 u1), a +Inf (b0 t9 u2), +Inf and -Inf in one bucket (b1 t0 u3, t2 u3), a -Inf (b2 t36 u4).
    v[(0 * T + 5) * U + 1] = NaN;
    v[(0 * T + 9) * U + 2] = Infinity;
    v[(1 * T + 0) * U + 3] = Infinity;
    v[(1 * T + 2) * U + 3] = -Infinity;
    v[(2 * T + 36) * U + 4] = -Infinity;

    for (const bucket of [1, 2, 4, 16, 64]) {
      it(`matches the brute-force reference exactly, bucket ${bucket}, no mask`, () => {
        assertExact(summariseFromValues(v, B, T, U, bucket), reference(v, B, T, U, bucket), `bucket ${bucket}`);
      });
      it(`matches the brute-force reference exactly, bucket ${bucket}, masked lengths [37, 13, 0]`, () => {
        const lengths = [37, 13, 0];
        assertExact(summariseFromValues(v, B, T, U, bucket, lengths), reference(v, B, T, U, bucket, lengths), `bucket ${bucket}`);
      });
    }

    it('gives the IEEE results the rule names, cell by cell', () => {
      const s = summariseFromValues(v, B, T, U, 4);
      const J = bucketCount(T, 4);
      const at = (b: number, j: number, u: number) => (b * J + j) * U + u;
      // NaN in bucket (0, 1) unit 1: all three NaN.
      for (const k of ['mean', 'min', 'max'] as const) assert.ok(Number.isNaN(s[k][at(0, 1, 1)]!), k);
      // +Inf: mean +Inf, max +Inf, min finite.
      assert.equal(s.mean[at(0, 2, 2)], Infinity);
      assert.equal(s.max[at(0, 2, 2)], Infinity);
      assert.ok(Number.isFinite(s.min[at(0, 2, 2)]!));
      // +Inf and -Inf in one bucket: mean NaN, min -Inf, max +Inf (the spikes stay findable).
      assert.ok(Number.isNaN(s.mean[at(1, 0, 3)]!));
      assert.equal(s.min[at(1, 0, 3)], -Infinity);
      assert.equal(s.max[at(1, 0, 3)], Infinity);
      // -Inf in the partial last bucket (step 36 alone): all three -Inf.
      assert.equal(s.mean[at(2, 9, 4)], -Infinity);
      assert.equal(s.min[at(2, 9, 4)], -Infinity);
      assert.equal(s.max[at(2, 9, 4)], -Infinity);
    });

    it('averages the partial last bucket over its own steps, and a partly masked bucket over its valid steps', () => {
      // One unit, 6 steps 1..6, buckets of 4: [1,2,3,4] and [5,6].
      const one = Float32Array.from([1, 2, 3, 4, 5, 6]);
      const s = summariseFromValues(one, 1, 6, 1, 4);
      assert.deepEqual([...s.mean], [2.5, 5.5]);
      assert.deepEqual([...s.min], [1, 5]);
      assert.deepEqual([...s.max], [4, 6]);
      // Length 3: bucket 0 has steps 1..3 valid, bucket 1 none (masked: 0).
      const m = summariseFromValues(one, 1, 6, 1, 4, [3]);
      assert.deepEqual([...m.mean], [2, 0]);
      assert.deepEqual([...m.min], [1, 0]);
      assert.deepEqual([...m.max], [3, 0]);
    });

    it('accumulates in float64 and rounds once: a float32 running sum would lose the small values', () => {
      // 2^24 + 1 + 1 + ... : in float32, 16777216 + 1 = 16777216. Mean of [2^24, 1, 1, 1] = (2^24 + 3) / 4.
      const big = Float32Array.from([2 ** 24, 1, 1, 1]);
      const s = summariseFromValues(big, 1, 4, 1, 4);
      assert.equal(s.mean[0], Math.fround((2 ** 24 + 3) / 4));
      assert.notEqual(s.mean[0], Math.fround(2 ** 24 / 4));
    });
  });

  describe('coarsen', () => {
    const B = 2;
    const U = 3;
    for (const fanout of [2, 3, 4]) {
      for (const T of [50, 64]) {
        it(`fanout ${fanout}, ${T} steps: min/max exact, means within float32 rounding of the fine means, masks and specials included`, () => {
          const v = values(B, T, U, 100 + fanout + T);
          v[(0 * T + 3) * U + 0] = NaN;
          v[(0 * T + 20) * U + 1] = Infinity;
          v[(1 * T + 11) * U + 2] = -Infinity;
          v[(1 * T + 12) * U + 2] = Infinity;
          const lengths = [T, 29];
          let fine = summariseFromValues(v, B, T, U, fanout, lengths);
          let bucket = fanout;
          while (bucketCount(T, bucket) > 1) {
            const coarse = coarsen(fine, B, T, U, bucket, fanout, lengths);
            bucket *= fanout;
            const want = reference(v, B, T, U, bucket, lengths);
            for (const k of ['min', 'max'] as const) {
              for (let i = 0; i < want[k].length; i++) if (!same(coarse[k][i]!, want[k][i]!)) assert.fail(`bucket ${bucket} ${k}[${i}]: ${coarse[k][i]} vs ${want[k][i]}`);
            }
            for (let i = 0; i < want.mean.length; i++) {
              const [got, exp] = [coarse.mean[i]!, want.mean[i]!];
              if (!Number.isFinite(exp)) {
                assert.ok(same(got, exp), `bucket ${bucket} mean[${i}]: ${got} vs ${exp}`);
                continue;
              }
              // Fine means carry float32 rounding (2^-24 relative each); the coarse mean one more.
              assert.ok(Math.abs(got - exp) <= 2 ** -22 * 2, `bucket ${bucket} mean[${i}]: ${got} vs ${exp}`);
            }
            fine = coarse;
          }
        });
      }
    }

    it('weights fine buckets by their valid steps (not a mean of means)', () => {
      // Steps 1..5 (one unit), fanout 2: level x2 = [1.5, 3.5, 5]; x4 = [2.5, 5]; x8 = [3] = (1+2+3+4+5)/5.
      const v = Float32Array.from([1, 2, 3, 4, 5]);
      const x2 = summariseFromValues(v, 1, 5, 1, 2);
      const x4 = coarsen(x2, 1, 5, 1, 2, 2);
      const x8 = coarsen(x4, 1, 5, 1, 4, 2);
      assert.deepEqual([...x4.mean], [2.5, 5]);
      assert.deepEqual([...x8.mean], [3]);
      // Length 3: x2 = [1.5, 3(alone)], x4 = [2], x8 = [2].
      const m2 = summariseFromValues(v, 1, 5, 1, 2, [3]);
      const m8 = coarsen(coarsen(m2, 1, 5, 1, 2, 2, [3]), 1, 5, 1, 4, 2, [3]);
      assert.deepEqual([...m8.mean], [2]);
      assert.deepEqual([...m8.max], [3]);
    });
  });

  describe('buildPyramid', () => {
    it('is level 0 itself, then each listed level as the reference gives it', () => {
      const B = 2;
      const T = 300;
      const U = 4;
      const v = values(B, T, U, 3);
      const lengths = [300, 141];
      const buckets = levelBuckets(T, 4, 16); // [1, 4, 16, 64]
      assert.deepEqual(buckets, [1, 4, 16, 64]);
      const p = buildPyramid(v, B, T, U, buckets, 4, lengths);
      assert.equal(p.length, 4);
      assert.equal(p[0]!.mean, v);
      assert.equal(p[0]!.min, v);
      assert.equal(p[0]!.max, v);
      assertExact(p[1]!, reference(v, B, T, U, 4, lengths), 'level 1');
      for (let k = 2; k < 4; k++) {
        const want = reference(v, B, T, U, buckets[k]!, lengths);
        assert.deepEqual(p[k]!.min, want.min);
        assert.deepEqual(p[k]!.max, want.max);
        p[k]!.mean.forEach((m, i) => assert.ok(Math.abs(m - want.mean[i]!) <= 2 ** -21, `level ${k} mean[${i}]`));
      }
    });
  });
});
