// TraceStreamEncoder: the trace encoder fed chunk by chunk of steps, so that a long run never holds
// steps × units of gates. Each chunk's level-0 rows go straight into the sidecar's tiles, and every
// coarser level of the pyramid is kept as running buckets: a bucket is summarised when its last child
// arrives, written to its tile (sidecar levels) or to the small in-memory overview (inline levels).
// A tile is hashed and written at its final offset once full; the header, which lists the tile hashes,
// is written at offset 0 last (its size is known from the dimensions up front, sidecar.ts).
//
// Same bytes as encodeTrace + writeSidecar for the same input: the plan comes from the same size
// rule (encode.ts, decide), and each bucket is computed with the same arithmetic in the same order
// as pyramid.ts (summariseFromValues for level 1, coarsen above), whatever the chunking.
//
// Memory: per gate, one tile (about 128K values) in progress per sidecar summary and batch item, a
// bucket's children (fanout × units) per level, and the inline levels (bounded by the inline budget).
// Runs whose sidecar is uint8 (its scale comes from every value) and runs that fit the output whole
// are collected instead and encoded by encodeTrace at the end: the first need every value before
// the first byte, the second are bounded by the output budget. A float16 sidecar streams on the
// plan's assumption that every value fits float16 (|v| < 65520 or ±Inf), checked as values come:
// where one does not, encodeTrace would store that gate as float32, so finish throws
// Float16RangeError and the caller encodes the run whole instead (rare: an LSTM cell state or a
// ReLU beyond 65520).
//
// Chunks: push(entry, gates, t0, t1) with each gate [batch, t1 − t0, units] row-major, for steps
// [t0, t1) of layer entry `entry`. An entry's chunks run forward (from t0 = 0) or backward (from
// t1 = steps), contiguously; entries may interleave.

import type { GateSpec } from '../cells/gate-sets';
import { fitsFloat16 } from '../encoding/float16';
import { BYTES_PER_VALUE } from './tensor';
import type { SidecarRef, TraceDocument } from './document';
import {
  build,
  decide,
  encodeTrace,
  encodeValues,
  LITTLE_ENDIAN,
  prepareShape,
  writeSidecar,
  type EncodeOptions,
  type Plan,
  type Prepared,
  type Sha256,
  type SidecarSink,
  type SidecarValues,
  type TraceInput,
  type TraceShape,
} from './encode';
import { BucketSums, bucketCount, PYRAMID_FANOUT, tilesPerItem, validInBucket, type LevelSummaries } from './pyramid';
import { layOutSidecar, sidecarFileName, sidecarHeaderBytes, tileByteRange, type SidecarLayout, type SidecarTensor } from './sidecar';

/** Fields known only once the run is over; the plan was sized with the shape's values of them. */
export type LateFields = Partial<Pick<TraceShape, 'check' | 'warnings' | 'createdAt' | 'model' | 'producer'>>;

/** A value of a gate the streamed plan stores as float16 does not fit float16: encode the run whole. */
export class Float16RangeError extends Error {
  constructor(readonly entry: number, readonly gate: string) {
    super(`gate ${gate} of layer entry ${entry} has values beyond float16; the run must be encoded whole`);
    this.name = 'Float16RangeError';
  }
}

export interface StreamSidecar {
  stem: string;
  sink: SidecarSink;
  sha256: Sha256;
}

const EMPTY = new Float32Array(0);

/** One summary tensor of the sidecar: a tile in progress per batch item. */
interface TileWriter {
  tensor: SidecarTensor;
  index: number;
  /** Tile in progress per batch item (-1: none), and rows filled in it. */
  tile: Int32Array;
  filled: Int32Array;
  bufs: (Float32Array | undefined)[];
  hashes: (string | Promise<string>)[];
}

/** One level of one gate. Level 0 is the values; level k >= 1 has buckets of fanout^k steps. */
interface LevelState {
  bucket: number;
  /** Buckets of this level, and of the level below (children; steps for level 1). */
  J: number;
  Jchild: number;
  /** Sidecar tiles of mean (and min, max for k >= 1), or the whole inline level. */
  tiles?: TileWriter[];
  inline?: LevelSummaries;
  /** k >= 1: children of the bucket in progress per batch item: [B][fanout][U] each. */
  pendJ?: Int32Array;
  pendGot?: Int32Array;
  cMean?: Float32Array;
  cMin?: Float32Array;
  cMax?: Float32Array;
}

interface GateState {
  U: number;
  levels: LevelState[];
  /** The sidecar stores this gate as float16: its values are checked as they come; `f16Bad` once one does not fit. */
  f16: boolean;
  f16Bad: boolean;
}

