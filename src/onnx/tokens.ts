// Step labels from the model's vocabulary: the token ids of batch item 0 of the model's integer
// input, mapped through metadata `gatescope.vocab` as the model's Gather reads them (labelsFor).

import { labelsFor } from '../core/spec/tokenize';
import type { ModelInputInfo, UserTensor } from './inputs';

export function tokensFor(vocab: readonly string[] | undefined, inputs: readonly ModelInputInfo[], feeds: Record<string, UserTensor>, steps: number): string[] | undefined {
  if (!vocab) return undefined;
  const info = inputs.find((i) => i.dtype === 'int64' || i.dtype === 'int32');
  const t = info ? feeds[info.name] : undefined;
  if (!t) return undefined;
  const { dims, data } = t;
  // [B, T] (batch first, PyTorch's usual Embedding input), [T, B], or [T].
  let stride: number;
  if (dims.length === 1 && dims[0] === steps) stride = 1;
  else if (dims.length === 2 && dims[1] === steps) stride = 1;
  else if (dims.length === 2 && dims[0] === steps) stride = dims[1]!;
  else return undefined;
  const ids: (number | bigint)[] = [];
  for (let t2 = 0; t2 < steps; t2++) ids.push(data[t2 * stride]!);
  return labelsFor(ids, vocab);
}
