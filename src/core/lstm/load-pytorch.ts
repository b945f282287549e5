// PyTorch nn.LSTM state_dict -> LstmModel. Gate order i, f, g, o. Names per layer k and direction
// (suffix _reverse): weight_ih_l{k} [4H, I_k], weight_hh_l{k} [4H, Hr], bias_ih_l{k}, bias_hh_l{k}
// [4H] (both added), and with proj_size > 0 weight_hr_l{k} [P, H]; Hr = P when projecting, else H;
// I_k = D * Hr for k > 0. No peepholes, no clip, activations sigmoid / tanh / tanh.

import type { Float32Tensor } from '../gru/tensor-checks';
import { checkSize, checkTensor } from '../gru/tensor-checks';
import { pytorchStack, type PytorchStackOptions } from '../recurrent/pytorch-stack';
import { INTERNAL_ORDER, PYTORCH_ORDER, reorderBlocks } from './gate-blocks';
import type { LstmLayerWeights, LstmModel } from './model';

export interface PytorchLstmOptions extends PytorchStackOptions {
  hiddenSize: number;
  /** nn.LSTM(proj_size=P); 0 or absent = no projection. */
  projSize?: number;
  name?: string;
}

export function lstmFromPytorch(params: Record<string, Float32Tensor>, opts: PytorchLstmOptions): LstmModel {
  const H = opts.hiddenSize;
  checkSize('LSTM hiddenSize', H);
  const P = opts.projSize ?? 0;
  if (P !== 0) {
    checkSize('LSTM projSize', P);
    if (P >= H) throw new RangeError(`projSize is ${P}; expected less than hiddenSize ${H} (PyTorch's rule)`);
  }
  const Hr = P || H;
  const { prefix, D, withBias, inputSize: I0 } = pytorchStack(params, opts, 4 * H, 'nn.LSTM state_dict');
  const layers: LstmLayerWeights[] = [];
  for (let k = 0; k < opts.numLayers; k++) {
    const I = k === 0 ? I0 : D * Hr;
    checkSize(`layer ${k} input size`, I);
    const directions: LstmLayerWeights['directions'] = [];
    for (let d = 0; d < D; d++) {
      const sfx = `l${k}${d === 1 ? '_reverse' : ''}`;
      const name = (p: string) => `${prefix}${p}_${sfx}`;
      const W = checkTensor(name('weight_ih'), params[name('weight_ih')], [4 * H, I], 'gates i, f, g, o x input size');
      const R = checkTensor(name('weight_hh'), params[name('weight_hh')], [4 * H, Hr], `gates i, f, g, o x ${P ? 'proj_size' : 'hidden size'}`);
      const bW = withBias ? checkTensor(name('bias_ih'), params[name('bias_ih')], [4 * H], 'input bias i, f, g, o') : new Float32Array(4 * H);
      const bR = withBias ? checkTensor(name('bias_hh'), params[name('bias_hh')], [4 * H], 'recurrent bias i, f, g, o') : new Float32Array(4 * H);
      const reorder = (a: Float32Array, cols: number) => reorderBlocks(a, 0, H, cols, PYTORCH_ORDER, INTERNAL_ORDER);
      const weights = { W: reorder(W, I), R: reorder(R, Hr), bW: reorder(bW, 1), bR: reorder(bR, 1) } as LstmLayerWeights['directions'][number]['weights'];
      if (P) weights.Wproj = checkTensor(name('weight_hr'), params[name('weight_hr')], [P, H], 'proj_size x hidden size');
      directions.push({ direction: d === 0 ? 'forward' : 'reverse', weights, f: { name: 'Sigmoid' }, g: { name: 'Tanh' }, h: { name: 'Tanh' } });
    }
    const layer: LstmLayerWeights = { inputSize: I, hiddenSize: H, directions };
    if (P) layer.projSize = P;
    layers.push(layer);
  }
  return { name: opts.name ?? 'nn.LSTM', source: 'pytorch', gateOrder: [...PYTORCH_ORDER], inputForget: false, layers };
}
