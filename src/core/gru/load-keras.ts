// Keras / TensorFlow GRU layer weights -> GruModel. Columns in gate order z, r, h:
// kernel [I, 3H], recurrent_kernel [H, 3H], bias [2, 3H] (reset_after) or [3H] (reset_after=false,
// input bias only). h = z h_prev + (1 - z) hh. recurrent_activation:
//   'sigmoid'            logistic (TF2 / Keras 3 default)
//   'hard_sigmoid'       Keras 3: relu6(x + 3) / 6 = clip(x / 6 + 0.5, 0, 1)
//   'hard_sigmoid_tf1'   Keras 2 / TF1: clip(0.2 x + 0.5, 0, 1)

import type { ActivationSpec } from '../trace/document';
import { KERAS_ORDER, transposeColumns } from './gate-blocks';
import type { GruModel } from './model';
import { checkSize, checkTensor, type Float32Tensor } from './tensor-checks';
import { formatDims } from '../io/tensor';

export type KerasRecurrentActivation = 'sigmoid' | 'hard_sigmoid' | 'hard_sigmoid_tf1';
export type KerasActivation = 'tanh' | 'sigmoid' | 'relu' | 'linear' | 'softsign' | 'softplus' | 'elu';

export interface KerasGruWeights {
  kernel: Float32Tensor;
  recurrentKernel: Float32Tensor;
  /** Absent when use_bias=False. */
  bias?: Float32Tensor;
  resetAfter: boolean;
  recurrentActivation?: KerasRecurrentActivation;
  activation?: KerasActivation;
  name?: string;
}

/** Keras recurrent_activation names -> ONNX activations (shared with the LSTM loader). */
export const KERAS_RECURRENT: Record<KerasRecurrentActivation, ActivationSpec> = {
  sigmoid: { name: 'Sigmoid' },
  hard_sigmoid: { name: 'HardSigmoid', alpha: 1 / 6, beta: 0.5 },
  hard_sigmoid_tf1: { name: 'HardSigmoid', alpha: 0.2, beta: 0.5 },
};

/** Keras activation names -> ONNX activations (shared with the LSTM loader). */
export const KERAS_CANDIDATE: Record<KerasActivation, ActivationSpec> = {
  tanh: { name: 'Tanh' },
  sigmoid: { name: 'Sigmoid' },
  relu: { name: 'Relu' },
  linear: { name: 'Affine', alpha: 1, beta: 0 },
  softsign: { name: 'Softsign' },
  softplus: { name: 'Softplus' },
  elu: { name: 'Elu', alpha: 1 },
};

export function fromKeras(w: KerasGruWeights): GruModel {
  const k = w.kernel;
  if (!k || !Array.isArray(k.dims) || k.dims.length !== 2 || k.dims[1] % 3 !== 0) {
    throw new RangeError(`Keras GRU kernel has shape ${k ? formatDims(k.dims) : 'missing'}; expected [input_size, 3 * units]`);
  }
  const I = k.dims[0];
  const H = k.dims[1] / 3;
  checkSize('Keras GRU input size (kernel dims[0])', I);
  checkSize('Keras GRU units (kernel dims[1] / 3)', H);
  const recAct = w.recurrentActivation ?? 'sigmoid';
  const act = w.activation ?? 'tanh';
  if (!(recAct in KERAS_RECURRENT)) throw new RangeError(`Keras recurrent_activation '${recAct}' is not supported; expected ${Object.keys(KERAS_RECURRENT).join(', ')}`);
  if (!(act in KERAS_CANDIDATE)) throw new RangeError(`Keras activation '${act}' is not supported; expected ${Object.keys(KERAS_CANDIDATE).join(', ')}`);
  const kernel = checkTensor('Keras GRU kernel', k, [I, 3 * H], 'input size x gates z, r, h');
  const rec = checkTensor('Keras GRU recurrent_kernel', w.recurrentKernel, [H, 3 * H], 'units x gates z, r, h');
  let bW: Float32Array = new Float32Array(3 * H);
  let bR: Float32Array = new Float32Array(3 * H);
  if (w.bias) {
    if (w.resetAfter) {
      const b = checkTensor('Keras GRU bias', w.bias, [2, 3 * H], 'reset_after=True: [input bias; recurrent bias], gates z, r, h');
      bW = transposeColumns(b.subarray(0, 3 * H), 1, H, KERAS_ORDER);
      bR = transposeColumns(b.subarray(3 * H), 1, H, KERAS_ORDER);
    } else {
      const b = checkTensor('Keras GRU bias', w.bias, [3 * H], 'reset_after=False: one bias, gates z, r, h');
      bW = transposeColumns(b, 1, H, KERAS_ORDER);
    }
  }
  return {
    name: w.name ?? 'keras.layers.GRU',
    source: 'keras',
    gateOrder: [...KERAS_ORDER],
    linearBeforeReset: w.resetAfter,
    zMeaning: 'keep-old',
    layers: [
      {
        inputSize: I,
        hiddenSize: H,
        directions: [
          {
            direction: 'forward',
            weights: { W: transposeColumns(kernel, I, H, KERAS_ORDER), R: transposeColumns(rec, H, H, KERAS_ORDER), bW, bR },
            f: { ...KERAS_RECURRENT[recAct] },
            g: { ...KERAS_CANDIDATE[act] },
          },
        ],
      },
    ],
  };
}
