// PyTorch nn.RNN state_dict -> RnnModel. weight_ih_l{k}[_reverse] [H, I_k], weight_hh_l{k} [H, H],
// bias_ih_l{k}, bias_hh_l{k} [H]; I_k = D*H for k > 0; nonlinearity 'tanh' (default) or 'relu'.

import { checkSize, checkTensor, type Float32Tensor } from '../gru/tensor-checks';
import { pytorchStack, type PytorchStackOptions } from '../recurrent/pytorch-stack';
import type { RnnLayerWeights, RnnModel } from './model';

export interface PytorchRnnOptions extends PytorchStackOptions {
  hiddenSize: number;
  nonlinearity?: 'tanh' | 'relu';
  name?: string;
}

export function rnnFromPytorch(params: Record<string, Float32Tensor>, opts: PytorchRnnOptions): RnnModel {
  const H = opts.hiddenSize;
  checkSize('RNN hiddenSize', H);
  const nl = opts.nonlinearity ?? 'tanh';
  if (nl !== 'tanh' && nl !== 'relu') throw new RangeError(`RNN nonlinearity is '${String(nl)}'; expected 'tanh' or 'relu' (nn.RNN)`);
  const { prefix, D, withBias, inputSize: I0 } = pytorchStack(params, opts, H, 'nn.RNN state_dict');
  const layers: RnnLayerWeights[] = [];
  for (let k = 0; k < opts.numLayers; k++) {
    const I = k === 0 ? I0 : D * H;
    checkSize(`layer ${k} input size`, I);
    const directions: RnnLayerWeights['directions'] = [];
    for (let d = 0; d < D; d++) {
      const name = (p: string) => `${prefix}${p}_l${k}${d === 1 ? '_reverse' : ''}`;
      directions.push({
        direction: d === 0 ? 'forward' : 'reverse',
        weights: {
          W: checkTensor(name('weight_ih'), params[name('weight_ih')], [H, I], 'hidden size x input size'),
          R: checkTensor(name('weight_hh'), params[name('weight_hh')], [H, H], 'hidden size x hidden size'),
          bW: withBias ? checkTensor(name('bias_ih'), params[name('bias_ih')], [H], 'input bias') : new Float32Array(H),
          bR: withBias ? checkTensor(name('bias_hh'), params[name('bias_hh')], [H], 'recurrent bias') : new Float32Array(H),
        },
        act: { name: nl === 'relu' ? 'Relu' : 'Tanh' },
      });
    }
    layers.push({ inputSize: I, hiddenSize: H, directions });
  }
  return { name: opts.name ?? 'nn.RNN', source: 'pytorch', layers };
}
