// One ONNX LSTM node -> LstmModel (one layer). W [D, 4H, I] and R [D, 4H, H] in gate order i, o, f, c;
// B [D, 8H] = [Wb iofc, Rb iofc]; peepholes P [D, 3H] in order i, o, f. Activations: three per
// direction (f for i, o, f; g for the candidate; h for the output), default Sigmoid, Tanh, Tanh,
// alpha/beta consumed in order by the functions that take them. input_forget: f = 1 - i.

import { checkOnnxCommon, onnxDirections, recurrentActivations } from '../recurrent/onnx-attributes';
import { checkSize, checkTensor, type Float32Tensor } from '../gru/tensor-checks';
import { formatDims } from '../io/tensor';
import { INTERNAL_ORDER, ONNX_ORDER, ONNX_PEEPHOLE_ORDER, PEEPHOLE_ORDER, reorderBlocks } from './gate-blocks';
import type { LstmLayerWeights, LstmModel } from './model';

export interface OnnxLstmNode {
  W: Float32Tensor;
  R: Float32Tensor;
  B?: Float32Tensor;
  P?: Float32Tensor;
  hiddenSize: number;
  direction: 'forward' | 'reverse' | 'bidirectional';
  inputForget?: boolean;
  activations?: string[];
  activationAlpha?: number[];
  activationBeta?: number[];
  clip?: number;
  /** ONNX layout attribute: 0 = X is [T, B, I], 1 = [B, T, I]. */
  layout?: 0 | 1;
  name?: string;
}

const DEFAULTS = ['Sigmoid', 'Tanh', 'Tanh'];

export function lstmFromOnnx(node: OnnxLstmNode): LstmModel {
  const H = node.hiddenSize;
  checkSize('LSTM hidden_size', H);
  const dirs = onnxDirections('LSTM', node.direction);
  checkOnnxCommon('LSTM', node);
  const D = dirs.length;
  if (!node.W || !Array.isArray(node.W.dims) || node.W.dims.length !== 3) {
    throw new RangeError(`LSTM input W has shape ${node.W ? formatDims(node.W.dims) : 'missing'}; expected [${D}, ${4 * H}, input_size]`);
  }
  const I = node.W.dims[2];
  checkSize('LSTM input size (W dims[2])', I);
  const W = checkTensor('LSTM input W', node.W, [D, 4 * H, I], 'directions x gates i, o, f, c x input size');
  const R = checkTensor('LSTM input R', node.R, [D, 4 * H, H], 'directions x gates i, o, f, c x hidden size');
  const B = node.B ? checkTensor('LSTM input B', node.B, [D, 8 * H], 'directions x [Wb i, o, f, c; Rb i, o, f, c]') : new Float32Array(D * 8 * H);
  const P = node.P ? checkTensor('LSTM input P', node.P, [D, 3 * H], 'directions x peepholes i, o, f') : undefined;
  const acts = recurrentActivations('LSTM', 3, D, DEFAULTS, node.activations, node.activationAlpha, node.activationBeta);
  const directions: LstmLayerWeights['directions'] = dirs.map((direction, d) => {
    const weights: LstmLayerWeights['directions'][number]['weights'] = {
      W: reorderBlocks(W, d * 4 * H * I, H, I, ONNX_ORDER, INTERNAL_ORDER),
      R: reorderBlocks(R, d * 4 * H * H, H, H, ONNX_ORDER, INTERNAL_ORDER),
      bW: reorderBlocks(B, d * 8 * H, H, 1, ONNX_ORDER, INTERNAL_ORDER),
      bR: reorderBlocks(B, d * 8 * H + 4 * H, H, 1, ONNX_ORDER, INTERNAL_ORDER),
    };
    if (P) weights.P = reorderBlocks(P, d * 3 * H, H, 1, ONNX_PEEPHOLE_ORDER, PEEPHOLE_ORDER);
    return { direction, weights, f: acts[3 * d], g: acts[3 * d + 1], h: acts[3 * d + 2] };
  });
  const model: LstmModel = {
    name: node.name ?? 'LSTM',
    source: 'onnx',
    gateOrder: ['i', 'o', 'f', 'c'],
    inputForget: node.inputForget === true,
    layers: [{ inputSize: I, hiddenSize: H, directions }],
  };
  if (node.clip !== undefined) model.clip = node.clip;
  return model;
}
