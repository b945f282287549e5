// One ONNX GRU node -> GruModel (one layer). Gate order z, r, h; W [D, 3H, I], R [D, 3H, H],
// B [D, 6H] = [Wb_zrh, Rb_zrh]. linear_before_reset picks the candidate's form. Activations:
// f (r, z) and g (candidate) per direction, alpha/beta consumed in order by the functions that
// take them (ONNX GRU spec; onnxruntime does the same).

import type { ActivationSpec } from '../trace/document';
import { checkOnnxCommon, onnxDirections, recurrentActivations } from '../recurrent/onnx-attributes';
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

/** The activations of a GRU with `count` / 2 directions: f (r, z) and g (candidate) per direction, default Sigmoid, Tanh. */
export function onnxActivations(count: number, names?: string[], alphas?: number[], betas?: number[]): ActivationSpec[] {
  return recurrentActivations('GRU', 2, count / 2, ['Sigmoid', 'Tanh'], names, alphas, betas);
}

export function fromOnnx(node: OnnxGruNode): GruModel {
  const H = node.hiddenSize;
  checkSize('GRU hidden_size', H);
  const dirs = onnxDirections('GRU', node.direction);
  checkOnnxCommon('GRU', node);
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
