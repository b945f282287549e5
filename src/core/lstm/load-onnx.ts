// One ONNX LSTM node -> LstmModel (one layer). W [D, 4H, I] and R [D, 4H, H] in gate order i, o, f, c;
// B [D, 8H] = [Wb iofc, Rb iofc]; peepholes P [D, 3H] in order i, o, f. Activations: three per
// direction (f for i, o, f; g for the candidate; h for the output), default Sigmoid, Tanh, Tanh,
// alpha/beta consumed in order by the functions that take them. input_forget: f = 1 - i.

import { recurrentActivations } from '../recurrent/onnx-attributes';
import { onnxNodeWeights } from '../recurrent/onnx-weights';
import { checkTensor, type Float32Tensor } from '../gru/tensor-checks';
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
  const { H, I, dirs, W, R, B } = onnxNodeWeights('LSTM', node, 4, 'gates i, o, f, c', '[Wb i, o, f, c; Rb i, o, f, c]');
  const D = dirs.length;
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
