// Reads --input files (.npy or .json) into tensors, matched to the model's inputs.

import { formatDims, InputFormatError } from '../core/io/tensor';
import { tensorFromFile, type ModelInputInfo, type UserTensor } from '../onnx/inputs';
import type { InputArg } from './args';
import { CliError, readFileOrFail } from './errors';

function readTensorFile(file: string, integer: boolean): UserTensor {
  const bytes = readFileOrFail(file, 'input file');
  let t: UserTensor | undefined;
  try {
    t = tensorFromFile(file, bytes, integer);
  } catch (e) {
    if (e instanceof InputFormatError) throw new CliError(`input file '${file}': ${e.message}`, 1, e);
    throw e;
  }
  if (t) return t;
  throw new CliError(`input file '${file}' is neither .npy nor .json; save it with numpy.save(path, array) or write nested JSON arrays`, 1);
}

/** Maps --input arguments onto the model's inputs; a bare FILE only for one-input models. */
export function readInputs(args: readonly InputArg[], model: readonly ModelInputInfo[]): Record<string, UserTensor> {
  const names = model.map((m) => `'${m.name}'`).join(', ');
  const out: Record<string, UserTensor> = {};
  for (const a of args) {
    let name = a.name;
    if (name === undefined) {
      if (model.length !== 1) {
        throw new CliError(`--input ${a.file} has no name, but the model has ${model.length} inputs (${names}): give each as --input NAME=FILE`, 2);
      }
      name = model[0]!.name;
    }
    const info = model.find((m) => m.name === name);
    if (!info) throw new CliError(`--input ${name}=${a.file}: the model has no input '${name}'; its inputs are ${names}`, 2);
    if (out[name]) throw new CliError(`input '${name}' is given twice; give each input once`, 2);
    out[name] = readTensorFile(a.file, info.dtype === 'int64' || info.dtype === 'int32');
  }
  const missing = model.filter((m) => !out[m.name]);
  if (missing.length > 0) {
    const m = missing[0]!;
    throw new CliError(`model input '${m.name}' (${m.dtype} ${formatDims(m.dims)}) has no value: add --input ${m.name}=FILE`, 2);
  }
  return out;
}
