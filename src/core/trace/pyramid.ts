// The time pyramid of trace format v2: level k summarises buckets of fanout^k steps of one gate by
// mean, min and max, per batch item and unit. Layout of every level: row-major [b][bucket][unit].
//
// Bucket j of level k covers steps [j * s, min((j + 1) * s, T)) with s = fanout^k; of batch item b
// only the valid steps (t < len_b) count. A bucket with no valid step is masked and stored as 0 in
// every summary. NaN anywhere in a bucket makes all three summaries NaN (a NaN never hides behind a
// mean or a max); ±Inf enter the mean, min and max as IEEE arithmetic says (+Inf and −Inf in one
// bucket give a NaN mean). Means are accumulated in float64 and rounded once to float32.

/** Steps per bucket grow by this factor per level. */
export const PYRAMID_FANOUT = 4;

/** Values of one tile at level 0: tiles of about 128K values (512 KB float32) per gate. */
const TILE_VALUES = 1 << 17;

export interface LevelSummaries {
  mean: Float32Array;
  min: Float32Array;
  max: Float32Array;
}

function allocSummaries(n: number): LevelSummaries {
  return { mean: new Float32Array(n), min: new Float32Array(n), max: new Float32Array(n) };
}

/**
 * Per-unit sums of one bucket: mean (float64), extremes, and whether a NaN was seen. The one place
 * the summaries' arithmetic lives: summariseFromValues and coarsen here, and encode-stream.ts's
 * bucket-by-bucket summaries, give the same bits because they all go through it.
 */
export class BucketSums {
  private readonly sum: Float64Array;
  private readonly lo: Float64Array;
  private readonly hi: Float64Array;
  private readonly nan: Uint8Array;

  constructor(maxUnits: number) {
    this.sum = new Float64Array(maxUnits);
    this.lo = new Float64Array(maxUnits);
    this.hi = new Float64Array(maxUnits);
    this.nan = new Uint8Array(maxUnits);
  }

  /** Starts a bucket of U units. */
  reset(U: number): void {
    this.sum.fill(0, 0, U);
    this.lo.fill(Infinity, 0, U);
    this.hi.fill(-Infinity, 0, U);
    this.nan.fill(0, 0, U);
  }

  /** Adds one step's values src[o, o + U). */
  addValues(src: Float32Array, o: number, U: number): void {
    const { sum, lo, hi, nan } = this;
    for (let u = 0; u < U; u++) {
      const v = src[o + u]!;
      sum[u] += v;
      if (v < lo[u]!) lo[u] = v;
      if (v > hi[u]!) hi[u] = v;
      if (v !== v) nan[u] = 1;
    }
  }

  /** Adds one finer bucket's summaries at offset o, its mean weighted by its `w` valid steps. */
  addSummaries(mean: Float32Array, min: Float32Array, max: Float32Array, o: number, w: number, U: number): void {
    const { sum, lo, hi, nan } = this;
    for (let u = 0; u < U; u++) {
      const a = min[o + u]!;
      const z = max[o + u]!;
      if (a !== a) nan[u] = 1;
      sum[u] += mean[o + u]! * w;
      if (a < lo[u]!) lo[u] = a;
      if (z > hi[u]!) hi[u] = z;
    }
  }

  /**
   * Writes the bucket's mean, min and max at mean[mo], min[no], max[xo] (U each): the mean is the
   * sum times 1 / steps from values (`fromValues`), the weighted sum divided by steps from summaries.
   */
  write(steps: number, fromValues: boolean, mean: Float32Array, mo: number, min: Float32Array, no: number, max: Float32Array, xo: number, U: number): void {
    const { sum, lo, hi, nan } = this;
    if (fromValues) {
      const inv = 1 / steps;
      for (let u = 0; u < U; u++) mean[mo + u] = sum[u]! * inv;
    } else {
      for (let u = 0; u < U; u++) mean[mo + u] = sum[u]! / steps;
    }
    for (let u = 0; u < U; u++) {
      min[no + u] = nan[u] ? NaN : lo[u]!;
      max[xo + u] = nan[u] ? NaN : hi[u]!;
    }
  }
}

/** Buckets of `bucket` steps covering `steps` steps. */
export function bucketCount(steps: number, bucket: number): number {
  return Math.ceil(steps / bucket);
}