interface EntryState {
  gates: GateState[];
  /** Steps delivered: [lo, hi) so far; direction of delivery once known (1 forward, -1 backward). */
  lo: number;
  hi: number;
  way: number;
}

export class TraceStreamEncoder {
  /** true: values go to the sidecar as they come; false: collected and encoded by encodeTrace at finish. */
  readonly streaming: boolean;
  private readonly p: Prepared;
  private readonly plan?: Plan;
  private readonly layout?: SidecarLayout;
  private readonly writers: TileWriter[] = [];
  private readonly entries: EntryState[] = [];
  private readonly collected?: Float32Array[][];
  private readonly pool = new Map<number, Float32Array[]>();
  private writes: Promise<void>[] = [];
  /** Float32 rows [mean | min | max] of the bucket just summarised (float32, as pyramid.ts's arrays round). */
  private readonly out: Float32Array;
  /** Per-unit sums of the bucket being summarised (pyramid.ts's, so the bits are the same). */
  private readonly acc: BucketSums;
  private failed: unknown;

  /**
   * `sidecar`: where the fine levels go when the run does not fit `opts.maxBytes` (the sink gets
   * positional writes; the caller renames its file to the returned document.sidecar.file).
   * `opts.sidecar` only gives the stem and precision, as for encodeTrace.
   */
  constructor(
    shape: TraceShape,
    private readonly opts: EncodeOptions,
    private readonly sidecar?: StreamSidecar,
  ) {
    this.p = prepareShape({ ...shape, layers: shape.layers.map((l) => ({ ...l })) });
    const { p } = this;
    const maxU = Math.max(1, ...p.units.flat());
    this.out = new Float32Array(3 * maxU);
    this.acc = new BucketSums(maxU);
    const d = decide(p, opts);
    const fixed = d.kind === 'sidecar' && d.plan.sidecarDtypes.every((row) => row.every((t) => t === 'float32' || t === 'float16'));
    this.streaming = fixed && sidecar !== undefined;
    if (!this.streaming) {
      const cells = (li: number, gi: number): number => p.input.batch * p.input.steps * p.units[li]![gi]!;
      this.collected = p.specs.map((specs, li) => specs.map((_, gi) => new Float32Array(cells(li, gi))));
    } else {
      this.plan = d.plan;
      // The sidecar's tensors in document order: a build with empty values lists them (and their dtypes).
      const tensors: SidecarValues[] = [];
      build(p, d.plan, tensors, (_li, _gi, stored) => stored.map(() => ({ mean: EMPTY, min: EMPTY, max: EMPTY })));
      this.layout = layOutSidecar(p.tileSteps, tensors.map((t) => t.tensor));
      this.layout.tensors.forEach((tensor, index) => {
        const B = tensor.dims[0];
        const writer: TileWriter = { tensor, index, tile: new Int32Array(B).fill(-1), filled: new Int32Array(B), bufs: new Array(B), hashes: new Array(B * tilesPerItem(tensor.dims[1], p.tileSteps)) };
        this.writers.push(writer);
      });
    }
    let w = 0;
    for (let li = 0; li < p.input.layers.length; li++) {
      const gates: GateState[] = p.specs[li]!.map((_, gi) => {
        const U = p.units[li]![gi]!;
        if (!this.streaming) return { U, levels: [], f16: false, f16Bad: false };
        const levels = p.buckets.map((bucket, k): LevelState => {
          const J = bucketCount(p.input.steps, bucket);
          const s: LevelState = { bucket, J, Jchild: k === 0 ? 0 : bucketCount(p.input.steps, p.buckets[k - 1]!) };
          if (k < this.plan!.firstInline) s.tiles = this.writers.slice(w, (w += k === 0 ? 1 : 3));
          else s.inline = { mean: new Float32Array(p.input.batch * J * U), min: new Float32Array(p.input.batch * J * U), max: new Float32Array(p.input.batch * J * U) };
          if (k > 0) {
            const B = p.input.batch;
            s.pendJ = new Int32Array(B).fill(-1);
            s.pendGot = new Int32Array(B);
            s.cMean = new Float32Array(B * PYRAMID_FANOUT * U);
            s.cMin = new Float32Array(B * PYRAMID_FANOUT * U);
            s.cMax = new Float32Array(B * PYRAMID_FANOUT * U);
          }
          return s;
        });
        return { U, levels, f16: this.plan!.sidecarDtypes[li]![gi] === 'float16', f16Bad: false };
      });
      this.entries.push({ gates, lo: 0, hi: 0, way: 0 });
    }
    if (this.streaming && w !== this.writers.length) throw new Error(`TraceStreamEncoder: ${w} sidecar tensors mapped, laid out ${this.writers.length}`);
  }

