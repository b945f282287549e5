// The sidecar file of trace format v2 (src/core/trace/sidecar.ts, encode.ts writeSidecar): safetensors
// layout, header sized exactly before the tile hashes are known, tile addressing, and the reader
// (sidecar-reader.ts) on intact and corrupt files.
import assert from 'node:assert/strict';
import type { SidecarRef } from '../../../../src/core/trace/document';
import { writeSidecar, type SidecarPlan } from '../../../../src/core/trace/encode';
import { decodeFloat16 } from '../../../../src/core/encoding/float16';
import { dequantizeUint8, finiteRange } from '../../../../src/core/encoding/uint8';
import {
  layOutSidecar,
  parseSidecarHeader,
  sidecarFileName,
  sidecarHeaderLength,
  sidecarTensorName,
  SidecarError,
  tileByteRange,
  tileCount,
  type SidecarTensor,
} from '../../../../src/core/trace/sidecar';
import { SidecarReader } from '../../../../src/core/trace/sidecar-reader';
import { MemorySink, memorySource, readSafetensors, sha256 } from './sidecar-bytes';
import { rng } from './make-trace';

type Dims = [number, number, number];

/** A plan of three tensors (float32, float16, uint8) with tiles of 4 buckets; the last tile of each item is partial. */
function plan(tileSteps = 4): SidecarPlan {
  const next = rng(17);
  const specs: { name: string; dtype: SidecarTensor['dtype']; dims: Dims }[] = [
    { name: sidecarTensorName(0, 'forward', 'r', 1, 'mean'), dtype: 'float32', dims: [2, 10, 3] },
    { name: sidecarTensorName(0, 'forward', 'h', 4, 'max'), dtype: 'float16', dims: [2, 7, 5] },
    { name: sidecarTensorName(1, 'reverse', 'c', 16, 'min', 'b'), dtype: 'uint8', dims: [1, 9, 2] },
  ];
  const values = specs.map((s) => Float32Array.from({ length: s.dims[0] * s.dims[1] * s.dims[2] }, () => 2 * next() - 1));
  values[0]![4] = NaN;
  values[1]![6] = Infinity;
  values[2]![3] = -Infinity;
  const tensors = specs.map((s, i) => {
    if (s.dtype !== 'uint8') return s;
    const [min, max] = finiteRange(values[i]!, s.dims);
    return { ...s, scale: (max - min) / 252, offset: min };
  });
  return { stem: 'run', layout: layOutSidecar(tileSteps, tensors), values };
}

async function written(p = plan()): Promise<{ bytes: Uint8Array; ref: SidecarRef; p: SidecarPlan }> {
  const sink = new MemorySink();
  const ref = await writeSidecar(p, sink, sha256);
  return { bytes: sink.bytes, ref, p };
}

/** Values of tile (b, i) of a [B, J, U] tensor, straight from its full values. */
function tileOf(v: Float32Array, dims: Dims, tileSteps: number, b: number, i: number): Float32Array {
  const [, J, U] = dims;
  const j0 = i * tileSteps;
  const j1 = Math.min(J, j0 + tileSteps);
  return v.slice((b * J + j0) * U, (b * J + j1) * U);
}

function decodeAs(bytes: Uint8Array, t: SidecarTensor): Float32Array {
  if (t.dtype === 'float32') return new Float32Array(bytes.slice().buffer);
  if (t.dtype === 'float16') return decodeFloat16(bytes);
  return dequantizeUint8(bytes, t.scale!, t.offset!);
}

function sameValues(got: Float32Array, want: Float32Array, tolerance: number, what: string): void {
  assert.equal(got.length, want.length, `${what}: length`);
  for (let k = 0; k < want.length; k++) {
    const [g, w] = [got[k]!, want[k]!];
    if (Number.isNaN(w) || !Number.isFinite(w)) assert.ok(Object.is(g, w) || (Number.isNaN(g) && Number.isNaN(w)), `${what}[${k}]: ${g} vs ${w}`);
    else assert.ok(Math.abs(g - w) <= tolerance * Math.max(1, Math.abs(w)), `${what}[${k}]: ${g} vs ${w}`);
  }
}

