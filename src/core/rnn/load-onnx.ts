// One ONNX RNN node -> RnnModel (one layer). W [D, H, I], R [D, H, H], B [D, 2H] = [Wb, Rb];
// one activation per direction (default Tanh), alpha/beta consumed in order.

import type { Float32Tensor } from '../gru/tensor-checks';
import { recurrentActivations } from '../recurrent/onnx-attributes';
import { onnxNodeWeights } from '../recurrent/onnx-weights';
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
  const { H, I, dirs, W, R, B } = onnxNodeWeights('RNN', node, 1, 'hidden size', '[Wb; Rb]');
  const D = dirs.length;
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
