// The attributes every ONNX recurrent operator (GRU, LSTM, RNN) shares: activations with their
// alpha/beta, direction, layout and clip (ONNX operator specs). One reader for all three loaders.

import type { ActivationSpec } from '../trace/document';
import { activationParams, normalizeActivation } from '../gru/activations';

/**
 * Resolves activations / activation_alpha / activation_beta for a recurrent node with `perDir`
 * functions per direction (LSTM 3, GRU 2, RNN 1) and `dirs` directions. Absent names take
 * `defaults`; one direction's list is repeated for the reverse direction when only it is given.
 */
export function recurrentActivations(op: string, perDir: number, dirs: number, defaults: readonly string[], names?: string[], alphas?: number[], betas?: number[]): ActivationSpec[] {
  const count = perDir * dirs;
  const list = names && names.length ? names : [];
  let resolved: string[];
  if (list.length === 0) resolved = Array.from({ length: count }, (_, i) => defaults[i % perDir]);
  else if (list.length === count) resolved = list;
  else if (list.length === perDir && dirs === 2) resolved = [...list, ...list];
  else throw new RangeError(`${op} activations has ${list.length} names [${list.join(', ')}]; expected ${count} (${perDir} per direction)`);
  let ai = 0;
  let bi = 0;
  return resolved.map((name) => {
    const takes = activationParams(name);
    const spec: ActivationSpec = { name };
    if (takes.alpha && alphas && ai < alphas.length) spec.alpha = alphas[ai++];
    if (takes.beta && betas && bi < betas.length) spec.beta = betas[bi++];
    return normalizeActivation(spec);
  });
}

/** The directions an ONNX recurrent node runs, or a RangeError naming the bad attribute. */
export function onnxDirections(op: string, direction: string): readonly ('forward' | 'reverse')[] {
  if (direction === 'bidirectional') return ['forward', 'reverse'];
  if (direction === 'reverse') return ['reverse'];
  if (direction === 'forward') return ['forward'];
  throw new RangeError(`${op} direction is '${String(direction)}'; expected forward, reverse or bidirectional`);
}

export function checkOnnxCommon(op: string, node: { layout?: number; clip?: number }): void {
  if (node.layout !== undefined && node.layout !== 0 && node.layout !== 1) {
    throw new RangeError(`${op} layout is ${String(node.layout)}; expected 0 ([T, B, I]) or 1 ([B, T, I])`);
  }
  if (node.clip !== undefined && !(node.clip > 0 && Number.isFinite(node.clip))) {
    throw new RangeError(`${op} clip is ${node.clip}; expected a finite positive number`);
  }
}