  /** The gate specs of a layer entry, in the order its chunks are read. */
  specs(entry: number): readonly GateSpec[] {
    return this.p.specs[entry]!;
  }

  /** Steps [t0, t1) of layer entry `entry`: each gate [batch, t1 − t0, units]. */
  async push(entry: number, gates: Readonly<Record<string, Float32Array>>, t0: number, t1: number): Promise<void> {
    const { p } = this;
    const e = this.entries[entry];
    const T = p.input.steps;
    const B = p.input.batch;
    if (!e) throw new RangeError(`TraceStreamEncoder.push: no layer entry ${entry} (the trace has ${this.entries.length})`);
    if (!Number.isInteger(t0) || !Number.isInteger(t1) || t0 < 0 || t1 > T || t0 >= t1) throw new RangeError(`TraceStreamEncoder.push: steps [${t0}, ${t1}) are not a non-empty range within [0, ${T})`);
    if (e.way === 0) {
      if (t0 === 0) e.way = 1;
      else if (t1 === T) e.way = -1;
      else throw new RangeError(`TraceStreamEncoder.push: the first chunk of entry ${entry} must start at step 0 or end at step ${T}, got [${t0}, ${t1})`);
      e.lo = e.way === 1 ? 0 : T;
      e.hi = e.lo;
    }
    if (e.way === 1 ? t0 !== e.hi : t1 !== e.lo) throw new RangeError(`TraceStreamEncoder.push: entry ${entry} has steps [${e.lo}, ${e.hi}); the next chunk must continue them, got [${t0}, ${t1})`);
    const rows = t1 - t0;
    const specs = p.specs[entry]!;
    specs.forEach((s, gi) => {
      const a = gates[s.name];
      const U = e.gates[gi]!.U;
      if (!(a instanceof Float32Array) || a.length !== B * rows * U) throw new RangeError(`TraceStreamEncoder.push: gate ${s.name} of entry ${entry} must be a Float32Array [${B}, ${rows}, ${U}]`);
    });
    if (e.way === 1) e.hi = t1;
    else e.lo = t0;
    const lengths = p.input.sequenceLengths;
    for (let gi = 0; gi < specs.length; gi++) {
      const a = gates[specs[gi]!.name]!;
      const g = e.gates[gi]!;
      const U = g.U;
      if (this.collected) {
        const dst = this.collected[entry]![gi]!;
        for (let b = 0; b < B; b++) dst.set(a.subarray(b * rows * U, (b + 1) * rows * U), (b * T + t0) * U);
        continue;
      }
      for (let b = 0; b < B; b++) {
        const len = lengths ? lengths[b]! : T;
        // The valid steps of item b are contiguous rows of the chunk (masked ones are stored as 0).
        if (g.f16 && !g.f16Bad) g.f16Bad = !fitsFloat16(a.subarray(b * rows * U, (b * rows + Math.max(0, Math.min(t1, len) - t0)) * U));
        // In delivery order, so that each level's bucket in progress is continued, never reopened.
        for (let s = 0; s < rows; s++) {
          const t = e.way === 1 ? t0 + s : t1 - 1 - s;
          const off = (b * rows + (t - t0)) * U;
          // Masked steps are stored as 0 (encode.ts, zeroMasked) and do not enter the summaries.
          this.putLevel0(g, b, t, t < len ? a : undefined, off);
        }
      }
    }
    await this.drain();
  }

