// Reading a sidecar through any ranged byte source (Node fs, vscode.workspace.fs, a buffer): the
// header is checked against the document's hash, every tile against the header's, before a byte is
// used. Errors say what does not match and what to do.

import { decodeFloat16 } from '../encoding/float16';
import { dequantizeUint8 } from '../encoding/uint8';
import type { SidecarRef } from './document';
import type { Sha256 } from './encode';
import { parseSidecarHeader, sidecarHeaderLength, SidecarError, tileByteRange, type SidecarIndex, type SidecarTensor } from './sidecar';
import { tilesPerItem } from './pyramid';

export interface ByteSource {
  /** Bytes in the file. */
  size: number;
  /** Bytes [start, end) of the file (exactly end − start of them). */
  read(start: number, end: number): Promise<Uint8Array>;
}

export class SidecarReader {
  private constructor(
    readonly index: SidecarIndex,
    private readonly src: ByteSource,
    private readonly sha256: Sha256,
    private readonly label: string,
  ) {}

  /** Opens and checks a sidecar against the document's reference. `label` names it in errors (its file name). */
  static async open(src: ByteSource, ref: SidecarRef, sha256: Sha256, label = ref.file): Promise<SidecarReader> {
    if (src.size !== ref.bytes) {
      throw new SidecarError(`${label} has ${src.size} bytes, but this output's trace expects ${ref.bytes}: it was changed or belongs to another run. Re-run the cell to write it again.`);
    }
    const n = sidecarHeaderLength(await src.read(0, 8), src.size);
    const json = await src.read(8, 8 + n);
    if ((await sha256(json)) !== ref.headerSha256) {
      throw new SidecarError(`${label} does not match this output (its header's SHA-256 differs): it was replaced or belongs to another run. Re-run the cell to write it again.`);
    }
    return new SidecarReader(parseSidecarHeader(json, src.size), src, sha256, label);
  }

  tensor(name: string): SidecarTensor {
    const t = this.index.byName.get(name);
    if (!t) throw new SidecarError(`${this.label} has no tensor ${JSON.stringify(name)}`);
    return t;
  }

  /** Tiles per batch item of a tensor. */
  tiles(name: string): number {
    return tilesPerItem(this.tensor(name).dims[1], this.index.tileSteps);
  }

  /** The raw bytes of tile (b, i), checked against the header's hash. */
  async tileBytes(name: string, b: number, i: number): Promise<Uint8Array> {
    const t = this.tensor(name);
    const per = tilesPerItem(t.dims[1], this.index.tileSteps);
    if (!Number.isInteger(b) || !Number.isInteger(i) || b < 0 || b >= t.dims[0] || i < 0 || i >= per) {
      throw new SidecarError(`tile (${b}, ${i}) is outside tensor ${JSON.stringify(name)} (${t.dims[0]} batch items × ${per} tiles)`);
    }
    const [start, end] = tileByteRange(this.index, t, b, i);
    const bytes = await this.src.read(start, end);
    const want = this.index.tileHashes.get(name)![b * per + i]!;
    if ((await this.sha256(bytes)) !== want) {
      throw new SidecarError(`${this.label}: tile ${i} of ${name} (batch item ${b}) is corrupt (its SHA-256 differs from the header's). Re-run the cell to write the sidecar again.`);
    }
    return bytes;
  }

  /** Tile (b, i) as float32 values [buckets of the tile, units]. */
  async tileValues(name: string, b: number, i: number): Promise<Float32Array> {
    return decodeTileBytes(await this.tileBytes(name, b, i), this.tensor(name));
  }

  /** A whole tensor [B, buckets, units] as float32 (tile by tile, each checked). */
  async tensorValues(name: string): Promise<Float32Array> {
    const t = this.tensor(name);
    const [B, J, U] = t.dims;
    const out = new Float32Array(B * J * U);
    const per = tilesPerItem(J, this.index.tileSteps);
    for (let b = 0; b < B; b++) {
      for (let i = 0; i < per; i++) out.set(await this.tileValues(name, b, i), (b * J + i * this.index.tileSteps) * U);
    }
    return out;
  }
}

/** Little-endian tile bytes of a tensor's dtype -> float32 values. */
export function decodeTileBytes(bytes: Uint8Array, t: { dtype: SidecarTensor['dtype']; scale?: number; offset?: number }): Float32Array {
  if (t.dtype === 'float16') return decodeFloat16(bytes);
  if (t.dtype === 'uint8') return dequantizeUint8(bytes, t.scale ?? 0, t.offset ?? 0);
  const out = new Float32Array(bytes.length / 4);
  const dv = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  for (let k = 0; k < out.length; k++) out[k] = dv.getFloat32(4 * k, true);
  return out;
}
