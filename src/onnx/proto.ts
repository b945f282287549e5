// Decoding an ONNX ModelProto (onnx-proto's protobufjs classes) and reading its tensors.

import { onnx } from 'onnx-proto';
import { fromFloat16Bits } from '../core/encoding/float16';
import { elementCount, formatDims } from '../core/io/tensor';
import { OnnxTraceError } from './errors';

export { onnx };

/** A constant tensor read from the graph, values widened to float32 (or int32 for integer types). */
export interface ConstTensor {
  dims: number[];
  /** The ONNX element type name, e.g. "float", "double", "float16", "int64". */
  elemType: string;
  data: Float32Array | Int32Array;
}

const ELEM_NAMES: Record<number, string> = {
  1: 'float', 2: 'uint8', 3: 'int8', 4: 'uint16', 5: 'int16', 6: 'int32', 7: 'int64', 8: 'string', 9: 'bool',
  10: 'float16', 11: 'double', 12: 'uint32', 13: 'uint64', 14: 'complex64', 15: 'complex128', 16: 'bfloat16',
};

export function elemTypeName(t: number | null | undefined): string {
  return ELEM_NAMES[t ?? 0] ?? `type ${t ?? 0}`;
}

export function toNumber(v: number | { toNumber(): number } | null | undefined): number {
  if (v === null || v === undefined) return 0;
  return typeof v === 'number' ? v : v.toNumber();
}

/**
 * The same bytes as a plain Uint8Array. protobufjs reads a Node Buffer with its BufferReader, which
 * makes an empty bytes field with `new Buffer(0)`: Node's DEP0005 warning on stderr (issue 15).
 */
export function plainBytes(bytes: Uint8Array): Uint8Array {
  return Object.getPrototypeOf(bytes) === Uint8Array.prototype ? bytes : new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength);
}

/** Decodes model bytes; empty, truncated or non-ONNX bytes give an OnnxTraceError. */
export function decodeModel(bytes: Uint8Array): onnx.ModelProto {
  if (bytes.length === 0) throw new OnnxTraceError('the model file is empty (0 bytes); export it again with torch.onnx.export');
  let model: onnx.ModelProto;
  try {
    model = onnx.ModelProto.decode(plainBytes(bytes));
  } catch (e) {
    throw new OnnxTraceError(`the model file is not a valid ONNX protobuf (${(e as Error).message}; ${bytes.length} bytes); it may be truncated or not an .onnx file: export it again`);
  }
  if (!model.graph || (model.graph.node ?? []).length === 0) {
    throw new OnnxTraceError(`the model file holds no ONNX graph (${bytes.length} bytes decoded to an empty model); it is not an .onnx model: export it again`);
  }
  if (toNumber(model.irVersion) === 0 || (model.opsetImport ?? []).length === 0) {
    throw new OnnxTraceError(`the model file is not a complete ONNX model (missing ir_version or opset_import; ${bytes.length} bytes); export it again`);
  }
  return model;
}

/** Most elements of one constant Gatescope reads (2^28: 1 GiB as float32), far above any GRU's weights. */
const MAX_CONST_ELEMENTS = 2 ** 28;

/** Bytes per element of the types readTensor reads from raw_data. */
const RAW_SIZE: Record<number, number> = { 1: 4, 11: 8, 10: 2, 6: 4, 7: 8 };

