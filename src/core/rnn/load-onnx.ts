// One ONNX RNN node -> RnnModel (one layer). W [D, H, I], R [D, H, H], B [D, 2H] = [Wb, Rb];
// one activation per direction (default Tanh), alpha/beta consumed in order.

import { checkSize, checkTensor, type Float32Tensor } from '../gru/tensor-checks';
import { formatDims } from '../io/tensor';
import { checkOnnxCommon, onnxDirections, recurrentActivations } from '../recurrent/onnx-attributes';
import type { RnnLayerWeights, RnnModel } from './model';

export interface OnnxRnnNode {
  W: Float32Tensor;
  R: Float32Tensor;
  B?: Float32Tensor;
  hiddenSize: number;
  direction: 'forward' | 'reverse' | 'bidirectional';
  activations?: string[];
  activationAlpha?: number[];
  activationBeta?: number[];
  clip?: number;
  layout?: 0 | 1;
  name?: string;
}

export function rnnFromOnnx(node: OnnxRnnNode): RnnModel {
  const H = node.hiddenSize;
  checkSize('RNN hidden_size', H);
  const dirs = onnxDirections('RNN', node.direction);
  checkOnnxCommon('RNN', node);
  const D = dirs.length;
  if (!node.W || !Array.isArray(node.W.dims) || node.W.dims.length !== 3) {
    throw new RangeError(`RNN input W has shape ${node.W ? formatDims(node.W.dims) : 'missing'}; expected [${D}, ${H}, input_size]`);
  }
  const I = node.W.dims[2];
  checkSize('RNN input size (W dims[2])', I);
  const W = checkTensor('RNN input W', node.W, [D, H, I], 'directions x hidden size x input size');
  const R = checkTensor('RNN input R', node.R, [D, H, H], 'directions x hidden size x hidden size');
  const B = node.B ? checkTensor('RNN input B', node.B, [D, 2 * H], 'directions x [Wb; Rb]') : new Float32Array(D * 2 * H);
  const acts = recurrentActivations('RNN', 1, D, ['Tanh'], node.activations, node.activationAlpha, node.activationBeta);
  const directions: RnnLayerWeights['directions'] = dirs.map((direction, d) => ({
    direction,
    weights: {
      W: W.slice(d * H * I, (d + 1) * H * I),
      R: R.slice(d * H * H, (d + 1) * H * H),
      bW: B.slice(d * 2 * H, d * 2 * H + H),
      bR: B.slice(d * 2 * H + H, (d + 1) * 2 * H),
    },
    act: acts[d],
  }));
  const model: RnnModel = { name: node.name ?? 'RNN', source: 'onnx', layers: [{ inputSize: I, hiddenSize: H, directions }] };
  if (node.clip !== undefined) model.clip = node.clip;
  return model;
}
