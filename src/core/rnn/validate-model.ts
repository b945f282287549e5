// Checks an RnnModel before the engine touches it.

import { normalizeActivation } from '../gru/activations';
import { checkArray, checkSize } from '../gru/tensor-checks';
import type { RnnModel } from './model';

export function validateRnn(model: RnnModel): void {
  if (!model || !Array.isArray(model.layers) || model.layers.length === 0) {
    throw new RangeError('RNN model has no layers; expected at least one layer');
  }
  if (model.clip !== undefined && !(model.clip > 0 && Number.isFinite(model.clip))) {
    throw new RangeError(`RNN clip is ${model.clip}; expected a finite positive number (or no clip)`);
  }
  model.layers.forEach((layer, k) => {
    checkSize(`RNN layer ${k} hiddenSize`, layer.hiddenSize);
    checkSize(`RNN layer ${k} inputSize`, layer.inputSize);
    const d = layer.directions.length;
    if (d < 1 || d > 2) throw new RangeError(`RNN layer ${k} has ${d} directions; expected 1 or 2`);
    if (d === 2 && (layer.directions[0].direction !== 'forward' || layer.directions[1].direction !== 'reverse')) {
      throw new RangeError(`RNN layer ${k} has directions [${layer.directions.map((x) => x.direction).join(', ')}]; a two-direction layer must be [forward, reverse]`);
    }
    if (k > 0) {
      const prev = model.layers[k - 1];
      const expected = prev.hiddenSize * prev.directions.length;
      if (layer.inputSize !== expected) throw new RangeError(`RNN layer ${k} inputSize is ${layer.inputSize}; expected ${expected} (layer ${k - 1} hidden size x directions)`);
    }
    const H = layer.hiddenSize;
    for (const dir of layer.directions) {
      const tag = `RNN layer ${k} ${dir.direction}`;
      if (dir.direction !== 'forward' && dir.direction !== 'reverse') throw new RangeError(`${tag}: direction must be 'forward' or 'reverse'`);
      checkArray(`${tag} W`, dir.weights.W, [H, layer.inputSize], 'hidden size x input size');
      checkArray(`${tag} R`, dir.weights.R, [H, H], 'hidden size x hidden size');
      checkArray(`${tag} bW`, dir.weights.bW, [H], 'input bias');
      checkArray(`${tag} bR`, dir.weights.bR, [H], 'recurrent bias');
      normalizeActivation(dir.act);
    }
  });
}
