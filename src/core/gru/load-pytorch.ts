// PyTorch nn.GRU state_dict -> GruModel. Gate order r, z, n; reset after the recurrent product;
// h = (1 - z) n + z h_prev. Names: weight_ih_l{k}[_reverse] [3H, I_k], weight_hh_l{k} [3H, H],
// bias_ih_l{k}, bias_hh_l{k} [3H]; I_k = D*H for k > 0.

import type { GruLayerWeights, GruModel } from './model';
import { PYTORCH_ORDER, reorderRows } from './gate-blocks';
import { checkSize, checkTensor, type Float32Tensor } from './tensor-checks';
import { pytorchStack, type PytorchStackOptions } from '../recurrent/pytorch-stack';

export interface PytorchGruOptions extends PytorchStackOptions {
  hiddenSize: number;
  name?: string;
}

export function fromPytorch(params: Record<string, Float32Tensor>, opts: PytorchGruOptions): GruModel {
  const H = opts.hiddenSize;
  checkSize('hiddenSize', H);
  const { prefix, D, withBias, inputSize: I0 } = pytorchStack(params, opts, 3 * H, 'gates r, z, n x input size');
  checkSize(`${prefix}weight_ih_l0 input size`, I0);
  const layers: GruLayerWeights[] = [];
  for (let k = 0; k < opts.numLayers; k++) {
    const I = k === 0 ? I0 : D * H;
    const directions: GruLayerWeights['directions'] = [];
    for (let d = 0; d < D; d++) {
      const sfx = `l${k}${d === 1 ? '_reverse' : ''}`;
      const W = checkTensor(`${prefix}weight_ih_${sfx}`, params[`${prefix}weight_ih_${sfx}`], [3 * H, I], 'gates r, z, n x input size');
      const R = checkTensor(`${prefix}weight_hh_${sfx}`, params[`${prefix}weight_hh_${sfx}`], [3 * H, H], 'gates r, z, n x hidden size');
      const bW = withBias ? checkTensor(`${prefix}bias_ih_${sfx}`, params[`${prefix}bias_ih_${sfx}`], [3 * H], 'input bias r, z, n') : new Float32Array(3 * H);
      const bR = withBias ? checkTensor(`${prefix}bias_hh_${sfx}`, params[`${prefix}bias_hh_${sfx}`], [3 * H], 'recurrent bias r, z, n') : new Float32Array(3 * H);
      directions.push({
        direction: d === 0 ? 'forward' : 'reverse',
        weights: {
          W: reorderRows(W, 0, H, I, PYTORCH_ORDER),
          R: reorderRows(R, 0, H, H, PYTORCH_ORDER),
          bW: reorderRows(bW, 0, H, 1, PYTORCH_ORDER),
          bR: reorderRows(bR, 0, H, 1, PYTORCH_ORDER),
        },
        f: { name: 'Sigmoid' },
        g: { name: 'Tanh' },
      });
    }
    layers.push({ inputSize: I, hiddenSize: H, directions });
  }
  return {
    name: opts.name ?? 'nn.GRU',
    source: 'pytorch',
    gateOrder: [...PYTORCH_ORDER],
    linearBeforeReset: true,
    zMeaning: 'keep-old',
    layers,
  };
}
