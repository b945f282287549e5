// NumPy .npy reader (format versions 1.0, 2.0, 3.0; https://numpy.org/doc/stable/reference/generated/numpy.lib.format.html).
// Layout: "\x93NUMPY", major, minor, header length (uint16 LE for 1.x, uint32 LE for 2.x/3.x), a
// Python dict literal {'descr': '<f4', 'fortran_order': False, 'shape': (T, B, I), } padded with
// spaces and a newline, then the raw little-endian values in C order.
// float64 is converted to float32 (NaN and ±Inf kept); int64 and int32 are kept as integers.

import { elementCount, InputFormatError, type InputTensor } from './tensor';

const MAGIC = [0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59];
const SUPPORTED = "float32 ('<f4'), float64 ('<f8'), int64 ('<i8') or int32 ('<i4')";

interface NpyHeader {
  descr: string;
  fortranOrder: boolean;
  shape: number[];
}

function fail(what: string): never {
  throw new InputFormatError(`${what}; save it with numpy.save(path, array) as ${SUPPORTED}`);
}

function parseHeader(text: string): NpyHeader {
  const descr = /'descr'\s*:\s*'([^']*)'/.exec(text);
  const fortran = /'fortran_order'\s*:\s*(True|False)/.exec(text);
  const shape = /'shape'\s*:\s*\(([^)]*)\)/.exec(text);
  if (!descr || !fortran || !shape) fail(`not a valid .npy header (${JSON.stringify(text.trim().slice(0, 80))})`);
  const dims = shape[1]!
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s.length > 0)
    .map((s) => (/^\d+L?$/.test(s) ? Number.parseInt(s, 10) : Number.NaN));
  if (dims.some((d) => !Number.isSafeInteger(d))) fail(`.npy header has an unreadable shape (${shape[1]})`);
  return { descr: descr[1]!, fortranOrder: fortran[1] === 'True', shape: dims };
}

/** Parses a .npy file. Throws InputFormatError naming what is wrong. */
export function parseNpy(bytes: Uint8Array): InputTensor {
  if (bytes.length < 10 || MAGIC.some((b, i) => bytes[i] !== b)) fail('not a .npy file (missing the \\x93NUMPY magic)');
  const major = bytes[6]!;
  if (major < 1 || major > 3) fail(`.npy format version ${major}.${bytes[7]} is not supported`);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const lenBytes = major === 1 ? 2 : 4;
  if (bytes.length < 8 + lenBytes) fail('.npy file is truncated inside its header');
  const headerLen = major === 1 ? view.getUint16(8, true) : view.getUint32(8, true);
  const dataStart = 8 + lenBytes + headerLen;
  if (dataStart > bytes.length) fail(`.npy file is truncated: header says ${headerLen} bytes, file has ${bytes.length - 8 - lenBytes}`);
  // The header dict is ASCII in practice (3.0 allows UTF-8 only for field names numpy never writes).
  let text = '';
  for (let i = 8 + lenBytes; i < dataStart; i++) text += String.fromCharCode(bytes[i]!);
  const header = parseHeader(text);
  if (header.fortranOrder && header.shape.length > 1) fail('.npy array is in Fortran order; save numpy.ascontiguousarray(array)');
  const d = header.descr;
  const little = d[0] === '<' || d[0] === '|' || d[0] === '=';
  const kind = d.slice(1);
  const itemSize = kind === 'f4' || kind === 'i4' ? 4 : kind === 'f8' || kind === 'i8' ? 8 : 0;
  if (!little || itemSize === 0) fail(`.npy dtype '${d}' is not supported`);
  const count = elementCount(header.shape);
  const need = count * itemSize;
  const have = bytes.length - dataStart;
  if (have < need) fail(`.npy file is truncated: shape (${header.shape.join(', ')}) needs ${need} data bytes, found ${have}`);
  if (have > need) fail(`.npy file has ${have - need} bytes after its data (shape (${header.shape.join(', ')}))`);
  const shape = header.shape;
  if (kind === 'f4') {
    const data = new Float32Array(count);
    for (let i = 0; i < count; i++) data[i] = view.getFloat32(dataStart + 4 * i, true);
    return { dtype: 'float32', shape, data };
  }
  if (kind === 'f8') {
    const data = new Float32Array(count);
    for (let i = 0; i < count; i++) data[i] = view.getFloat64(dataStart + 8 * i, true);
    return { dtype: 'float32', shape, data };
  }
  if (kind === 'i8') {
    const data = new BigInt64Array(count);
    for (let i = 0; i < count; i++) data[i] = view.getBigInt64(dataStart + 8 * i, true);
    return { dtype: 'int64', shape, data };
  }
  const data = new Int32Array(count);
  for (let i = 0; i < count; i++) data[i] = view.getInt32(dataStart + 4 * i, true);
  return { dtype: 'int32', shape, data };
}
