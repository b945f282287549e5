// TraceStreamEncoder against encodeTrace + writeSidecar: for the same run, the streamed document and
// sidecar must be byte for byte the ones the whole-run encoder writes, whatever the chunking, and the
// readers must accept them.
import assert from 'node:assert/strict';
import { encodeTrace, writeSidecar, type EncodeOptions, type TraceInput, type TraceShape } from '../../../../src/core/trace/encode';
import { Float16RangeError, TraceStreamEncoder } from '../../../../src/core/trace/encode-stream';
import { decodeTrace } from '../../../../src/core/trace/decode';
import { SidecarReader } from '../../../../src/core/trace/sidecar-reader';
import { TraceSizeError } from '../../../../src/core/trace/errors';
import { makeInput, rng } from './make-trace';
import { MemorySink, memorySource, sha256 } from './sidecar-bytes';

/** Batch result: document JSON text and sidecar bytes (empty when none). */
async function whole(input: TraceInput, opts: EncodeOptions): Promise<{ json: string; sidecar: Uint8Array }> {
  const { document, sidecar } = encodeTrace(input, opts);
  const sink = new MemorySink();
  if (sidecar) document.sidecar = await writeSidecar(sidecar, sink, sha256);
  return { json: JSON.stringify(document), sidecar: sink.bytes };
}

function shapeOf(input: TraceInput): TraceShape {
  return { ...input, layers: input.layers.map(({ gates: _gates, ...rest }) => rest) };
}

/** Chunk [t0, t1) of a gate [B, T, U] as [B, t1 - t0, U]. */
function slice(a: Float32Array, B: number, T: number, t0: number, t1: number): Float32Array {
  const U = a.length / (B * T);
  const out = new Float32Array(B * (t1 - t0) * U);
  for (let b = 0; b < B; b++) out.set(a.subarray((b * T + t0) * U, (b * T + t1) * U), b * (t1 - t0) * U);
  return out;
}

/**
 * Streams `input` through a TraceStreamEncoder: forward entries in chunks from step 0, reverse
 * entries backwards from the last step, entries interleaved chunk by chunk; sizes from `chunk`.
 */
async function streamed(input: TraceInput, opts: EncodeOptions, chunk: (entry: number) => number): Promise<{ json: string; sidecar: Uint8Array; streaming: boolean }> {
  const sink = new MemorySink();
  const enc = new TraceStreamEncoder(shapeOf(input), opts, opts.sidecar ? { stem: opts.sidecar.stem, sink, sha256 } : undefined);
  const T = input.steps;
  const pos = input.layers.map((l) => (l.direction === 'reverse' ? T : 0));
  for (let open = true; open; ) {
    open = false;
    for (let e = 0; e < input.layers.length; e++) {
      const l = input.layers[e]!;
      const reverse = l.direction === 'reverse';
      if (reverse ? pos[e] === 0 : pos[e] === T) continue;
      open = true;
      const n = chunk(e);
      const t0 = reverse ? Math.max(0, pos[e]! - n) : pos[e]!;
      const t1 = reverse ? pos[e]! : Math.min(T, pos[e]! + n);
      pos[e] = reverse ? t0 : t1;
      await enc.push(e, Object.fromEntries(Object.entries(l.gates).map(([g, a]) => [g, slice(a, input.batch, T, t0, t1)])), t0, t1);
    }
  }
  const { document } = await enc.finish();
  return { json: JSON.stringify(document), sidecar: sink.bytes, streaming: enc.streaming };
}

/** Encodes `input` whole and streamed in `chunk`-step pushes: the same document and sidecar bytes, streamed or collected as `streaming` says. */
async function assertSameAsWhole(input: TraceInput, opts: EncodeOptions, chunk: (entry: number) => number, streaming: boolean): Promise<void> {
  const ref = await whole(input, opts);
  const s = await streamed(input, opts, chunk);
  assert.equal(s.streaming, streaming);
  assert.equal(s.json, ref.json);
  assert.deepEqual(s.sidecar, ref.sidecar);
}

/** 2 batch items (the second shorter), a bidirectional layer of 40 units: level-0 tiles of 2048 steps. */
function longRun(steps: number): TraceInput {
  const input = makeInput({ batch: 2, steps, hidden: [40], bidirectional: true, seed: 11 });
  input.sequenceLengths = [steps, steps - 1037];
  input.tokens = Array.from({ length: steps }, (_, t) => `t${t}`);
  const h = input.layers[0]!.gates['h']!;
  h[5] = NaN;
  h[40 * 3000 + 7] = Infinity;
  h[40 * 3001 + 7] = -Infinity;
  input.check = { reference: 'test', maxAbsError: 1e-7 };
  return input;
}

async function assertReadable(json: string, sidecar: Uint8Array): Promise<number> {
  const doc = JSON.parse(json);
  decodeTrace(doc);
  const reader = await SidecarReader.open(memorySource(sidecar), doc.sidecar, sha256);
  let tiles = 0;
  for (const t of reader.index.tensors) {
    for (let b = 0; b < t.dims[0]; b++) for (let i = 0; i < reader.tiles(t.name); i++, tiles++) await reader.tileBytes(t.name, b, i);
  }
  return tiles;
}