/** Reads an initializer or Constant value. Floating types become float32; integers int32. */
export function readTensor(t: onnx.ITensorProto, what: string): ConstTensor {
  const dims = (t.dims ?? []).map(toNumber);
  const type = t.dataType ?? 0;
  const elemType = elemTypeName(type);
  // Dims come from the file: checked before they size an allocation.
  const negative = dims.findIndex((d) => !(d >= 0) || !Number.isSafeInteger(d));
  if (negative >= 0) throw new OnnxTraceError(`tensor '${what}' has dims ${formatDims(dims)}: dim ${negative} is ${dims[negative]! < 0 ? 'negative' : 'not a valid size'}; the model file is damaged: export it again`);
  const count = elementCount(dims);
  const rawLength = t.rawData && t.rawData.length > 0 ? t.rawData.length : undefined;
  const size = RAW_SIZE[type];
  if (rawLength !== undefined && size !== undefined && rawLength !== count * size) {
    throw new OnnxTraceError(`tensor '${what}' has ${rawLength} bytes of data, expected ${count * size} for dims ${formatDims(dims)} of ${elemType}; the model file is damaged: export it again`);
  }
  const list = type === 1 ? t.floatData : type === 11 ? t.doubleData : type === 10 || type === 6 ? t.int32Data : type === 7 ? t.int64Data : undefined;
  if (rawLength === undefined && size !== undefined && (list?.length ?? 0) !== count) {
    throw new OnnxTraceError(`tensor '${what}' has ${list?.length ?? 0} values, expected ${count} for dims ${formatDims(dims)}; the model file is damaged: export it again`);
  }
  if (count > MAX_CONST_ELEMENTS) {
    throw new OnnxTraceError(`tensor '${what}' has dims ${formatDims(dims)}, ${count} elements: more elements than Gatescope reads in one constant (${MAX_CONST_ELEMENTS}); the model file is damaged or not a GRU model Gatescope can show`);
  }
  if (t.dataLocation === onnx.TensorProto.DataLocation.EXTERNAL) {
    throw new OnnxTraceError(`tensor '${what}' is stored in an external data file, which Gatescope cannot read from bytes; re-save the model with onnx.save(model, path, save_as_external_data=False)`);
  }
  const raw = t.rawData && t.rawData.length > 0 ? t.rawData : null;
  const view = raw ? new DataView(raw.buffer, raw.byteOffset, raw.byteLength) : null;
  const need = (size: number): void => {
    if (raw && raw.length !== count * size) {
      throw new OnnxTraceError(`tensor '${what}' has ${raw.length} bytes of data, expected ${count * size} for dims ${formatDims(dims)} of ${elemType}; the model file is damaged: export it again`);
    }
  };
  const integer = type === 6 || type === 7 || type === 5 || type === 3 || type === 2 || type === 4 || type === 9 || type === 12 || type === 13;
  const out = integer ? new Int32Array(count) : new Float32Array(count);
  const fromList = (list: ArrayLike<number | { toNumber(): number }> | null | undefined): void => {
    const src = list ?? [];
    if (src.length !== count) {
      throw new OnnxTraceError(`tensor '${what}' has ${src.length} values, expected ${count} for dims ${formatDims(dims)}; the model file is damaged: export it again`);
    }
    for (let i = 0; i < count; i++) out[i] = toNumber(src[i]);
  };
  switch (type) {
    case 1:
      if (view) { need(4); for (let i = 0; i < count; i++) out[i] = view.getFloat32(4 * i, true); } else fromList(t.floatData);
      break;
    case 11:
      if (view) { need(8); for (let i = 0; i < count; i++) out[i] = view.getFloat64(8 * i, true); } else fromList(t.doubleData);
      break;
    case 10:
      if (view) { need(2); for (let i = 0; i < count; i++) out[i] = fromFloat16Bits(view.getUint16(2 * i, true)); } else {
        const src = t.int32Data ?? [];
        if (src.length !== count) fromList(src);
        for (let i = 0; i < count; i++) out[i] = fromFloat16Bits(src[i]!);
      }
      break;
    case 6:
      if (view) { need(4); for (let i = 0; i < count; i++) out[i] = view.getInt32(4 * i, true); } else fromList(t.int32Data);
      break;
    case 7:
      if (view) { need(8); for (let i = 0; i < count; i++) out[i] = Number(view.getBigInt64(8 * i, true)); } else fromList(t.int64Data);
      break;
    default:
      throw new OnnxTraceError(`tensor '${what}' has element type ${elemType}, which Gatescope does not read; GRU weights must be float (float32), double or float16`);
  }
  return { dims, elemType, data: out };
}