describe('trace format v2: sidecar layout', () => {
  it('names tensors by run, layer, direction, gate, bucket and summary, and files by stem and header hash', () => {
    assert.equal(sidecarTensorName(0, 'forward', 'r', 1, 'mean'), 'L0.forward.r.x1.mean');
    assert.equal(sidecarTensorName(2, 'reverse', 'c', 16, 'max', 'a'), 'L2.reverse.c.x16.max');
    assert.equal(sidecarTensorName(1, 'reverse', 'c', 16, 'max', 'b'), 'b.L1.reverse.c.x16.max');
    assert.equal(sidecarFileName('notebook', 'abcdef0123456789'.repeat(4)), 'notebook-abcdef012345.gatescope.safetensors');
  });

  it('lays tensors out back to back in the data section', () => {
    const { layout } = plan();
    assert.deepEqual(
      layout.tensors.map((t) => [t.begin, t.end]),
      [
        [0, 240],
        [240, 380],
        [380, 398],
      ],
    );
    assert.equal(layout.totalBytes, 8 + layout.headerLength + 398);
  });

  it('sizes the header exactly before hashing: the written header has that length, padded with spaces to 8 bytes', async () => {
    const { bytes, p } = await written();
    const st = readSafetensors(bytes);
    assert.equal(st.headerLength, p.layout.headerLength);
    assert.equal(st.headerLength % 8, 0);
    assert.equal(bytes.length, p.layout.totalBytes);
    const text = new TextDecoder().decode(bytes.subarray(8, 8 + st.headerLength));
    const unpadded = text.trimEnd();
    assert.ok(text.length - unpadded.length < 8, 'at most 7 bytes of padding');
    assert.match(text.slice(unpadded.length), /^ *$/);
    // Every layout, whatever its names and counts, gets its header length right.
    for (const ts of [1, 2, 4, 16]) {
      const q = plan(ts);
      const w = await written(q);
      assert.equal(readSafetensors(w.bytes).headerLength, q.layout.headerLength, `tileSteps ${ts}`);
    }
  });

  it('writes a safetensors header numpy can follow: dtype, shape, offsets, and the Gatescope metadata', async () => {
    const { bytes, p } = await written();
    const st = readSafetensors(bytes);
    const names = p.layout.tensors.map((t) => t.name);
    assert.deepEqual(Object.keys(st.header), [...names, '__metadata__']);
    assert.deepEqual(
      names.map((n) => [st.header[n]!.dtype, st.header[n]!.shape, st.header[n]!.data_offsets]),
      [
        ['F32', [2, 10, 3], [0, 240]],
        ['F16', [2, 7, 5], [240, 380]],
        ['U8', [1, 9, 2], [380, 398]],
      ],
    );
    const meta = st.header.__metadata__;
    assert.equal(meta['format'], 'gatescope.trace.sidecar');
    assert.equal(meta['version'], '2');
    assert.equal(meta['tileSteps'], '4');
    const u8 = p.layout.tensors[2]!;
    assert.deepEqual(JSON.parse(meta['quant']!), { [u8.name]: [u8.scale, u8.offset] });
    // The float32 tensor reads back exactly from its offsets, as numpy.frombuffer would.
    const t0 = p.layout.tensors[0]!;
    sameValues(new Float32Array(bytes.slice(st.dataStart + t0.begin, st.dataStart + t0.end).buffer), p.values[0]!, 0, 'F32 tensor');
  });

  it('addresses tile (b, i) as one byte range holding buckets [i·tileSteps, (i+1)·tileSteps) of item b; ranges tile the data section', async () => {
    const { bytes, p } = await written();
    const { layout } = p;
    const ranges: [number, number][] = [];
    layout.tensors.forEach((t, ti) => {
      const per = Math.ceil(t.dims[1] / layout.tileSteps);
      assert.equal(tileCount(layout, t), t.dims[0] * per);
      for (let b = 0; b < t.dims[0]; b++) {
        for (let i = 0; i < per; i++) {
          const [start, end] = tileByteRange(layout, t, b, i);
          ranges.push([start, end]);
          const want = tileOf(p.values[ti]!, t.dims, layout.tileSteps, b, i);
          const tol = t.dtype === 'float32' ? 0 : t.dtype === 'float16' ? 2 ** -11 : t.scale! / 2 + 1e-7;
          sameValues(decodeAs(bytes.slice(start, end), t), want, tol, `${t.name} tile (${b}, ${i})`);
        }
      }
    });
    // The last tile of an item is partial: 10 buckets in tiles of 4 -> 4, 4, 2.
    const t0 = layout.tensors[0]!;
    assert.deepEqual(
      [0, 1, 2].map((i) => tileByteRange(layout, t0, 1, i)).map(([s, e]) => (e - s) / (3 * 4)),
      [4, 4, 2],
    );
    ranges.sort((a, b) => a[0] - b[0]);
    assert.equal(ranges[0]![0], 8 + layout.headerLength);
    for (let k = 1; k < ranges.length; k++) assert.equal(ranges[k]![0], ranges[k - 1]![1], 'no gap, no overlap');
    assert.equal(ranges.at(-1)![1], layout.totalBytes);
  });

  it('lists one SHA-256 per tile, b-major, and the reference carries the header hash', async () => {
    const { bytes, ref, p } = await written();
    const st = readSafetensors(bytes);
    const tiles = JSON.parse(st.header.__metadata__['tiles']!);
    for (const t of p.layout.tensors) {
      const per = Math.ceil(t.dims[1] / p.layout.tileSteps);
      const want: string[] = [];
      for (let b = 0; b < t.dims[0]; b++) for (let i = 0; i < per; i++) want.push(sha256(bytes.slice(...tileByteRange(p.layout, t, b, i))));
      assert.deepEqual(tiles[t.name], want);
    }
    assert.equal(ref.headerSha256, sha256(bytes.subarray(8, 8 + st.headerLength)));
    assert.equal(ref.bytes, bytes.length);
    assert.equal(ref.file, sidecarFileName('run', ref.headerSha256));
  });
});

