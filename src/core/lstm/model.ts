// The engine's one internal form of an LSTM, whatever the source (PyTorch, ONNX, Keras). Loaders
// convert a source's gate order into the internal order i, f, g, o (PyTorch's) with shape checks.
//
// Internal equations (ONNX LSTM spec, which contains PyTorch's and Keras's as special cases):
//   i = f(Wi x + bWi + Ri h + bRi + Pi ⊙ c_{t-1})
//   f = f(Wf x + bWf + Rf h + bRf + Pf ⊙ c_{t-1})       inputForget: f = 1 - i (ONNX input_forget = 1)
//   g = g(Wg x + bWg + Rg h + bRg)                      candidate (ONNX "c" in its packed order)
//   c = f ⊙ c_{t-1} + i ⊙ g                             never clipped
//   o = f(Wo x + bWo + Ro h + bRo + Po ⊙ c)              output peephole uses c_t, not c_{t-1}
//   h = o ⊙ h(c)                                        projSize: h = Wproj (o ⊙ h(c)) (PyTorch proj_size)
// ONNX clip, when set, clamps the pre-activations of i, f, g, o to [-clip, clip].

import type { ActivationSpec, Direction, ModelSource } from '../trace/document';

/** Weights of one direction of one layer, row-major float32, gate blocks in the order i, f, g, o. */
export interface LstmDirectionWeights {
  /** [4H, I]. */
  W: Float32Array;
  /** [4H, Hr], Hr = projSize when set, else H. */
  R: Float32Array;
  /** [4H] input bias; [4H] recurrent bias (added; PyTorch b_ih + b_hh, ONNX Wb + Rb). */
  bW: Float32Array;
  bR: Float32Array;
  /** [3H] peepholes in the order i, f, o (ONNX stores i, o, f); absent = 0. */
  P?: Float32Array;
  /** [projSize, H] projection (PyTorch weight_hr); present exactly when the layer has projSize. */
  Wproj?: Float32Array;
}

export interface LstmDirection {
  direction: Direction;
  weights: LstmDirectionWeights;
  /** Gate activation (i, f, o), candidate activation (g), output activation (applied to c). */
  f: ActivationSpec;
  g: ActivationSpec;
  h: ActivationSpec;
}

export interface LstmLayerWeights {
  inputSize: number;
  hiddenSize: number;
  /** PyTorch proj_size: width of h (and of the next layer's input per direction). */
  projSize?: number;
  directions: LstmDirection[];
}

export interface LstmModel {
  name: string;
  source: ModelSource;
  /** Source gate order for display, e.g. ['i', 'o', 'f', 'c'] for ONNX. */
  gateOrder: string[];
  /** ONNX input_forget = 1: f = 1 - i and the forget weights are ignored. */
  inputForget: boolean;
  clip?: number;
  layers: LstmLayerWeights[];
}

/** Width of a layer's h: projSize when set, else hiddenSize. */
export function outputSize(layer: LstmLayerWeights): number {
  return layer.projSize ?? layer.hiddenSize;
}
