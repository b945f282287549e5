// Keras / TensorFlow LSTM layer weights -> LstmModel. Columns in gate order i, f, c, o:
// kernel [I, 4H], recurrent_kernel [H, 4H], one bias [4H] (unit_forget_bias only changes the
// initial values, already inside saved weights). recurrent_activation applies to i, f, o;
// activation to the candidate and to the output (h = o ⊙ activation(c)).

import type { ActivationSpec } from '../trace/document';
import { checkSize, checkTensor, type Float32Tensor } from '../gru/tensor-checks';
import { KERAS_CANDIDATE, KERAS_RECURRENT, type KerasActivation, type KerasRecurrentActivation } from '../gru/load-keras';
import { formatDims } from '../io/tensor';
import { KERAS_ORDER, transposeBlocks } from './gate-blocks';
import type { LstmModel } from './model';

export interface KerasLstmWeights {
  kernel: Float32Tensor;
  recurrentKernel: Float32Tensor;
  /** Absent when use_bias=False. */
  bias?: Float32Tensor;
  recurrentActivation?: KerasRecurrentActivation;
  activation?: KerasActivation;
  name?: string;
}

export function lstmFromKeras(w: KerasLstmWeights): LstmModel {
  const k = w.kernel;
  if (!k || !Array.isArray(k.dims) || k.dims.length !== 2 || k.dims[1] % 4 !== 0) {
    throw new RangeError(`Keras LSTM kernel has shape ${k ? formatDims(k.dims) : 'missing'}; expected [input_size, 4 * units]`);
  }
  const I = k.dims[0];
  const H = k.dims[1] / 4;
  checkSize('Keras LSTM input size (kernel dims[0])', I);
  checkSize('Keras LSTM units (kernel dims[1] / 4)', H);
  const recAct = w.recurrentActivation ?? 'sigmoid';
  const act = w.activation ?? 'tanh';
  if (!(recAct in KERAS_RECURRENT)) throw new RangeError(`Keras recurrent_activation '${recAct}' is not supported; expected ${Object.keys(KERAS_RECURRENT).join(', ')}`);
  if (!(act in KERAS_CANDIDATE)) throw new RangeError(`Keras activation '${act}' is not supported; expected ${Object.keys(KERAS_CANDIDATE).join(', ')}`);
  const kernel = checkTensor('Keras LSTM kernel', k, [I, 4 * H], 'input size x gates i, f, c, o');
  const rec = checkTensor('Keras LSTM recurrent_kernel', w.recurrentKernel, [H, 4 * H], 'units x gates i, f, c, o');
  const bias = w.bias ? checkTensor('Keras LSTM bias', w.bias, [4 * H], 'one bias, gates i, f, c, o') : new Float32Array(4 * H);
  const candidate: ActivationSpec = { ...KERAS_CANDIDATE[act] };
  return {
    name: w.name ?? 'keras.layers.LSTM',
    source: 'keras',
    gateOrder: ['i', 'f', 'c', 'o'],
    inputForget: false,
    layers: [
      {
        inputSize: I,
        hiddenSize: H,
        directions: [
          {
            direction: 'forward',
            weights: { W: transposeBlocks(kernel, I, H, KERAS_ORDER), R: transposeBlocks(rec, H, H, KERAS_ORDER), bW: transposeBlocks(bias, 1, H, KERAS_ORDER), bR: new Float32Array(4 * H) },
            f: { ...KERAS_RECURRENT[recAct] },
            g: candidate,
            h: { ...candidate },
          },
        ],
      },
    ],
  };
}