describe('trace format v2: sidecar reader', () => {
  it('reads every tile of an intact file, each with one ranged read, to the written values', async () => {
    const { bytes, ref, p } = await written();
    const src = memorySource(bytes);
    const r = await SidecarReader.open(src, ref, sha256);
    for (const [ti, t] of p.layout.tensors.entries()) {
      assert.equal(r.tiles(t.name), Math.ceil(t.dims[1] / 4));
      const before = src.reads.length;
      const tile = await r.tileValues(t.name, t.dims[0] - 1, r.tiles(t.name) - 1);
      assert.equal(src.reads.length, before + 1);
      assert.deepEqual(src.reads.at(-1), tileByteRange(p.layout, t, t.dims[0] - 1, r.tiles(t.name) - 1));
      const tol = t.dtype === 'float32' ? 0 : t.dtype === 'float16' ? 2 ** -11 : t.scale! / 2 + 1e-7;
      sameValues(tile, tileOf(p.values[ti]!, t.dims, 4, t.dims[0] - 1, r.tiles(t.name) - 1), tol, t.name);
      sameValues(await r.tensorValues(t.name), p.values[ti]!, tol, t.name);
    }
  });

  /** Expects SidecarReader.open (or a later call) to fail with a SidecarError matching `message`. */
  async function refuses(run: () => Promise<unknown>, message: RegExp): Promise<void> {
    await assert.rejects(run, (e: unknown) => {
      assert.ok(e instanceof SidecarError, `not a SidecarError: ${String(e)}`);
      assert.match(e.message, message);
      return true;
    });
  }

  it('refuses a truncated file, naming both sizes', async () => {
    const { bytes, ref } = await written();
    await refuses(
      () => SidecarReader.open(memorySource(bytes.slice(0, bytes.length - 5)), ref, sha256),
      new RegExp(`^run-[0-9a-f]{12}\\.gatescope\\.safetensors has ${bytes.length - 5} bytes, but this output's trace expects ${bytes.length}: it was changed or belongs to another run\\. Re-run the cell to write it again\\.$`),
    );
  });

  it('refuses a file of the wrong size (grown), naming it by the label given', async () => {
    const { bytes, ref } = await written();
    const grown = new Uint8Array(bytes.length + 8);
    grown.set(bytes);
    await refuses(() => SidecarReader.open(memorySource(grown), ref, sha256, 'trace-1.gatescope.safetensors'), new RegExp(`^trace-1\\.gatescope\\.safetensors has ${grown.length} bytes, but this output's trace expects ${bytes.length}`));
  });

  it('refuses a header length beyond the file', async () => {
    const { bytes, ref } = await written();
    const bad = bytes.slice();
    new DataView(bad.buffer).setBigUint64(0, BigInt(bytes.length), true);
    await refuses(() => SidecarReader.open(memorySource(bad), ref, sha256), new RegExp(`^its header length \\(${bytes.length} bytes\\) does not fit a ${bytes.length}-byte file$`));
    new DataView(bad.buffer).setBigUint64(0, 2n ** 63n, true);
    await refuses(() => SidecarReader.open(memorySource(bad), ref, sha256), /^its header length \(9223372036854775808 bytes\) does not fit/);
  });

  it('refuses a file too short for the length prefix', () => {
    assert.throws(() => sidecarHeaderLength(new Uint8Array(5), 5), (e: unknown) => e instanceof SidecarError && e.message === 'the file has 5 bytes, too short for a safetensors header');
  });

  it('refuses a header whose SHA-256 differs from the document (one byte changed)', async () => {
    const { bytes, ref } = await written();
    const bad = bytes.slice();
    const st = readSafetensors(bytes);
    bad[8 + st.headerLength - 1] = 0x09; // a padding space made a tab: still valid JSON, another hash
    await refuses(() => SidecarReader.open(memorySource(bad), ref, sha256), /does not match this output \(its header's SHA-256 differs\): it was replaced or belongs to another run\. Re-run the cell to write it again\.$/);
  });

  it('refuses a header that is not JSON, even when the document vouches for its hash', async () => {
    const { bytes, ref } = await written();
    const bad = bytes.slice();
    bad[8] = 0x5b; // '{' -> '['... then an unclosed array: not JSON
    bad[9] = 0x7b;
    const st = readSafetensors(bytes);
    const forged = { ...ref, headerSha256: sha256(bad.subarray(8, 8 + st.headerLength)) };
    await refuses(() => SidecarReader.open(memorySource(bad), forged, sha256), /^its header is not valid UTF-8 JSON$/);
  });

  it('refuses a flipped byte inside one tile, for that tile only, saying which tile', async () => {
    const { bytes, ref, p } = await written();
    const t = p.layout.tensors[1]!; // float16, 2 items × 2 tiles
    const [start] = tileByteRange(p.layout, t, 1, 0);
    const bad = bytes.slice();
    bad[start + 3] ^= 0x01;
    const r = await SidecarReader.open(memorySource(bad), ref, sha256);
    await refuses(() => r.tileValues(t.name, 1, 0), new RegExp(`^run-[0-9a-f]{12}\\.gatescope\\.safetensors: tile 0 of ${t.name.replace(/\./g, '\\.')} \\(batch item 1\\) is corrupt \\(its SHA-256 differs from the header's\\)\\. Re-run the cell to write the sidecar again\\.$`));
    // Every other tile still reads.
    for (const [b, i] of [
      [0, 0],
      [0, 1],
      [1, 1],
    ] as const) {
      assert.equal((await r.tileValues(t.name, b, i)).length, (i === 0 ? 4 : 3) * 5);
    }
    await refuses(() => r.tensorValues(t.name), /tile 0 of .* \(batch item 1\) is corrupt/);
    assert.equal((await r.tensorValues(p.layout.tensors[0]!.name)).length, 60);
  });

  it('refuses tiles outside a tensor and tensors it does not hold', async () => {
    const { bytes, ref, p } = await written();
    const r = await SidecarReader.open(memorySource(bytes), ref, sha256);
    const name = p.layout.tensors[0]!.name;
    await refuses(() => r.tileBytes(name, 2, 0), /^tile \(2, 0\) is outside tensor "L0\.forward\.r\.x1\.mean" \(2 batch items × 3 tiles\)$/);
    await refuses(() => r.tileBytes(name, 0, 3), /^tile \(0, 3\) is outside/);
    await refuses(() => r.tileBytes(name, 0, 0.5), /^tile \(0, 0\.5\) is outside/);
    assert.throws(() => r.tensor('L9.forward.r.x1.mean'), /has no tensor "L9\.forward\.r\.x1\.mean"$/);
  });

  describe('header checks (parseSidecarHeader)', () => {
    async function header(): Promise<{ h: Record<string, any> }> { // eslint-disable-line @typescript-eslint/no-explicit-any
      const { bytes } = await written();
      return { h: readSafetensors(bytes).header };
    }
    const parse = (h: unknown, fileBytes: number) => parseSidecarHeader(new TextEncoder().encode(JSON.stringify(h)), fileBytes);
    const cases: [string, (h: Record<string, any>) => void, RegExp][] = [ // eslint-disable-line @typescript-eslint/no-explicit-any
      ['no Gatescope metadata', (h) => delete h.__metadata__, /^it is not a Gatescope sidecar \(__metadata__\.format is not "gatescope\.trace\.sidecar"\)$/],
      ['tileSteps not a power of two', (h) => (h.__metadata__.tileSteps = '6'), /^__metadata__\.tileSteps is not a power of two$/],
      ['tiles not JSON', (h) => (h.__metadata__.tiles = '{'), /^__metadata__\.tiles is not a JSON object$/],
      ['an unknown dtype', (h) => (h['L0.forward.r.x1.mean'].dtype = 'F64'), /^tensor "L0\.forward\.r\.x1\.mean" has dtype "F64"; expected F32, F16 or U8$/],
      ['a 2-d shape', (h) => (h['L0.forward.r.x1.mean'].shape = [2, 30]), /^tensor "L0\.forward\.r\.x1\.mean" has shape \[2,30\]; expected \[batch, buckets, units\]$/],
      ['offsets shorter than the shape needs', (h) => (h['L0.forward.r.x1.mean'].data_offsets = [0, 236]), /^tensor "L0\.forward\.r\.x1\.mean" claims bytes \[0, 236\) of a \d+-byte data section; its shape needs 240$/],
      ['offsets beyond the data section', (h) => (h['b.L1.reverse.c.x16.min'].data_offsets = [390, 408]), /^tensor "b\.L1\.reverse\.c\.x16\.min" claims bytes \[390, 408\) of a \d+-byte data section; its shape needs 18$/],
      ['a uint8 tensor without quantization', (h) => (h.__metadata__.quant = '{}'), /^uint8 tensor "b\.L1\.reverse\.c\.x16\.min" has no scale and offset in __metadata__\.quant$/],
      ['a tile list one short', (h) => {
        const tiles = JSON.parse(h.__metadata__.tiles);
        tiles['L0.forward.h.x4.max'].pop();
        h.__metadata__.tiles = JSON.stringify(tiles);
      }, /^tensor "L0\.forward\.h\.x4\.max" does not list its 4 tile hashes in __metadata__\.tiles$/],
    ];
    for (const [what, mutate, message] of cases) {
      it(`refuses ${what}`, async () => {
        const { h } = await header();
        mutate(h);
        // The header's own length changes with the edit; the data section keeps its 398 bytes.
        const json = JSON.stringify(h);
        const size = 8 + new TextEncoder().encode(json).length + 398;
        assert.throws(() => parse(h, size), (e: unknown) => e instanceof SidecarError && message.test(e.message), what);
      });
    }
    it('refuses a header that is a JSON array', () => {
      assert.throws(() => parseSidecarHeader(new TextEncoder().encode('[1]'), 100), (e: unknown) => e instanceof SidecarError && e.message === 'its header is not a JSON object');
    });
    it('accepts the written header and indexes its tensors and tile hashes', async () => {
      const { h } = await header();
      const size = 8 + new TextEncoder().encode(JSON.stringify(h)).length + 398;
      const index = parse(h, size);
      assert.equal(index.tileSteps, 4);
      assert.deepEqual([...index.byName.keys()], ['L0.forward.r.x1.mean', 'L0.forward.h.x4.max', 'b.L1.reverse.c.x16.min']);
      assert.deepEqual(
        [...index.tileHashes.values()].map((l) => l.length),
        [6, 4, 3],
      );
    });
  });
});