describe('TraceStreamEncoder (chunks of steps, straight into the sidecar)', function () {
  this.timeout(120000);
  const input = longRun(4500);

  // 2 entries × 4 gates: level 0 is one tensor (mean), each coarser level three (mean, min, max).
  for (const [what, opts, tensors] of [
    ['levels x1 and x4 in the sidecar', { maxBytes: 2 ** 20, sidecar: { stem: 'run', inlineBytes: 2 ** 20 } }, 8 * 4],
    ['levels x1 to x64 in the sidecar', { maxBytes: 2 ** 20, sidecar: { stem: 'run', inlineBytes: 120_000 } }, 8 * 10],
  ] as [string, EncodeOptions, number][]) {
    it(`writes the same document and sidecar bytes as encodeTrace + writeSidecar (${what}), for any chunking`, async () => {
      const ref = await whole(input, opts);
      assert.equal(ref.json.split('"sidecar":"').length - 1, tensors, 'sidecar tensors named in the document');
      const next = rng(5);
      for (const chunk of [() => 4500, () => 1 + Math.floor(next() * 700), () => 97]) {
        const s = await streamed(input, opts, chunk);
        assert.equal(s.streaming, true);
        assert.equal(s.json, ref.json);
        assert.equal(Buffer.compare(Buffer.from(s.sidecar), Buffer.from(ref.sidecar)), 0, 'sidecar bytes differ');
      }
      assert.ok((await assertReadable(ref.json, ref.sidecar)) > 8);
    });
  }

  it('steps one at a time give the same bytes', async () => {
    const small = longRun(1200);
    const opts: EncodeOptions = { maxBytes: 200_000, sidecar: { stem: 'one', inlineBytes: 100_000 } };
    await assertSameAsWhole(small, opts, () => 1, true);
  });

  it('streams a float16 sidecar (every value checked against float16 on the way), with the same bytes', async () => {
    const opts: EncodeOptions = { maxBytes: 2 ** 20, sidecar: { stem: 'h', precision: 'float16' } };
    await assertSameAsWhole(input, opts, () => 333, true);
  });

  it('a float16 sidecar with a valid value beyond float16: finish throws Float16RangeError (the whole encoder would store that gate as float32); beyond a sequence\'s length it does not count', async () => {
    const opts: EncodeOptions = { maxBytes: 2 ** 20, sidecar: { stem: 'h', precision: 'float16' } };
    const big = { ...input, layers: input.layers.map((l) => ({ ...l, gates: { ...l.gates, h: l.gates['h']!.slice() } })) };
    const T = big.steps;
    const U = big.layers[1]!.gates['h']!.length / (big.batch * T);
    // Item 1 is shorter: a huge value past its length is masked (stored as 0) and fits.
    const len1 = big.sequenceLengths![1]!;
    big.layers[1]!.gates['h']![(1 * T + len1 + 3) * U] = 1e6;
    const masked = await streamed(big, opts, () => 333);
    assert.equal(masked.json, (await whole(big, opts)).json);
    big.layers[1]!.gates['h']![(0 * T + 17) * U + 2] = -7e4;
    assert.match((await whole(big, opts)).json, /"dtype":"float32"/, 'the whole encoder falls back to float32 for that gate');
    await assert.rejects(streamed(big, opts, () => 333), (e: unknown) => e instanceof Float16RangeError && e.entry === 1 && e.gate === 'h');
  });

  it('collects a run whose sidecar is uint8 (its scale comes from every value), with the same result', async () => {
    const opts: EncodeOptions = { maxBytes: 2 ** 20, sidecar: { stem: 'q', precision: 'uint8' } };
    await assertSameAsWhole(input, opts, () => 333, false);
  });

  it('collects a run that fits the output whole, with the same document and no sidecar', async () => {
    const small = makeInput({ batch: 1, steps: 50, hidden: [8], seed: 2 });
    const opts: EncodeOptions = { sidecar: { stem: 'x' } };
    const ref = await whole(small, opts);
    const s = await streamed(small, opts, () => 7);
    assert.equal(s.streaming, false);
    assert.equal(s.json, ref.json);
    assert.equal(s.sidecar.length, 0);
  });

  it('refuses a run that cannot fit before any value arrives', () => {
    assert.throws(() => new TraceStreamEncoder(shapeOf(input), { maxBytes: 10_000 }), TraceSizeError);
  });

  it('refuses chunks that skip, repeat or run the wrong way, and a finish before every step', async () => {
    const small = makeInput({ batch: 1, steps: 20, hidden: [4], seed: 3 });
    const sink = new MemorySink();
    const enc = new TraceStreamEncoder(shapeOf(small), { maxBytes: 2000, sidecar: { stem: 's' } }, { stem: 's', sink, sha256 });
    const part = (t0: number, t1: number) => Object.fromEntries(Object.entries(small.layers[0]!.gates).map(([g, a]) => [g, slice(a, 1, 20, t0, t1)]));
    await assert.rejects(enc.push(0, part(5, 10), 5, 10), /must start at step 0 or end at step 20/);
    await enc.push(0, part(0, 10), 0, 10);
    await assert.rejects(enc.push(0, part(12, 20), 12, 20), /entry 0 has steps \[0, 10\); the next chunk must continue them/);
    await assert.rejects(enc.push(0, { ...part(10, 20), r: new Float32Array(3) }, 10, 20), /gate r of entry 0 must be a Float32Array \[1, 10, 4\]/);
    await assert.rejects(enc.finish(), /entry 0 has steps \[0, 10\) of 20/);
  });
});
