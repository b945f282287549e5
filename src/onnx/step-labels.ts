// Step labels: the one rule for every host (worker, web host, CLI, comparisons). Applied after the
// run, when the step count T is known, to the tensors as fed:
//   the ids are those of the model's first integer runtime input, batch item 0, in time order;
//   its time axis: a [T] tensor is all steps; of [d0, d1], the axis whose length is T; when both are
//   T, the axis the model declares with a batch-like symbolic name (BATCH_NAME: "batch", "N", ...) is the batch axis,
//   otherwise [B, T] (batch first, PyTorch's usual Embedding input);
//   each id becomes its vocabulary entry (labelsFor: '#id' beyond the vocabulary).
// A tensor of another rank, or one with no axis of length T, gets no labels.

import { BATCH_NAME } from '../core/spec/random-input';
import { labelsFor } from '../core/spec/tokenize';
import type { ModelInputInfo, UserTensor } from './inputs';

/** Which axis of a rank-2 ids tensor [d0, d1] is time for a run of `steps` steps; undefined if neither. */
export function timeAxis(dims: readonly number[], declared: readonly (number | string)[], steps: number): 0 | 1 | undefined {
  const [d0, d1] = dims as [number, number];
  if (d0 === steps && d1 === steps) {
    const name0 = declared[0];
    return typeof name0 === 'string' && BATCH_NAME.test(name0) ? 1 : typeof declared[1] === 'string' && BATCH_NAME.test(declared[1]) ? 0 : 1;
  }
  if (d1 === steps) return 1;
  if (d0 === steps) return 0;
  return undefined;
}

export function stepLabels(vocab: readonly string[] | undefined, inputs: readonly ModelInputInfo[], feeds: Record<string, UserTensor>, steps: number): string[] | undefined {
  if (!vocab) return undefined;
  const info = inputs.find((i) => i.dtype === 'int64' || i.dtype === 'int32');
  const t = info ? feeds[info.name] : undefined;
  if (!t) return undefined;
  const { dims, data } = t;
  let stride: number;
  if (dims.length === 1 && dims[0] === steps) stride = 1;
  else if (dims.length === 2) {
    const axis = timeAxis(dims, info!.dims, steps);
    if (axis === undefined) return undefined;
    stride = axis === 1 ? 1 : dims[1]!;
  } else return undefined;
  const ids: (number | bigint)[] = [];
  for (let s = 0; s < steps; s++) ids.push(data[s * stride]!);
  return labelsFor(ids, vocab);
}
