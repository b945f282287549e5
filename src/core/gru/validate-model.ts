// Checks a GruModel (whatever loader or caller built it) before the engine touches it.

import { normalizeActivation } from './activations';
import type { GruModel } from './model';
import { checkArray, checkSize } from './tensor-checks';

export function validateModel(model: GruModel): void {
  if (!model || !Array.isArray(model.layers) || model.layers.length === 0) {
    throw new RangeError('GRU model has no layers; expected at least one layer');
  }
  if (model.zMeaning !== 'keep-old' && model.zMeaning !== 'take-new') {
    throw new RangeError(`GRU model zMeaning is '${String(model.zMeaning)}'; expected 'keep-old' or 'take-new'`);
  }
  if (model.clip !== undefined && !(model.clip > 0 && Number.isFinite(model.clip))) {
    throw new RangeError(`GRU clip is ${model.clip}; expected a finite positive number (or no clip)`);
  }
  model.layers.forEach((layer, k) => {
    checkSize(`layer ${k} hiddenSize`, layer.hiddenSize);
    checkSize(`layer ${k} inputSize`, layer.inputSize);
    const d = layer.directions.length;
    if (d < 1 || d > 2) throw new RangeError(`layer ${k} has ${d} directions; expected 1 or 2`);
    if (d === 2 && (layer.directions[0].direction !== 'forward' || layer.directions[1].direction !== 'reverse')) {
      throw new RangeError(`layer ${k} has directions [${layer.directions.map((x) => x.direction).join(', ')}]; a two-direction layer must be [forward, reverse]`);
    }
    if (k > 0) {
      const prev = model.layers[k - 1];
      const expected = prev.hiddenSize * prev.directions.length;
      if (layer.inputSize !== expected) {
        throw new RangeError(`layer ${k} inputSize is ${layer.inputSize}; expected ${expected} (layer ${k - 1} hidden size x directions)`);
      }
    }
    const H = layer.hiddenSize;
    const I = layer.inputSize;
    for (const dir of layer.directions) {
      const tag = `layer ${k} ${dir.direction}`;
      if (dir.direction !== 'forward' && dir.direction !== 'reverse') {
        throw new RangeError(`${tag}: direction must be 'forward' or 'reverse'`);
      }
      checkArray(`${tag} W`, dir.weights.W, [3 * H, I], 'gate blocks r, z, n x input size');
      checkArray(`${tag} R`, dir.weights.R, [3 * H, H], 'gate blocks r, z, n x hidden size');
      checkArray(`${tag} bW`, dir.weights.bW, [3 * H], 'input bias r, z, n');
      checkArray(`${tag} bR`, dir.weights.bR, [3 * H], 'recurrent bias r, z, n');
      normalizeActivation(dir.f);
      normalizeActivation(dir.g);
    }
  });
}
