// The engine's internal form of a vanilla (Elman) RNN, from PyTorch nn.RNN or an ONNX RNN node:
//   h_t = act(clip(W x + bW + R h_{t-1} + bR))      act = Tanh (default) or Relu in PyTorch; any ONNX activation
// ONNX clip, when set, clamps the pre-activation to [-clip, clip].

import type { ActivationSpec, Direction, ModelSource } from '../trace/document';

export interface RnnDirectionWeights {
  /** [H, I]. */
  W: Float32Array;
  /** [H, H]. */
  R: Float32Array;
  /** [H] each, added. */
  bW: Float32Array;
  bR: Float32Array;
}

export interface RnnLayerWeights {
  inputSize: number;
  hiddenSize: number;
  directions: { direction: Direction; weights: RnnDirectionWeights; act: ActivationSpec }[];
}

export interface RnnModel {
  name: string;
  source: ModelSource;
  clip?: number;
  layers: RnnLayerWeights[];
}
