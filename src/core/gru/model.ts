// The engine's one internal form of a GRU, whatever the source (PyTorch, ONNX, Keras, textbook).
// Loaders (one per source) convert the source's layout into this form with shape checks; the
// engine never looks at a source's gate order.
//
// Internal equations (gates by role, never by index):
//   r = f(Wr x + bWr + Rr h + bRr)
//   z = f(Wz x + bWz + Rz h + bRz)
//   n = g(Wn x + bWn + r ⊙ (Rn h + bRn))        linearBeforeReset = true  (PyTorch, ONNX lbr=1, Keras reset_after)
//   n = g(Wn x + bWn + Rn (r ⊙ h) + bRn)        linearBeforeReset = false (ONNX lbr=0, Keras reset_after=false, textbook)
//   h' = z ⊙ h + (1 - z) ⊙ n                    zMeaning = 'keep-old'
//   h' = (1 - z) ⊙ h + z ⊙ n                    zMeaning = 'take-new' (textbook)
// ONNX clip, when set, clamps each activation's input to [-clip, clip].

import type { ActivationSpec, Direction, ModelSource, ZMeaning } from '../trace/document';

/** Weights of one direction of one layer, row-major float32, gate blocks in the order r, z, n. */
export interface GruDirectionWeights {
  /** [3H, I]: rows 0..H-1 = Wr, H..2H-1 = Wz, 2H..3H-1 = Wn. */
  W: Float32Array;
  /** [3H, H]: same block order. */
  R: Float32Array;
  /** [3H] input bias (bWr, bWz, bWn). */
  bW: Float32Array;
  /** [3H] recurrent bias (bRr, bRz, bRn). */
  bR: Float32Array;
}

export interface GruLayerWeights {
  inputSize: number;
  hiddenSize: number;
  /** One entry per direction: [forward] or [forward, reverse], or [reverse] for an ONNX reverse node. */
  directions: { direction: Direction; weights: GruDirectionWeights; f: ActivationSpec; g: ActivationSpec }[];
}

export interface GruModel {
  name: string;
  source: ModelSource | 'textbook';
  /** Source gate order for display, e.g. ['r','z','n']. */
  gateOrder: string[];
  linearBeforeReset: boolean;
  zMeaning: ZMeaning;
  clip?: number;
  layers: GruLayerWeights[];
}
