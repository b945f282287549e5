// Checks an LstmModel (whatever loader or caller built it) before the engine touches it.

import { normalizeActivation } from '../gru/activations';
import { checkArray, checkSize } from '../gru/tensor-checks';
import { outputSize, type LstmModel } from './model';

export function validateLstm(model: LstmModel): void {
  if (!model || !Array.isArray(model.layers) || model.layers.length === 0) {
    throw new RangeError('LSTM model has no layers; expected at least one layer');
  }
  if (model.clip !== undefined && !(model.clip > 0 && Number.isFinite(model.clip))) {
    throw new RangeError(`LSTM clip is ${model.clip}; expected a finite positive number (or no clip)`);
  }
  model.layers.forEach((layer, k) => {
    checkSize(`LSTM layer ${k} hiddenSize`, layer.hiddenSize);
    checkSize(`LSTM layer ${k} inputSize`, layer.inputSize);
    if (layer.projSize !== undefined) {
      checkSize(`LSTM layer ${k} projSize`, layer.projSize);
      if (layer.projSize >= layer.hiddenSize) {
        throw new RangeError(`LSTM layer ${k} projSize is ${layer.projSize}; expected less than hiddenSize ${layer.hiddenSize} (PyTorch's rule)`);
      }
    }
    const d = layer.directions.length;
    if (d < 1 || d > 2) throw new RangeError(`LSTM layer ${k} has ${d} directions; expected 1 or 2`);
    if (d === 2 && (layer.directions[0].direction !== 'forward' || layer.directions[1].direction !== 'reverse')) {
      throw new RangeError(`LSTM layer ${k} has directions [${layer.directions.map((x) => x.direction).join(', ')}]; a two-direction layer must be [forward, reverse]`);
    }
    if (k > 0) {
      const prev = model.layers[k - 1];
      const expected = outputSize(prev) * prev.directions.length;
      if (layer.inputSize !== expected) {
        throw new RangeError(`LSTM layer ${k} inputSize is ${layer.inputSize}; expected ${expected} (layer ${k - 1} output size x directions)`);
      }
    }
    const H = layer.hiddenSize;
    const I = layer.inputSize;
    const Hr = outputSize(layer);
    for (const dir of layer.directions) {
      const tag = `LSTM layer ${k} ${dir.direction}`;
      if (dir.direction !== 'forward' && dir.direction !== 'reverse') throw new RangeError(`${tag}: direction must be 'forward' or 'reverse'`);
      const w = dir.weights;
      checkArray(`${tag} W`, w.W, [4 * H, I], 'gate blocks i, f, g, o x input size');
      checkArray(`${tag} R`, w.R, [4 * H, Hr], 'gate blocks i, f, g, o x hidden (or projection) size');
      checkArray(`${tag} bW`, w.bW, [4 * H], 'input bias i, f, g, o');
      checkArray(`${tag} bR`, w.bR, [4 * H], 'recurrent bias i, f, g, o');
      if (w.P !== undefined) checkArray(`${tag} P`, w.P, [3 * H], 'peepholes i, f, o');
      if ((w.Wproj !== undefined) !== (layer.projSize !== undefined)) {
        throw new RangeError(`${tag}: a projection matrix needs projSize and projSize needs one (both or neither)`);
      }
      if (w.Wproj !== undefined) checkArray(`${tag} Wproj`, w.Wproj, [Hr, H], 'projection size x hidden size');
      normalizeActivation(dir.f);
      normalizeActivation(dir.g);
      normalizeActivation(dir.h);
    }
  });
}
