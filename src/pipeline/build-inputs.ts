// Turns a user's input choice (text, file bytes, random) into the model's input tensors. Step labels
// are not made here: every run gets them after the run, from the tensors as fed, by one rule
// (src/onnx/step-labels.ts). Runs in the pipeline (no vscode import). Which model input gets the user's data: the one
// that feeds the GRU path, i.e. the first input; other inputs (e.g. initial_h) get zeros.

import { elementCount } from '../core/io/tensor';
import { randomIds, randomNormal, resolveShape } from '../core/spec/random-input';
import { tokenize } from '../core/spec/tokenize';
import { tensorFromFile, type UserTensor } from '../onnx/inputs';
import type { JobInput, ModelInputSummary } from './job';

export class InputChoiceError extends Error {
  override name = 'InputChoiceError';
}

export interface BuiltInputs {
  feeds: Record<string, UserTensor>;
}

const isInt = (dtype: string): boolean => dtype === 'int64' || dtype === 'int32';

function ints(ids: readonly number[], dtype: string): BigInt64Array | Int32Array {
  return dtype === 'int32' ? Int32Array.from(ids) : BigInt64Array.from(ids, (v) => BigInt(v));
}

export function buildInputs(inputs: readonly ModelInputSummary[], choice: JobInput, vocab: readonly string[] | undefined): BuiltInputs {
  if (inputs.length === 0) throw new InputChoiceError('the model declares no runtime inputs; nothing to feed');
  const [main, ...rest] = inputs as [ModelInputSummary, ...ModelInputSummary[]];
  const feeds: Record<string, UserTensor> = {};
  let steps = 1;

  if (choice.kind === 'text') {
    if (!isInt(main.dtype)) {
      throw new InputChoiceError(`text input needs a model whose input '${main.name}' takes token ids (int64/int32); it takes ${main.dtype}: choose a .npy/.json file or random input`);
    }
    if (!vocab) throw new InputChoiceError(`text input needs a vocabulary: store one in the model's metadata as gatescope.vocab (a JSON array) or give \`vocab:\` in the spec`);
    const t = tokenize(choice.text, vocab);
    const dims = resolveShape(main.dims, t.ids.length);
    if (elementCount(dims) !== t.ids.length) {
      throw new InputChoiceError(`input '${main.name}' has dims [${main.dims.join(', ')}]; ${t.ids.length} tokens do not fit it (Gatescope feeds text as one sequence, batch 1)`);
    }
    feeds[main.name] = { dims, dtype: main.dtype as 'int64' | 'int32', data: ints(t.ids, main.dtype) };
    steps = t.ids.length;
  } else if (choice.kind === 'random') {
    steps = choice.steps;
    const dims = resolveShape(main.dims, steps);
    const count = elementCount(dims);
    if (isInt(main.dtype)) {
      if (!vocab) throw new InputChoiceError(`random token ids for input '${main.name}' need the vocabulary size: store gatescope.vocab in the model's metadata or give \`vocab:\` in the spec, or choose a file`);
      const ids = randomIds(count, vocab.length, choice.seed);
      feeds[main.name] = { dims, dtype: main.dtype as 'int64' | 'int32', data: ints(ids, main.dtype) };
    } else if (main.dtype === 'float32') {
      feeds[main.name] = { dims, dtype: 'float32', data: randomNormal(count, choice.seed) };
    } else {
      throw new InputChoiceError(`model input '${main.name}' has element type ${main.dtype}; Gatescope can feed float32, int64 and int32 only`);
    }
  } else {
    const tensor = tensorFromFile(choice.name, choice.bytes, isInt(main.dtype));
    if (!tensor) throw new InputChoiceError(`input file ${choice.name} must be a .npy or .json file`);
    feeds[main.name] = tensor;
    steps = tensor.dims.length >= 2 ? Math.max(...tensor.dims.slice(0, 2)) : tensor.dims[0] ?? 1;
  }

  for (const other of rest) {
    const dims = resolveShape(other.dims, steps);
    const count = elementCount(dims);
    if (other.dtype === 'float32') feeds[other.name] = { dims, dtype: 'float32', data: new Float32Array(count) };
    else if (isInt(other.dtype)) feeds[other.name] = { dims, dtype: other.dtype as 'int64' | 'int32', data: ints(new Array<number>(count).fill(0), other.dtype) };
    else throw new InputChoiceError(`model input '${other.name}' has element type ${other.dtype}; Gatescope can feed float32, int64 and int32 only`);
  }
  return { feeds };
}
