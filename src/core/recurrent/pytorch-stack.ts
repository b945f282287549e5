// What every PyTorch state_dict loader (nn.GRU, nn.LSTM, nn.RNN) reads first: the stack's layer
// count, the parameter-name prefix, the first layer's input size (from weight_ih_l0, [rows, I]),
// directions and whether biases are present. Each loader then checks its own tensors per layer.

import type { Float32Tensor } from '../gru/tensor-checks';
import { formatDims } from '../io/tensor';

export interface PytorchStackOptions {
  numLayers: number;
  bidirectional: boolean;
  /** bias=False: no bias_* tensors; biases are zero. Default true. */
  bias?: boolean;
  /** Prefix before each parameter name, e.g. "gru." for a submodule's state_dict. */
  prefix?: string;
}

export interface PytorchStack {
  prefix: string;
  /** Directions: 1, or 2 when bidirectional. */
  D: number;
  withBias: boolean;
  /** Input size of layer 0 (weight_ih_l0's second dimension; not yet range-checked). */
  inputSize: number;
}

/**
 * Checks numLayers and weight_ih_l0's rank. `rows` is weight_ih_l0's expected first dimension
 * (gates x hidden size); `hint` ends the message when weight_ih_l0 is missing or not rank 2.
 */
export function pytorchStack(params: Record<string, Float32Tensor>, opts: PytorchStackOptions, rows: number, hint: string): PytorchStack {
  if (!Number.isInteger(opts.numLayers) || opts.numLayers < 1 || opts.numLayers > 64) {
    throw new RangeError(`numLayers is ${opts.numLayers}; expected an integer from 1 to 64`);
  }
  const prefix = opts.prefix ?? '';
  const first = params[`${prefix}weight_ih_l0`];
  if (!first || !Array.isArray(first.dims) || first.dims.length !== 2) {
    const got = first ? `shape ${formatDims(first.dims)}` : 'missing';
    throw new RangeError(`${prefix}weight_ih_l0 is ${got}; expected [${rows}, input_size] (${hint})`);
  }
  return { prefix, D: opts.bidirectional ? 2 : 1, withBias: opts.bias !== false, inputSize: first.dims[1]! };
}
