// One ONNX GRU node -> GruModel (one layer). Gate order z, r, h; W [D, 3H, I], R [D, 3H, H],
// B [D, 6H] = [Wb_zrh, Rb_zrh]. linear_before_reset picks the candidate's form. Activations:
// f (r, z) and g (candidate) per direction, alpha/beta consumed in order by the functions that
// take them (ONNX GRU spec; onnxruntime does the same).

import type { ActivationSpec } from '../trace/document';
import { recurrentActivations } from '../recurrent/onnx-attributes';
import { onnxNodeWeights } from '../recurrent/onnx-weights';
import { ONNX_ORDER, reorderRows } from './gate-blocks';
import type { GruLayerWeights, GruModel } from './model';
import type { Float32Tensor } from './tensor-checks';

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
  const { H, I, dirs, W, R, B } = onnxNodeWeights('GRU', node, 3, 'gates z, r, h', '[Wb z, r, h; Rb z, r, h]');
  const D = dirs.length;
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
