// Time pyramid of means for one gate of one batch item, so that any zoom level is drawn from about
// one stored value per pixel instead of every step (level of detail).
// Layout of every level: row-major [bucket][unit], H units per row.
// Level 0 is the gate's own values for the valid steps; level k holds, for bucket j, the mean of
// steps [j * 2^k, min((j + 1) * 2^k, steps)) (only the last bucket can be shorter; it is weighted
// exactly). NaN and ±Inf propagate into every mean that contains them, so they stay visible.

export interface TimePyramid {
  /** Units per row. */
  readonly units: number;
  /** Valid (unmasked) steps at level 0. */
  readonly steps: number;
  /** levels[k].length === bucketsAt(k) * units. Sparse while being built: a level needed for the first paint comes first. */
  readonly levels: Float32Array[];
}

/** Buckets at level k for `steps` steps. */
export function bucketsAt(steps: number, k: number): number {
  return Math.ceil(steps / 2 ** k);
}

/** The coarsest level: a single bucket. */
export function topLevel(steps: number): number {
  return steps <= 1 ? 0 : Math.ceil(Math.log2(steps));
}

/** Starts a pyramid with level 0 only (no copy). `values` holds at least steps * units numbers. */
export function startPyramid(values: Float32Array, steps: number, units: number): TimePyramid {
  return { units, steps, levels: [values.subarray(0, steps * units)] };
}

/** The first level not built yet, or -1 when every level up to the top exists. */
export function missingLevel(p: TimePyramid): number {
  const top = topLevel(p.steps);
  for (let k = baseLevel(p) + 1; k <= top; k++) if (!p.levels[k]) return k;
  return -1;
}

/** The finest level present: 0, or the finest inline level of a trace whose fine levels are in a sidecar. */
export function baseLevel(p: TimePyramid): number {
  let k = 0;
  while (k < p.levels.length && !p.levels[k]) k++;
  return k;
}

export function pyramidComplete(p: TimePyramid): boolean {
  return missingLevel(p) < 0;
}

/** Adds the first missing level (from the level below it: one pass over that level). */
export function addPyramidLevel(p: TimePyramid): void {
  const k = missingLevel(p);
  if (k > 0) buildLevel(p, k);
}

/**
 * Builds level k: from level k - 1 when it exists (pairs), else straight from level 0 (one pass
 * over every step, so that the level the first paint needs exists without the ones below it).
 */
export function buildLevel(p: TimePyramid, k: number): void {
  const H = p.units;
  const buckets = bucketsAt(p.steps, k);
  const out = new Float32Array(buckets * H);
  let prev = p.levels[k - 1];
  if (!prev && !p.levels[0]) {
    // No level 0 (sidecar trace): build up from the finest level present.
    buildLevel(p, k - 1);
    prev = p.levels[k - 1];
  }
  if (!prev) {
    const L0 = p.levels[0]!;
    const size = 2 ** k;
    for (let j = 0; j < buckets; j++) {
      const t0 = j * size;
      const t1 = Math.min(p.steps, t0 + size);
      const o = j * H;
      for (let t = t0; t < t1; t++) {
        const b = t * H;
        for (let u = 0; u < H; u++) out[o + u] += L0[b + u];
      }
      const inv = 1 / (t1 - t0);
      for (let u = 0; u < H; u++) out[o + u] *= inv;
    }
    p.levels[k] = out;
    return;
  }
  const prevBuckets = bucketsAt(p.steps, k - 1);
  // Every bucket but the last pairs two full buckets of the level below.
  for (let j = 0; j < buckets - 1; j++) {
    const a = 2 * j * H;
    const b = a + H;
    const o = j * H;
    for (let u = 0; u < H; u++) out[o + u] = (prev[a + u] + prev[b + u]) * 0.5;
  }
  // The last bucket: one bucket of the level below, or two weighted by the steps each holds.
  const j = buckets - 1;
  const a = 2 * j * H;
  const o = j * H;
  if (2 * j + 1 >= prevBuckets) {
    for (let u = 0; u < H; u++) out[o + u] = prev[a + u];
  } else {
    const size = 2 ** (k - 1);
    const cb = Math.min(size, p.steps - (2 * j + 1) * size);
    const wa = size / (size + cb);
    const wb = cb / (size + cb);
    for (let u = 0; u < H; u++) out[o + u] = prev[a + u] * wa + prev[a + H + u] * wb;
  }
  p.levels[k] = out;
}

/**
 * Means of adjacent unit pairs of one level, in display order: out[j][p] = mean of units
 * order[2p] and order[2p + 1] (a lone last unit is copied). Drawing from it halves the reads when
 * two or more units share a pixel row. Layout [bucket][pair], ceil(units / 2) pairs per row.
 */
export function pairUnits(level: Float32Array, buckets: number, units: number, order: Int32Array): Float32Array {
  const P = Math.ceil(units / 2);
  const out = new Float32Array(buckets * P);
  const full = units >> 1;
  for (let j = 0; j < buckets; j++) {
    const base = j * units;
    const o = j * P;
    for (let p = 0; p < full; p++) out[o + p] = (level[base + order[2 * p]] + level[base + order[2 * p + 1]]) * 0.5;
    if (P > full) out[o + full] = level[base + order[units - 1]];
  }
  return out;
}