  /** Checks that every entry got every step, writes the header, and returns the document (document.sidecar set when one was written). */
  async finish(late: LateFields = {}): Promise<{ document: TraceDocument }> {
    const { p } = this;
    this.entries.forEach((e, i) => {
      if (e.hi - e.lo !== p.input.steps) throw new Error(`TraceStreamEncoder.finish: entry ${i} has steps [${e.lo}, ${e.hi}) of ${p.input.steps}`);
    });
    await this.drain();
    const input = { ...p.input, ...late };
    if (this.collected) {
      const full: TraceInput = { ...input, layers: input.layers.map((l, li) => ({ ...l, gates: Object.fromEntries(p.specs[li]!.map((s, gi) => [s.name, this.collected![li]![gi]!])) })) };
      const { document, sidecar } = encodeTrace(full, this.opts);
      if (sidecar) {
        if (!this.sidecar) throw new Error('TraceStreamEncoder: the run needs a sidecar, but none was given');
        document.sidecar = await writeSidecar(sidecar, this.sidecar.sink, this.sidecar.sha256);
      }
      return { document };
    }
    this.entries.forEach((e, li) =>
      e.gates.forEach((g, gi) => {
        if (g.f16Bad) throw new Float16RangeError(li, p.specs[li]![gi]!.name);
      }),
    );
    Object.assign(p.input, late);
    const layout = this.layout!;
    const tensors: SidecarValues[] = [];
    const document = build(p, this.plan!, tensors, (li, gi, stored) => {
      const levels = this.entries[li]!.gates[gi]!.levels;
      return stored.map((k) => levels[k]!.inline ?? { mean: EMPTY, min: EMPTY, max: EMPTY });
    });
    tensors.forEach((t, i) => {
      const want = layout.tensors[i]!;
      if (t.tensor.name !== want.name || t.tensor.dtype !== want.dtype) throw new Error(`TraceStreamEncoder: sidecar tensor ${i} is ${t.tensor.name}, laid out as ${want.name}`);
    });
    const hashes = await Promise.all(this.writers.map((w) => Promise.all(w.hashes)));
    const header = sidecarHeaderBytes(layout, hashes);
    const { sink, sha256, stem } = this.sidecar!;
    await sink.write(header.bytes, 0);
    const headerSha256 = await sha256(header.json);
    const ref: SidecarRef = { file: sidecarFileName(stem, headerSha256), bytes: layout.totalBytes, headerSha256 };
    document.sidecar = ref;
    return { document };
  }

  /** Level 0 row (b, t) from `src` at `off` (undefined: a masked step, stored as 0). */
  private putLevel0(g: GateState, b: number, t: number, src: Float32Array | undefined, off: number): void {
    const l0 = g.levels[0]!;
    const U = g.U;
    this.putRow(l0, b, t, U, src, off, src, off, src, off);
    if (g.levels.length > 1) this.child(g, 1, b, t, src, off, src, off, src, off);
  }

  /** Writes bucket j of a level (item b) from mean/min/max rows (undefined: zeros). */
  private putRow(
    level: LevelState, b: number, j: number, U: number,
    mean: Float32Array | undefined, mo: number, min: Float32Array | undefined, no: number, max: Float32Array | undefined, xo: number,
  ): void {
    if (level.inline) {
      const o = (b * level.J + j) * U;
      copyRow(level.inline.mean, o, mean, mo, U);
      copyRow(level.inline.min, o, min, no, U);
      copyRow(level.inline.max, o, max, xo, U);
      return;
    }
    const tiles = level.tiles!;
    this.tileRow(tiles[0]!, b, j, U, mean, mo);
    if (tiles.length > 1) {
      this.tileRow(tiles[1]!, b, j, U, min, no);
      this.tileRow(tiles[2]!, b, j, U, max, xo);
    }
  }

  /** Child `c` (a step for level 1, a bucket of level k − 1 above) of level k's bucket in progress. */
  private child(
    g: GateState, k: number, b: number, c: number,
    mean: Float32Array | undefined, mo: number, min: Float32Array | undefined, no: number, max: Float32Array | undefined, xo: number,
  ): void {
    const level = g.levels[k]!;
    const U = g.U;
    const f = PYRAMID_FANOUT;
    const j = Math.floor(c / f);
    const pendJ = level.pendJ!;
    const got = level.pendGot!;
    if (pendJ[b] !== j) {
      if (got[b] !== 0) throw new Error(`TraceStreamEncoder: bucket ${pendJ[b]} of level ${k} is incomplete while bucket ${j} starts`);
      pendJ[b] = j;
    }
    const slot = (b * f + (c - j * f)) * U;
    copyRow(level.cMean!, slot, mean, mo, U);
    if (k > 1) {
      copyRow(level.cMin!, slot, min, no, U);
      copyRow(level.cMax!, slot, max, xo, U);
    }
    const children = Math.min((j + 1) * f, level.Jchild) - j * f;
    if (++got[b]! < children) return;
    got[b] = 0;
    pendJ[b] = -1;
    this.completeBucket(g, k, b, j);
  }