/** Valid steps in bucket j of `bucket` steps for a sequence of `len` valid steps. */
export function validInBucket(j: number, bucket: number, len: number): number {
  return Math.max(0, Math.min((j + 1) * bucket, len) - j * bucket);
}

/**
 * Tile length in buckets for gates of up to `maxUnits` units: a power of two with about 128K
 * values per tile, in [16, 4096].
 */
export function chooseTileSteps(maxUnits: number): number {
  let t = 4096;
  while (t > 16 && t * maxUnits > TILE_VALUES) t >>= 1;
  return t;
}

/**
 * Bucket sizes of every level, finest first: 1, f, f², … up to the first level whose buckets fit one
 * tile (ceil(steps / bucket) <= tileSteps), so that the top level of a batch item is a single tile.
 */
export function levelBuckets(steps: number, fanout: number, tileSteps: number): number[] {
  const out = [1];
  while (bucketCount(steps, out[out.length - 1]!) > tileSteps) out.push(out[out.length - 1]! * fanout);
  return out;
}

/** Tiles per batch item of a level with `buckets` buckets. */
export function tilesPerItem(buckets: number, tileSteps: number): number {
  return Math.ceil(buckets / tileSteps);
}

/**
 * Summaries of the level with `bucket` steps per bucket straight from level-0 values [B, T, U]
 * (one pass over every valid cell). `lengths[b]` valid steps per item (T when absent).
 */
export function summariseFromValues(values: Float32Array, B: number, T: number, U: number, bucket: number, lengths?: ArrayLike<number>): LevelSummaries {
  const J = bucketCount(T, bucket);
  const { mean, min, max } = allocSummaries(B * J * U);
  const acc = new BucketSums(U);
  for (let b = 0; b < B; b++) {
    const len = lengths ? lengths[b]! : T;
    for (let j = 0; j < J; j++) {
      const t0 = j * bucket;
      const t1 = Math.min(t0 + bucket, len);
      if (t1 <= t0) continue; // masked bucket: stays 0
      acc.reset(U);
      for (let t = t0; t < t1; t++) acc.addValues(values, (b * T + t) * U, U);
      const o = (b * J + j) * U;
      acc.write(t1 - t0, true, mean, o, min, o, max, o, U);
    }
  }
  return { mean, min, max };
}

/**
 * The next coarser level (bucket * fanout steps) from a level's summaries (bucket steps): each
 * coarse bucket combines up to `fanout` fine buckets, means weighted by their valid steps.
 * Exactly what summariseFromValues gives for the coarse bucket, up to float32 rounding of the fine means.
 */
export function coarsen(fine: LevelSummaries, B: number, T: number, U: number, bucket: number, fanout: number, lengths?: ArrayLike<number>): LevelSummaries {
  const Jf = bucketCount(T, bucket);
  const coarse = bucket * fanout;
  const J = bucketCount(T, coarse);
  const { mean, min, max } = allocSummaries(B * J * U);
  const acc = new BucketSums(U);
  for (let b = 0; b < B; b++) {
    const len = lengths ? lengths[b]! : T;
    for (let j = 0; j < J; j++) {
      const total = validInBucket(j, coarse, len);
      if (total === 0) continue;
      acc.reset(U);
      const f1 = Math.min(Jf, (j + 1) * fanout);
      for (let jf = j * fanout; jf < f1; jf++) {
        const w = validInBucket(jf, bucket, len);
        if (w === 0) break;
        acc.addSummaries(fine.mean, fine.min, fine.max, (b * Jf + jf) * U, w, U);
      }
      const o = (b * J + j) * U;
      acc.write(total, false, mean, o, min, o, max, o, U);
    }
  }
  return { mean, min, max };
}

/** Every level of a gate: level 0 is the values (min = max = mean), then coarsen() up the list. */
export function buildPyramid(values: Float32Array, B: number, T: number, U: number, buckets: readonly number[], fanout: number, lengths?: ArrayLike<number>): LevelSummaries[] {
  const out: LevelSummaries[] = [{ mean: values, min: values, max: values }];
  for (let k = 1; k < buckets.length; k++) {
    out.push(k === 1 ? summariseFromValues(values, B, T, U, buckets[1]!, lengths) : coarsen(out[k - 1]!, B, T, U, buckets[k - 1]!, fanout, lengths));
  }
  return out;
}
