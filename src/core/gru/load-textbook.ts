// The textbook GRU (Chung et al. 2014; the project's seed) -> GruModel:
//   r = σ(W_r [h, x] + b_r),  z = σ(W_z [h, x] + b_z)
//   h' = tanh(W_h [r ⊙ h, x] + b_h)                 reset before the linear map
//   h_t = (1 - z) ⊙ h + z ⊙ h'                      z takes the NEW candidate
// Each W_* is [H, H + I] acting on the concatenation [h_{t-1}, x_t] (h first).

import type { GruModel } from './model';
import { checkSize, checkTensor, type Float32Tensor } from './tensor-checks';
import { formatDims } from '../io/tensor';

export interface TextbookGruWeights {
  Wr: Float32Tensor;
  Wz: Float32Tensor;
  Wh: Float32Tensor;
  br?: Float32Tensor;
  bz?: Float32Tensor;
  bh?: Float32Tensor;
  name?: string;
}

export function fromTextbook(w: TextbookGruWeights): GruModel {
  if (!w.Wr || !Array.isArray(w.Wr.dims) || w.Wr.dims.length !== 2) {
    throw new RangeError(`textbook GRU Wr has shape ${w.Wr ? formatDims(w.Wr.dims) : 'missing'}; expected [H, H + I] acting on [h, x]`);
  }
  const H = w.Wr.dims[0];
  const I = w.Wr.dims[1] - H;
  checkSize('textbook GRU hidden size (Wr dims[0])', H);
  checkSize('textbook GRU input size (Wr dims[1] - H)', I);
  const C = H + I;
  const mats = (['Wr', 'Wz', 'Wh'] as const).map((n) => checkTensor(`textbook GRU ${n}`, w[n], [H, C], 'hidden size x [h, x]'));
  const biases = (['br', 'bz', 'bh'] as const).map((n) => (w[n] ? checkTensor(`textbook GRU ${n}`, w[n], [H], 'hidden size') : new Float32Array(H)));
  const W = new Float32Array(3 * H * I);
  const R = new Float32Array(3 * H * H);
  const bW = new Float32Array(3 * H);
  mats.forEach((m, g) => {
    for (let i = 0; i < H; i++) {
      R.set(m.subarray(i * C, i * C + H), (g * H + i) * H);
      W.set(m.subarray(i * C + H, (i + 1) * C), (g * H + i) * I);
    }
    bW.set(biases[g], g * H);
  });
  return {
    name: w.name ?? 'textbook GRU',
    source: 'textbook',
    gateOrder: ['r', 'z', 'n'],
    linearBeforeReset: false,
    zMeaning: 'take-new',
    layers: [{ inputSize: I, hiddenSize: H, directions: [{ direction: 'forward', weights: { W, R, bW, bR: new Float32Array(3 * H) }, f: { name: 'Sigmoid' }, g: { name: 'Tanh' } }] }],
  };
}