  /** Summarises bucket j of level k (item b) from its children, as pyramid.ts does, and passes it on. */
  private completeBucket(g: GateState, k: number, b: number, j: number): void {
    const level = g.levels[k]!;
    const U = g.U;
    const f = PYRAMID_FANOUT;
    const T = this.p.input.steps;
    const len = this.p.input.sequenceLengths ? this.p.input.sequenceLengths[b]! : T;
    const base = b * f * U;
    const cm = level.cMean!;
    const cn = level.cMin!;
    const cx = level.cMax!;
    // One scratch row set serves every level: a summary is copied on (tile or inline level, then the
    // next level's child slot) before that level can complete and reuse it.
    const out = this.out;
    let valid: number;
    // Children outer, units inner (rows are contiguous); each unit's float64 sum still runs over
    // its children in order, so every value rounds as pyramid.ts's does.
    const acc = this.acc;
    acc.reset(U);
    if (k === 1) {
      // summariseFromValues: steps [t0, min(t0 + bucket, len)), float64 sum times 1 / count.
      const t0 = j * level.bucket;
      valid = Math.min(t0 + level.bucket, len) - t0;
      if (valid > 0) {
        for (let c = 0; c < valid; c++) acc.addValues(cm, base + c * U, U);
        acc.write(valid, true, out, 0, out, U, out, 2 * U, U);
      }
    } else {
      // coarsen: children weighted by their valid steps, float64 sum divided by the total.
      valid = validInBucket(j, level.bucket, len);
      if (valid > 0) {
        const fine = g.levels[k - 1]!.bucket;
        for (let c = 0; c < f && j * f + c < level.Jchild; c++) {
          const w = validInBucket(j * f + c, fine, len);
          if (w === 0) break;
          acc.addSummaries(cm, cn, cx, base + c * U, w, U);
        }
        acc.write(valid, false, out, 0, out, U, out, 2 * U, U);
      }
    }
    // A bucket without valid steps is masked: 0 in every summary.
    const src = valid > 0 ? out : undefined;
    this.putRow(level, b, j, U, src, 0, src, U, src, 2 * U);
    if (k + 1 < g.levels.length) this.child(g, k + 1, b, j, src, 0, src, U, src, 2 * U);
  }

  /** Puts bucket j's row into its tile; a full tile is hashed and written. */
  private tileRow(w: TileWriter, b: number, j: number, U: number, src: Float32Array | undefined, off: number): void {
    const ts = this.p.tileSteps;
    const i = Math.floor(j / ts);
    const J = w.tensor.dims[1];
    const rows = Math.min(J, (i + 1) * ts) - i * ts;
    if (w.tile[b] !== i) {
      if (w.filled[b] !== 0) throw new Error(`TraceStreamEncoder: tile ${w.tile[b]} of ${w.tensor.name} is incomplete while tile ${i} starts`);
      w.tile[b] = i;
      w.bufs[b] = this.take(rows * U);
    }
    const buf = w.bufs[b]!;
    copyRow(buf, (j - i * ts) * U, src, off, U);
    if (++w.filled[b]! < rows) return;
    w.filled[b] = 0;
    w.tile[b] = -1;
    w.bufs[b] = undefined;
    this.flushTile(w, b, i, buf);
  }

  private flushTile(w: TileWriter, b: number, i: number, buf: Float32Array): void {
    const { sink, sha256 } = this.sidecar!;
    const dtype = w.tensor.dtype;
    // float32 on little-endian hosts is a view of buf (no copy); otherwise a buffer of its own, held until written.
    const bytes = encodeValues(buf, dtype, {}, dtype === 'float32' && LITTLE_ENDIAN ? new Uint8Array(0) : new Uint8Array(buf.length * BYTES_PER_VALUE[dtype]));
    const per = tilesPerItem(w.tensor.dims[1], this.p.tileSteps);
    const hash = sha256(bytes);
    w.hashes[b * per + i] = hash;
    const [start] = tileByteRange(this.layout!, w.tensor, b, i);
    this.writes.push(
      Promise.resolve(hash)
        .then(() => sink.write(bytes, start))
        .then(
          () => this.give(buf),
          (e: unknown) => {
            this.failed ??= e;
          },
        ),
    );
  }

  private async drain(): Promise<void> {
    const pending = this.writes;
    this.writes = [];
    await Promise.all(pending);
    if (this.failed !== undefined) throw this.failed;
  }

  private take(n: number): Float32Array {
    return this.pool.get(n)?.pop() ?? new Float32Array(n);
  }

  private give(buf: Float32Array): void {
    const list = this.pool.get(buf.length);
    if (list) list.push(buf);
    else this.pool.set(buf.length, [buf]);
  }
}

/** dst[o .. o + U) = src[so ..] or 0 when src is undefined (plain loop: no view per row). */
function copyRow(dst: Float32Array, o: number, src: Float32Array | undefined, so: number, U: number): void {
  if (!src) {
    for (let u = 0; u < U; u++) dst[o + u] = 0;
    return;
  }
  for (let u = 0; u < U; u++) dst[o + u] = src[so + u]!;
}
