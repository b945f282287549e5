// NumPy .npy writer for float32 arrays: format 1.0 (https://numpy.org/doc/stable/reference/generated/numpy.lib.format.html).
// Layout: "\x93NUMPY", 1, 0, header length (uint16 LE), the dict {'descr': '<f4', 'fortran_order': False,
// 'shape': (B, T, H), } padded with spaces and ended by a newline so that the data starts at a multiple
// of 64 bytes (as numpy writes it), then the values little-endian in C order.

const MAGIC = [0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59];
const ALIGN = 64;
const LITTLE_ENDIAN = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;

/** Python's repr of a shape tuple: "(3,)" for one dim, "(2, 3, 4)" otherwise. */
function shapeTuple(shape: readonly number[]): string {
  return shape.length === 1 ? `(${shape[0]},)` : `(${shape.join(', ')})`;
}

/** The bytes of a .npy file holding `values` (row-major) with the given shape, as float32 '<f4'. */
export function encodeNpyFloat32(values: Float32Array, shape: readonly number[]): Uint8Array {
  const count = shape.reduce((a, d) => a * d, 1);
  if (!shape.every((d) => Number.isSafeInteger(d) && d >= 0) || count !== values.length) {
    throw new RangeError(`encodeNpyFloat32: shape ${shapeTuple(shape)} does not hold ${values.length} values`);
  }
  const dict = `{'descr': '<f4', 'fortran_order': False, 'shape': ${shapeTuple(shape)}, }`;
  const unpadded = MAGIC.length + 2 + 2 + dict.length + 1;
  const headerLength = dict.length + 1 + ((ALIGN - (unpadded % ALIGN)) % ALIGN);
  const dataStart = MAGIC.length + 4 + headerLength;
  const out = new Uint8Array(dataStart + 4 * values.length);
  out.set(MAGIC, 0);
  out[6] = 1;
  out[7] = 0;
  new DataView(out.buffer).setUint16(8, headerLength, true);
  out.fill(0x20, 10, dataStart - 1);
  for (let i = 0; i < dict.length; i++) out[10 + i] = dict.charCodeAt(i);
  out[dataStart - 1] = 0x0a;
  if (LITTLE_ENDIAN) out.set(new Uint8Array(values.buffer, values.byteOffset, values.byteLength), dataStart);
  else {
    const dv = new DataView(out.buffer, dataStart);
    for (let i = 0; i < values.length; i++) dv.setFloat32(4 * i, values[i]!, true);
  }
  return out;
}
