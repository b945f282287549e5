// NumPy .npy reader (format versions 1.0, 2.0, 3.0; https://numpy.org/doc/stable/reference/generated/numpy.lib.format.html).
// Layout: "\x93NUMPY", major, minor, header length (uint16 LE for 1.x, uint32 LE for 2.x/3.x), a
// Python dict literal {'descr': '<f4', 'fortran_order': False, 'shape': (T, B, I), } padded with
// spaces and a newline, then the raw little-endian values in C order.
// float64 is converted to float32 (NaN and ±Inf kept, finite values beyond float32 refused); int64
// and int32 are kept as integers.

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

/** Header dict keys numpy writes and requires (numpy.lib.format: exactly these three). */
const HEADER_KEYS = ['descr', 'fortran_order', 'shape'] as const;

/**
 * Parses the header's Python dict literal, as numpy's safe_eval does for the forms it writes:
 * quoted keys, a quoted descr, True/False, a tuple of non-negative ints (Python 2's 'L' suffix
 * allowed). A key given twice is refused: numpy keeps the last one, and reading either one would
 * let two readers disagree. Errors give byte offsets, never the header text.
 */
function parseHeader(text: string): NpyHeader {
  let i = 0;
  const n = text.length;
  const bad = (what: string): never => fail(`not a valid .npy header (${what} at header byte ${i})`);
  const skip = (): void => {
    while (i < n && (text[i] === ' ' || text[i] === '\t' || text[i] === '\n' || text[i] === '\r')) i++;
  };
  const str = (): string => {
    const q = text[i];
    if (q !== "'" && q !== '"') bad('a quoted string expected');
    const close = text.indexOf(q!, i + 1);
    if (close < 0) bad('an unterminated string');
    const v = text.slice(i + 1, close);
    if (v.includes('\\')) bad('an escape in a string');
    i = close + 1;
    return v;
  };
  const values: Record<string, string | boolean | number[]> = {};
  skip();
  if (text[i] !== '{') bad("'{' expected");
  i++;
  for (;;) {
    skip();
    if (text[i] === '}') {
      i++;
      break;
    }
    const keyAt = i;
    const key = str();
    if (!(HEADER_KEYS as readonly string[]).includes(key)) {
      i = keyAt;
      bad(`an unknown key (of ${key.length} characters; numpy writes only 'descr', 'fortran_order' and 'shape')`);
    }
    if (key in values) fail(`.npy header has the key '${key}' twice; numpy would read the last one and Gatescope will not guess: save the array again with numpy.save`);
    skip();
    if (text[i] !== ':') bad("':' expected");
    i++;
    skip();
    if (key === 'descr') values[key] = str();
    else if (key === 'fortran_order') {
      if (text.startsWith('True', i)) values[key] = true;
      else if (text.startsWith('False', i)) values[key] = false;
      else bad('True or False expected');
      i += values[key] ? 4 : 5;
    } else {
      if (text[i] !== '(') bad("a tuple expected for 'shape'");
      i++;
      const dims: number[] = [];
      let commas = 0;
      for (;;) {
        skip();
        if (text[i] === ')') {
          i++;
          break;
        }
        const m = /^(\d{1,16})L?/.exec(text.slice(i, i + 18));
        if (!m) bad('a non-negative integer dimension expected');
        dims.push(Number.parseInt(m![1]!, 10));
        i += m![0].length;
        skip();
        if (text[i] === ',') {
          i++;
          commas++;
        } else if (text[i] !== ')') bad("',' or ')' expected in 'shape'");
      }
      // (3) is the integer 3 to Python, not a tuple: numpy refuses it.
      if (dims.length === 1 && commas === 0) bad("a 1-tuple needs a trailing comma, as in (3,)");
      values[key] = dims;
    }
    skip();
    if (text[i] === ',') i++;
    else if (text[i] !== '}') bad("',' or '}' expected");
  }
  skip();
  if (i < n) bad('text after the dict');
  for (const k of HEADER_KEYS) if (!(k in values)) fail(`.npy header has no '${k}'; save the array with numpy.save`);
  const dims = values['shape'] as number[];
  if (dims.some((d) => !Number.isSafeInteger(d))) fail('.npy header has a dimension too large to be real');
  return { descr: values['descr'] as string, fortranOrder: values['fortran_order'] as boolean, shape: dims };
}

/** Parses a .npy file. Throws InputFormatError naming what is wrong. */
export function parseNpy(bytes: Uint8Array): InputTensor {
  if (bytes.length < 10 || MAGIC.some((b, i) => bytes[i] !== b)) fail('not a .npy file (missing the \\x93NUMPY magic)');
  const major = bytes[6]!;
  if (major < 1 || major > 3 || bytes[7] !== 0) fail(`.npy format version ${major}.${bytes[7]} is not supported`);
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
  // The dtype is named only when it looks like one ('<c8'), so no other header text reaches a message.
  if (!little || itemSize === 0) fail(/^[<>|=]?[a-zA-Z]\d{0,3}$/.test(d) ? `.npy dtype '${d}' is not supported` : '.npy dtype is not one Gatescope reads');
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
    for (let i = 0; i < count; i++) {
      const v = view.getFloat64(dataStart + 8 * i, true);
      data[i] = v;
      // A finite float64 that float32 rounds to ±Inf would change the input silently.
      if (Number.isFinite(v) && !Number.isFinite(data[i]!)) fail(`.npy float64 value at flat index ${i} is beyond the float32 range (|x| <= 3.4e38); scale the input`);
    }
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
