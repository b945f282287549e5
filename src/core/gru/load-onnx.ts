// One ONNX GRU node -> GruModel (one layer). Gate order z, r, h; W [D, 3H, I], R [D, 3H, H],
// B [D, 6H] = [Wb_zrh, Rb_zrh]. linear_before_reset picks the candidate's form. Activations:
// f (r, z) and g (candidate) per direction, alpha/beta consumed in order by the functions that
// take them (ONNX GRU spec; onnxruntime does the same).

import type { ActivationSpec } from '../trace/document';
import { activationParams, normalizeActivation } from './activations';
import { ONNX_ORDER, reorderRows } from './gate-blocks';
import type { GruLayerWeights, GruModel } from './model';
import { checkSize, checkTensor, type Float32Tensor } from './tensor-checks';
import { formatDims } from '../io/tensor';

export interface OnnxGruNode {
  W: Float32Tensor;
  R: Float32Tensor;
  B?: Float32Tensor;
  hiddenSize: number;
  direction: 'forward' | 'reverse' | 'bidirectional';
  linearBeforeReset: boolean;
  activations?: string[];
  activationAlpha?: number[];
  activationBeta?: number[];
  clip?: number;
  /** ONNX layout attribute: 0 = X is [T, B, I], 1 = [B, T, I]. Runs pass batchFirst = layout === 1. */
  layout?: 0 | 1;
  name?: string;
}

/** Resolves an ONNX activations/activation_alpha/activation_beta triple into per-function specs. */
export function onnxActivations(count: number, names?: string[], alphas?: number[], betas?: number[]): ActivationSpec[] {
  const list = names && names.length ? names : [];
  let resolved: string[];
  if (list.length === 0) resolved = Array.from({ length: count }, (_, i) => (i % 2 === 0 ? 'Sigmoid' : 'Tanh'));
  else if (list.length === count) resolved = list;
  else if (list.length === 2 && count === 4) resolved = [...list, ...list];
  else {
    throw new RangeError(`GRU activations has ${list.length} names [${list.join(', ')}]; expected ${count} (f and g for each direction)`);
  }
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

export function fromOnnx(node: OnnxGruNode): GruModel {
  const H = node.hiddenSize;
  checkSize('GRU hidden_size', H);
  const dirs = node.direction === 'bidirectional' ? (['forward', 'reverse'] as const) : node.direction === 'reverse' ? (['reverse'] as const) : node.direction === 'forward' ? (['forward'] as const) : null;
  if (!dirs) throw new RangeError(`GRU direction is '${String(node.direction)}'; expected forward, reverse or bidirectional`);
  if (node.layout !== undefined && node.layout !== 0 && node.layout !== 1) {
    throw new RangeError(`GRU layout is ${String(node.layout)}; expected 0 ([T, B, I]) or 1 ([B, T, I])`);
  }
  if (node.clip !== undefined && !(node.clip > 0 && Number.isFinite(node.clip))) {
    throw new RangeError(`GRU clip is ${node.clip}; expected a finite positive number`);
  }
  const D = dirs.length;
  if (!node.W || !Array.isArray(node.W.dims) || node.W.dims.length !== 3) {
    throw new RangeError(`GRU input W has shape ${node.W ? formatDims(node.W.dims) : 'missing'}; expected [${D}, ${3 * H}, input_size]`);
  }
  const I = node.W.dims[2];
  checkSize('GRU input size (W dims[2])', I);
  const W = checkTensor('GRU input W', node.W, [D, 3 * H, I], 'directions x gates z, r, h x input size');
  const R = checkTensor('GRU input R', node.R, [D, 3 * H, H], 'directions x gates z, r, h x hidden size');
  const B = node.B ? checkTensor('GRU input B', node.B, [D, 6 * H], 'directions x [Wb z, r, h; Rb z, r, h]') : new Float32Array(D * 6 * H);
  const acts = onnxActivations(2 * D, node.activations, node.activationAlpha, node.activationBeta);
  const directions: GruLayerWeights['directions'] = dirs.map((direction, d) => ({
    direction,
    weights: {
      W: reorderRows(W, d * 3 * H * I, H, I, ONNX_ORDER),
      R: reorderRows(R, d * 3 * H * H, H, H, ONNX_ORDER),
      bW: reorderRows(B, d * 6 * H, H, 1, ONNX_ORDER),
      bR: reorderRows(B, d * 6 * H + 3 * H, H, 1, ONNX_ORDER),
    },
    f: acts[2 * d],
    g: acts[2 * d + 1],
  }));
  const model: GruModel = {
    name: node.name ?? 'GRU',
    source: 'onnx',
    gateOrder: [...ONNX_ORDER],
    linearBeforeReset: node.linearBeforeReset,
    zMeaning: 'keep-old',
    layers: [{ inputSize: I, hiddenSize: H, directions }],
  };
  if (node.clip !== undefined) model.clip = node.clip;
  return model;
}
