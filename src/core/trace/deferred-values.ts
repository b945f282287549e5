// An inline summary whose base64 text is kept and decoded later: in slices between frames (a reader
// paints from a coarse level first, then refines), all at once on first use, or one value at a time
// (a hovered cell's exact value while the rest still waits). Decoding 20M uint8 cells takes about
// 110 ms in one go (bench/render.js), far over a frame.
//
// Slices start and end on 12-byte boundaries (4 float32, 6 float16 or 12 uint8 values: a whole
// number of base64 quads, 16 characters), so each slice is decoded on its own.

import { Base64Error, decodeBase64 } from '../encoding/base64';
import { TraceFormatError } from './errors';
import type { StoredValues } from './decoded';
import { BYTES_PER_VALUE, storedOfBytes, valuesOfBytes, type CheckedTensor } from './tensor';

/** Values per alignment unit: a slice is a multiple of this many values (12 bytes at any dtype). */
const ALIGN_VALUES = 12;

export class DeferredValues {
  /** Values in all: B × buckets × units. */
  readonly count: number;
  private out: Float32Array | undefined;
  /** Values decoded so far: [0, decoded) of `out`. */
  private decoded = 0;
  private readonly width: number;
  /** The base64 text until every value is decoded (then released: the values replace it). */
  private text: string;
  /** dtype and uint8 scale/offset of the values. */
  private readonly q: Pick<CheckedTensor, 'dtype' | 'scale' | 'offset'>;
  /** The stored bytes, filled slice by slice (keepStored, uint8 and float16 only). */
  private raw: Uint8Array | undefined;

  constructor(
    t: CheckedTensor,
    /** Where the text sits in the document, for error messages (e.g. "layers[0].gates[1].levels[0].mean"). */
    private readonly path: string,
    /** Also keep the values as stored (see `stored`). */
    private readonly keepStored = false,
  ) {
    this.count = t.dims[0] * t.dims[1] * t.dims[2];
    this.width = BYTES_PER_VALUE[t.dtype];
    this.text = t.data;
    this.q = { dtype: t.dtype, scale: t.scale, offset: t.offset };
  }

  get done(): boolean {
    return this.decoded >= this.count;
  }

  /** Fraction decoded, in [0, 1]. */
  get progress(): number {
    return this.count === 0 ? 1 : this.decoded / this.count;
  }

  /** Decodes about `maxValues` more values (rounded up to the alignment); true while values are left. */
  step(maxValues: number): boolean {
    if (this.done) return false;
    const out = (this.out ??= new Float32Array(this.count));
    const n = Math.max(ALIGN_VALUES, Math.ceil(maxValues / ALIGN_VALUES) * ALIGN_VALUES);
    const v0 = this.decoded;
    const v1 = Math.min(this.count, v0 + n);
    // v0 is aligned, so its first byte starts a quad; the last slice runs to the end of the text (padding included).
    const c0 = (v0 * this.width * 4) / 3;
    const c1 = v1 === this.count ? this.text.length : (v1 * this.width * 4) / 3;
    const bytes = this.bytes(c0, c1);
    valuesOfBytes(bytes, this.q, out.subarray(v0, v1));
    if (this.keepStored && this.q.dtype !== 'float32') (this.raw ??= new Uint8Array(this.count * this.width)).set(bytes, v0 * this.width);
    this.decoded = v1;
    if (this.done) this.text = '';
    return !this.done;
  }

  /** The values as stored (uint8 codes or float16 bits) once every value is decoded, when kept; else undefined. */
  get stored(): StoredValues | undefined {
    // Made once: readers key caches (GPU textures) on the arrays' identity.
    if (!this.storedForm && this.done && this.raw) this.storedForm = storedOfBytes(this.raw, this.q);
    return this.storedForm;
  }
  private storedForm: StoredValues | undefined;

  /** Every value, decoding what is left now. */
  values(): Float32Array {
    while (this.step(1 << 22));
    return this.out ?? (this.out = new Float32Array(0));
  }

  /** Value i alone (decoded from the quads that hold its bytes when the slices have not reached it). */
  valueAt(i: number): number {
    if (i < this.decoded) return this.out![i]!;
    const b0 = i * this.width;
    const q0 = Math.floor(b0 / 3);
    const q1 = Math.floor((b0 + this.width - 1) / 3) + 1;
    const bytes = this.bytes(4 * q0, 4 * q1);
    return valuesOfBytes(bytes.slice(b0 - 3 * q0, b0 - 3 * q0 + this.width), this.q)[0]!;
  }

  /** Bytes of characters [c0, c1) (whole quads), with errors placed in the document's text. */
  private bytes(c0: number, c1: number): Uint8Array {
    try {
      return decodeBase64(this.text.substring(c0, c1));
    } catch (e) {
      if (e instanceof Base64Error) throw new TraceFormatError(`${this.path}.data`, `${e.message.replace(/ at (index|character) \d+$/, '')} at index ${c0 + e.offset}`);
      throw e;
    }
  }
}
